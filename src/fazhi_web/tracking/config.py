"""考核设置: which rules score a plan's units in a year. The office uploads a rule set (TOML) or an indicator
system (TOML or xlsx), or chooses the built-in default; the latest stored one for the plan and year is in force.

Files are loaded and checked by the core loaders (``fazhi.assess.load_rules``, ``fazhi.indicators``); nothing
is stored unless they load. Parsing a stored file is cached by its digest, so recomputing is cheap and gives
the same rules every time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from fazhi.assess import RuleSet, load_rules, rules_for
from fazhi.errors import FazhiError
from fazhi.indicators import IndicatorSystem, load_indicators, load_indicators_xlsx, sample_indicators
from fazhi_web.plans.models import Plan

from .models import AssessmentConfig, ConfigKind

MAX_BYTES = 2 * 1024 * 1024
SUFFIXES = {ConfigKind.RULES: (".toml",), ConfigKind.INDICATORS: (".toml", ".xlsx")}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says why, in Chinese."""


@dataclass(frozen=True)
class Scoring:
    """The rules and the indicator system for a plan and year, and the stored configuration they came from."""

    rules: RuleSet
    indicators: IndicatorSystem
    config: AssessmentConfig | None = None

    @property
    def method(self) -> str:
        """The method the configuration was made for: an uploaded indicator system scores by indicators."""
        return "indicators" if self.config is not None and self.config.kind == ConfigKind.INDICATORS else "rules"


def in_force(plan: Plan, year: int) -> AssessmentConfig | None:
    return AssessmentConfig.objects.filter(plan=plan, year=year).order_by("-set_at", "-pk").first()


def scoring_for(plan: Plan, year: int) -> Scoring:
    """The stored configuration in force for the plan and year; the built-in rules and sample where none is."""
    config = in_force(plan, year)
    kind = config.kind if config is not None else ConfigKind.DEFAULT
    if config is None or kind == ConfigKind.DEFAULT:
        return Scoring(_builtin_rules(year), sample_indicators(), config)
    parsed = _parsed(kind, config.filename, bytes(config.data), year, config.sha256)
    if isinstance(parsed, IndicatorSystem):
        return Scoring(_builtin_rules(year), parsed, config)
    return Scoring(parsed, sample_indicators(), config)


def _builtin_rules(year: int) -> RuleSet:
    return rules_for(year)


def _rules_of_year(sets: tuple[RuleSet, ...], filename: str, year: int) -> RuleSet:
    found = [s for s in sets if s.from_year <= year]
    if not found:
        raise ConfigError(f"“{filename}”中没有适用于 {year} 年的规则集（from_year 须不晚于 {year}）")
    return found[-1]


def check(kind: str, filename: str, data: bytes, year: int) -> RuleSet | IndicatorSystem:
    """Load and check an uploaded file; ``ConfigError`` (in Chinese) when it cannot be used."""
    if kind not in SUFFIXES:
        raise ConfigError("请选择上传评分规则还是指标体系")
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES[ConfigKind(kind)]:
        allowed = "、".join(SUFFIXES[ConfigKind(kind)])
        raise ConfigError(f"“{filename}”的格式不对：{ConfigKind(kind).label}只能上传 {allowed} 文件")
    if not data:
        raise ConfigError(f"“{filename}”是空文件")
    if len(data) > MAX_BYTES:
        raise ConfigError(f"“{filename}”超过 {MAX_BYTES // 1024 // 1024} MB")
    return _parsed(kind, filename, data, year, hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=64)
def _parsed(kind: str, filename: str, data: bytes, year: int, digest: str) -> RuleSet | IndicatorSystem:
    try:
        if PurePath(filename).suffix.lower() == ".xlsx":
            return load_indicators_xlsx(data, filename)
        text = data.decode("utf-8-sig")
        if kind == ConfigKind.INDICATORS:
            return load_indicators(text, filename)
        return _rules_of_year(load_rules(text, filename), filename, year)
    except UnicodeDecodeError:
        raise ConfigError(f"“{filename}”不是 UTF-8 编码的文本文件") from None
    except FazhiError as error:
        raise ConfigError(str(error)) from None
    except RecursionError:  # brackets or tables nested thousands deep
        raise ConfigError(f"“{filename}”的嵌套层次过深，不是有效的{ConfigKind(kind).label}文件") from None
    except (KeyError, TypeError, ValueError, AttributeError):  # a layout the loaders did not expect
        raise ConfigError(f"“{filename}”的内容不符合{ConfigKind(kind).label}的格式，请对照内置的样例文件检查") from None
