"""Importing the same calendar file again changes nothing and says so: no "8 updated" for
sessions that already say what the file says, and no new calendar revisions."""

from django.urls import reverse

from events.ical_import import import_sessions, preview_import
from events.models import Session
from tests.events.test_ical_import import outlook_file


def test_an_unchanged_reimport_updates_nothing(workshop):
    first = preview_import(workshop, outlook_file())
    chosen = {e.uid for e in first if e.importable}
    created = import_sessions(workshop=workshop, events=first, chosen=chosen)
    revisions = dict(Session.objects.values_list("uid", "sequence"))

    again = preview_import(workshop, outlook_file())
    result = import_sessions(
        workshop=workshop, events=again, chosen={e.uid for e in again if e.importable}
    )

    assert created.created == len(chosen) > 0
    assert {e.action for e in again if e.importable} == {"unchanged"}
    assert (result.created, result.updated) == (0, 0)
    assert dict(Session.objects.values_list("uid", "sequence")) == revisions


def test_the_preview_of_an_unchanged_file_says_nothing_changes(client, organiser, workshop):
    first = preview_import(workshop, outlook_file())
    import_sessions(workshop=workshop, events=first, chosen={e.uid for e in first if e.importable})
    client.force_login(organiser)

    client.post(
        reverse("events:timetable_import", args=[workshop.slug]),
        {"file": _upload(outlook_file())},
    )
    page = client.get(reverse("events:timetable_import_confirm", args=[workshop.slug]))

    html = page.content.decode()
    count = page.context["counts"]["unchanged"]
    assert count == len([e for e in first if e.importable])
    assert f"{count} sessions already say what the file says: nothing to change." in html
    assert "sessions updated: 0" in html
    assert 'class="primary" disabled' in html


def test_a_changed_title_is_one_update(workshop):
    first = preview_import(workshop, outlook_file())
    import_sessions(workshop=workshop, events=first, chosen={e.uid for e in first if e.importable})
    renamed = outlook_file().replace(b"en-us:Identifying victims", b"en-us:Finding victims")

    again = preview_import(workshop, renamed)

    assert [e.title for e in again if e.action == "update"] == ["Finding victims"]


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("programme.ics", data, content_type="text/calendar")
