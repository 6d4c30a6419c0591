"""The organiser shell in templates: ``{% load shell %}``, then

- ``{% organiser_links as links %}``: [(label, url)] of the organisers' menu;
- ``{% workshop_tabs workshop as tabs %}``: [(key, label, url)] of a workshop's pages;
- ``{% page_url "dashboard" as url %}``, ``{% page_url "workshop_public" workshop.slug %}``.

What they list is registered by each app (``config.shell``).
"""

from django import template
from django.urls import reverse

from config import shell

register = template.Library()


@register.simple_tag
def organiser_links() -> list[tuple[str, str]]:
    return [(link.label, reverse(link.url_name)) for link in shell.links()]


@register.simple_tag
def workshop_tabs(workshop) -> list[tuple[str, str, str]]:
    return [
        (tab.key, tab.label, reverse(tab.url_name, args=[workshop.slug])) for tab in shell.tabs()
    ]


@register.simple_tag
def page_url(role: str, *args) -> str:
    return shell.page_url(role, *args)
