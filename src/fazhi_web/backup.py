"""Back up a whole instance — the database and every uploaded file — into one archive, and restore it into an
empty instance, checking that nothing was lost (`fazhi manage backup` / `fazhi manage restore`).

The archive is a tar file (gzip-compressed when its name ends in .gz or .tgz):

    manifest.json        format, app version, creation time, database vendor, the applied migrations,
                         per-table row counts and checksums, every file's size and sha256
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``, taken in the same snapshot as the checksums
    database.sqlite3     SQLite: a consistent copy through sqlite3's online backup API
    files/…              every file under MEDIA_ROOT

A table's checksum is a sha256 over a canonical text of its rows, read through Django (ordered by primary key,
values normalised), so it is computed the same way on both databases and checks the restored rows, not the
dump. Restoring checks the archive, the target (an empty database and an empty files directory unless
``force``), and the migrations (an archive from newer code is refused) before it changes anything; the files
are unpacked beside MEDIA_ROOT and moved into place only after the database has been restored and verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "fazhi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
FILES = "files/"
# models that record their stored file's digest: (app label, model, file field)
RECORDED_DIGESTS = [("tracking", "Evidence", "file"), ("plans", "SourceDocument", "file")]
# Django's own OPTIONS for the PostgreSQL backend, not libpq connection parameters
_DJANGO_PG_OPTIONS = {"isolation_level", "pool", "server_side_binding", "assume_role", "cursor_factory", "context"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message (Chinese) says which step failed and why."""


@dataclass
class BackupResult:
    archive: Path
    manifest: dict[str, Any]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    seconds: float
    pending_migrations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


# ---------------------------------------------------------------- checksums

def table_checksums(using: str = "default") -> dict[str, dict[str, Any]]:
    """Every table's row count and sha256 over its rows' canonical text, read through Django."""
    connection = connections[using]
    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)
                if m._meta.managed and not m._meta.proxy}
    by_table.setdefault(MigrationRecorder.Migration._meta.db_table, MigrationRecorder.Migration)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    result = {}
    for table in sorted(tables):
        model = by_table.get(table)
        rows = _model_rows(model, using) if model is not None else _raw_rows(connection, table)
        digest, count = hashlib.sha256(), 0
        for row in rows:
            digest.update(canonical_row(row))
            count += 1
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _model_rows(model: type[models.Model], using: str) -> Iterator[tuple[Any, ...]]:
    columns = [f.attname for f in model._meta.concrete_fields]
    rows = model._base_manager.using(using).values_list(*columns)
    if isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField):
        yield from rows.order_by("pk").iterator(chunk_size=2000)
    else:  # text keys: sort here, so the order does not depend on the server's collation
        yield from sorted(rows, key=lambda row: str(row[columns.index(model._meta.pk.attname)]))


def _raw_rows(connection: BaseDatabaseWrapper, table: str) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        rows = cursor.fetchall()
    yield from sorted(rows, key=canonical_row)


def canonical_row(row: Iterable[Any]) -> bytes:
    """One row as one line of JSON, the same on SQLite and PostgreSQL for the same values."""
    return json.dumps([_plain(v) for v in row], ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_plain).encode() + b"\n"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if hasattr(value, "isoformat"):  # time
        return value.isoformat()
    return value


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def recorded_file_problems(media_root: Path, using: str = "default") -> list[str]:
    """Stored files whose model records a sha256 (evidence, source documents) that are missing or differ."""
    problems = []
    for app_label, model_name, field_name in RECORDED_DIGESTS:
        model = apps.get_model(app_label, model_name)
        for pk, name, recorded in model._base_manager.using(using).values_list("pk", field_name, "sha256"):
            path = media_root / name
            if not path.is_file():
                problems.append(f"{model._meta.verbose_name} #{pk}：文件 {name} 不存在")
            elif file_digest(path) != recorded:
                problems.append(f"{model._meta.verbose_name} #{pk}：文件 {name} 的 sha256 与记录不符")
    return problems


# ---------------------------------------------------------------- migrations and the database's identity

def applied_migrations(using: str = "default") -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


