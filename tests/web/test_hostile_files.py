"""Hostile documents and uploads (issue 8): every upload endpoint refuses every hostile file with a clear
Chinese message, within a time and memory bound, leaving no rows and no files behind.

The files are made at test time (tests/hostile_files.py; the 100 MB one is a sparse file in a temporary
folder). Each is posted, as a browser would, to each of the five upload endpoints — plan import, evidence,
bulk report import, unit registry import, assessment configuration — under its own name when the endpoint
takes that extension, and otherwise renamed to one it takes, so that the content and not the name is what
gets judged. The multipart body is streamed from memory or disk, so the client holds no copy and the bytes
the server read can be counted.

Bounds, with their reasons:
* ``SECONDS`` = 10: every refusal measured here takes well under 2 s on a loaded 2-core machine (the slowest is
  opening a zip with 20,000 members); 10 s leaves room for a busy CI runner while still catching a bomb, which
  takes tens of seconds or never ends.
* ``PEAK_MB`` = 300 of Python allocations, measured from the moment the request reaches Django (the client's
  own buffers excluded): the largest legitimate upload is 20 MB, and reading it keeps a few copies (bytes,
  decoded text, blocks); a bomb would allocate gigabytes.
* ``NATIVE_MB`` = 400 of resident memory growth (the process's high-water mark, reset before each request where
  Linux allows it): PDFium and libxml2 allocate outside Python, where tracemalloc does not look.
"""

from __future__ import annotations

import io
import re
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.db import models
from django.test import Client
from django.urls import reverse

from fazhi_web.jobs.models import Job, JobStatus
from fazhi_web.plans.demo import load_demo
from fazhi_web.plans.models import Jurisdiction, Plan, Task
from fazhi_web.tracking import actions as tracking_actions
from fazhi_web.tracking.models import Cycle, Evidence, Report
from hostile_files import HOSTILE, MB, PROSE, Hostile, plain_docx

pytestmark = pytest.mark.django_db

SECONDS = 10.0
PEAK_MB = 300
NATIVE_MB = 400
HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_EXCEPTION = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Forbidden|ZipFile|Traceback)\b|Traceback")
BOUNDARY = "----hostile-files-boundary-5b1c"
STORED_EVIDENCE = {"tracking.Evidence": 1, "tracking.HistoricalEvidence": 1}
TEXTUAL = (".txt", ".html", ".htm", ".toml", ".csv")


# ---------------------------------------------------------------- the endpoints


@dataclass(frozen=True)
class Endpoint:
    id: str
    who: str
    accepts: tuple[str, ...]
    text_suffix: str | None
    url: Callable[[pytest.FixtureRequest], str]
    fields: dict[str, str] = field(default_factory=dict)
    records_refusal: type[models.Model] | None = None  # a row that legitimately records the refusal

    def filename(self, case: Hostile) -> str:
        stem, _, suffix = case.filename.rpartition(".")
        suffix = "." + suffix
        if suffix in self.accepts:
            return case.filename
        textual = suffix in TEXTUAL and self.text_suffix
        return stem + (self.text_suffix if textual else self.accepts[0])  # type: ignore[operator]


def _place(request: pytest.FixtureRequest) -> Jurisdiction:
    return request.getfixturevalue("pingchang")  # type: ignore[no-any-return]


def _plan(request: pytest.FixtureRequest) -> Plan:
    return request.getfixturevalue("pingchang_plan")  # type: ignore[no-any-return]


def _cycle(request: pytest.FixtureRequest) -> Cycle:
    return tracking_actions.open_cycles(plan=_plan(request), frequency="quarterly", year=2024, due_days=5,
                                        user=None)[2]


def _report(request: pytest.FixtureRequest) -> Report:
    """A draft report of the county justice bureau, opened by its reporter."""
    cycle = _cycle(request)
    task = Task.objects.filter(plan=cycle.plan, assignments__unit__name="县司法局", assignments__role="lead").first()
    client = Client()
    client.force_login(User.objects.get(username="reporter"))
    response = client.post(f"/tasks/{task.pk}/report/{cycle.pk}/")  # type: ignore[union-attr]
    assert response.status_code == 302
    return Report.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


ENDPOINTS = [
    Endpoint("plan-import", "office", tuple(settings.FAZHI_UPLOAD_EXTENSIONS), ".txt",
             lambda r: f"/jurisdictions/{_place(r).pk}/import/", records_refusal=Job),
    Endpoint("evidence", "reporter", (".docx", ".pdf", ".xlsx", ".png", ".jpg", ".jpeg"), None,
             lambda r: f"/reports/{_report(r).pk}/evidence/"),
    Endpoint("bulk-report-import", "reporter", (".xlsx",), None,
             lambda r: f"/cycles/{_cycle(r).pk}/excel/import/"),
    Endpoint("unit-registry-import", "office", (".xlsx", ".csv"), ".csv",
             lambda r: f"/jurisdictions/{_place(r).pk}/units/import/"),
    Endpoint("assessment-config", "office", (".xlsx", ".toml"), ".toml",
             lambda r: f"/plans/{_plan(r).pk}/assessment/config/", {"year": "2026", "kind": "indicators"}),
]


