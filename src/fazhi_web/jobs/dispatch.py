"""Where a job runs once it is stored:

* ``FAZHI_JOBS_BROKER`` set (``redis://…`` or ``amqp://…``): a message holding only the job's id goes to the queue
  ``FAZHI_JOBS_QUEUE`` of a Dramatiq broker, and a worker (``fazhi manage run_jobs``, or
  ``dramatiq fazhi_web.jobs.worker``) runs it;
* no broker: a small thread pool in the web process (``FAZHI_JOBS_THREADS``), so the demo needs nothing extra
  and its pages still show progress;
* ``FAZHI_JOBS_SYNC``: inside the request, for tests.

The job is sent after the transaction that stored it commits, so a worker never looks for a row it cannot see.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import dramatiq
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connections, transaction
from dramatiq.middleware import default_middleware

from .runner import run_job

log = logging.getLogger("fazhi_web.jobs")

ACTOR_NAME = "fazhi_job"
MAX_RETRIES = 3  # a message whose handling raised (the database unreachable, say) is tried again, then dropped

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_actors: dict[tuple[str, str], dramatiq.Actor[[int], None]] = {}


def send_after_commit(job_id: int) -> None:
    """Hand the stored job to whatever runs jobs here, once the current transaction has committed."""
    if settings.FAZHI_JOBS_SYNC:
        run_job(job_id)
    else:
        transaction.on_commit(lambda: _send(job_id))


def _send(job_id: int) -> None:
    if not settings.FAZHI_JOBS_BROKER:
        _thread_pool().submit(_run_in_thread, job_id)
        return
    try:
        job_actor().send(job_id)
    except Exception:
        log.exception("job %s could not be sent to the queue", job_id)
        from .models import Job
        from .runner import _fail

        job = Job.objects.get(pk=job_id)
        _fail(job, "无法连接后台任务队列，任务未能提交，请稍后重试或联系系统管理员。")


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, settings.FAZHI_JOBS_THREADS), thread_name_prefix="fazhi-job")
        return _pool


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    except BaseException:
        log.exception("job %s stopped", job_id)
    finally:
        connections.close_all()  # this thread's own connections; the pool thread lives on


# ------------------------------------------------------------------------------------------ Dramatiq


class DatabaseConnections(dramatiq.Middleware):
    """Django's request cycle for worker threads: connections past CONN_MAX_AGE or broken are closed before and
    after each message (and reused otherwise), and a thread's connections are closed when it stops."""

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        close_old_connections()

    def after_process_message(self, broker: dramatiq.Broker, message: Any, *, result: Any = None,
                              exception: BaseException | None = None) -> None:
        close_old_connections()

    after_skip_message = after_process_message

    def before_worker_thread_shutdown(self, broker: dramatiq.Broker, thread: Any) -> None:
        connections.close_all()


def make_broker(url: str) -> dramatiq.Broker:
    """A Dramatiq broker for ``redis://``/``rediss://`` or ``amqp://``/``amqps://`` (RabbitMQ needs pika)."""
    middleware = [m() for m in default_middleware] + [DatabaseConnections()]
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url, middleware=middleware)
    if scheme in ("amqp", "amqps"):
        try:
            from dramatiq.brokers.rabbitmq import RabbitmqBroker
        except ImportError as missing:
            raise ImproperlyConfigured("FAZHI_JOBS_BROKER 指向 RabbitMQ，需要先安装 pika："
                                       "pip install 'dramatiq[rabbitmq]'") from missing
        return RabbitmqBroker(url=url, middleware=middleware)
    raise ImproperlyConfigured(f"FAZHI_JOBS_BROKER 的地址应以 redis:// 或 amqp:// 开头，现为“{scheme or url}”")


def job_actor() -> dramatiq.Actor[[int], None]:
    """The actor for the configured broker and queue (one per pair, made once)."""
    url, queue = settings.FAZHI_JOBS_BROKER, settings.FAZHI_JOBS_QUEUE
    if not url:
        raise ImproperlyConfigured("未设置 FAZHI_JOBS_BROKER：后台任务在网站进程内运行，无需单独的处理进程")
    with _lock:
        if (url, queue) not in _actors:
            _actors[(url, queue)] = dramatiq.Actor(
                perform, broker=make_broker(url), actor_name=ACTOR_NAME, queue_name=queue, priority=0,
                options={"max_retries": MAX_RETRIES, "time_limit": settings.FAZHI_JOBS_TIME_LIMIT_SECONDS * 1000})
        return _actors[(url, queue)]


def perform(job_id: int) -> None:
    """What a worker does with a message: the message holds the job's id, nothing else."""
    run_job(int(job_id))
