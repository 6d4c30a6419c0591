"""The admin's accounts, funders' memberships, a workshop's organisers and its agencies' roles:
written through the services (``events.services``), as the organiser's pages and the demo
write them."""

import pytest
from django.contrib.auth import get_user_model

from events import services
from events.models import Agency, AgencyMember, WorkshopAgency
from tests.test_admin import url, workshop_form

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def superuser():
    return User.objects.create_superuser("site-admin", "site-admin@example.org", None)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def add_account(admin_client, username, password, again=None):
    return admin_client.post(
        url(User, "add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password if again is None else again,
        },
    )


def test_the_admin_adds_an_account_whose_password_signs_in(admin_client, client):
    response = add_account(admin_client, "li.ming", "Lijiang-2007-workshop")
    user = User.objects.get(username="li.ming")
    assert response.status_code == 302
    assert response.url == url(User, "change", user.pk)
    assert user.check_password("Lijiang-2007-workshop")
    assert (user.is_staff, user.is_superuser) == (False, False)


@pytest.mark.parametrize(
    ("username", "password", "again", "field", "message"),
    [
        ("funder", "funder2007", None, "password2", "The password is too similar to the username."),
        ("li.ming", "12345678901", None, "password2", "This password is entirely numeric."),
        ("li.ming", "Lijiang-2007", "Lijiang-2008", "password2", "didn’t match"),  # noqa: RUF001
        ("Site-Admin", "Lijiang-2007-workshop", None, "username", "already exists"),
    ],
)
def test_the_admin_refuses_an_account_the_rules_refuse(
    admin_client, username, password, again, field, message
):
    response = add_account(admin_client, username, password, again)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    # Shown once: not by Django's form and again by the service's check.
    assert sum(message in error for error in errors) == 1, errors
    assert not User.objects.filter(username=username).exists()