# ---------------------------------------------------------------- streaming a multipart body


class Chain(io.RawIOBase):
    """Bytes and files, read one after the other; ``consumed`` counts what the server read."""

    def __init__(self, pieces: list[bytes | Path]) -> None:
        self.pieces = [p.open("rb") if isinstance(p, Path) else io.BytesIO(p) for p in pieces]
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.pieces:
            count = self.pieces[0].readinto(buffer)
            if count:
                self.consumed += count
                return count
            self.pieces.pop(0).close()
        return 0

    def close(self) -> None:
        for piece in self.pieces:
            piece.close()
        super().close()


def _disposition(name: str) -> str:
    if re.search(r'[\x00-\x1f"\\]', name):
        return f"filename*=UTF-8''{urllib.parse.quote(name, safe='')}"
    return f'filename="{name}"'


def multipart(fields: dict[str, str], filename: str, content: bytes | Path) -> tuple[list[bytes | Path], int]:
    head = "".join(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in fields.items())
    head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; {_disposition(filename)}\r\n'
             "Content-Type: application/octet-stream\r\n\r\n")
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    size = content.stat().st_size if isinstance(content, Path) else len(content)
    return [head.encode(), content, tail], len(head.encode()) + size + len(tail)


def post_file(client: Client, url: str, fields: dict[str, str], filename: str, content: bytes | Path) -> tuple[Any, Chain]:
    pieces, length = multipart(fields, filename, content)
    body = Chain(pieces)
    response = client.request(REQUEST_METHOD="POST", PATH_INFO=url, CONTENT_LENGTH=str(length),
                              CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                              **{"wsgi.input": io.BufferedReader(body)})
    return response, body


# ---------------------------------------------------------------- measuring


class Meter:
    """Wall time and peak memory of one request, from the moment it reaches Django."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.peak_mb = 0.0
        self.native_mb: float | None = None
        self._base = 0
        self._rss = 0
        self._start = 0.0

    def __enter__(self) -> Meter:
        tracemalloc.start()
        request_started.connect(self._started)
        self._start = time.perf_counter()
        return self

    def _started(self, **kwargs: Any) -> None:
        self._base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        self._rss = _reset_high_water()
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.peak_mb = (tracemalloc.get_traced_memory()[1] - self._base) / MB
        tracemalloc.stop()
        request_started.disconnect(self._started)
        if self._rss:
            self.native_mb = (_status_kb("VmHWM") - self._rss) / 1024


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _reset_high_water() -> int:
    """Reset the resident-memory high-water mark (Linux: write 5 to clear_refs); 0 where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return 0
    return _status_kb("VmRSS")


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy}


def _files() -> set[str]:
    data = Path(settings.DATA_DIR)
    found = {str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} if Path(settings.MEDIA_ROOT).exists() else set()
    found |= {str(p) for p in data.iterdir() if ".sqlite3" not in p.name}
    return found | {str(p) for p in Path(tempfile.gettempdir()).iterdir()}


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder of this test alone: what the request leaves there is its own (uploads over 5 MB
    are spooled to tempfile.gettempdir())."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# ---------------------------------------------------------------- reading the page


def _follow(client: Client, response: Any) -> Any:
    for _ in range(4):
        if response.status_code not in (301, 302, 303):
            return response
        response = client.get(response["Location"])
    return response


def _messages(page: str) -> str:
    """What the page says to the person: messages, form errors, a failed job's reason."""
    root = lxml.html.fromstring(page)
    found = root.xpath('//ul[contains(@class,"messages")]/li | //*[contains(concat(" ",@class," ")," error ")]'
                       ' | //section[@id="import-errors"]//li')
    return "\n".join(" ".join(element.text_content().split()) for element in found)


@dataclass
class Outcome:
    status: int
    final_status: int
    message: str
    page: str
    meter: Meter
    consumed: int
    new_rows: dict[str, int]
    new_files: set[str]