def latest_migrations(applied: list[list[str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in applied:
        latest[app] = max(latest.get(app, name), name)
    return latest


def vendor(using: str = "default") -> str:
    name = connections[using].vendor
    if name not in DUMPS:
        raise BackupError(f"不支持的数据库类型 {name}：只能备份和恢复 PostgreSQL 或 SQLite")
    return name


def app_version() -> str:
    try:
        return version("fazhi")
    except PackageNotFoundError:  # running from a checkout that was not installed
        return "unknown"


def _pg_environment(connection: BaseDatabaseWrapper) -> tuple[str, dict[str, str]]:
    """A libpq connection string for pg_dump/pg_restore (without the password) and their environment."""
    from psycopg.conninfo import make_conninfo

    params = connection.settings_dict
    options = {k: v for k, v in (params.get("OPTIONS") or {}).items()
               if k not in _DJANGO_PG_OPTIONS and isinstance(v, str | int)}
    parts = {"dbname": params["NAME"], "user": params.get("USER"), "host": params.get("HOST"),
             "port": params.get("PORT"), **options}
    conninfo = make_conninfo(**{k: str(v) for k, v in parts.items() if v not in (None, "")})
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return conninfo, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt install postgresql-client，"
                          "版本不低于数据库服务器）")
    return found


def _run(command: list[str], *, env: dict[str, str], step: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{step}失败（{Path(command[0]).name} 退出码 {done.returncode}）：{detail}")


def _database_label(using: str = "default") -> str:
    params = connections[using].settings_dict
    if connections[using].vendor == "sqlite":
        return str(params["NAME"])
    return f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{params['NAME']}"


def _connect(using: str = "default") -> BaseDatabaseWrapper:
    connection = connections[using]
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise BackupError(f"无法连接数据库 {_database_label(using)}：{error}".strip()) from error
    return connection


# ---------------------------------------------------------------- backup

def create_backup(archive: Path, *, using: str = "default", media_root: Path | None = None) -> BackupResult:
    """Write the database and the files under MEDIA_ROOT into ``archive`` (replaced only once complete)."""
    started = time.monotonic()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    archive = archive.resolve()
    if not archive.parent.is_dir():
        raise BackupError(f"备份文件所在的目录 {archive.parent} 不存在")
    kind = vendor(using)
    _connect(using)
    with tempfile.TemporaryDirectory(prefix=".fazhi-backup-", dir=archive.parent) as work:
        dump = Path(work) / DUMPS[kind]
        tables = _dump_postgresql(dump, using) if kind == "postgresql" else _dump_sqlite(dump, using)
        files = _list_files(media_root)
        applied = applied_migrations(using)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": app_version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"vendor": kind, "file": DUMPS[kind], "size": dump.stat().st_size,
                         "sha256": file_digest(dump)},
            "migrations": latest_migrations(applied), "applied_migrations": applied,
            "tables": tables, "files": files,
            "file_problems": recorded_file_problems(media_root, using),
        }
        partial = Path(work) / archive.name
        _write_archive(partial, manifest, dump, media_root)
        os.replace(partial, archive)
    return BackupResult(archive, manifest, time.monotonic() - started)


def _dump_postgresql(target: Path, using: str) -> dict[str, dict[str, Any]]:
    """pg_dump in the snapshot the checksums are read in, so both describe the same moment."""
    pg_dump = _tool("pg_dump")
    connection = connections[using]
    conninfo, env = _pg_environment(connection)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={conninfo}"],
             env=env, step="导出数据库（pg_dump）")
        return table_checksums(using)


def _dump_sqlite(target: Path, using: str) -> dict[str, dict[str, Any]]:
    """The online backup API copies the database in one step (one read snapshot, writers carry on); the
    checksums are then read from the copy, through Django, so they describe exactly what is archived."""
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
    with _sqlite_alias(target, using) as alias:
        return table_checksums(alias)


