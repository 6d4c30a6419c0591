"""Sign-in: wrong passwords lock out the account and the address (django-axes), with a
message, until an administrator unlocks it or the cool-off ends; password reset by e-mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password, address="203.0.113.5"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_signin_after_the_failure_limit_refuses_even_the_right_password(client, organiser):
    for _attempt in range(4):
        assert sign_in(client, "organiser", "wrong").status_code == 200
    # The fifth wrong password is the last one looked at.
    assert sign_in(client, "organiser", "wrong").status_code == 429

    response = sign_in(client, "organiser", PASSWORD)

    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many wrong passwords: after 5 failed attempts" in text
    assert "Try again in 15 minutes, or ask an administrator to unlock it." in text
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signin_lockout_holds_for_the_account_from_another_address(client, organiser):
    for _attempt in range(5):
        sign_in(client, "organiser", "wrong", address="203.0.113.5")

    assert sign_in(client, "organiser", PASSWORD, address="198.51.100.7").status_code == 429


@pytest.mark.django_db
def test_signin_lockout_holds_for_the_address_on_another_account(client, organiser, make_user):
    make_user("someone-else")
    for number in range(5):
        sign_in(client, f"guess-{number}", "wrong")

    assert sign_in(client, "someone-else", PASSWORD).status_code == 429
    # Another address signs in to the same account.
    assert sign_in(client, "someone-else", PASSWORD, address="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_signin_below_the_limit_then_right_password_signs_in(client, organiser):
    for _attempt in range(4):
        sign_in(client, "organiser", "wrong")

    response = sign_in(client, "organiser", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(organiser.pk)


@pytest.mark.django_db
def test_signin_unlocked_by_an_administrator_command(client, organiser):
    for _attempt in range(5):
        sign_in(client, "organiser", "wrong")
    assert sign_in(client, "organiser", PASSWORD).status_code == 429

    call_command("axes_reset_username", "organiser")
    call_command("axes_reset_ip", "203.0.113.5")

    assert sign_in(client, "organiser", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_signin_unlocked_in_the_admin(client, organiser, admin_user):
    from axes.models import AccessAttempt

    for _attempt in range(5):
        sign_in(client, "organiser", "wrong")
    attempt = AccessAttempt.objects.get(username="organiser")
    assert attempt.failures_since_start == 5

    client.force_login(admin_user)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "organiser" in listing.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    client.logout()

    assert sign_in(client, "organiser", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_admin_signin_is_locked_out_too(client, admin_user):
    url = reverse("admin:login")
    for _attempt in range(5):
        client.post(url, {"username": "admin", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")

    response = client.post(
        url, {"username": "admin", "password": "password"}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "heading"),
    [
        ("en", "Reset your password for Workshops", "Choose a new password"),
        ("zh-hans", "重置您在培训班系统的密码", "设置新密码"),
    ],
)
def test_password_reset_by_email_sets_a_new_password(
    client, make_user, settings, language, subject, heading
):
    settings.SITE_URL = "https://workshops.example.org"
    user = make_user("li", email="li@example.org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    form = client.get(reverse("password_reset"))
    assert form.status_code == 200
    sent = client.post(reverse("password_reset"), {"email": "li@example.org"})
    assert sent.status_code == 302
    assert sent["Location"] == reverse("password_reset_done")

    (message,) = mail.outbox
    assert message.to == ["li@example.org"]
    assert message.subject == subject
    link = re.search(
        r"https://workshops\.example\.org(/accounts/password-reset/\S+/)", message.body
    )
    assert link, message.body
    page = client.get(link.group(1), follow=True)
    assert heading in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a new passphrase 2026", "new_password2": "a new passphrase 2026"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    user = get_user_model().objects.get(pk=user.pk)
    assert user.check_password("a new passphrase 2026")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_signin_page_links_to_the_password_reset(client):
    response = client.get(reverse("login"))

    assert reverse("password_reset") in response.content.decode()