def _upload(request: pytest.FixtureRequest, endpoint: Endpoint, filename: str, content: bytes | Path) -> Outcome:
    url = endpoint.url(request)
    client = Client()
    client.force_login(User.objects.get(username=endpoint.who))
    rows, files = _row_counts(), _files()
    with Meter() as meter:
        response, body = post_file(client, url, endpoint.fields, filename, content)
    final = _follow(client, response)
    page = final.content.decode("utf-8", errors="replace")
    print(f"HOSTILE {endpoint.id} {filename[:40]!r}: {meter.seconds:.2f} s, {meter.peak_mb:.1f} MB Python, "
          f"{meter.native_mb if meter.native_mb is None else round(meter.native_mb)} MB resident")  # shown with -s
    after = _row_counts()
    new_rows = {label: after[label] - count for label, count in rows.items() if after[label] != count}
    return Outcome(response.status_code, final.status_code, _messages(page), page, meter, body.consumed, new_rows,
                   _files() - files)


def _assert_refused(outcome: Outcome, endpoint: Endpoint, expect: str = "") -> None:
    assert outcome.status != 500 and outcome.final_status < 500, outcome.page[:2000]
    assert outcome.status in (200, 302, 400, 409, 413), outcome.status
    assert HAN.search(outcome.message), f"no Chinese message on the page: {outcome.page[:1500]}"
    assert not ENGLISH_EXCEPTION.search(outcome.message), outcome.message
    assert "Traceback" not in outcome.page and "root:x:0:0" not in outcome.page
    if expect:
        assert expect in outcome.message, outcome.message
    assert outcome.meter.seconds < SECONDS, f"{outcome.meter.seconds:.1f} s"
    assert outcome.meter.peak_mb < PEAK_MB, f"{outcome.meter.peak_mb:.0f} MB"
    if outcome.meter.native_mb is not None:
        assert outcome.meter.native_mb < NATIVE_MB, f"{outcome.meter.native_mb:.0f} MB resident"
    assert not outcome.new_files, outcome.new_files
    recorded = {endpoint.records_refusal._meta.label} if endpoint.records_refusal else set()
    assert set(outcome.new_rows) <= recorded, outcome.new_rows
    if endpoint.records_refusal is Job and outcome.new_rows:
        job = Job.objects.order_by("-pk").first()
        assert job is not None and job.status == JobStatus.FAILED and HAN.search(job.error)
        assert not job.input_file, "the failed job still holds the uploaded file"


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.id for e in ENDPOINTS])
@pytest.mark.parametrize("case", HOSTILE, ids=[c.id for c in HOSTILE])
def test_each_hostile_file_is_refused_by_each_upload_with_a_chinese_message_leaving_nothing_behind(
        request: pytest.FixtureRequest, case: Hostile, endpoint: Endpoint, private_tmp: Path) -> None:
    filename = endpoint.filename(case)
    outcome = _upload(request, endpoint, filename, case.build())
    if endpoint.id == "evidence" and case.evidence_ok and filename == case.filename:
        # Stored as it is, never parsed: one row and one file, quickly.
        assert outcome.new_rows == STORED_EVIDENCE, outcome.new_rows
        assert len(outcome.new_files) == 1 and outcome.meter.seconds < SECONDS
        return
    _assert_refused(outcome, endpoint, case.expect if endpoint.id == "plan-import" else "")


