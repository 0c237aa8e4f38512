"""The ``fazhi`` command: a thin caller of the library.

    fazhi parse 方案.docx            readable tree with warnings
    fazhi parse 方案.docx --json     JSON in the gold format (shared/gold/SCHEMA.md)
    fazhi parse 文件夹/               every document in a folder, with a progress bar and a summary
    fazhi align 下级.docx 上级.pdf    which tasks of the plan above the lower plan carries out
    fazhi export table 方案.docx --xlsx 分工表.xlsx [--docx 分工表.docx]   the task division table
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="法治政府建设方案读取工具：把方案文件读成结构化的任务清单。")

_DOCUMENT_SUFFIXES = {".txt", ".docx", ".xlsx", ".pdf", ".html", ".htm"}


@app.callback()
def _main() -> None:
    """fazhi: read, check and export rule-of-law government plans."""


@app.command()
def parse(
    path: Annotated[Path, typer.Argument(help="方案文件（txt/docx/xlsx/pdf/html）或包含这些文件的文件夹")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（字段见 shared/gold/SCHEMA.md）")] = False,
    units: Annotated[Path | None, typer.Option("--units", help="单位名录文件（TOML 或 CSV），用于核对单位名称")] = None,
) -> None:
    """Read a plan document (or a folder of them) and print its structure."""
    registry = _load_registry(units)
    if path.is_dir():
        raise typer.Exit(_parse_folder(path, registry))
    plan = _parse_or_exit(path, registry)
    if as_json:
        from fazhi.export.json import plan_to_dict

        sys.stdout.write(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=1) + "\n")
        return
    from fazhi.tree import print_tree

    print_tree(plan)


@app.command()
def align(
    child: Annotated[Path, typer.Argument(help="下级方案文件")],
    parent: Annotated[Path, typer.Argument(help="上级方案文件")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON：pairs / missing / local / verdicts / sections")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="写出 Excel 对照表到此文件")] = None,
) -> None:
    """Align a lower-level plan with the plan above it: which tasks carry out which, what is missing, what is local."""
    from fazhi.align import VERDICT_LABELS
    from fazhi.align import align as align_plans

    child_plan, parent_plan = _parse_or_exit(child, None), _parse_or_exit(parent, None)
    result = align_plans(child_plan, parent_plan)
    if xlsx is not None:
        from fazhi.export.alignment import write_alignment_xlsx

        try:
            write_alignment_xlsx(result, child_plan, parent_plan, xlsx, child.name, parent.name)
        except OSError as error:
            _fail(xlsx, f"无法写入文件：{error.strerror or error}")
        typer.echo(f"已写出 {xlsx}")
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(child.name, parent.name), ensure_ascii=False, indent=1) + "\n")
        return
    if xlsx is not None:
        return
    titles = {(t.part, t.path): t.title or t.text[:30] for t in (*child_plan.tasks, *parent_plan.tasks)}
    for pair in result.pairs:
        typer.echo(f"{'/'.join(pair.child.path)} ← {'/'.join(pair.parent.path)}  {pair.score:.2f} {pair.kind}  "
                   f"{titles[(pair.child.part, pair.child.path)]}")
    counts = "、".join(f"{label} {sum(1 for v in result.parents if v.verdict == verdict)} 项"
                      for verdict, label in VERDICT_LABELS.items())
    typer.echo(f"上级任务：{counts}；本级自有任务 {len(result.local)} 项")


export_app = typer.Typer(no_args_is_help=True, help="导出：任务分工表等（不需要数据库）。")
app.add_typer(export_app, name="export")


@export_app.command("table")
def export_table(
    path: Annotated[Path, typer.Argument(help="方案文件（txt/docx/xlsx/pdf/html）")],
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="写出 Excel 任务分工表到此文件")] = None,
    docx: Annotated[Path | None, typer.Option("--docx", help="写出 Word 任务分工表到此文件")] = None,
    units: Annotated[Path | None, typer.Option("--units", help="单位名录文件，用于统一单位名称")] = None,
) -> None:
    """Write a plan's task division table (序号/重点任务/具体措施/牵头单位/配合单位/完成时限)."""
    from fazhi.export.division import division_docx, division_table, division_xlsx

    if xlsx is None and docx is None:
        _fail(path, "请用 --xlsx 或 --docx 指定输出文件")
    table = division_table(_parse_or_exit(path, _load_registry(units)))
    for target, write in ((xlsx, division_xlsx), (docx, division_docx)):
        if target is None:
            continue
        try:
            target.write_bytes(write(table))
        except OSError as error:
            _fail(target, f"无法写入文件：{error.strerror or error}")
        typer.echo(f"已写出 {target}（{len(table.measures)} 项任务）")


def _load_registry(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from fazhi.errors import FazhiError
    from fazhi.units import UnitRegistry

    try:
        return UnitRegistry.from_file(path)
    except FazhiError as error:
        _fail(path, error.message)


def _parse_or_exit(path: Path, registry):  # type: ignore[no-untyped-def]
    from fazhi import parse_file
    from fazhi.errors import FazhiError

    if not path.exists():
        _fail(path, "文件不存在")
    try:
        return parse_file(path, registry)
    except FazhiError as error:
        _fail(path, error.message)
    except MemoryError:
        _fail(path, "文件过大，读取时内存不足")
    except Exception as error:
        _fail(path, f"读取失败（{type(error).__name__}: {error}），请将此文件反馈给系统管理员")


def _fail(path: Path, message: str) -> None:
    sys.stderr.write(f"{path}: {message}\n")
    raise typer.Exit(2)


def _parse_folder(folder: Path, registry) -> int:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import track
    from rich.table import Table

    from fazhi import parse_file
    from fazhi.errors import FazhiError

    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in _DOCUMENT_SUFFIXES and p.is_file())
    table = Table("文件", "任务数", "警告数", "结果")
    failed = 0
    for path in track(files, description="正在读取…", console=Console(stderr=True)):
        try:
            plan = parse_file(path, registry)
            table.add_row(path.name, str(len(plan.tasks)), str(len(plan.warnings)), "成功")
        except FazhiError as error:
            failed += 1
            table.add_row(path.name, "-", "-", f"失败：{error.message}")
    console = Console()
    console.print(table)
    console.print(f"共 {len(files)} 个文件，成功 {len(files) - failed} 个，失败 {failed} 个")
    return 2 if failed else 0


def main() -> None:
    app()


if __name__ == "__main__":
    main()
