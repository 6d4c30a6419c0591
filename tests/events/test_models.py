from datetime import date

import pytest
from django.db import IntegrityError

from events.models import Session, Workshop
from tests.conftest import at


@pytest.mark.django_db
def test_session_ends_after_start_is_enforced_by_the_database(workshop):
    with pytest.raises(IntegrityError, match="session_ends_after_start"):
        Session.objects.create(
            workshop=workshop, title="Backwards", starts_at=at(27, 10), ends_at=at(27, 9)
        )


@pytest.mark.django_db
def test_workshop_slug_is_made_from_title_and_year():
    workshop = Workshop.objects.create(
        title="National Anti-Trafficking Workshop",
        start_date=date(2007, 8, 26),
        end_date=date(2007, 8, 31),
    )
    assert workshop.slug == "national-anti-trafficking-workshop-2007"
