"""The restore drill of docs/deploy.md, on SQLite and on PostgreSQL: an instance built with the demo seed plus an
uploaded evidence file is backed up with `fazhi manage backup`, restored with `fazhi manage restore` into an empty
database and an empty files directory, and then has the same rows (per-table checksums), the same files (byte for
byte), nothing left to migrate, and a working application. Refusals change nothing.

Every instance is a separate process with its own database and FAZHI_DATA_DIR, run exactly as an operator runs
the commands; the test database of this run is not used. PostgreSQL is the server of DATABASE_URL when it is one
(else FAZHI_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres); when it is unreachable the
PostgreSQL cases are skipped, or fail when CI is set (as `make test-postgres` does). The SQLite drill needs no
server: it runs in the SQLite run only, not again when DATABASE_URL is PostgreSQL."""

from __future__ import annotations

import filecmp
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from fazhi_web.backup import canonical_row

pytestmark = pytest.mark.slow

FAZHI = str(Path(sys.executable).with_name("fazhi"))
EVIDENCE_NAME = "2024年第四季度依法行政会议纪要.pdf"
EVIDENCE = b"%PDF-1.4\n" + random.Random(7).randbytes(300_000)


@dataclass
class Instance:
    """One installation: a database and a data directory (MEDIA_ROOT is data_dir/files)."""

    database_url: str
    data_dir: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FAZHI_", "DATABASE_URL"))}
        return {**env, "DATABASE_URL": self.database_url, "FAZHI_DATA_DIR": str(self.data_dir),
                "FAZHI_SECRET_KEY": "backup-tests-secret-key", "FAZHI_ALLOWED_HOSTS": "testserver",
                "DJANGO_SETTINGS_MODULE": "fazhi_web.settings"}

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([FAZHI, "manage", *args], env=self.env(), capture_output=True, text=True,
                              timeout=600, check=False)

    def python(self, script: str) -> object:
        done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + script], env=self.env(),
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def checksums(self) -> object:
        return self.python("import json\nfrom fazhi_web.backup import table_checksums\n"
                           "print(json.dumps(table_checksums()))")

    def table_count(self) -> object:
        return self.python("import json\nfrom django.db import connection\n"
                           "print(json.dumps(len(connection.introspection.table_names())))")

    @property
    def files(self) -> Path:
        return self.data_dir / "files"


# ---------------------------------------------------------------- the two kinds of database

