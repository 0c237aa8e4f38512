"""Background jobs: an upload read as a job lands on its draft, a failed one says why in Chinese and leaves
nothing behind, progress reaches the job's page, a job whose process died does not stay "running", and the same
work runs in the web process's thread pool and through a real Redis queue with a real Dramatiq worker.

Most tests run jobs inside the request (FAZHI_JOBS_SYNC, tests/fazhi_test_settings.py); the thread-pool and the
Redis tests need their own committed rows (other threads read them), so they are transactional and run last.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import dramatiq
import pika
import pytest
import redis
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import OperationalError, close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi_web.jobs import dispatch, kinds
from fazhi_web.jobs.actions import enqueue_job, expire_stale_jobs, purge_finished_jobs
from fazhi_web.jobs.models import Job, JobKind, JobStatus
from fazhi_web.jobs.runner import INTERNAL_ERROR, JobResult, run_job
from fazhi_web.plans import actions
from fazhi_web.plans.models import ImportDraft, Jurisdiction, Level, Membership, Role, SourceDocument

Login = Callable[[str], Client]
REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own: nothing else on this Redis uses it
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
BROKERS = [pytest.param(REDIS_URL, id="redis"), pytest.param(RABBITMQ_URL, id="rabbitmq")]

PLAN = """平昌县测试要点
一、主要任务
（一）推进行政复议规范化建设，审查率达100%，2025年底前完成。（牵头单位：县司法局；配合单位：县财政局）
（二）加强规范性文件管理。（牵头单位：县司法局）
"""


def _upload(client: Client, place: Jurisdiction, name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("upload", kwargs={"pk": place.pk}), {"file": SimpleUploadedFile(name, data)})


def _input_files() -> list[str]:
    return default_storage.listdir("jobs/input")[1] if default_storage.exists("jobs/input") else []


# ------------------------------------------------------------------------------------------ inside the request


@pytest.mark.django_db
def test_an_upload_is_read_as_a_job_and_lands_on_its_draft(login: Login, pingchang: Jurisdiction) -> None:
    response = _upload(login("office"), pingchang, "要点.txt", PLAN.encode())
    job = Job.objects.latest("pk")
    draft = ImportDraft.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert (job.kind, job.status, job.owner.username, job.jurisdiction) == (
        JobKind.IMPORT_PLAN, JobStatus.DONE, "office", pingchang)
    assert job.result_url == draft.get_absolute_url()
    assert (job.done, job.total) == (3, 3) and "2 项任务" in job.message
    assert draft.document.original_name == "要点.txt" and len(draft.content["tasks"]) == 2
    assert not job.input_file and _input_files() == []  # the upload lives on as the draft's document only
    assert "2 项任务" in login("office").get(draft.get_absolute_url()).content.decode()  # the message followed


@pytest.mark.django_db
def test_a_failed_read_records_a_chinese_error_and_leaves_no_draft_and_no_file(login: Login,
                                                                              pingchang: Jurisdiction) -> None:
    drafts, documents = ImportDraft.objects.count(), SourceDocument.objects.count()
    response = _upload(login("office"), pingchang, "目录.txt", "说明\n本文件没有编号条目。\n".encode())
    job = Job.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "没有找到编号的任务条目" in job.error
    assert (ImportDraft.objects.count(), SourceDocument.objects.count()) == (drafts, documents)
    assert _input_files() == []
    page = login("office").get(job.get_absolute_url()).content.decode()
    assert "没有找到编号的任务条目" in page and "重新上传" in page and "<progress" not in page


@pytest.mark.django_db
def test_an_unexpected_error_is_logged_and_the_page_shows_no_traceback(
        login: Login, pingchang: Jurisdiction, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(job: Job, progress: Any) -> JobResult:
        progress(1, 2, "读到一半")
        raise KeyError("internal detail")

    monkeypatch.setitem(kinds.KINDS, JobKind.IMPORT_PLAN, kinds.Kind(broken))
    _upload(login("office"), pingchang, "要点.txt", PLAN.encode())
    job = Job.objects.latest("pk")
    assert job.status == JobStatus.FAILED and job.error == INTERNAL_ERROR
    assert "internal detail" in caplog.text  # the traceback is in the log …
    page = login("office").get(job.get_absolute_url()).content.decode()
    assert "internal detail" not in page and "Traceback" not in page and INTERNAL_ERROR in page  # … not on the page


@pytest.mark.django_db
def test_progress_is_written_to_the_job_while_it_runs(pingchang: Jurisdiction, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, str, str]] = []

    def counting(job: Job, progress: Any) -> JobResult:
        for done in range(4):
            progress(done, 4, f"第 {done + 1} 步")
            row = Job.objects.get(pk=job.pk)
            seen.append((row.done, row.total, row.message, row.status))
        return JobResult(url="/")

    monkeypatch.setitem(kinds.KINDS, JobKind.PEER_ALIGNMENTS, kinds.Kind(counting))
    job = enqueue_job(kind=JobKind.PEER_ALIGNMENTS, owner=User.objects.get(username="office"), jurisdiction=pingchang,
                      title="测试", arguments={"plan": 0, "task": 0})
    assert seen == [(n, 4, f"第 {n + 1} 步", JobStatus.RUNNING) for n in range(4)]
    assert (job.status, job.percent, job.started_at is not None, job.finished_at is not None) == (
        JobStatus.DONE, 100, True, True)


@pytest.mark.django_db
def test_the_job_page_polls_until_the_job_ends_then_sends_htmx_to_the_result(login: Login,
                                                                           pingchang: Jurisdiction) -> None:
    office = login("office")
    job = Job.objects.create(kind=JobKind.IMPORT_PLAN, owner=User.objects.get(username="office"),
                             jurisdiction=pingchang, status=JobStatus.RUNNING, done=1, total=3, message="正在识别任务",
                             heartbeat_at=timezone.now(), arguments={"title": "读取“要点.txt”"})
    page = office.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="33"' in page and "正在识别任务" in page
    fragment = office.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and 'hx-get="/jobs/' in fragment.content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, result_url="/imports/1/", message="已读取")
    done = office.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == "/imports/1/"
    status = office.get(reverse("job-status", kwargs={"pk": job.pk})).json()
    assert (status["status"], status["percent"], status["result_url"]) == ("done", 100, "/imports/1/")


@pytest.mark.django_db
def test_a_job_whose_process_died_is_marked_failed_not_left_running(login: Login, pingchang: Jurisdiction,
                                                                   settings: Any) -> None:
    settings.FAZHI_JOBS_STALE_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=5)
    job = Job.objects.create(kind=JobKind.IMPORT_PLAN, owner=User.objects.get(username="office"),
                             jurisdiction=pingchang, status=JobStatus.RUNNING, started_at=long_ago,
                             heartbeat_at=long_ago, arguments={"title": "读取"})
    fresh = Job.objects.create(kind=JobKind.IMPORT_PLAN, owner=job.owner, jurisdiction=pingchang,
                               status=JobStatus.RUNNING, heartbeat_at=timezone.now(), arguments={"title": "读取"})
    page = login("office").get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "请重新提交" in job.error and "请重新提交" in page
    assert expire_stale_jobs() == 0
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING  # still heard from


def _ended_job(place: Jurisdiction, status: str, days_ago: float, *, file_text: str = "") -> Job:
    from django.core.files.base import ContentFile

    ended = timezone.now() - timedelta(days=days_ago)
    job = Job(kind=JobKind.LEDGER, owner=User.objects.get(username="office"), jurisdiction=place, status=status,
              arguments={"title": "台账"}, finished_at=ended if status in (JobStatus.DONE, JobStatus.FAILED) else None,
              heartbeat_at=ended)
    if file_text:
        job.result_file.save(f"purge-test-{uuid.uuid4().hex}.xlsx", ContentFile(file_text.encode()), save=False)
    job.save()
    return job


@pytest.mark.django_db
def test_old_finished_jobs_and_their_files_are_purged_and_nothing_else(
        pingchang: Jurisdiction, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.core.management import call_command

    settings.FAZHI_JOBS_KEEP_DAYS = 30
    old_done = _ended_job(pingchang, JobStatus.DONE, 31, file_text="old ledger")
    old_failed = _ended_job(pingchang, JobStatus.FAILED, 45)
    recent = _ended_job(pingchang, JobStatus.DONE, 29, file_text="recent ledger")
    still_running = _ended_job(pingchang, JobStatus.RUNNING, 90)  # stale, but expiring it is another step's work
    waiting = _ended_job(pingchang, JobStatus.QUEUED, 90)
    old_file, recent_file = old_done.result_file.name, recent.result_file.name
    assert default_storage.exists(old_file) and default_storage.exists(recent_file)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_jobs", stdout=out)

    assert "已删除 2 个" in out.getvalue()
    remaining = set(Job.objects.values_list("pk", flat=True))
    assert old_done.pk not in remaining and old_failed.pk not in remaining
    assert {recent.pk, still_running.pk, waiting.pk} <= remaining
    assert not default_storage.exists(old_file)
    assert default_storage.exists(recent_file)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_finished_jobs(days=0) == 1  # --days 0: every finished job, the recent one too
    assert not default_storage.exists(recent_file)
    assert {still_running.pk, waiting.pk} <= set(Job.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_purge_refuses_a_negative_number_of_days_in_chinese() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不能为负数"):
        call_command("purge_jobs", "--days", "-1")


@pytest.mark.django_db
def test_a_purge_that_fails_keeps_the_rows_and_their_files(pingchang: Jurisdiction, monkeypatch: pytest.MonkeyPatch,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    job = _ended_job(pingchang, JobStatus.DONE, 400, file_text="ledger")
    name = job.result_file.name

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr("django.db.models.query.QuerySet.delete", refuse)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(OperationalError):
        purge_finished_jobs()
    assert callbacks == []  # the file deletion went with the rolled-back transaction
    assert Job.objects.filter(pk=job.pk).exists() and default_storage.exists(name)
    monkeypatch.undo()
    default_storage.delete(name)


@pytest.mark.django_db
def test_a_message_delivered_twice_runs_the_job_once(pingchang: Jurisdiction, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []

    def once(job: Job, progress: Any) -> JobResult:
        runs.append(job.pk)
        return JobResult(url="/")

    monkeypatch.setitem(kinds.KINDS, JobKind.PEER_ALIGNMENTS, kinds.Kind(once))
    job = enqueue_job(kind=JobKind.PEER_ALIGNMENTS, owner=User.objects.get(username="office"), jurisdiction=pingchang,
                      title="测试", arguments={"plan": 0, "task": 0})
    run_job(job.pk)
    assert runs == [job.pk]


@pytest.mark.django_db
def test_someone_elses_job_is_not_found(login: Login, pingchang: Jurisdiction) -> None:
    job = actions.start_import(jurisdiction=pingchang, filename="要点.txt", data=PLAN.encode(),
                               user=User.objects.get(username="office"))
    for who in ("reporter", "leader", "upper"):
        response = login(who).get(job.get_absolute_url())
        assert response.status_code == 404 and "要点.txt" not in response.content.decode()
    assert login("office").get(job.get_absolute_url()).status_code == 200


# ------------------------------------------------------------------------------------------ other threads


def _wait_until_finished(pk: int, seconds: float = 60) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            job = Job.objects.get(pk=pk)
        except OperationalError:  # SQLite's shared in-memory test database, locked for a moment by the writer
            job = None
        if job is not None and job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {pk} did not finish in {seconds} s")


@pytest.fixture
def committed_world(transactional_db: None) -> tuple[User, Jurisdiction]:
    """A county with the plan's two units and its office, committed, so other threads read them (a transactional
    test's flush empties the database afterwards; the browser tests' fixture restores the demo when it needs it)."""
    place = Jurisdiction.objects.create(name=f"作业测试县{uuid.uuid4().hex[:6]}", level=Level.COUNTY)
    for name in ("县司法局", "县财政局"):
        actions.create_unit(jurisdiction=place, name=name, user=None)
    office = User.objects.create_user(f"office-{place.pk}")
    Membership.objects.create(user=office, role=Role.OFFICE, jurisdiction=place)
    return office, place


@pytest.fixture
def threads(settings: Any) -> Iterator[None]:
    settings.FAZHI_JOBS_SYNC = False
    settings.FAZHI_JOBS_BROKER = ""
    yield


def test_without_a_broker_the_job_runs_in_the_web_processs_thread_pool(
        committed_world: tuple[User, Jurisdiction], threads: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ran_in: list[str] = []
    real = kinds.KINDS[JobKind.IMPORT_PLAN].run

    def recording(job: Job, progress: Any) -> JobResult:
        ran_in.append(threading.current_thread().name)
        return real(job, progress)

    monkeypatch.setitem(kinds.KINDS, JobKind.IMPORT_PLAN, kinds.Kind(recording))
    user, place = committed_world
    office = Client()
    office.force_login(user)
    response = _upload(office, place, "要点.txt", PLAN.encode())
    job = Job.objects.latest("pk")
    finished = _wait_until_finished(job.pk)
    assert finished.status == JobStatus.DONE, finished.error
    draft = ImportDraft.objects.get(document__original_name="要点.txt")
    assert response["Location"] in (job.get_absolute_url(), draft.get_absolute_url())  # the page, unless already read
    assert len(ran_in) == 1 and ran_in[0].startswith("fazhi-job") and ran_in[0] != threading.current_thread().name
    assert finished.result_url == draft.get_absolute_url()
    fragment = office.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"] == draft.get_absolute_url()


def _broker_or_skip(url: str) -> None:
    try:
        if url.startswith("redis"):
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        else:
            pika.BlockingConnection(pika.URLParameters(url + "?connection_attempts=1&socket_timeout=2")).close()
    except (redis.RedisError, pika.exceptions.AMQPError) as error:
        if os.environ.get("CI"):
            pytest.fail(f"the broker at {url} is unreachable and CI is set: {error!r}")
        pytest.skip(f"the broker at {url} is unreachable ({error!r}); the broker test needs it (CI fails instead)")


@pytest.fixture(params=BROKERS)
def redis_queue(request: pytest.FixtureRequest, settings: Any) -> Iterator[dramatiq.Actor[[int], None]]:
    """The jobs' actor on a real broker (Redis, RabbitMQ), on a queue of this test's own, emptied afterwards."""
    _broker_or_skip(request.param)
    settings.FAZHI_JOBS_SYNC = False
    settings.FAZHI_JOBS_BROKER = request.param
    settings.FAZHI_JOBS_QUEUE = f"fazhi-test-{uuid.uuid4().hex[:12]}"
    actor = dispatch.job_actor()
    yield actor
    actor.broker.flush(actor.queue_name)
    if request.param.startswith("amqp"):
        for name in (actor.queue_name, f"{actor.queue_name}.DQ", f"{actor.queue_name}.XQ"):  # RabbitMQ keeps declared
            actor.broker.channel.queue_delete(name)  # queues (with Dramatiq's delay and dead-letter ones): the test's
    actor.broker.close()


@pytest.fixture
def worker(redis_queue: dramatiq.Actor[[int], None]) -> Iterator[dramatiq.Worker]:
    """A real Dramatiq worker on the test's queue, in threads of this process."""
    running = dramatiq.Worker(redis_queue.broker, queues={redis_queue.queue_name}, worker_threads=1,
                              worker_timeout=100)
    running.start()
    yield running
    running.stop()
    close_old_connections()


