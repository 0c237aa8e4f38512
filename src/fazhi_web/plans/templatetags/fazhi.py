"""Template filters: numbering as a plan prints it."""

from django import template

from ..models import printed_label as _printed_label

register = template.Library()


@register.filter
def printed_label(label: str) -> str:
    return _printed_label(label)
