"""Quantitative targets: metric, operator, value and unit.

  审查率达100%                → 审查率 >= 100 %
  报备率、及时率、规范率达100%  → three targets sharing one text
  参考率不低于 90%             → >= 90 %
  年度会前学法不少于6次        → >= 6 次
  满意度达 95%以上             → >= 95 %
  3—5 个                      → range [3, 5] 个
  两期以上 / 至少接受一次       → >= 2 期 / >= 1 次
  控制在5%以内 / 不超过15个工作日 → <= 5 % / <= 15 个工作日
A quantity used attributively ("编制数为70人及以下的镇") is a condition, not a target, and
descriptive numbers (两级, 三项制度) carry no operator or target unit, so they are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fazhi.model import SourceSpan, Target
from fazhi.numerals import to_int

_CN_NUM = "一二三四五六七八九十两百"
_NUMBER = rf"(?P<num>\d+(?:\.\d+)?|[{_CN_NUM}]+)"
_RANGE = rf"(?P<low>\d+|[{_CN_NUM}]+)\s*[—\-－~～至到]\s*(?P<high>\d+|[{_CN_NUM}]+)"
_UNITS = ("%", "％", "个工作日", "工作日", "学时", "课时", "人次", "小时", "次", "人", "个", "期", "件", "家", "项",
          "天", "日", "场", "名", "本", "篇", "批", "所", "万元", "元", "户", "起", "份", "轮", "批次")
_UNIT = "(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + ")"
_AT_LEAST_WORDS = ("达到", "达", "不低于", "不少于", "至少", "超过", "高于", "提高到", "提升到", "提高至", "提升至",
                   "保持在", "实现", "均达到", "均达", "分别达到")
_AT_MOST_WORDS = ("不超过", "不高于", "不多于", "低于", "少于", "控制在", "压缩至", "压缩到", "降低至", "降低到",
                  "减少到", "减少至", "缩短至", "缩短到")
# "超过"/"低于" inside "不超过"/"不低于" must not match on their own.
_AT_LEAST = "(?P<op>" + "|".join("(?<!不)" + w for w in sorted(_AT_LEAST_WORDS, key=len, reverse=True)) + ")"
_AT_MOST = "(?P<op>" + "|".join("(?<!不)" + w if not w.startswith("不") else w
                                 for w in sorted(_AT_MOST_WORDS, key=len, reverse=True)) + ")"

_PATTERNS = [
    # range: 3—5 个
    re.compile(rf"{_RANGE}\s*{_UNIT}"),
    # operator before the number: 不低于90%, 达100%, 至少举办两次, 不少于执法人员总数的5%
    re.compile(rf"{_AT_MOST}\s*[^，。；;,\d{_CN_NUM}]{{0,10}}?\s*{_NUMBER}\s*{_UNIT}\s*(?P<suffix>以内|以下|及以下)?"),
    re.compile(rf"{_AT_LEAST}\s*[^，。；;,\d{_CN_NUM}]{{0,14}}?(?:的)?\s*{_NUMBER}\s*{_UNIT}\s*(?P<suffix>以上|及以上)?"),
    # number with 以上/以下 after it: 3 人以上, 95%以上, 两期以上
    re.compile(rf"{_NUMBER}\s*{_UNIT}\s*(?P<suffix>以上|及以上|以下|及以下|以内)"),
    # a rate immediately followed by its value: 实名认证率100%
    re.compile(r"(?P<rate>[\u4e00-\u9fff]{1,20}(?:率|度))\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|％)"),
]
# A time limit written straight before a metric ("2025年底前审核率达100%") is not part of the metric's name.
_DEADLINE_BEFORE = re.compile(r"(?:\d{4}年(?:\d{1,2}月)?(?:底|末)?|年底|年内|月底)(?:前|以前)|年内")
_METRIC_BEFORE = re.compile(r"([\u4e00-\u9fff“”（）()]{1,16}?)(?:均|分别|都|要|应|须|必须|需)?$")
_LIST_OF_RATES = re.compile(r"((?:[\u4e00-\u9fff]{1,20}?(?:率|度)、)+[\u4e00-\u9fff]{1,20}?(?:率|度))")
_RATE = re.compile(r"[\u4e00-\u9fff]{1,20}?(?:率|度)(?=[\s达均分别都要应须为在至到不]|$)")


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    value_start: int
    op: str
    value: float | tuple[float, float]
    unit: str


def find_targets(view: str) -> list[Target]:
    hits = _hits(view)
    targets: list[Target] = []
    for hit in hits:
        metrics = _metrics_for(view, hit)
        start = min(hit.start, metrics[0][1]) if metrics else hit.start
        text = view[start : hit.end].strip()
        for metric, _ in metrics or [("", hit.start)]:
            targets.append(Target(text, metric, hit.op, hit.value, hit.unit, SourceSpan(0, start, hit.end)))
    return targets


def _hits(view: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(view):
            if any(h.start < match.end() and match.start() < h.end for h in hits):
                continue
            hit = _hit_from(match, view)
            if hit is not None:
                hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _hit_from(match: re.Match[str], view: str) -> _Hit | None:
    groups = match.groupdict()
    unit = (groups.get("unit") or "").replace("％", "%")
    if groups.get("low"):
        low, high = _number(groups["low"]), _number(groups["high"])
        if low is None or high is None or low >= high or unit in ("日",):
            return None
        return _Hit(match.start(), match.end(), match.start("low"), "range", (low, high), unit)
    value = _number(groups.get("num") or "")
    if groups.get("op") == "实现" and not (groups.get("num") or "").isdigit():
        return None  # "实现执法信息一次采集": 实现 takes a figure, not a counted word
    if value is None or _is_condition(match, view) or _is_date_part(match, view) or _is_quoted(match, view):
        return None
    return _Hit(match.start(), match.end(), match.start("num"), _operator(groups), value, unit)


def _operator(groups: dict[str, str | None]) -> str:
    op = groups.get("op") or ""
    suffix = groups.get("suffix") or ""
    if suffix in ("以下", "及以下", "以内") or op in _AT_MOST_WORDS:
        return "<="
    return ">="


def _is_condition(match: re.Match[str], view: str) -> bool:
    """A quantity that qualifies a noun (编制为70人及以下的镇) is a condition, not a target."""
    has_operator = bool(match.groupdict().get("op"))
    after = view[match.end() : match.end() + 1]
    before = view[max(0, match.start() - 3) : match.start()]
    if not has_operator and after == "的":
        return True
    return not has_operator and bool(re.search(r"(?:为|是|有|共|计)\s*$", before))


def _is_quoted(match: re.Match[str], view: str) -> bool:
    """A number inside quotation marks belongs to a name or slogan ("“一件事一次办”"), not a target."""
    before = view[: match.start("num")]
    return before.count("“") > before.count("”") or before.count("《") > before.count("》")


def _is_date_part(match: re.Match[str], view: str) -> bool:
    unit = match.groupdict().get("unit")
    return unit in ("日", "天") and bool(re.match(r"\s*[前内起]", view[match.end() : match.end() + 2])) is False and (
        "月" in view[max(0, match.start() - 3) : match.start()])


def _metrics_for(view: str, hit: _Hit) -> list[tuple[str, int]]:
    """The metric(s) the value belongs to: the rates listed before it, or the words before the operator."""
    clause_start = max(view.rfind(c, 0, hit.start) for c in "，。；;,\n：") + 1
    for deadline in _DEADLINE_BEFORE.finditer(view, clause_start, hit.start):
        clause_start = deadline.end()
    region = view[clause_start : hit.value_start]
    listed = list(_LIST_OF_RATES.finditer(region))
    if listed:
        last = listed[-1]
        return [(_strip_verb(n), clause_start + last.start()) for n in last.group(1).split("、")]
    rates = list(_RATE.finditer(region))
    if rates:
        return [(_strip_verb(rates[-1].group()), clause_start + rates[-1].start())]
    metric = _METRIC_BEFORE.search(view[clause_start : hit.start])
    if metric and metric.group(1):
        return [(metric.group(1), clause_start + metric.start(1))]
    return [(re.sub(r"[\d%.]", "", view[hit.start : hit.end])[:12], hit.start)]


def _strip_verb(metric: str) -> str:
    return re.sub(r"^(?:实现|提高|提升|确保|达到|保持|推动|力争)", "", metric)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        value = to_int(text)
        return float(value) if value is not None else None