def test_with_a_broker_jobs_go_through_the_queue_to_a_dramatiq_worker(
        committed_world: tuple[User, Jurisdiction], redis_queue: dramatiq.Actor[[int], None], worker: dramatiq.Worker,
        capsys: pytest.CaptureFixture[str]) -> None:
    office, place = committed_world
    sent = time.monotonic()
    job = actions.start_import(jurisdiction=place, filename="要点.txt", data=PLAN.encode(), user=office)
    finished = _wait_until_finished(job.pk)
    latency = time.monotonic() - sent
    assert finished.status == JobStatus.DONE, finished.error
    draft = ImportDraft.objects.get(document__original_name="要点.txt")
    assert finished.result_url == draft.get_absolute_url() and len(draft.content["tasks"]) == 2
    assert (finished.done, finished.total) == (3, 3) and finished.started_at >= finished.created_at  # type: ignore[operator]
    failing = actions.start_import(jurisdiction=place, filename="空.txt", data="没有任务的文字\n".encode(), user=office)
    failed = _wait_until_finished(failing.pk)
    assert failed.status == JobStatus.FAILED and "任务条目" in failed.error
    assert ImportDraft.objects.filter(jurisdiction=place).count() == 1 and _input_files() == []
    with capsys.disabled():
        print(f"\n  {redis_queue.broker.__class__.__name__}: upload enqueued → job done in {latency * 1000:.0f} ms")


@pytest.mark.django_db
def test_an_unreachable_broker_fails_the_job_with_a_chinese_message(
        settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.FAZHI_JOBS_SYNC = False
    settings.FAZHI_JOBS_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.FAZHI_JOBS_QUEUE = f"fazhi-test-{uuid.uuid4().hex[:12]}"
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.start_import(jurisdiction=Jurisdiction.objects.get(name="平昌县"), filename="要点.txt",
                                   data=PLAN.encode(), user=User.objects.get(username="office"))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "无法连接后台任务队列" in job.error
    assert _input_files() == []
