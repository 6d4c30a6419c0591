"""``{{ workshop|localised:"title" }}``: the text in the page's language (events.localised)."""

from django import template

from events import localised as texts

register = template.Library()


@register.filter
def localised(obj, field: str) -> str:
    return texts.localised(obj, field)


@register.filter
def place(workshop) -> str:
    return texts.place(workshop)


@register.filter
def other_script(obj, field: str) -> str:
    """The twin of what ``localised`` shows, if it differs (a subtitle), else ""."""
    shown = texts.localised(obj, field)
    english = getattr(obj, field, "") or ""
    local = getattr(obj, f"{field}_local", "") or ""
    twin = english if shown == local else local
    return "" if twin == shown else twin
