"""Helpers for every app's admin: choices read once per inline formset, counts of related
rows as changelist columns, the rows a change page's title reads, pages shown in a
workshop's time zone, and actions that call a service on each selected row and report each
refusal. No app's models here: each admin passes its own.

Here, among the helpers every app may call (config), so that every app's admin may import
them (they were the events admin's, which the participants and feedback admins imported).
"""

import zoneinfo
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext


class SharedChoicesFormSet(BaseInlineFormSet):
    """An inline formset whose select lists are read once for all its rows.

    A select for a foreign key renders by reading its queryset: once per row, so a workshop
    with 300 sessions would read the rooms 300 times. Here each field named in
    ``shared_choice_fields`` reads its choices on the first row and hands that list to every
    other row and to the empty row for "Add another". Validation still reads the queryset.
    """

    shared_choice_fields: tuple[str, ...] = ()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        cache = self.__dict__.setdefault("_shared_choices", {})
        for name in self.shared_choice_fields:
            field = form.fields.get(name)
            if field is None:
                continue
            self.limit_choices(name, field)
            widget = getattr(field.widget, "widget", field.widget)  # inside its "+" wrapper
            if isinstance(widget, AutocompleteMixin):
                # A search box shows only what is chosen: the labels of every row's choices
                # are read in one query, when the first row renders.
                widget.optgroups = partial(self._chosen_options, widget, name)
                continue
            if name not in cache:
                # Through iter(): list() of the field's iterator would first ask its length,
                # which is one more query (a COUNT).
                cache[name] = list(iter(field.choices))
            field.choices = cache[name]

    def _chosen_labels(self, widget, name: str) -> dict[str, str]:
        """{pk: label} of what every row has chosen in ``name``: one query for the formset."""
        labels = self.__dict__.setdefault("_chosen_label_cache", {})
        if name not in labels:
            chosen = set()
            for form in self.forms:
                value = form[name].value()
                values = value if isinstance(value, list | tuple) else [value]
                chosen |= {str(v) for v in values if v not in (None, "")}
            field = widget.choices.field
            labels[name] = {
                str(obj.pk): field.label_from_instance(obj)
                for obj in field.queryset.filter(pk__in=chosen)
            }
        return labels[name]

    def _chosen_options(self, widget, name, option_name, value, attr=None):
        """``AutocompleteMixin.optgroups`` from the shared labels instead of a query a row."""
        default = (None, [], 0)
        selected = {str(v) for v in value if str(v) not in widget.choices.field.empty_values}
        if not widget.is_required and not widget.allow_multiple_selected:
            default[1].append(widget.create_option(option_name, "", "", False, 0))
        labels = self._chosen_labels(widget, name)
        missing = selected - labels.keys()
        if missing:  # a value posted back that no row held when the labels were read
            field = widget.choices.field
            labels |= {
                str(o.pk): field.label_from_instance(o)
                for o in field.queryset.filter(pk__in=missing)
            }
        for pk in sorted(selected & labels.keys(), key=lambda pk: labels[pk].casefold()):
            default[1].append(
                widget.create_option(option_name, pk, labels[pk], selected, len(default[1]))
            )
        return [default]

    def limit_choices(self, name, field) -> None:
        """Narrow ``field``'s queryset for this parent (``self.instance``) before it is read."""


def count_of(model, relation: str, *where, **conditions):
    """An expression counting the rows of ``model``'s reverse ``relation`` (where the ``Q``
    objects ``where`` and the ``conditions``).

    A correlated subquery rather than a JOIN with GROUP BY: the changelist's row count and
    its filters' look-ups stay plain queries on the table, and only the shown page is counted.
    """
    rel = model._meta.get_field(relation)
    to = rel.field.name
    rows = rel.related_model._default_manager.filter(*where, **{to: OuterRef("pk")}, **conditions)
    counted = rows.order_by().values(to).annotate(count=Count("*")).values("count")
    return Coalesce(Subquery(counted), 0)


def count_column(field: str, description):
    """A changelist column showing the annotation ``field``, sortable by it."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return getattr(obj, field)

    return column


class ListRelatedOnEveryPageMixin:
    """Reads the changelist's ``list_select_related`` rows (and ``title_related``) on the
    change and delete pages too: their title is the row's label, built from those rows."""

    title_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related, *self.title_related)
        )


class WorkshopTimeZoneMixin:
    """Show and read the form's date-times in the workshop's own time zone.

    An organiser plans "9:00 in Lijiang", not "01:00 UTC". ``workshop_timezone`` names the
    zone for the page; the response is rendered inside it, since a TemplateResponse renders
    only after the view returns.
    """

    def workshop_timezone(self, request, object_id) -> zoneinfo.ZoneInfo | None:
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        tz = self.workshop_timezone(request, object_id)
        if tz is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(tz):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response


def apply_each(
    request, queryset, change, done, *, refusals=(ValidationError,), describe=str
) -> None:
    """Apply ``change`` (a service call) to each selected row; report refusals one by one.

    ``done(count)`` is the message for the rows that went through; a refusal (one of
    ``refusals``, whose ``messages`` or ``message`` says why) is reported against
    ``describe(row)``. Every admin action that changes state goes through here.
    """
    count = 0
    for obj in queryset:
        try:
            change(obj)
        except refusals as refusal:
            reasons = getattr(refusal, "messages", None) or [refusal.message]
            messages.error(
                request,
                gettext("%(item)s: %(reason)s")
                % {"item": describe(obj), "reason": " ".join(reasons)},
            )
        else:
            count += 1
    if count:
        messages.success(request, done(count) % {"count": count})


def service_action(name: str, description, change, done, *, related=(), **options):
    """The admin action ``name``: ``change(row, user)`` (a service call) on each selected row,
    through ``apply_each`` (``options`` are its ``refusals`` and ``describe``); ``done`` says
    what it did, an ``ngettext_lazy`` on "count". ``related`` is what ``describe`` reads."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        apply_each(
            request,
            queryset.select_related(*related) if related else queryset,
            lambda row: change(row, request.user),
            lambda count: done,
            **options,
        )

    action.__name__ = name
    return action
