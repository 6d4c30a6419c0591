"""A page of 100 sessions and a page of 100 registrations through the API, median time,
beside a plain Django view returning the same rows from ``.values()`` as JSON (the floor).
Target: within 2x of the floor. SQLite scratch database unless BENCH_DATABASE_URL.

    .venv/bin/python -m bench api_lists
"""

import os
from datetime import date

from bench._harness import against_floor, setup_django

ROWS = 1000


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.http import JsonResponse

    from events.models import Room, Session, Trainer
    from events.serializers import SESSION_COLUMNS
    from participants.models import Registration
    from participants.serializers import REGISTRATION_COLUMNS
    from tests import factories

    user = get_user_model().objects.create_user("bench-organiser")
    workshop = factories.workshop(
        title="Benchmark",
        slug="bench",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 1, 30),
        capacity=ROWS,
    )
    workshop.organisers.add(user)
    room = Room.objects.create(name="Hall", venue="Hotel")
    trainer = Trainer.objects.create(name="Chen Jing")
    factories.bulk_sessions(workshop, ROWS, trainer=trainer, room=room)
    factories.bulk_registrations(workshop, ROWS)
    from rest_framework.test import APIRequestFactory, force_authenticate

    from events.api import SessionViewSet
    from participants.api import RegistrationViewSet

    factory = APIRequestFactory()
    views = {
        "sessions": SessionViewSet.as_view({"get": "list"}),
        "registrations": RegistrationViewSet.as_view({"get": "list"}),
    }

    def api(name):
        # The view itself, as the floor's: the middleware is the same for both and left out.
        def call():
            request = factory.get(f"/api/v1/{name}/", {"workshop": workshop.slug})
            force_authenticate(request, user=user)
            response = views[name](request)
            response.render()
            assert response.status_code == 200, response.content[:200]
            assert len(response.data["results"]) == 100

        return call

    def floor_sessions():
        # The rows and columns the API reads (its own lists), straight from .values(), with
        # each session's trainers, as JSON: what any view of them costs.
        rows = list(
            Session.objects.filter(workshop=workshop)
            .order_by("starts_at", "ends_at", "pk")
            .values(*SESSION_COLUMNS)[:100]
        )
        trainers = {}
        for session_id, name in Session.trainers.through.objects.filter(
            session_id__in=[r["id"] for r in rows]
        ).values_list("session_id", "trainer__name"):
            trainers.setdefault(session_id, []).append(name)
        for row in rows:
            row["trainers"] = trainers.get(row["id"], [])
        return JsonResponse(
            {"count": Session.objects.filter(workshop=workshop).count(), "results": rows}
        )

    def floor_registrations():
        rows = list(
            Registration.objects.filter(workshop=workshop)
            .order_by("created_at", "pk")
            .values(*REGISTRATION_COLUMNS)[:100]
        )
        return JsonResponse(
            {"count": Registration.objects.filter(workshop=workshop).count(), "results": rows}
        )

    for name, floor in (
        ("sessions", floor_sessions),
        ("registrations", floor_registrations),
    ):
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            api(name)()
            cProfile.runctx("api(name)()", globals(), locals(), sort="tottime")
        against_floor(
            f"API page of 100 {name}",
            api(name),
            floor,
            baseline_name=".values() as JSON",
            target=2,
            repeat=25,
        )
