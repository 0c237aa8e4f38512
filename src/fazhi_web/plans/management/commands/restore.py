"""manage.py restore ARCHIVE: restore a `backup` archive into an empty instance and verify it (fazhi_web.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi_web.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = ("从 `fazhi manage backup` 生成的备份文件恢复整个实例，写入当前配置（DATABASE_URL、FAZHI_DATA_DIR）"
            "指向的空数据库和空文件目录；恢复前检查备份文件完整、迁移不比本程序新，恢复后逐表核对行数和校验值、"
            "逐个核对文件的 sha256，不一致即报错（退出码非 0）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份文件路径")
        parser.add_argument("--force", action="store_true",
                            help="目标数据库或文件目录不是空的也恢复（PostgreSQL 先删除备份中的同名对象；"
                                 "SQLite 数据库文件和原有文件目录改名保留在旁边）")
        parser.add_argument("--check", action="store_true",
                            help="只检查备份文件是否完整可用（逐项核对 sha256），不改动任何数据")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = read_manifest(options["archive"])
                self.stdout.write(f"备份文件完整：{manifest['created_at']} 由 {manifest['app_version']} 生成，"
                                  f"{len(manifest['tables'])} 张表，{len(manifest['files'])} 个文件。")
                return
            result = restore_backup(options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(f"恢复失败：{error}") from error
        self.stdout.write(f"已恢复 {options['archive']}（{result.manifest['created_at']} 的备份，用时 {result.seconds:.1f} 秒）："
                          f"{len(result.manifest['tables'])} 张表 {result.rows} 行校验一致，"
                          f"{len(result.manifest['files'])} 个文件 sha256 一致。")
        for warning in result.warnings:
            self.stderr.write(warning)
        if result.pending_migrations:
            self.stdout.write(f"备份来自较早版本，还有 {len(result.pending_migrations)} 个迁移待执行："
                              "请运行 `fazhi manage migrate`。")
