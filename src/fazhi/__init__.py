"""fazhi: read rule-of-law government plans (法治政府建设实施方案) into a checked structure.

    plan = fazhi.parse_file("方案.docx")
    for task in plan.tasks:
        print(task.path, task.title, [u.name for u in task.units])
"""

from __future__ import annotations

from pathlib import Path

from fazhi.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    FazhiError,
    NeedsOCR,
    NoTasks,
    ReadError,
    RegistryError,
    TooLarge,
    UnsupportedFormat,
)
from fazhi.model import (
    Block,
    Deadline,
    DeadlineKind,
    Heading,
    Level,
    Passage,
    Plan,
    PlanMeta,
    SourceSpan,
    Target,
    Task,
    Text,
    UnitRef,
    UnitRole,
)
from fazhi.units import Unit, UnitRegistry

__all__ = [
    "Block",
    "CorruptDocument",
    "Deadline",
    "DeadlineKind",
    "EmptyDocument",
    "EncryptedDocument",
    "FazhiError",
    "Heading",
    "Level",
    "NeedsOCR",
    "NoTasks",
    "Passage",
    "Plan",
    "PlanMeta",
    "ReadError",
    "RegistryError",
    "SourceSpan",
    "Target",
    "Task",
    "Text",
    "TooLarge",
    "Unit",
    "UnitRef",
    "UnitRegistry",
    "UnitRole",
    "UnsupportedFormat",
    "parse_bytes",
    "parse_file",
    "parse_text",
]


def parse_file(path: str | Path, registry: UnitRegistry | None = None, *, require_tasks: bool = True) -> Plan:
    """Read and parse a plan document (txt, docx, xlsx, pdf, html)."""
    from fazhi.read import read_file

    return _parse(read_file(path), registry, require_tasks)


def parse_bytes(data: bytes, name: str = "", registry: UnitRegistry | None = None, *,
                require_tasks: bool = True) -> Plan:
    from fazhi.read import read_bytes

    return _parse(read_bytes(data, name), registry, require_tasks)


def parse_text(text: str, registry: UnitRegistry | None = None, *, require_tasks: bool = False) -> Plan:
    """Parse a plan given as a string (one paragraph per line)."""
    from fazhi.read import txt

    return _parse(txt.read_decoded(txt.Decoded(text, "str"), ""), registry, require_tasks)


def _parse(text: Text, registry: UnitRegistry | None, require_tasks: bool) -> Plan:
    from fazhi.parse import parse

    plan = parse(text, registry)
    if require_tasks and not plan.tasks:
        raise NoTasks("文档中没有找到编号的任务条目（如“1.”“（一）”），可能不是方案或任务分工文件", source=text.source)
    return plan
