"""What a generated province looks like before anything is stored: its places (province, prefectures,
counties), their codes and names, the sample each one's plan and unit registry come from, and the renaming
that turns the sample's place names into the generated ones. Pure and deterministic given the seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Characters that make plausible two-character place names (永安, 清河, 金山…), none of the samples' own.
_FIRST = "东西南北中上下长永安宁清新兴和嘉福康泰龙凤金玉白青石云丰阳林桃梅松华承广盛兰临昌德会通宝怀"
_SECOND = "山河江湖水阳林川原州城平宁安丰泉溪源峰岭口坪坝谷亭台门桥乐兴远顺化昌德"
_SAMPLE_STEMS = {"贵州", "贵阳", "遂宁", "甘孜", "泾川", "平凉", "甘肃", "平昌", "巴中", "四川"}
_TOWN_SUFFIXES = ("镇", "镇", "镇", "乡", "街道")


@dataclass(frozen=True)
class Scale:
    """How much to generate: prefectures under the province, counties under each, which levels get a plan
    (and its records), how many years of quarterly cycles, and at most how many tasks per plan (None: all)."""

    name: str
    prefectures: int
    counties: int
    plan_levels: frozenset[str]
    years: int = 5
    max_tasks: int | None = None
    description: str = ""


ALL_LEVELS = frozenset({"province", "prefecture", "county"})
SCALES = {
    "province": Scale("province", 15, 8, ALL_LEVELS, description="1 个省、15 个市（州）、120 个县，各有方案"),
    "prefecture": Scale("prefecture", 1, 8, frozenset({"prefecture", "county"}),
                        description="1 个市及其 8 个县，各有方案（省只建行政区划和单位）"),
    "county": Scale("county", 1, 1, frozenset({"county"}), description="1 个县的方案（上级只建行政区划和单位）"),
    "test": Scale("test", 1, 1, ALL_LEVELS, years=2, max_tasks=6, description="测试用：省、市、县各一，每份方案 6 项任务、2 年"),
}


@dataclass(frozen=True)
class Sample:
    """A sample plan and its registry, and the place names in them that the generated copy replaces."""

    plan_file: str
    registry: str  # samples/units/<registry>.toml
    stem: str  # the sample's own place name, as prefixed to its units (泾川)
    full_name: str  # the sample jurisdiction's name (泾川县)
    parent_stems: tuple[str, ...] = ()  # the prefecture's and province's stems, replaced by the generated ones
    below_groups: tuple[str, ...] = ()  # group name prefixes whose members are the jurisdictions below


PROVINCE_SAMPLE = Sample("003_b0a8bec7975bfe55.txt", "贵州省", "贵州", "贵州省", below_groups=("各市（州）",))
CITY_SAMPLE = Sample("001_9a15fd9b8090d21b.txt", "遂宁市", "遂宁", "遂宁市", ("四川",), below_groups=("各县",))
AUTONOMOUS_SAMPLE = Sample("000_a7f8e7505c887707.txt", "甘孜藏族自治州", "甘孜", "甘孜藏族自治州", ("四川",),
                           below_groups=("各县",))
COUNTY_SAMPLE = Sample("002_977136e14aa6108a.txt", "泾川县", "泾川", "泾川县", ("平凉", "甘肃"))


@dataclass(frozen=True)
class Place:
    """One generated jurisdiction: its code (in usernames: p, p01, p01c03), name, level, parent's code, the
    sample it is made from, the renaming (sample name → generated name) and, for a county, its townships."""

    code: str
    name: str
    level: str
    parent: str | None
    sample: Sample
    rename: dict[str, str]
    towns: tuple[str, ...] = ()
    below: tuple[str, ...] = field(default=())  # names of the jurisdictions below it


def blueprint(scale: Scale, seed: int) -> list[Place]:
    """The places of a generated province, parents before children."""
    rng = random.Random(f"blueprint/{seed}")
    stems = _stems(rng, 1 + scale.prefectures * (1 + scale.counties))
    province_stem = stems.pop()
    prefectures = [(f"p{i:02d}", stems.pop(), i % 7 == 3) for i in range(1, scale.prefectures + 1)]
    county_names = {code: [f"{stems.pop()}县" for _ in range(scale.counties)] for code, _, _ in prefectures}
    places = [_province(province_stem, prefectures)]
    for code, stem, autonomous in prefectures:
        places.append(_prefecture(code, stem, autonomous, province_stem, county_names[code]))
        for number, county in enumerate(county_names[code], 1):
            places.append(_county(f"{code}c{number:02d}", county, code, stem, province_stem, rng))
    return places


def _stems(rng: random.Random, count: int) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        stem = rng.choice(_FIRST) + rng.choice(_SECOND)
        if stem[0] != stem[1] and stem not in found and stem not in _SAMPLE_STEMS:
            found.append(stem)
    return found


def _prefecture_name(stem: str, autonomous: bool) -> str:
    return f"{stem}藏族自治州" if autonomous else f"{stem}市"


def _province(stem: str, prefectures: list[tuple[str, str, bool]]) -> Place:
    capital = prefectures[0][1] if prefectures else stem
    below = tuple(_prefecture_name(s, a) for _, s, a in prefectures)
    return Place("p", f"{stem}省", "province", None, PROVINCE_SAMPLE, {"贵州": stem, "贵阳": capital}, below=below)


def _prefecture(code: str, stem: str, autonomous: bool, province: str, counties: list[str]) -> Place:
    sample = AUTONOMOUS_SAMPLE if autonomous else CITY_SAMPLE
    rename = {sample.stem: stem, "四川": province}
    if autonomous:
        rename["甘孜藏族自治州"] = f"{stem}藏族自治州"
    return Place(code, _prefecture_name(stem, autonomous), "prefecture", "p", sample, rename, below=tuple(counties))


def _county(code: str, name: str, parent: str, prefecture_stem: str, province_stem: str,
            rng: random.Random) -> Place:
    stem = name[:-1]
    towns = _towns(rng, rng.randint(5, 12))
    rename = {"泾川": stem, "平凉": prefecture_stem, "甘肃": province_stem, "泾发": f"{stem[0]}发"}
    return Place(code, name, "county", parent, COUNTY_SAMPLE, rename, towns=towns)


def _towns(rng: random.Random, count: int) -> tuple[str, ...]:
    """A county's townships, the county seat's first (城关镇, then 东阳镇, 清溪乡, 金山街道…)."""
    towns = ["城关镇"]
    while len(towns) < count:
        town = rng.choice(_FIRST) + rng.choice(_SECOND) + rng.choice(_TOWN_SUFFIXES)
        if town not in towns:
            towns.append(town)
    return tuple(towns)
