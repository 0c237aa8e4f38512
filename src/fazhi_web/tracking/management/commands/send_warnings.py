"""manage.py send_warnings: in-app notifications and e-mails for tasks due within N days or overdue, and for
cycle reports due (safe to run twice: each warning reaches a person once). Run it daily, e.g. from cron."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fazhi_web.tracking.actions import send_warnings


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = ("发送到期提醒：对 N 天内到期或已逾期的任务、即将截止或已逾期的进展报送，向承担单位的填报员和审核人"
            "发送站内通知和电子邮件（有邮箱的）。重复运行不会重复提醒。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"提前几天提醒（默认取设置 FAZHI_WARN_DAYS，现为 {settings.FAZHI_WARN_DAYS}）")
        parser.add_argument("--as-of", type=_day, default=None, help="按哪一天计算，YYYY-MM-DD（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.FAZHI_WARN_DAYS if options["days"] is None else options["days"]
        if not 0 <= days <= 366:
            raise CommandError("--days 须在 0—366 之间")
        as_of = options["as_of"] or timezone.localdate()
        made, mailed = send_warnings(as_of=as_of, days=days, base_url=settings.FAZHI_BASE_URL)
        self.stdout.write(f"{as_of:%Y-%m-%d}，提前 {days} 天：新增站内提醒 {made} 条，发送邮件 {mailed} 封。")
