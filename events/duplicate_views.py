"""Organiser pages for duplicates: the near-duplicate trainers and agencies found, and merging
one into another. The rules (what counts as a duplicate, who may merge, what a merge moves
and refuses) are ``events.duplicates``'."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from events.duplicates import (
    MergeRefused,
    agencies_mergeable_by,
    duplicate_groups,
    merge_agencies,
    merge_trainers,
    near_duplicate_agencies,
    near_duplicate_trainers,
    trainers_mergeable_by,
)
from events.models import Agency, Trainer
from events.views import organiser_required


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=gettext_lazy("The duplicate, merged into this record and then deleted"),
        queryset=Trainer.objects.none(),
        empty_label=gettext_lazy("Choose…"),
    )

    def __init__(self, *args, candidates, near, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["duplicate"]
        field.queryset = candidates
        near_pks = {record.pk for record in near}
        # The near-duplicates first, marked: the likely choice is at the top.
        records = sorted(candidates, key=lambda r: (r.pk not in near_pks, str(r).casefold()))
        field.choices = [("", field.empty_label)] + [
            (
                record.pk,
                f"{record} · {_('same name or e-mail')}" if record.pk in near_pks else str(record),
            )
            for record in records
        ]


@organiser_required
def duplicates(request):
    """Groups of near-duplicate trainers and agencies, each record marked if this organiser
    may merge it into another. Four queries: trainers, agencies, and which of each the
    organiser may merge."""
    trainers = list(Trainer.objects.select_related("agency").order_by("name", "pk"))
    agencies = list(Agency.objects.order_by("name", "pk"))
    return render(
        request,
        "events/organise/duplicates.html",
        {
            "trainer_groups": duplicate_groups(trainers, by_email=True),
            "agency_groups": duplicate_groups(agencies),
            "mergeable_trainers": set(
                trainers_mergeable_by(request.user).values_list("pk", flat=True)
            ),
            "mergeable_agencies": set(
                agencies_mergeable_by(request.user).values_list("pk", flat=True)
            ),
        },
    )


def _merge_page(request, *, keep, candidates, near, merge, done_url, kind):
    form = MergeForm(request.POST or None, candidates=candidates, near=near)
    if request.method == "POST" and form.is_valid():
        try:
            merged = merge(keep=keep, duplicate=form.cleaned_data["duplicate"], by=request.user)
        except MergeRefused as refused:
            form.add_error("duplicate", refused.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(duplicate)s was merged into %(kept)s and deleted; %(count)s reference "
                    "moved.",
                    "%(duplicate)s was merged into %(kept)s and deleted; %(count)s references "
                    "moved.",
                    merged.moved,
                )
                % {"duplicate": merged.duplicate_label, "kept": merged.kept, "count": merged.moved},
            )
            return redirect(done_url)
    return render(
        request,
        "events/organise/merge.html",
        {"form": form, "keep": keep, "kind": kind, "back_url": done_url},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def trainer_merge(request, pk):
    """Merge a duplicate into trainer ``pk`` (any trainer the organiser sees is a keeper)."""
    keep = get_object_or_404(Trainer.objects.select_related("agency"), pk=pk)
    return _merge_page(
        request,
        keep=keep,
        candidates=trainers_mergeable_by(request.user).exclude(pk=keep.pk).select_related("agency"),
        near=near_duplicate_trainers(
            name=keep.name,
            name_local=keep.name_local,
            email=keep.email,
            exclude=keep.pk,
            user=request.user,
        ),
        merge=merge_trainers,
        done_url=reverse("events:trainer_detail", args=[keep.pk]),
        kind="trainer",
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def agency_merge(request, pk):
    """Merge a duplicate into agency ``pk``."""
    keep = get_object_or_404(Agency, pk=pk)
    return _merge_page(
        request,
        keep=keep,
        candidates=agencies_mergeable_by(request.user).exclude(pk=keep.pk),
        near=near_duplicate_agencies(name=keep.name, name_local=keep.name_local, exclude=keep.pk),
        merge=merge_agencies,
        done_url=reverse("events:duplicates"),
        kind="agency",
    )
