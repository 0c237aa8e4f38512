"""manage.py backup ARCHIVE: the database and every uploaded file in one archive (see fazhi_web.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi_web.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("备份整个实例：数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）、文件目录中的全部文件和一份清单"
            "（程序版本、各应用最新迁移、各表行数和校验值），写入一个 .tar 文件（名称以 .tar.gz 结尾时压缩）。"
            "系统运行中也可备份；写完后才替换同名文件。用 `fazhi manage restore 文件` 恢复。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份文件路径，如 /srv/backup/fazhi-20250120.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(options["archive"])
        except BackupError as error:
            raise CommandError(f"备份失败：{error}") from error
        manifest = result.manifest
        self.stdout.write(
            f"已备份到 {result.archive}（{result.archive.stat().st_size / 1e6:.1f} MB，用时 {result.seconds:.1f} 秒）：\n"
            f"  数据库 {manifest['database']['vendor']}：{len(manifest['tables'])} 张表，{result.rows} 行\n"
            f"  文件 {len(manifest['files'])} 个，{sum(f['size'] for f in manifest['files']) / 1e6:.1f} MB\n"
            f"  程序版本 {manifest['app_version']}，迁移 "
            + "、".join(f"{app}.{name}" for app, name in sorted(manifest["migrations"].items())))
        for problem in manifest["file_problems"]:
            self.stderr.write(f"注意（原实例中即存在）：{problem}")
