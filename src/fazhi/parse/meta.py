"""Document metadata from the preamble: title, jurisdiction and level, issuers, 发文字号, date,
years covered, and the upper-level documents the plan says it implements.

The preamble is everything before the first numbered heading: a cover notice
(发文字号 / 关于印发《…》的通知 / signature / date), the title lines, and the opening
paragraph. A web page's metadata table, when the reader found one, takes precedence.
"""

from __future__ import annotations

import re
from datetime import date

from fazhi.model import Block, Level, PlanMeta
from fazhi.numerals import to_int
from fazhi.script import to_simplified

_PLAN_WORDS = r"(?:实施方案|方案|工作安排|重点工作安排|安排|工作要点|要点|实施意见|意见|工作计划|计划|规划|纲要|任务分工|清单)"
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]\s*\d{1,4}\s*号")
_DATE_CN = re.compile(r"(?P<y>(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
                      r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
_DATE_ISO = re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_NOTICE_TITLE = re.compile(r"关于印发\s*[《〈](?P<title>.+?)[》〉]\s*的?通知")
_QUOTED = re.compile(r"《(?P<title>[^《》]{4,80})》")
_DRAFT = re.compile(r"^[（(]?(?:征求意见稿|送审稿|草案|试行|讨论稿)[）)]?$")
_PERIOD = re.compile(r"(?P<a>(?:19|20)\d{2})\s*[—\-－–~～至到]\s*(?P<b>(?:19|20)\d{2})\s*年?")
_SINGLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?:度)?")
_ISSUE_VERB = re.compile(r"(?P<who>(?:中共)?[\u4e00-\u9fff、]{4,40}?)(?:联合)?印发(?:了)?《")
_PARENT_CUE = re.compile(r"根据|依据|按照|贯彻|落实|实施|对照|结合")

# Administrative suffixes, longest first; the jurisdiction is the name up to the last one.
_ADMIN = [("特别行政区", Level.PROVINCE), ("自治区", Level.PROVINCE), ("省", Level.PROVINCE),
          ("自治州", Level.PREFECTURE), ("地区", Level.PREFECTURE), ("盟", Level.PREFECTURE),
          ("自治县", Level.COUNTY), ("自治旗", Level.COUNTY), ("县", Level.COUNTY), ("旗", Level.COUNTY),
          ("区", Level.COUNTY), ("市", Level.PREFECTURE), ("州", Level.PREFECTURE),
          ("街道", Level.TOWNSHIP), ("镇", Level.TOWNSHIP), ("乡", Level.TOWNSHIP)]
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_TITLE_ANCHOR = re.compile(r"人民政府|政府|党委|委员会|法治|依法|关于|(?:19|20)\d{2}|年度|“|全面|贯彻")


def read_meta(preamble: list[Block], metadata: dict[str, str], tail: list[Block]) -> PlanMeta:
    """``tail`` is the last few paragraphs of the document, where a signature block may stand."""
    texts = [b.text for b in preamble]
    views = [to_simplified(t) for t in texts]
    metadata = {**labelled_fields(views), **metadata}
    title = metadata.get("title") or _title(texts, views)
    jurisdiction, level = _jurisdiction(to_simplified(title or ""))
    signed = texts + [b.text for b in tail]
    signed_views = views + [to_simplified(b.text) for b in tail]
    issued = _date(metadata.get("date", "")) or _signature_date(signed_views)
    return PlanMeta(
        title=title,
        jurisdiction=_in_script(jurisdiction, title),
        level=level,
        issuers=_issuers(signed, signed_views, metadata),
        doc_number=metadata.get("doc_number") or _doc_number(texts),
        date=issued,
        period=_period(to_simplified(title or ""), issued),
        parents=_parents(texts, views, title),
    )


def _in_script(name: str | None, title: str | None) -> str | None:
    """The jurisdiction as printed (traditional stays traditional): the same characters of the title."""
    if name is None or title is None:
        return name
    at = to_simplified(title).find(name)
    return title[at : at + len(name)] if at >= 0 else name


# --- title ---------------------------------------------------------------------------------


def _title(texts: list[str], views: list[str]) -> str | None:
    for text, view in zip(texts, views, strict=True):
        notice = _NOTICE_TITLE.search(view)
        if notice and len(view) <= 90 and not re.search(r"[，。；]", view) and not view.startswith("《"):
            return text[notice.start("title") : notice.end("title")]
    for index, view in enumerate(views):
        if _is_title_line(view):
            return _with_period_line(texts, views, index)
    for text, view in zip(texts, views, strict=True):
        quoted = next((m for m in _QUOTED.finditer(view) if re.search(_PLAN_WORDS + r"(?:[（(].*[)）])?$", m.group("title"))), None)
        if quoted:
            return text[quoted.start("title") : quoted.end("title")]
    return None


def _is_title_line(view: str) -> bool:
    if len(view) > 60 or re.search(r"[，。；,;：:]", view) or _DOC_NUMBER.search(view):
        return False
    return bool(re.search(_PLAN_WORDS + r"\s*(?:[（(][^）)]*[）)])?$", view))


def _with_period_line(texts: list[str], views: list[str], index: int) -> str:
    title = texts[index]
    following = views[index + 1] if index + 1 < len(views) else ""
    if re.fullmatch(r"[（(]\s*(?:19|20)\d{2}.{0,12}[）)]", following):
        title += texts[index + 1]
    return title.strip()


# --- jurisdiction ---------------------------------------------------------------------------


