"""manage.py purge_jobs: delete finished background jobs and their files after FAZHI_JOBS_KEEP_DAYS days."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi_web.jobs.actions import purge_finished_jobs


class Command(BaseCommand):
    help = ("删除结束（已完成或未完成）超过指定天数的后台任务及其文件（如导出的台账）。等待或正在处理的任务不受影响。"
            "默认天数由 FAZHI_JOBS_KEEP_DAYS 设定（默认 30）；部署时随每日提醒定时运行。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"保留最近多少天内结束的任务（默认 {settings.FAZHI_JOBS_KEEP_DAYS}）")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.FAZHI_JOBS_KEEP_DAYS if options["days"] is None else options["days"]
        if days < 0:
            raise CommandError("--days 不能为负数。")
        deleted = purge_finished_jobs(days=days)
        self.stdout.write(f"已删除 {deleted} 个已结束超过 {days} 天的后台任务。")
