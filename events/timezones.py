"""The time zones a workshop may name: one list for the model, the admin, the organiser's
form, the API and the calendar import.

Two sets, both from the pinned ``tzdata`` package (so every machine agrees, whatever its
system database holds):

- *accepted*: every name the zone database knows, old aliases included (``US/Eastern``,
  ``Asia/Calcutta``, ``Etc/GMT+8``). A workshop saved under one of them stays valid and keeps
  its times; nothing is renamed behind anyone's back.
- *offered*: the canonical zones a person picks from, the one per country region of the
  database's ``zone.tab``, plus UTC, grouped by region for the pickers. An alias is shown
  only to a workshop that already has it, next to the canonical zone it stands for.

Reading the two files costs about a millisecond, once per process.
"""

import zoneinfo
from collections import defaultdict
from functools import cache
from importlib import resources

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

UTC = "UTC"


def _database_file(name: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


@cache
def accepted() -> frozenset[str]:
    """Every zone name a workshop may have."""
    return frozenset(zoneinfo.available_timezones())


@cache
def offered() -> tuple[str, ...]:
    """The canonical zones, sorted: what the pickers list."""
    names = {
        line.split("\t")[2]
        for line in _database_file("zone.tab").splitlines()
        if line and not line.startswith("#")
    }
    return (UTC, *sorted(names & accepted()))


@cache
def _links() -> dict[str, str]:
    """{alias: the zone it links to}, from the database's compiled source (``L`` lines)."""
    links = {}
    for line in _database_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_of(name: str) -> str | None:
    """The offered zone that ``name`` is another name of (``name`` itself if offered)."""
    seen = set()
    while name not in seen:
        if name in offered():
            return name
        seen.add(name)
        name = _links().get(name, "")
    return None


def validate_timezone(value: str) -> None:
    """Refuse a name the zone database does not know, naming the rule."""
    if value not in accepted():
        raise ValidationError(
            gettext_lazy("“%(value)s” is not an IANA time zone name (for example Asia/Shanghai)."),
            code="invalid_timezone",
            params={"value": value},
        )


def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name`` if it is an accepted one, else None."""
    if not name or name not in accepted():
        return None
    return zoneinfo.ZoneInfo(name)


def _label(name: str) -> str:
    return name.partition("/")[2].replace("_", " ") or name


def choices(current: str | None = None) -> list:
    """Django choices for a picker: UTC, then the offered zones grouped by region (an
    <optgroup> each). ``current``, a workshop's zone, is listed too when it is an accepted
    alias, so that opening and saving the form keeps it."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in offered()[1:]:
        groups[name.partition("/")[0]].append((name, _label(name)))
    listed: list = [(UTC, UTC)]
    if current and current not in offered() and current in accepted():
        same = canonical_of(current)
        label = (
            _("%(old)s (an old name of %(zone)s)") % {"old": current, "zone": same}
            if same
            else current
        )
        listed.append((current, label))
    listed.extend((region, names) for region, names in sorted(groups.items()))
    return listed
