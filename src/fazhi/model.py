"""The data the reader produces: frozen dataclasses, from source text to a checked plan.

Two layers:

* ``Text`` is what a reader (``fazhi.read``) yields: the document's blocks in order
  (paragraphs and table rows), each with its place in the source file, plus the
  repairs and warnings made while reading and any metadata the container carried
  (an HTML page's 发文字号 table, a .docx's core properties).
* ``Plan`` is what the parser (``fazhi.parse``) builds from a ``Text``: metadata,
  the heading tree, the tasks with their units, deadlines and targets, and every
  passage that is neither (``unassigned``), so nothing is lost silently.

Every extracted value keeps its ``SourceSpan`` so a user interface can highlight it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    ROW = "row"  # one row of a table; ``cells`` holds its cells


@dataclass(frozen=True)
class Block:
    """One paragraph or table row, in document order.

    ``line`` is the 1-based place in the source: the line of a text file, the
    paragraph number of a .docx, the row of a spreadsheet, the page of a PDF.
    ``text`` is the cleaned text; for a row it is the cells joined by tabs.
    """

    text: str
    line: int
    kind: BlockKind = BlockKind.PARAGRAPH
    cells: tuple[str, ...] = ()
    # Numbering that lived outside the text (Word automatic numbering), already
    # rendered as printed, e.g. "一、" or "（三）"; prepended by the reader.
    numbering: str = ""
    # Lines of the source this block also spans (after joining broken lines).
    extra_lines: tuple[int, ...] = ()


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Warning:
    """Something a reader should look at: a repair made, an unknown unit, a gap."""

    code: str  # stable machine-readable key, e.g. "repair.gbk-shift", "unit.unknown"
    message: str  # Chinese, for the office that reviews the import
    line: int | None = None
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class Repair:
    """A change the reader made to the text: what was printed, what it now reads."""

    kind: str  # "gbk-shift", "artefact", "joined-lines", "kangxi", ...
    line: int
    before: str
    after: str


@dataclass(frozen=True)
class Text:
    """A document as a reader saw it: blocks in order and what was done to them."""

    blocks: tuple[Block, ...]
    source: str = ""  # file name, for messages
    format: str = "txt"
    metadata: dict[str, str] = field(default_factory=dict)
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[Warning, ...] = ()


@dataclass(frozen=True)
class SourceSpan:
    """Where a value was printed: source line, and character offsets in the task or heading text."""

    line: int
    start: int = 0
    end: int = 0


class Level(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"


class UnitRole(StrEnum):
    LEAD = "lead"
    PARTICIPATING = "participating"
    RESPONSIBLE = "responsible"  # named responsible without a lead/participant distinction


@dataclass(frozen=True)
class UnitRef:
    """A unit or group named as responsible, as printed; ``resolved`` is the registry's name."""

    name: str
    role: UnitRole
    span: SourceSpan
    is_group: bool = False
    inherited: bool = False  # applies through a document-level rule printed elsewhere
    resolved: str | None = None


class DeadlineKind(StrEnum):
    ONE_OFF = "one-off"
    RECURRING = "recurring"
    STANDING = "standing"  # 长期坚持, 持续推进, 常态化
    UNRESOLVED = "unresolved"  # a date whose year cannot be known (月底前 in a multi-year plan)


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    YEARLY = "yearly"
    BIENNIAL = "biennial"


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: DeadlineKind
    span: SourceSpan
    date: date | None = None
    precision: Precision | None = None
    recurring: Recurrence | None = None
    month_day: str | None = None  # "03-01" for 每年3月1日前


@dataclass(frozen=True)
class Target:
    """A quantitative target: 审查率达100% → metric 审查率, op >=, value 100, unit %."""

    text: str
    metric: str
    op: str  # ">=", "<=", "=", "range"
    value: float | tuple[float, float]
    unit: str
    span: SourceSpan


@dataclass(frozen=True)
class Citation:
    """A law or document the task cites: 《行政许可法》."""

    title: str
    span: SourceSpan


@dataclass(frozen=True)
class Heading:
    part: str  # "body" or "annex"
    path: tuple[str, ...]  # numbering of enclosing headings and its own
    label: str  # its own numbering as printed, e.g. "（一）"
    title: str
    line: int


@dataclass(frozen=True)
class Task:
    part: str
    path: tuple[str, ...]
    title: str | None
    text: str  # the full body after the title, as printed (repairs applied)
    line: int
    units: tuple[UnitRef, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    targets: tuple[Target, ...] = ()
    citations: tuple[Citation, ...] = ()
    lines: tuple[int, ...] = ()  # every source line the task spans

    @property
    def lead_units(self) -> tuple[UnitRef, ...]:
        return tuple(u for u in self.units if u.role is UnitRole.LEAD and not u.inherited)

    @property
    def own_units(self) -> tuple[UnitRef, ...]:
        return tuple(u for u in self.units if not u.inherited)

    @property
    def inherited_units(self) -> tuple[UnitRef, ...]:
        return tuple(u for u in self.units if u.inherited)


@dataclass(frozen=True)
class Passage:
    """Text that is neither heading, task nor metadata, kept with its line."""

    text: str
    line: int
    reason: str  # "preamble", "closing", "guidance", "cover", ...


@dataclass(frozen=True)
class PlanMeta:
    title: str | None = None
    jurisdiction: str | None = None
    level: Level | None = None
    issuers: tuple[str, ...] = ()
    doc_number: str | None = None
    date: date | None = None
    period: tuple[int, int] | None = None
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    meta: PlanMeta
    headings: tuple[Heading, ...]
    tasks: tuple[Task, ...]
    unassigned: tuple[Passage, ...] = ()
    warnings: tuple[Warning, ...] = ()
    repairs: tuple[Repair, ...] = ()
    source: str = ""
    script: str = "hans"  # "hans" (simplified) or "hant" (traditional): the document's own