def test_the_admins_password_change_goes_through_the_rules(admin_client, make_user):
    user = make_user("li.ming")
    address = url(User, "password_change", user.pk)
    refused = admin_client.post(address, {"password1": "li.ming", "password2": "li.ming"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["password2"] == [
        "The password is too similar to the username.",
        "This password is too short. It must contain at least 8 characters.",
    ]
    changed = admin_client.post(
        address, {"password1": "Lijiang-2007-workshop", "password2": "Lijiang-2007-workshop"}
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lijiang-2007-workshop")


def test_the_admin_ties_an_account_to_one_agency_and_unties_it(admin_client, make_user):
    user = make_user("donor-staff")
    donor, other = Agency.objects.create(name="Donor"), Agency.objects.create(name="Other")
    response = admin_client.post(url(AgencyMember, "add"), {"user": user.pk, "agency": donor.pk})
    member = AgencyMember.objects.get(user=user)
    assert response.status_code == 302
    assert member.agency == donor
    # Another agency for the same account: the account is shown, not chosen again.
    page = admin_client.get(url(AgencyMember, "change", member.pk))
    assert "user" not in page.context["adminform"].form.fields
    admin_client.post(url(AgencyMember, "change", member.pk), {"agency": other.pk})
    assert AgencyMember.objects.get(user=user).agency == other
    admin_client.post(url(AgencyMember, "delete", member.pk), {"post": "yes"})
    assert not AgencyMember.objects.exists()


def test_the_admin_sets_a_workshops_organisers(admin_client, superuser, workshop, make_user):
    one, two = make_user("organiser-one"), make_user("organiser-two")
    workshop.organisers.set([one])
    response = admin_client.post(
        url(type(workshop), "change", workshop.pk),
        workshop_form(workshop, organisers=[two.pk, superuser.pk]),
    )
    assert response.status_code == 302
    assert set(workshop.organisers.all()) == {two, superuser}


def roles_form(workshop, superuser, rows) -> dict:
    """The workshop's admin page posted back with ``rows`` (pk or None, agency, role, order,
    note, delete) in its agencies' inline."""
    data = workshop_form(workshop, organisers=[superuser.pk])
    initial = [row for row in rows if row[0] is not None]
    data.update({"agency_roles-TOTAL_FORMS": str(len(rows))})
    data.update({"agency_roles-INITIAL_FORMS": str(len(initial))})
    for i, (pk, agency, role, order, note, delete) in enumerate(rows):
        prefix = f"agency_roles-{i}-"
        data.update(
            {
                prefix + "id": "" if pk is None else str(pk),
                prefix + "workshop": str(workshop.pk),
                prefix + "agency": str(agency.pk),
                prefix + "role": role,
                prefix + "order": str(order),
                prefix + "note": note,
            }
        )
        if delete:
            data[prefix + "DELETE"] = "on"
    return data


def test_the_admin_places_annotates_and_removes_agencies_roles(admin_client, superuser, workshop):
    one, two, three, four = (Agency.objects.create(name=f"Ministry {n}") for n in range(1, 5))
    first = services.add_agency_role(workshop=workshop, agency=one, role="attending")
    second = services.add_agency_role(workshop=workshop, agency=two, role="attending")
    third = services.add_agency_role(workshop=workshop, agency=three, role="attending")
    rows = [
        (first.pk, one, "attending", 0, "", True),  # removed
        (second.pk, two, "attending", 1, "also sent personnel", False),  # annotated
        (third.pk, three, "attending", 0, "", False),  # named first
        (None, four, "attending", 0, "", False),  # added, its order left: after the others
    ]
    response = admin_client.post(
        url(type(workshop), "change", workshop.pk), roles_form(workshop, superuser, rows)
    )
    assert response.status_code == 302
    attending = WorkshopAgency.objects.filter(workshop=workshop, role="attending")
    assert [(r.agency.name, r.order, r.note) for r in attending.order_by("order")] == [
        ("Ministry 3", 0, ""),
        ("Ministry 2", 1, "also sent personnel"),
        ("Ministry 4", 2, ""),
    ]


def test_the_agency_role_admin_adds_and_places_through_the_services(admin_client, workshop):
    one, two = Agency.objects.create(name="Ministry 1"), Agency.objects.create(name="Ministry 2")
    services.add_agency_role(workshop=workshop, agency=one, role="host")
    fields = {"workshop": workshop.pk, "agency": two.pk, "role": "host", "order": 0, "note": ""}
    assert admin_client.post(url(WorkshopAgency, "add"), fields).status_code == 302
    added = WorkshopAgency.objects.get(agency=two)
    assert added.order == 1  # its order left as it was: after the others
    noted = {**fields, "order": 1, "note": "co-host"}
    admin_client.post(url(WorkshopAgency, "change", added.pk), noted)
    added.refresh_from_db()
    assert (added.order, added.note) == (1, "co-host")
    moved = admin_client.post(
        url(WorkshopAgency, "change", added.pk), {**fields, "note": "co-host", "order": 0}
    )
    assert moved.status_code == 302
    hosts = WorkshopAgency.objects.filter(workshop=workshop, role="host").order_by("order")
    assert [(r.agency.name, r.order, r.note) for r in hosts] == [
        ("Ministry 2", 0, "co-host"),
        ("Ministry 1", 1, ""),
    ]


def test_the_account_admin_keeps_every_page_and_field_of_djangos(admin_client, superuser):
    """Django's user admin, page for page: the list (its search and filters), the add page,
    the change page (names, address, flags, groups, permissions, the link to the password
    page) and the password page; a change saves groups, permissions and flags."""
    from django.contrib.auth.admin import UserAdmin
    from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Reviewers")
    permission = Permission.objects.get(codename="view_workshop")
    user = User.objects.create_user("li.ming", "li.ming@example.org", "Lijiang-2007-workshop")
    listed = admin_client.get(url(User, "changelist"), {"q": "li.ming", "is_staff__exact": "0"})
    assert listed.status_code == 200
    assert list(listed.context["cl"].queryset) == [user]
    assert [f.title for f in listed.context["cl"].filter_specs] == [
        "staff status",
        "superuser status",
        "active",
        "groups",
    ]
    added = admin_client.get(url(User, "add"))
    assert added.status_code == 200
    assert sorted(added.context["adminform"].form.fields) == sorted(AdminUserCreationForm().fields)
    assert added.context["adminform"].model_admin.add_fieldsets == UserAdmin.add_fieldsets
    changing = admin_client.get(url(User, "change", user.pk))
    assert changing.status_code == 200
    fieldsets = changing.context["adminform"].model_admin.get_fieldsets(None, user)
    assert fieldsets == UserAdmin.fieldsets
    assert 'href="../password/"' in changing.content.decode()
    password = admin_client.get(url(User, "password_change", user.pk))
    assert password.status_code == 200
    assert sorted(password.context["form"].fields) == sorted(AdminPasswordChangeForm(user).fields)

    form = {
        "username": "li.ming",
        "first_name": "Ming",
        "last_name": "Li",
        "email": "ming.li@example.org",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [group.pk],
        "user_permissions": [permission.pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2007-08-26",
        "date_joined_1": "09:00:00",
    }
    saved = admin_client.post(url(User, "change", user.pk), form)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.first_name, user.email, user.is_staff, user.is_superuser) == (
        "Ming",
        "ming.li@example.org",
        True,
        True,
    )
    assert list(user.groups.all()) == [group]
    assert list(user.user_permissions.all()) == [permission]
    assert user.check_password("Lijiang-2007-workshop")


def test_the_admin_adds_an_account_without_a_usable_password(admin_client):
    response = admin_client.post(
        url(User, "add"), {"username": "li.ming", "usable_password": "false"}
    )
    assert response.status_code == 302
    assert not User.objects.get(username="li.ming").has_usable_password()


def test_the_admin_refuses_a_new_username_a_new_account_could_not_take(admin_client, superuser):
    """Renamed, an account is checked as a new one: not a username taken in another case."""
    user = User.objects.create_user("li.ming", "li.ming@example.org", "Lijiang-2007-workshop")
    form = {
        "username": "SITE-ADMIN",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2007-08-26",
        "date_joined_1": "09:00:00",
    }
    refused = admin_client.post(url(User, "change", user.pk), form)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["username"]
    assert errors == ["A user with that username already exists."]
    user.refresh_from_db()
    assert user.username == "li.ming"
    # Its other fields change as before.
    kept = admin_client.post(
        url(User, "change", user.pk), {**form, "username": "li.ming", "first_name": "Ming"}
    )
    assert kept.status_code == 302
    user.refresh_from_db()
    assert (user.username, user.first_name) == ("li.ming", "Ming")
