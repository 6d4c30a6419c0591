"""Names and texts in the reader's language.

A workshop, agency or trainer keeps each name twice: in English (``title``, ``name``, ...) and
in the local script (``title_local``, ...). A page, export or e-mail in Chinese shows the
local-script text where one is stored, else the English; in any other language, the English.
"""

from django.utils.translation import get_language

LOCAL_SCRIPT_LANGUAGES = frozenset({"zh-hans"})


def reads_local_script(language: str | None = None) -> bool:
    return (language or get_language() or "").lower() in LOCAL_SCRIPT_LANGUAGES


def localised(obj, field: str, language: str | None = None) -> str:
    """``obj.<field>_local`` when ``language`` (default: the active one) reads the local
    script and it is filled in, else ``obj.<field>``."""
    english = getattr(obj, field, "") or ""
    if reads_local_script(language):
        return getattr(obj, f"{field}_local", "") or english
    return english


def place(workshop, language: str | None = None) -> str:
    """Venue, city, region, country: what is filled in, in the reader's language."""
    parts = [localised(workshop, name, language) for name in ("venue", "city", "region", "country")]
    separator = "，" if reads_local_script(language) else ", "  # noqa: RUF001
    return separator.join(part for part in parts if part)


def agency_name(agency, language: str | None = None) -> str:
    """An agency as the reader's language names it, with its acronym: 公安部 (MPS)."""
    return agency.label(localised(agency, "name", language), agency.acronym)
