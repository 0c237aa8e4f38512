"""Printable forms: a supervision order (督办单) and a unit's scorecard (考核评分表), as Word or PDF.

Whoever may open the order's page may print it (the office and those above it, the ordered unit's people);
whoever may open the unit's score page may print its scorecard, for the same year, day and method (the
query string of that page). The PDF is made by LibreOffice; when it cannot be, a page in Chinese says so
(503) and points to the Word version.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fazhi.export.forms import scorecard_docx, supervision_order_docx
from fazhi.export.pdf import ConversionError, docx_to_pdf
from fazhi_web.downloads import attachment
from fazhi_web.plans import access as plan_access

from .. import access, printing
from ..config import scoring_for
from .assessment import _query, _unit_for


@login_required
def order_docx(request: HttpRequest, pk: int) -> HttpResponse:
    data, name = _order(request, pk)
    return _send(request, data, name, pdf=False)


@login_required
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    data, name = _order(request, pk)
    return _send(request, data, name, pdf=True)


@login_required
def scorecard_word(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    data, name = _scorecard(request, pk, unit)
    return _send(request, data, name, pdf=False)


@login_required
def scorecard_pdf(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    data, name = _scorecard(request, pk, unit)
    return _send(request, data, name, pdf=True)


def _order(request: HttpRequest, pk: int) -> tuple[bytes, str]:
    order = access.get_order_for_user(request.user, pk)
    return supervision_order_docx(printing.order_form(order, timezone.localdate())), f"督办单{order.number}"


def _scorecard(request: HttpRequest, pk: int, unit: int) -> tuple[bytes, str]:
    """As ``assessment.unit_score`` checks: a plan one may see, a unit of it whose score one may see."""
    plan = plan_access.get_plan_for_user(request.user, pk)
    found = _unit_for(request, plan, unit)
    query = _query(request, plan)
    try:
        form = printing.scorecard_form(plan, found, year=query.year, as_of=query.as_of, method=query.method,
                                       scoring=scoring_for(plan, query.year))
    except LookupError:
        raise Http404("找不到该单位的得分") from None
    return scorecard_docx(form), f"{found.name}{query.year}年度考核评分表"


def _send(request: HttpRequest, document: bytes, name: str, *, pdf: bool) -> HttpResponse:
    if pdf:
        try:
            document = docx_to_pdf(document)
        except ConversionError as error:
            return render(request, "error.html", {"code": 503, "title": "无法生成 PDF", "reason": str(error)},
                          status=503)
    filename = f"{name}.{'pdf' if pdf else 'docx'}"
    return attachment(document, filename, private=True)