@pytest.fixture(scope="module")
def hundred_mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100 MB that starts like a Word document (a sparse file: written in no time, read as zeros)."""
    path = tmp_path_factory.mktemp("big") / "方案（超大）.docx"
    with path.open("wb") as handle:
        handle.write(plain_docx()[:4096])
        handle.truncate(100 * MB)
    return path


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.id for e in ENDPOINTS])
def test_a_100_mb_upload_is_refused_by_its_size_before_its_body_is_read(
        request: pytest.FixtureRequest, endpoint: Endpoint, hundred_mb: Path, private_tmp: Path) -> None:
    filename = endpoint.filename(Hostile("100mb", hundred_mb.name, bytes))
    outcome = _upload(request, endpoint, filename, hundred_mb)
    _assert_refused(outcome, endpoint, "过大")
    assert outcome.consumed < MB, f"{outcome.consumed / MB:.0f} MB of the body was read"
    assert not list(private_tmp.iterdir())


# ---------------------------------------------------------------- names


NAMES = [
    pytest.param('../../评估报告"; rm -rf.docx', "评估报告", ".docx", id="path-and-quote"),
    pytest.param("会议\r\n纪要\x07\u202e.docx", "会议", ".docx", id="crlf-and-control"),
    pytest.param("法" * 300 + ".docx", "法" * 20, ".docx", id="300-characters"),
    pytest.param("..\\..\\windows\\佐证 材料.docx", "佐证 材料", ".docx", id="backslash-path"),
]


def _disposition_name(header: str) -> str:
    match = re.search(r"filename\*=utf-8''([^;\s]+)", header, re.I)
    assert match, f"no RFC 5987 filename*: {header!r}"
    return urllib.parse.unquote(match.group(1))


@pytest.mark.parametrize(("name", "keeps", "suffix"), NAMES)
def test_evidence_with_a_hostile_name_is_stored_and_downloaded_under_a_safe_chinese_name(
        request: pytest.FixtureRequest, name: str, keeps: str, suffix: str, private_tmp: Path) -> None:
    evidence_endpoint = ENDPOINTS[1]
    outcome = _upload(request, evidence_endpoint, name, plain_docx())
    assert outcome.new_rows == STORED_EVIDENCE, (outcome.message, outcome.new_rows)
    stored = Evidence.objects.get().original_name
    assert not re.search(r'[/\\"\x00-\x1f\u202e]', stored) and ".." not in stored and len(stored) <= 120
    assert keeps in stored and stored.endswith(suffix)
    client = Client()
    client.force_login(User.objects.get(username="reporter"))
    response = client.get(f"/evidence/{Evidence.objects.get().pk}/")
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and "/" not in header.replace("%2F", "")
    assert header.startswith("attachment;") and header.count('"') in (0, 2)
    assert _disposition_name(header) == stored
    response.close()


@pytest.mark.parametrize(("name", "keeps", "suffix"), NAMES)
def test_a_plan_uploaded_under_a_hostile_name_is_read_under_a_safe_one(
        request: pytest.FixtureRequest, name: str, keeps: str, suffix: str, private_tmp: Path) -> None:
    outcome = _upload(request, ENDPOINTS[0], name, plain_docx())
    assert outcome.final_status == 200 and HAN.search(outcome.page)
    job = Job.objects.order_by("-pk").first()
    assert job is not None and job.status == JobStatus.DONE, (job and job.error, outcome.message)
    shown = job.arguments["filename"]
    assert not re.search(r'[/\\"\x00-\x1f\u202e]', shown) and keeps in shown and shown.endswith(suffix)


# ---------------------------------------------------------------- the server keeps answering


def _live_session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass
class Served:
    url: str


@pytest.fixture
def served(django_db_setup: None, django_db_blocker: Any) -> Iterator[Served]:
    """The application on a threaded WSGI server, over the committed demo (not a transactional test, whose flush
    would empty the demo for every later test); what the test leaves — its jobs and its session — is removed."""
    from django.contrib.sessions.models import Session

    with django_db_blocker.unblock():
        load_demo()  # a no-op, unless a transactional test (the browser tests) emptied the database before
        last_job = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        sessions = set(Session.objects.values_list("session_key", flat=True))
        server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)  # Django's own, as runserver
        server.set_app(get_wsgi_application())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Served(url=f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            server.server_close()
            Job.objects.filter(pk__gt=last_job).delete()
            Session.objects.exclude(session_key__in=sessions).delete()


def test_the_server_answers_healthz_within_a_second_while_a_hostile_upload_is_processed(served: Served) -> None:
    live_server = served
    place = Jurisdiction.objects.get(name="平昌县")
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    session = _live_session(User.objects.get(username="office"))
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")]
    form = opener.open(f"{live_server.url}/jurisdictions/{place.pk}/import/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    cookie = next(c.value for c in jar if c.name == settings.CSRF_COOKIE_NAME)
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={cookie}")]
    # 8 MB of prose without a single task: read, decoded, repaired and parsed before it is refused.
    pieces, _ = multipart({"csrfmiddlewaretoken": token}, "长文.txt", (PROSE * 40_000).encode())
    body = b"".join(p for p in pieces if isinstance(p, bytes))
    results: list[int] = []

    def upload() -> None:
        for _ in range(2):  # two in a row: seconds of work for the server
            post = urllib.request.Request(f"{live_server.url}/jurisdictions/{place.pk}/import/", data=body,
                                          headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
            results.append(opener.open(post, timeout=60).status)

    worker = threading.Thread(target=upload)
    worker.start()
    waits = []
    while worker.is_alive():
        started = time.perf_counter()
        with urllib.request.urlopen(f"{live_server.url}{reverse('healthz')}", timeout=5) as answer:
            assert answer.status == 200
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    worker.join()
    assert results == [200, 200]  # the refusal page, after the redirect
    assert waits and max(waits) < 1.0, f"{len(waits)} probes, slowest {max(waits or [0]):.2f} s"
    failed = Job.objects.filter(jurisdiction=place).order_by("-pk")[:2]
    assert all(job.status == JobStatus.FAILED and "任务" in job.error for job in failed)


def test_there_are_more_than_thirty_distinct_hostile_files() -> None:
    ids = [c.id for c in HOSTILE]
    assert len(set(ids)) == len(ids) >= 32
