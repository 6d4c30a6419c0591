"""The organiser shell: the links that every organiser page shares, and the pages that an app
must link to without importing the app that serves them.

Apps import one way (events <- participants <- feedback <- reports), but the shell's links
point every way: the events pages' tabs lead to registrations, feedback and the report, their
crumbs to the dashboard. So each app registers what it adds, in its ``AppConfig.ready()``,
and the templates read it back through the ``shell`` template library
(``config/templatetags/shell.py``); no template or module names a page of an app to its
right.

- ``add_link``: a site-wide organiser link (Dashboard, Trainers, Webhooks, API tokens);
- ``add_tab``: a tab of a workshop's pages, its URL reversed with the workshop's slug;
- ``name_page``: a page known by its role ("dashboard", "workshop_public"), for the crumbs,
  the public cards and the calendars;
- ``add_personal_section``: a section of a participant's personal page that another app
  fills (the questionnaires to answer, the certificate): a template of that app and the
  function giving its context for a registration (None: nothing to show).

Registering is a dictionary write by key, so a second ``ready()`` (tests, reloads) changes
nothing. Rendering reverses each URL once per request: about 10 µs a link.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    url_name: str
    order: int


_links: dict[str, Link] = {}
_tabs: dict[str, Link] = {}
_pages: dict[str, str] = {}
_personal_sections: dict[str, "PersonalSection"] = {}


@dataclass(frozen=True)
class PersonalSection:
    key: str
    template: str
    context_for: Callable
    order: int


def add_link(key: str, label, url_name: str, *, order: int) -> None:
    """A link of the organisers' menu, in ``order`` (smallest first)."""
    _links[key] = Link(key, label, url_name, order)


def add_tab(key: str, label, url_name: str, *, order: int) -> None:
    """A tab of a workshop's organiser pages; ``url_name`` takes the workshop's slug."""
    _tabs[key] = Link(key, label, url_name, order)


def name_page(role: str, url_name: str) -> None:
    """Let other apps link to ``url_name`` as ``role``."""
    _pages[role] = url_name


def links() -> list[Link]:
    return sorted(_links.values(), key=lambda link: link.order)


def tabs() -> list[Link]:
    return sorted(_tabs.values(), key=lambda link: link.order)


def page_url(role: str, *args, **kwargs) -> str:
    """The path of the page registered as ``role``; a role nobody registered is an error."""
    try:
        url_name = _pages[role]
    except KeyError:
        message = f"No app registered a page for {role!r} (config.shell.name_page)."
        raise LookupError(message) from None
    return reverse(url_name, args=args or None, kwargs=kwargs or None)


def add_personal_section(key: str, template: str, context_for: Callable, *, order: int) -> None:
    """A section of the personal page: ``template`` rendered with ``context_for(registration)``
    unless that is None."""
    _personal_sections[key] = PersonalSection(key, template, context_for, order)


def personal_sections(registration) -> list[tuple[str, dict]]:
    """[(template, context)] of the sections to show ``registration``, in order."""
    shown = []
    for section in sorted(_personal_sections.values(), key=lambda section: section.order):
        context = section.context_for(registration)
        if context is not None:
            shown.append((section.template, context))
    return shown
