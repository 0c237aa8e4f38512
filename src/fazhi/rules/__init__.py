"""Vocabulary as data: numbering styles, artefacts, clause labels, deadline and target words.

The TOML files beside this module are the rules; this module loads and compiles them once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``rules/<name>.toml``."""
    data = resources.files(__package__).joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(data)


@dataclass(frozen=True)
class NumberingStyle:
    name: str
    rank: int
    pattern: re.Pattern[str]


@cache
def numbering_styles() -> tuple[NumberingStyle, ...]:
    return tuple(
        NumberingStyle(s["name"], int(s["rank"]), re.compile(s["pattern"])) for s in load("numbering")["style"]
    )


@cache
def compiled_list(name: str, key: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load(name)[key])


def words(name: str, key: str) -> tuple[str, ...]:
    return tuple(load(name)[key])
