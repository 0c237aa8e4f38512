"""Printable forms from the records: a supervision order (督办单) and a unit's scorecard (考核评分表), filled
from the database and written by the core (``fazhi.export.forms``).

The scorecard's figures are the assessment's own (``assessment.assess`` with the configuration in force),
so the printed total, lines and rank are those of the unit's score page for the same year, day and method.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fazhi.export.forms import ScorecardForm, SupervisionOrderForm, scorecard_items
from fazhi.export.gongwen import chinese_date
from fazhi_web.plans.models import Jurisdiction, Plan, Task, Unit

from .assessment import assess, describe
from .config import Scoring
from .models import SupervisionOrder
from .state import status_of

# the last character of a jurisdiction's name → the 依法治X of its office's name
_PLACE_WORDS = "省市州盟县区旗镇乡"


def office_name(jurisdiction: Jurisdiction) -> str:
    """The office (法治办) of a jurisdiction by its full name: 平昌县全面依法治县委员会办公室."""
    last = jurisdiction.name[-1:]
    if last in _PLACE_WORDS:
        return f"{jurisdiction.name}全面依法治{last}委员会办公室"
    return f"{jurisdiction.name}法治办"


def deadline_text(task: Task, unit_id: int, as_of: date) -> str:
    """完成时限 as the plan prints it, with the day it falls due for the unit (an extension granted included)."""
    printed = "；".join(d.text for d in task.deadlines.all() if d.text)
    status = status_of(task, as_of, unit_id=unit_id)
    if status.due is None:
        return printed
    day = chinese_date(status.due)
    if status.extended_from is not None:
        return f"{printed}（经批准延期至{day}）" if printed else f"经批准延期至{day}"
    return f"{printed}（{day}）" if printed else day


def order_form(order: SupervisionOrder, as_of: date) -> SupervisionOrderForm:
    task, plan = order.task, order.task.plan
    return SupervisionOrderForm(
        number=order.number, office=office_name(plan.jurisdiction), place=plan.jurisdiction.name,
        unit=order.unit.name, plan_title=plan.title, task_label=task.printed_label, task_title=task.heading,
        task_text=task.text, deadline=deadline_text(task, order.unit_id, as_of), reason=order.reason,
        reply_due=order.reply_due, opened_on=timezone.localdate(order.opened_at), status=order.get_status_display(),
        reply=order.reply, replied_on=timezone.localdate(order.replied_at) if order.replied_at else None)


def scorecard_form(plan: Plan, unit: Unit, *, year: int, as_of: date, method: str, scoring: Scoring) -> ScorecardForm:
    """The unit's score for the year, as of the day, by the method (``LookupError`` if the unit is not scored)."""
    result = assess(plan, year, as_of, method, scoring)
    score = result.score_of(f"unit:{unit.pk}")
    if score is None:
        raise LookupError(f"{unit.name}不在{plan.title}的考核范围内")
    links = describe([ref for line in score.lines for ref in line.refs])
    items, adjustments = scorecard_items(score, scoring.rules if method == "rules" else None,
                                         {ref: link.label for ref, link in links.items()})
    return ScorecardForm(plan_title=plan.title, unit=unit.name, year=year, as_of=as_of, standard=result.title,
                         total=score.total, items=items, adjustments=adjustments,
                         office=office_name(plan.jurisdiction), rank=score.rank, of=len(result.scores))
