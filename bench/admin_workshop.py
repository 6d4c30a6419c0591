"""The admin's change page of a workshop of 100 sessions in a directory of 800 trainers, 300
rooms, 1,000 agencies and 2,000 users, against the change page of a 3-session workshop in the
same directory (the floor: what the page costs before its rows).

Each inline row is a search box showing what the row has chosen; before, each row listed
every trainer and room (5 MB of HTML, about 15 s at this size). The figure is the median of
a signed-in superuser's requests through Django's test client, taken in turns with the
floor's (bench._harness.against_floor); the HTML size is printed too.
"""

from bench._harness import against_floor, setup_django

SESSIONS = 100
SMALL = 3
TARGET = 1.0  # seconds, at this size


def build():
    from django.contrib.auth import get_user_model

    from bench.calendar_feed import build_programme
    from events.models import Agency, Room, Trainer

    user_model = get_user_model()
    big = build_programme(SESSIONS, slug="admin-big")
    small = build_programme(SMALL, slug="admin-small")
    agency = Agency.objects.create(name="Directory agency")
    Room.objects.bulk_create(Room(name=f"Room {n}", venue="Directory") for n in range(300))
    Trainer.objects.bulk_create(Trainer(name=f"Trainer {n}", agency=agency) for n in range(800))
    Agency.objects.bulk_create(Agency(name=f"Agency {n}") for n in range(1000))
    user_model.objects.bulk_create(user_model(username=f"user{n}") for n in range(2000))
    root = user_model.objects.create_superuser("root", password=None)
    return big, small, root


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse

    big, small, root = build()
    client = Client()
    client.force_login(root)
    urls = {w: reverse("admin:events_workshop_change", args=[w.pk]) for w in (big, small)}
    sizes = {}
    for workshop, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200
        sizes[workshop] = len(response.content)

    def page(workshop):
        return lambda: client.get(urls[workshop])

    print(
        f"HTML: {sizes[big] / 1e6:.2f} MB at {SESSIONS} sessions, "
        f"{sizes[small] / 1e6:.2f} MB at {SMALL}"
    )
    figure = against_floor(
        f"admin workshop change page, {SESSIONS} sessions",
        page(big),
        page(small),
        baseline_name=f"the same page at {SMALL} sessions",
        repeat=7,
        warmup=1,
    )["ours"]
    verdict = "meets" if figure <= TARGET else "MISSES"
    print(f"admin workshop change page: {verdict} the {TARGET:g} s target")