def _jurisdiction(title: str) -> tuple[str | None, Level | None]:
    anchor = _TITLE_ANCHOR.search(title)
    head = title[: anchor.start()] if anchor else title
    head = re.sub(r"^(?:中共)", "", head)
    best: tuple[int, str, Level] | None = None
    for suffix, level in _ADMIN:
        for match in re.finditer(re.escape(suffix), head):
            end = match.end()
            if end - len(suffix) < 2 - (1 if suffix in ("省", "市", "县") else 0) or (
                    end < len(head) and _continues_suffix(head, end)):
                continue
            if best is None or end > best[0]:
                best = (end, suffix, level)
    if best is None:
        return None, None
    end, _, level = best
    start = _last_component_start(head[:end])
    name = head[start:end]
    if name in _MUNICIPALITIES:
        level = Level.PROVINCE
    return (name, level) if len(name) >= 2 else (None, None)


def _continues_suffix(head: str, end: int) -> bool:
    """"贵州省": the 州 is part of a name followed by another suffix, not a suffix itself."""
    return any(head.startswith(suffix, end) for suffix, _ in _ADMIN)


def _last_component_start(head: str) -> int:
    """"四川省成都市武侯区" → start of 武侯区: the jurisdiction is the lowest level named."""
    cut = 0
    for suffix, _ in _ADMIN:
        for match in re.finditer(re.escape(suffix), head[:-1]):
            if match.end() < len(head) and not _continues_suffix(head, match.end()) and match.start() >= 2:
                cut = max(cut, match.end())
    return cut


# --- doc number, issuers, date ----------------------------------------------------------------


def _doc_number(texts: list[str]) -> str | None:
    """The document's own number stands on a line of its own; numbers cited in sentences are others'."""
    for text in texts:
        match = _DOC_NUMBER.search(text)
        if match and len(text.strip()) <= len(match.group()) + 4:
            return re.sub(r"\s+", "", match.group())
    return None


def _signature_date(views: list[str]) -> date | None:
    for view in views:
        match = _DATE_CN.fullmatch(view.strip())
        if match:
            return _date_from(match)
    return None


def _date(text: str) -> date | None:
    match = _DATE_ISO.search(text) or _DATE_CN.search(text)
    return _date_from(match) if match else None


def _date_from(match: re.Match[str]) -> date | None:
    try:
        return date(_cn_int(match.group("y")), _cn_int(match.group("m")), _cn_int(match.group("d")))
    except ValueError:
        return None


def _cn_int(text: str) -> int:
    value = to_int(text)
    if value is None:
        raise ValueError(text)
    return value


def _issuers(texts: list[str], views: list[str], metadata: dict[str, str]) -> tuple[str, ...]:
    if metadata.get("issuer"):
        return tuple(p for p in re.split(r"[\s、，,]+", metadata["issuer"]) if p)
    for index, view in enumerate(views):
        if _DATE_CN.fullmatch(view.strip()) and index > 0 and _is_signature(views[index - 1]):
            return (texts[index - 1].strip(),)
    for text, view in zip(texts, views, strict=True):
        match = _ISSUE_VERB.search(view)
        if match:
            who = re.sub(r"^(?:近日|日前|近期)[,，]?", "", text[match.start("who") : match.end("who")])
            return tuple(p for p in re.split(r"[、]", who) if p)
    return ()


def _is_signature(view: str) -> bool:
    return len(view) <= 30 and not re.search(r"[，。,；]", view) and bool(
        re.search(r"(?:人民政府|政府|办公室|委员会|党委|委|局|厅|办)$", view))


# --- period and parents -------------------------------------------------------------------


def _period(title: str, issued: date | None) -> tuple[int, int] | None:
    match = _PERIOD.search(title)
    if match:
        return int(match.group("a")), int(match.group("b"))
    single = _SINGLE_YEAR.search(title)
    if single:
        year = int(single.group("y"))
        return year, year
    return (issued.year, issued.year) if issued else None


def _parents(texts: list[str], views: list[str], title: str | None) -> tuple[str, ...]:
    own = to_simplified(title or "")
    found: list[str] = []
    for text, view in zip(texts, views, strict=True):
        if not _PARENT_CUE.search(view):
            continue
        for match in _QUOTED.finditer(view):
            inner = _NOTICE_TITLE.search(match.group("title"))
            start, end = (match.start("title") + inner.start("title"), match.start("title") + inner.end("title")) \
                if inner else (match.start("title"), match.end("title"))
            name = view[start:end]
            if name == own or not re.search(r"纲要|方案|规划|意见|决定|计划|要点", name) or _cover_of(view, match):
                continue
            printed = text[start:end]
            if printed not in found:
                found.append(printed)
    return tuple(found)


def _cover_of(view: str, match: re.Match[str]) -> bool:
    """"关于印发《本方案》的通知" and "…印发《X》。" name the document itself, not a parent."""
    return bool(re.search(r"印发\s*$", view[: match.start()])) or view[match.end() : match.end() + 3].startswith("的通知")


_FIELDS = {
    "doc_number": r"发文字号|文\s*号",
    "issuer": r"发文机关|发布机关|发文单位|制发机关",
    "date": r"成文日期|成文时间|印发日期|签发日期",
    "published": r"发布日期|发布时间|公开日期",
    "index": r"索\s*引\s*号",
    "topic": r"主题分类|所属主题|主题词",
}
_FIELD_LABEL = re.compile("(?P<label>" + "|".join(f"(?:{p})" for p in _FIELDS.values()) + r")\s*[:：]\s*")


def labelled_fields(views: list[str]) -> dict[str, str]:
    """Fields of a web page's header saved as text: "发文字号: 泾发〔2022〕15号 发文机关: 中共泾川县委 …"."""
    found: dict[str, str] = {}
    for view in views:
        labels = list(_FIELD_LABEL.finditer(view))
        for index, label in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(view)
            key = next(k for k, p in _FIELDS.items() if re.fullmatch(p, label.group("label")))
            value = view[label.end() : end].strip()
            if value and key not in found:
                found[key] = value
    return found
