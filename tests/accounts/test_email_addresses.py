"""One address, one account, through allauth's real e-mail page, log-in and reset.

The defect class: an address of another account could be added, made primary (500, but
it stuck), then logged in with, and a reset for it mailed both accounts. Now any path
that would give one address to two accounts is refused.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction

from buddynet.accounts.models import User
from buddynet.accounts.services import email_in_use
from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def add_address(client, email):
    return client.post("/accounts/email/", {"action_add": "", "email": email})


@pytest.mark.parametrize("variant", ["exact", "capitals", "spaces"])
def test_another_accounts_address_cannot_be_added(world, client, variant):
    victim = world.coord.email
    typed = {"exact": victim, "capitals": victim.upper(), "spaces": f"  {victim} "}[variant]
    assert login(client, world.buddy_user.email).status_code == 302
    response = add_address(client, typed)
    assert response.status_code == 200  # allauth shows the form again with the reason
    assert "Another account uses this e-mail address" in response.content.decode() or (
        "Een ander account gebruikt dit e-mailadres" in response.content.decode()
    )
    assert not EmailAddress.objects.filter(user=world.buddy_user, email__iexact=victim).exists()
    # Making it primary is impossible: it is not there.
    primary = client.post("/accounts/email/", {"action_primary": "", "email": victim})
    assert primary.status_code == 302  # back to the page, with an error message
    world.buddy_user.refresh_from_db()
    assert world.buddy_user.email == "buddy@example.be"


def test_the_victims_address_with_the_victims_password_logs_in_only_the_victim(world, client):
    assert login(client, world.buddy_user.email).status_code == 302
    add_address(client, world.coord.email)
    client.logout()
    assert login(client, world.coord.email).status_code == 302
    assert int(client.session["_auth_user_id"]) == world.coord.pk


def test_a_reset_for_an_address_mails_one_account(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert login(client, world.buddy_user.email).status_code == 302
    add_address(client, world.coord.email)
    client.logout()
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": world.coord.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.coord.email]
    assert mail.outbox[0].body.count("/accounts/password/reset/key/") == 1


def test_changing_to_an_unused_address_takes_effect_only_once_confirmed(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert login(client, world.buddy_user.email).status_code == 302
    response = add_address(client, "Nieuw.Adres@Example.be")
    assert response.status_code == 302
    pending = EmailAddress.objects.get(user=world.buddy_user, email="nieuw.adres@example.be")
    assert not pending.verified and not pending.primary
    # Unconfirmed: it cannot be made primary, and it does not log in.
    client.post("/accounts/email/", {"action_primary": "", "email": pending.email})
    world.buddy_user.refresh_from_db()
    assert world.buddy_user.email == "buddy@example.be"
    client.logout()
    assert login(client, "nieuw.adres@example.be").status_code == 200
    # Confirmed from its mailbox: it replaces the old one, which no longer logs in.
    (message,) = [m for m in mail.outbox if m.to == ["nieuw.adres@example.be"]]
    link = next(w for w in message.body.split() if "/accounts/confirm-email/" in w)
    key_path = link.split("testserver", 1)[-1]
    assert client.post(key_path).status_code == 302
    world.buddy_user.refresh_from_db()
    assert world.buddy_user.email == "nieuw.adres@example.be"
    assert list(
        EmailAddress.objects.filter(user=world.buddy_user).values_list("email", flat=True)
    ) == ["nieuw.adres@example.be"]
    client.logout()
    assert login(client, "buddy@example.be").status_code == 200
    assert login(client, "nieuw.adres@example.be").status_code == 302


def test_every_user_has_exactly_their_own_address_in_allauth(world):
    for user in User.objects.all():
        rows = list(
            EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")
        )
        assert rows == [(user.email, True, True)], user.email


def test_changing_the_user_email_elsewhere_moves_the_allauth_address(world, client):
    world.prof.email = "Prof.Nieuw@Example.be"
    world.prof.save()
    assert world.prof.email == "prof.nieuw@example.be"
    assert list(EmailAddress.objects.filter(user=world.prof).values_list("email", flat=True)) == [
        "prof.nieuw@example.be"
    ]
    # The old address no longer logs in.
    assert login(client, "prof@example.be").status_code == 200
    assert login(client, "prof.nieuw@example.be").status_code == 302


def test_no_two_users_share_an_address_whatever_the_capitals(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="COORD@example.be")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="Coord@Example.be")


def test_an_allauth_address_of_another_account_is_refused_at_the_model(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailAddress.objects.create(user=world.buddy_user, email="COORD@example.be")
    assert email_in_use("coord@EXAMPLE.be", exclude_user=world.buddy_user)
    assert not email_in_use("coord@example.be", exclude_user=world.coord)


@pytest.mark.parametrize(
    ("language", "greeting", "subject"),
    [("nl", "Hallo,", "Kies een nieuw wachtwoord"), ("en", "Hello,", "Choose a new password")],
)
def test_the_reset_mail_speaks_plainly_and_names_buddynet_not_the_host(
    world, client, settings, language, greeting, subject
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    client.post("/accounts/password/reset/", {"email": world.prof.email})
    (message,) = mail.outbox
    assert message.subject == f"[buddynet] {subject}"
    assert message.body.startswith(greeting)
    assert "buddynet" in message.body
    assert "testserver" not in message.body.replace("http://testserver/accounts/", "")
    assert "127.0.0.1" not in message.body
    for formal in (" u ", " uw ", "Uw ", "Hallo van", "Hello from"):
        assert formal not in message.body