@contextmanager
def _sqlite_alias(path: Path, like: str) -> Iterator[str]:
    """A Django connection to another SQLite file, for the duration of the block."""
    alias = f"fazhi_backup_{os.getpid()}"
    options = {k: v for k, v in connections[like].settings_dict.get("OPTIONS", {}).items() if k != "init_command"}
    connections.settings[alias] = {**connections[like].settings_dict, "NAME": str(path), "OPTIONS": options}
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _list_files(media_root: Path) -> list[dict[str, Any]]:
    if not media_root.is_dir():
        return []
    return [{"path": path.relative_to(media_root).as_posix(), "size": path.stat().st_size,
             "sha256": file_digest(path)}
            for path in sorted(media_root.rglob("*")) if path.is_file() and not path.is_symlink()]


def _write_archive(path: Path, manifest: dict[str, Any], dump: Path, media_root: Path) -> None:
    mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
        tar.addfile(info, _bytes_stream(data))
        tar.add(dump, arcname=dump.name, recursive=False)
        for entry in manifest["files"]:
            tar.add(media_root / entry["path"], arcname=FILES + entry["path"], recursive=False)


def _bytes_stream(data: bytes) -> IO[bytes]:
    import io

    return io.BytesIO(data)


# ---------------------------------------------------------------- restore

def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest, after checking that it is one of ours and that every member is intact."""
    with _open_archive(archive) as tar:
        manifest = _manifest_of(tar, archive)
        _check_members(tar, manifest, None)
    return manifest


def _open_archive(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise BackupError(f"备份文件 {archive} 不存在")
    try:
        return tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"备份文件 {archive} 已损坏或不是本系统的备份：{error}") from error


def _manifest_of(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        stream = tar.extractfile(MANIFEST)
        manifest = json.loads(stream.read()) if stream else None
    except (KeyError, ValueError, tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"备份文件 {archive} 已损坏或不是本系统的备份（清单 {MANIFEST} 无法读取）：{error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} 不是本系统的备份文件（缺少 {FORMAT} 清单）")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 比本程序支持的 {FORMAT_VERSION} 新："
                          "请先升级程序再恢复")
    return manifest


def _check_members(tar: tarfile.TarFile, manifest: dict[str, Any], staging: Path | None) -> None:
    """Read every member once, checking its sha256 against the manifest; with ``staging``, write it there."""
    expected = {DUMPS[manifest["database"]["vendor"]]: manifest["database"]["sha256"]}
    expected.update({FILES + f["path"]: f["sha256"] for f in manifest["files"]})
    seen = set()
    try:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile() or not _safe(member.name):
                raise BackupError(f"备份文件中有清单之外的内容：{member.name}")
            _copy_member(tar, member, expected[member.name], staging)
            seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"备份文件已损坏（读取时出错）：{error}") from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"备份文件不完整，缺少 {len(missing)} 项，如 {missing[0]}")


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, sha256: str, staging: Path | None) -> None:
    stream = tar.extractfile(member)
    assert stream is not None  # a regular file
    digest = hashlib.sha256()
    out = None
    if staging is not None:
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("wb")
    try:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    if digest.hexdigest() != sha256:
        raise BackupError(f"备份文件已损坏：{member.name} 的 sha256 与清单不符")


def restore_backup(archive: Path, *, force: bool = False, using: str = "default",
                   media_root: Path | None = None) -> RestoreResult:
    """Restore ``archive`` into this instance's (empty) database and files directory, then verify it."""
    started = time.monotonic()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with _open_archive(archive) as tar:
        manifest = _manifest_of(tar, archive)
        kind = _check_compatible(manifest, using)
        _check_empty(using, media_root, force=force)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{media_root.name}.restoring-", dir=media_root.parent) as work:
            staging = Path(work)
            _check_members(tar, manifest, staging)
            dump = staging / DUMPS[kind]
            if kind == "postgresql":
                _restore_postgresql(dump, using, clean=force)
            else:
                _restore_sqlite(dump, using, keep_old=force)
            _verify_tables(manifest, using)
            _move_files_into_place(staging / FILES.rstrip("/"), media_root)
    new_problems = [p for p in recorded_file_problems(media_root, using) if p not in manifest.get("file_problems", [])]
    if new_problems:
        raise BackupError(f"数据库已恢复，但 {len(new_problems)} 个文件与数据库记录的 sha256 不符，如：{new_problems[0]}")
    result = RestoreResult(manifest, time.monotonic() - started, pending_migrations=_pending(manifest))
    result.warnings = [f"备份时即已存在的问题：{p}" for p in manifest.get("file_problems", [])]
    return result


