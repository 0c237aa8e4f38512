"""The public API is listed once and the core never imports the web framework."""

from __future__ import annotations

import subprocess
import sys

import fazhi


def test_everything_in_all_exists_and_nothing_public_is_left_out() -> None:
    assert all(hasattr(fazhi, name) for name in fazhi.__all__)
    public = {n for n in vars(fazhi) if not n.startswith("_") and n not in {"annotations", "Path"}}
    modules = {n for n in public if type(getattr(fazhi, n)).__name__ == "module"}
    assert public - modules == set(fazhi.__all__)


def test_the_core_never_imports_django() -> None:
    code = ("import sys, fazhi, fazhi.cli, fazhi.export.json, fazhi.parse, fazhi.read;"
            "fazhi.parse_file('samples/plans/004_4c3720f33ca48011.txt');"
            "print(any(m.split('.')[0] == 'django' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unit_names_are_resolved_against_a_registry_and_unknown_ones_reported() -> None:
    registry = fazhi.UnitRegistry.from_toml('[[unit]]\nname = "县市场监督管理局"\naliases = ["县市场监管局"]\n')
    plan = fazhi.parse_text("一、任务\n1.推进改革。内容。〔责任单位：县市场监管局、县某某局〕", registry)
    assert {u.name: u.resolved for u in plan.tasks[0].units} == {"县市场监管局": "县市场监督管理局", "县某某局": None}
    assert [w.code for w in plan.warnings] == ["unit.unknown"]
    assert "县某某局" in plan.warnings[0].message


def test_a_registry_refuses_one_alias_for_two_units() -> None:
    import pytest

    with pytest.raises(fazhi.RegistryError):
        fazhi.UnitRegistry.from_toml('[[unit]]\nname = "甲局"\naliases = ["局"]\n[[unit]]\nname = "乙局"\naliases = ["局"]\n')


def test_no_two_test_files_share_a_name() -> None:
    """Test folders are not packages, so two files with one name break collection."""
    from collections import Counter
    from pathlib import Path

    names = Counter(p.name for p in Path(__file__).parents[1].rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
