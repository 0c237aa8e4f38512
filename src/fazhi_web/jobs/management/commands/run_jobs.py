"""manage.py run_jobs: a Dramatiq worker for the background jobs, in this process (see docs/jobs.md)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import dramatiq
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi_web.jobs.actions import expire_stale_jobs
from fazhi_web.jobs.dispatch import job_actor


class Command(BaseCommand):
    help = ("运行后台任务处理进程（Dramatiq worker）：从 FAZHI_JOBS_BROKER 指定的队列（FAZHI_JOBS_QUEUE）取任务并执行，"
            "收到 SIGTERM 或 Ctrl-C 后做完手头的任务再退出。未设置 FAZHI_JOBS_BROKER 时任务在网站进程内运行，无需本命令。"
            "可同时运行多个。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threads", type=int, default=2, help="同时执行的任务数（默认 2）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.FAZHI_JOBS_BROKER:
            raise CommandError("未设置 FAZHI_JOBS_BROKER：后台任务在网站进程内运行，无需单独的处理进程。")
        actor = job_actor()
        expired = expire_stale_jobs()
        if expired:
            self.stdout.write(f"已将 {expired} 个中断的任务标记为未完成。")
        worker = dramatiq.Worker(actor.broker, queues={actor.queue_name}, worker_threads=max(1, options["threads"]))
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        worker.start()
        self.stdout.write(f"后台任务处理进程已启动：队列 {actor.queue_name}，{options['threads']} 个线程。")
        try:
            while not stop.wait(1):
                pass
        finally:
            self.stdout.write("正在停止：等待手头的任务完成……")
            worker.stop()