def _check_compatible(manifest: dict[str, Any], using: str) -> str:
    kind = vendor(using)
    source = manifest["database"]["vendor"]
    if source != kind:
        raise BackupError(f"备份来自 {_VENDOR_NAMES.get(source, source)}，目标数据库是 {_VENDOR_NAMES[kind]}："
                          "只能恢复到同一种数据库")
    if kind == "postgresql":
        _tool("pg_restore")  # missing: say so before anything is unpacked
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in manifest["applied_migrations"] if (app, name) not in known)
    if unknown:
        raise BackupError(f"备份来自较新版本的程序（{manifest.get('app_version')}）：其中的数据库迁移 "
                          f"{'、'.join(unknown[:5])} 本程序没有。请先升级程序到同一版本或更新版本再恢复")
    return kind


_VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def _pending(manifest: dict[str, Any]) -> list[str]:
    applied = {(app, name) for app, name in manifest["applied_migrations"]}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if (app, name) not in applied)


def _check_empty(using: str, media_root: Path, *, force: bool) -> None:
    connection = _connect(using)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    files = media_root.is_dir() and any(media_root.iterdir())
    if force:
        return
    if tables:
        raise BackupError(f"目标数据库 {_database_label(using)} 不是空的（已有 {len(tables)} 张表，如 {tables[0]}）："
                          "恢复只写入空数据库。请新建一个空数据库再恢复；确要覆盖，请加 --force")
    if files:
        raise BackupError(f"文件目录 {media_root} 不是空的：恢复只写入空目录。请换一个空目录（FAZHI_DATA_DIR）再恢复；"
                          "确要覆盖，请加 --force（原有文件将移到旁边保留）")


def _restore_postgresql(dump: Path, using: str, *, clean: bool) -> None:
    """One transaction: either the whole dump is in the database or nothing is."""
    pg_restore = _tool("pg_restore")
    conninfo, env = _pg_environment(connections[using])
    command = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
               f"--dbname={conninfo}"]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], env=env, step="恢复数据库（pg_restore，已整体回滚，数据库未改动）")


def _restore_sqlite(dump: Path, using: str, *, keep_old: bool) -> None:
    connection = connections[using]
    target = Path(connection.settings_dict["NAME"])
    check = sqlite3.connect(dump)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if verdict != "ok":
        raise BackupError(f"备份中的 SQLite 数据库未通过完整性检查：{verdict}")
    connection.close()
    if keep_old and target.exists():  # --force over a database with tables: keep it beside the new one
        os.replace(target, target.with_name(f"{target.name}.before-restore-{_stamp()}"))
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    placed = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(dump, placed)
    os.replace(placed, target)


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _verify_tables(manifest: dict[str, Any], using: str) -> None:
    restored = table_checksums(using)
    differences = [f"{table}（行数 {want['rows']} → {restored.get(table, {}).get('rows', '缺表')}）"
                   for table, want in manifest["tables"].items() if restored.get(table) != want]
    if differences:
        _set_aside_failed(using)
        raise BackupError(f"数据库已写入，但核对不一致，恢复结果不可用：{len(differences)} 张表与备份不同，"
                          f"如 {'、'.join(differences[:5])}。文件未放入文件目录")


def _set_aside_failed(using: str) -> None:
    """A SQLite file that failed its check is moved away, so the instance is empty again."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connection.close()
        os.replace(target, target.with_name(f"{target.name}.failed-restore-{_stamp()}"))


def _move_files_into_place(unpacked: Path, media_root: Path) -> None:
    if media_root.is_dir() and any(media_root.iterdir()):
        os.replace(media_root, media_root.with_name(f"{media_root.name}.before-restore-{_stamp()}"))
    elif media_root.is_dir():
        media_root.rmdir()
    if unpacked.is_dir():
        os.replace(unpacked, media_root)
    else:
        media_root.mkdir()