class Databases:
    """Creates empty databases of one kind (unique names) and drops them afterwards."""

    def __init__(self, kind: str, root: Path) -> None:
        self.kind, self.root = kind, root
        self.made: list[str] = []
        self.server = _postgres_server() if kind == "postgresql" else ""

    def empty_instance(self) -> Instance:
        name = f"fazhi_backup_{uuid.uuid4().hex[:10]}"
        data_dir = self.root / name
        data_dir.mkdir()
        if self.kind == "sqlite":
            return Instance(f"sqlite:///{data_dir / 'fazhi.sqlite3'}", data_dir)
        self._admin(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        self.made.append(name)
        return Instance(f"{self.server.rsplit('/', 1)[0]}/{name}", data_dir)

    def drop_all(self) -> None:
        for name in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            connection.execute(statement)


def _postgres_server() -> str:
    """A URL of the PostgreSQL server's maintenance database; skip (or fail under CI) when it is unreachable."""
    import psycopg

    configured = os.environ.get("DATABASE_URL", "")
    url = configured if configured.startswith("postgres") else os.environ.get(
        "FAZHI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = f"{url.rsplit('/', 1)[0]}/postgres"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {url} is unreachable and CI is set: {error}")
        pytest.skip(f"PostgreSQL at {url} is unreachable, so the PostgreSQL backup drill did not run: {error}")
    return url


@dataclass
class Drill:
    databases: Databases
    source: Instance
    archive: Path
    source_checksums: object


SEED_EVIDENCE = f"""
import json, os
from pathlib import Path
from django.contrib.auth.models import User
from fazhi_web.tracking.actions import add_evidence, submit_report
from fazhi_web.tracking.models import Report
report = Report.objects.filter(unit__name="县司法局", status__in=["draft", "returned"]).order_by("pk").first()
data = Path(os.environ["FAZHI_DATA_DIR"], "upload.pdf").read_bytes()
reporter = User.objects.get(username="reporter")
evidence = add_evidence(report=report, filename={EVIDENCE_NAME!r}, data=data, user=reporter)
submit_report(report=report, user=reporter)  # sent, so the office may download the file
print(json.dumps(evidence.pk))
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def drill(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    """A demo instance with an uploaded evidence file, and its backup (built once per kind of database)."""
    if request.param == "sqlite" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite drill runs in the SQLite run of the tests (this run's DATABASE_URL is PostgreSQL)")
    databases = Databases(request.param, tmp_path_factory.mktemp(request.param))
    try:
        source = databases.empty_instance()
        for step in (["migrate", "--verbosity=0"], ["load_demo"]):
            done = source.manage(*step)
            assert done.returncode == 0, done.stderr
        (source.data_dir / "upload.pdf").write_bytes(EVIDENCE)  # what the reporter uploads
        source.python(SEED_EVIDENCE)
        archive = databases.root / "instance.tar.gz"
        done = source.manage("backup", str(archive))
        assert done.returncode == 0, done.stderr
        assert "已备份到" in done.stdout
        yield Drill(databases, source, archive, source.checksums())
    finally:
        databases.drop_all()


# ---------------------------------------------------------------- the drill

APPLICATION_CHECK = f"""
import hashlib, json
from django.test import Client
from django.utils.html import escape
from fazhi_web.plans.models import Plan
from fazhi_web.tracking.models import Evidence
client = Client()
login = client.post("/accounts/login/", {{"username": "office", "password": "demo-pass-2024"}})
plan = Plan.objects.get(jurisdiction__name="平昌县")
page = client.get(f"/plans/{{plan.pk}}/")
evidence = Evidence.objects.get(original_name={EVIDENCE_NAME!r})
download = client.get(f"/evidence/{{evidence.pk}}/")
# new rows take fresh keys: the sequences came back with the rows
from fazhi_web.tracking.actions import add_evidence
from fazhi_web.tracking.models import Report
draft = Report.objects.filter(status="draft").order_by("pk").first()
added = add_evidence(report=draft, filename="补充材料.pdf", data=b"%PDF-1.4 more", user=None)
print(json.dumps({{"login": [login.status_code, login.get("Location")], "plan": page.status_code,
                  "new_key": added.pk > evidence.pk,
                  "title_shown": escape(plan.title) in page.content.decode(), "download": download.status_code,
                  "downloaded": hashlib.sha256(b"".join(download.streaming_content)).hexdigest()}}))
"""


def test_a_restored_instance_has_the_same_rows_and_files_and_works(drill: Drill) -> None:
    target = drill.databases.empty_instance()

    done = target.manage("restore", str(drill.archive))

    assert done.returncode == 0, done.stderr
    assert "校验一致" in done.stdout
    with tarfile.open(drill.archive) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert target.checksums() == drill.source_checksums == manifest["tables"]
    assert manifest["tables"]["tracking_evidence"]["rows"] == 1
    comparison = filecmp.dircmp(drill.source.files, target.files)
    assert _all_files(drill.source.files) == _all_files(target.files)
    assert not comparison.left_only and not comparison.right_only and not comparison.diff_files
    migrate = target.manage("migrate")
    assert migrate.returncode == 0 and "No migrations to apply." in migrate.stdout, migrate.stdout
    assert target.python(APPLICATION_CHECK) == {
        "login": [302, "/"], "plan": 200, "new_key": True, "title_shown": True, "download": 200,
        "downloaded": hashlib.sha256(EVIDENCE).hexdigest()}


def _all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- refusals change nothing

def test_restoring_over_a_database_with_data_is_refused_and_changes_nothing(drill: Drill) -> None:
    done = drill.source.manage("restore", str(drill.archive))

    assert done.returncode != 0
    assert "不是空的" in done.stderr and "--force" in done.stderr
    assert drill.source.checksums() == drill.source_checksums


def test_restoring_into_a_files_directory_with_files_is_refused(drill: Drill) -> None:
    target = drill.databases.empty_instance()
    (target.files / "documents").mkdir(parents=True)
    (target.files / "documents" / "earlier.txt").write_text("已有文件")

    done = target.manage("restore", str(drill.archive))

    assert done.returncode != 0 and "文件目录" in done.stderr and "不是空的" in done.stderr
    assert target.table_count() == 0
    assert [p.name for p in target.files.rglob("*")] == ["documents", "earlier.txt"]


def test_a_corrupt_archive_is_refused_and_changes_nothing(drill: Drill, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.tar"
    _rewrite(drill.archive, damaged, flip_byte_in=EVIDENCE_NAME)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(drill.archive.read_bytes()[:20_000])
    target = drill.databases.empty_instance()

    for archive in (damaged, truncated):
        done = target.manage("restore", str(archive))
        assert done.returncode != 0
        assert "已损坏" in done.stderr, done.stderr
    assert target.table_count() == 0
    assert not target.files.exists()
    assert [p.name for p in target.data_dir.iterdir() if p.name.startswith(".files.restoring")] == []


def test_an_archive_from_newer_code_is_refused(drill: Drill, tmp_path: Path) -> None:
    newer = tmp_path / "newer.tar"
    _rewrite(drill.archive, newer, extra_migration=["tracking", "9999_from_the_future"])
    target = drill.databases.empty_instance()

    done = target.manage("restore", str(newer))

    assert done.returncode != 0
    assert "较新版本" in done.stderr and "tracking.9999_from_the_future" in done.stderr
    assert target.table_count() == 0


def test_the_check_option_reads_the_whole_archive_without_restoring(drill: Drill) -> None:
    target = drill.databases.empty_instance()

    done = target.manage("restore", "--check", str(drill.archive))

    assert done.returncode == 0 and "备份文件完整" in done.stdout
    assert target.table_count() == 0


def _rewrite(source: Path, target: Path, *, flip_byte_in: str = "", extra_migration: list[str] | None = None) -> None:
    """A copy of an archive with one evidence file's byte flipped or one more applied migration in the manifest."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old:
            data = old.extractfile(member).read()  # type: ignore[union-attr]
            if flip_byte_in and member.name.startswith("files/evidence/"):
                data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
            if extra_migration and member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["applied_migrations"].append(extra_migration)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


# ---------------------------------------------------------------- the canonical text of a row

def test_a_rows_canonical_text_does_not_depend_on_how_the_database_returns_values() -> None:
    moment = datetime(2025, 1, 20, 9, 30, tzinfo=UTC)
    beijing = moment.astimezone(timezone(timedelta(hours=8)))
    assert canonical_row([1, Decimal("1.50"), moment, {"b": 1, "a": [2]}]) == \
        canonical_row([1, Decimal("1.5"), beijing, {"a": [2], "b": 1}])
    assert canonical_row([b"\x00\x01"]) == canonical_row([memoryview(b"\x00\x01")])
    assert canonical_row(["法治"]) != canonical_row(["法制"])
