"""Background jobs: a province-size whole ledger built as a job, and the time from enqueue to done through Redis
(figures, never assertions). Uses a throwaway SQLite database in a temporary folder.

    .venv/bin/python bench/bench_jobs.py --tasks 300 --units 100 [--redis redis://127.0.0.1:6379/13]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--units", type=int, default=100, help="units assigned to every task (rows = tasks × units)")
    parser.add_argument("--redis", default="", help="also measure enqueue → done through this Redis")
    parser.add_argument("--jobs", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(FAZHI_DATA_DIR=tempfile.mkdtemp(prefix="fazhi-bench-jobs-"), FAZHI_DEBUG="1",
                      DJANGO_SETTINGS_MODULE="fazhi_web.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    office, cycle = _world(args.tasks, args.units)
    _ledger(office, cycle)
    if args.redis:
        _redis(args.redis, office, cycle, args.jobs)


def _world(tasks: int, units: int):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from fazhi_web.plans.models import Assignment, Jurisdiction, Level, Membership, Plan, Role, Task, Unit
    from fazhi_web.tracking import actions

    place = Jurisdiction.objects.create(name="测试省", level=Level.PROVINCE)
    made = Unit.objects.bulk_create(Unit(jurisdiction=place, name=f"测试单位{n:03d}") for n in range(units))
    plan = Plan.objects.create(jurisdiction=place, title="测试省法治政府建设实施方案")
    rows = Task.objects.bulk_create(Task(plan=plan, path=str(n), label=f"{n}.", title=f"第{n}项任务",
                                         text="全面推进严格规范公正文明执法。" * 3, order=n) for n in range(tasks))
    Assignment.objects.bulk_create(Assignment(task=t, unit=u, role="lead" if i == 0 else "participating")
                                   for t in rows for i, u in enumerate(made))
    office = User.objects.create_user("bench-office")
    Membership.objects.create(user=office, role=Role.OFFICE, jurisdiction=place)
    cycle = actions.open_cycles(plan=plan, frequency="quarterly", year=2025, due_days=5, user=None)[0]
    return office, cycle


def _ledger(office, cycle) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    from fazhi_web.jobs.actions import enqueue_job
    from fazhi_web.jobs.models import JobKind

    settings.FAZHI_JOBS_SYNC = True
    start = time.perf_counter()
    job = enqueue_job(kind=JobKind.LEDGER, owner=office, jurisdiction=cycle.plan.jurisdiction, title="台账",
                      arguments={"cycle": cycle.pk, "as_of": "2025-03-31"})
    took = time.perf_counter() - start
    size = job.result_file.size if job.result_file else 0
    print(f"whole ledger as a job: {cycle.plan.tasks.count()} tasks, "
          f"{sum(1 for _ in cycle.plan.tasks.values('assignments'))} rows → {job.status} in {took:.1f} s, "
          f"{size / 1e6:.1f} MB")


def _redis(url: str, office, cycle, count: int) -> None:  # type: ignore[no-untyped-def]
    import dramatiq
    from django.conf import settings

    from fazhi_web.jobs import dispatch
    from fazhi_web.jobs.actions import enqueue_job
    from fazhi_web.jobs.models import Job, JobKind
    from fazhi_web.plans.models import Plan

    settings.FAZHI_JOBS_SYNC = False
    settings.FAZHI_JOBS_BROKER, settings.FAZHI_JOBS_QUEUE = url, f"fazhi-bench-{uuid.uuid4().hex[:8]}"
    actor = dispatch.job_actor()
    worker = dramatiq.Worker(actor.broker, queues={actor.queue_name}, worker_threads=1, worker_timeout=100)
    worker.start()
    task = Plan.objects.get().tasks.first()
    times = []
    try:
        for _ in range(count):  # a peers job with no peers: the queue's and the runner's own cost
            start = time.perf_counter()
            job = enqueue_job(kind=JobKind.PEER_ALIGNMENTS, owner=office, jurisdiction=cycle.plan.jurisdiction,
                              title="对照", arguments={"plan": cycle.plan_id, "task": task.pk})
            while not Job.objects.get(pk=job.pk).finished:
                time.sleep(0.005)
            times.append(time.perf_counter() - start)
    finally:
        worker.stop()
        actor.broker.flush(actor.queue_name)
    print(f"Redis enqueue → done ({count} jobs, one worker thread): "
          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
