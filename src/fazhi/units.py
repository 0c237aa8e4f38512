"""The unit registry: a jurisdiction's units, their aliases and groups, and name resolution.

A registry file is TOML (or CSV with columns 名称,别名,类型):

    jurisdiction = "平昌县"
    [[unit]]
    name = "县市场监督管理局"
    aliases = ["县市场监管局", "市场监管局"]
    [[group]]
    name = "各镇(街道)"
    members = ["江口镇", "同州街道"]

Resolution compares names after folding script, width, brackets and spaces, and never
guesses: a name that is neither a unit, an alias nor a group is unknown.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fazhi.errors import RegistryError
from fazhi.script import to_simplified


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    is_group: bool = False
    members: tuple[str, ...] = ()


def fold_name(name: str) -> str:
    """The comparison key of a unit name: simplified, half-width, no spaces, 等 removed."""
    folded = unicodedata.normalize("NFKC", to_simplified(name))
    folded = folded.translate(str.maketrans("〈〉【】〔〕", "()()()"))
    folded = re.sub(r"\s+", "", folded)
    return re.sub(r"等$", "", folded)


@dataclass
class UnitRegistry:
    jurisdiction: str = ""
    units: list[Unit] = field(default_factory=list)
    _index: dict[str, Unit] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for unit in self.units:
            self._add_to_index(unit)

    def _add_to_index(self, unit: Unit) -> None:
        for name in (unit.name, *unit.aliases):
            key = fold_name(name)
            other = self._index.get(key)
            if other is not None and other.name != unit.name:
                raise RegistryError(f"名称“{name}”同时指向“{other.name}”和“{unit.name}”，请删去重复的别名")
            self._index[key] = unit

    def add(self, unit: Unit) -> None:
        self.units.append(unit)
        self._add_to_index(unit)

    def resolve(self, name: str) -> Unit | None:
        return self._index.get(fold_name(name))

    @classmethod
    def from_file(cls, path: str | Path) -> UnitRegistry:
        path = Path(path)
        try:
            data = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise RegistryError(f"无法读取单位名录：{error}", source=path.name) from error
        if path.suffix.lower() == ".csv":
            return cls.from_csv(data)
        return cls.from_toml(data)

    @classmethod
    def from_toml(cls, data: str) -> UnitRegistry:
        try:
            doc = tomllib.loads(data)
        except tomllib.TOMLDecodeError as error:
            raise RegistryError(f"单位名录格式有误：{error}") from error
        units = [Unit(u["name"], tuple(u.get("aliases", ()))) for u in doc.get("unit", [])]
        units += [Unit(g["name"], tuple(g.get("aliases", ())), True, tuple(g.get("members", ())))
                  for g in doc.get("group", [])]
        return cls(str(doc.get("jurisdiction", "")), units)

    @classmethod
    def from_csv(cls, data: str) -> UnitRegistry:
        rows = list(csv.DictReader(io.StringIO(data)))
        if rows and "名称" not in rows[0]:
            raise RegistryError("单位名录 CSV 需要“名称”列（可选：别名，用“、”分隔；类型：单位/群组）")
        units = [Unit(r["名称"].strip(), tuple(a for a in re.split(r"[、;；]", r.get("别名") or "") if a.strip()),
                      (r.get("类型") or "").strip() == "群组") for r in rows if (r.get("名称") or "").strip()]
        return cls("", units)
