"""Log-in, lockout, password reset by e-mail (real SMTP via the queue), two-factor."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache

from buddynet.core.models import AuditEntry
from tests.factories import PASSWORD
from tests.smtp import body_text, smtp_server


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_login_with_email_and_password_lands_on_dashboard(world, client):
    response = login(client, world.coord.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Project A" in page.content.decode()
    assert AuditEntry.unscoped.filter(action="account.logged_in", actor=world.coord).exists()


def test_wrong_password_gives_a_clear_message_and_keeps_the_email(world, client):
    response = login(client, world.coord.email, "wrong password")
    assert response.status_code == 200
    body = response.content.decode()
    assert world.coord.email in body  # what was typed is kept
    assert "alert-danger" in body or "invalid" in body.lower()
    assert AuditEntry.unscoped.filter(action="account.login_failed").exists()


def test_repeated_failed_logins_are_locked_out(world, client):
    for _ in range(5):
        login(client, world.coord.email, "wrong password")
    # Even the right password is refused now: the account is locked for a while.
    response = login(client, world.coord.email)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_password_reset_mail_goes_through_the_queue_to_a_real_smtp_server(world, client, settings):
    with smtp_server() as inbox:
        # The production path: queued backend → queue task → SMTP backend → server.
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        response = client.post("/accounts/password/reset/", {"email": world.prof.email})
        assert response.status_code == 302
        assert len(inbox.messages) == 1
        message = inbox.messages[0]
        assert message["To"] == world.prof.email
        link = re.search(r"http://\S+/accounts/password/reset/key/\S+", body_text(message))
        assert link, body_text(message)
    path = link.group(0).split("testserver", 1)[-1]
    follow = client.get(path, follow=True)
    assert follow.status_code == 200
    new_password = "a new long passphrase 42"
    form_url = follow.redirect_chain[-1][0] if follow.redirect_chain else path
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    assert login(client, world.prof.email, new_password).status_code == 302
    assert AuditEntry.unscoped.filter(action="account.password.reset", actor=world.prof).exists()


def test_password_reset_for_unknown_address_does_not_reveal_it(db, client, settings):
    with smtp_server() as inbox:
        # The production path: queued backend → queue task → SMTP backend → server.
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.be"})
        assert response.status_code == 302  # same answer as for a known address
        assert len(inbox.messages) <= 1  # allauth may tell the address no account exists
        if inbox.messages:
            assert "/accounts/password/reset/key/" not in body_text(inbox.messages[0])


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_coordinator_must_set_up_two_factor_when_the_project_requires_it(
    world, client, django_capture_on_commit_callbacks
):
    world.project.require_coordinator_2fa = True
    world.project.save()
    assert login(client, world.coord.email).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Other pages are closed too, the API answers 403 with a reason.
    assert client.get(f"/p/{world.project.code}/participants/").status_code == 302
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert "two-step" in api.json()["detail"].lower() or "tweestaps" in api.json()["detail"]

    page = client.get("/accounts/2fa/totp/activate/")
    # Setting up a second factor is account-sensitive: confirm the password first.
    assert page.status_code == 302 and "reauthenticate" in page["Location"]
    confirmed = client.post(page["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=world.coord, type="totp").exists()
    assert AuditEntry.unscoped.filter(action="account.two_factor.added", actor=world.coord).exists()
    assert client.get("/").status_code == 200

    # Next time, the log-in asks for the code.
    client.logout()
    step = login(client, world.coord.email)
    assert step.status_code == 302 and "2fa" in step["Location"]
    assert client.get("/").status_code == 302
    final = client.post(step["Location"], {"code": _current_code(secret)})
    assert final.status_code == 302
    assert client.get("/").status_code == 200


def test_other_roles_are_not_forced_to_use_two_factor(world, client):
    world.project.require_coordinator_2fa = True
    world.project.save()
    login(client, world.buddy_user.email)
    assert client.get("/").status_code == 200


def test_sign_up_is_closed(db, client):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.be", "password1": "long pass 1234", "password2": "long pass 1234"},
    )
    from buddynet.accounts.models import User

    assert not User.objects.filter(email="x@example.be").exists()
    assert response.status_code in (200, 302)


def test_passwords_are_hashed_with_argon2_in_production(settings):
    from buddynet import settings as project_settings

    assert "Argon2PasswordHasher" in project_settings.PASSWORD_HASHERS[-2] or any(
        "Argon2" in h for h in project_settings.PASSWORD_HASHERS
    )
    production = [h for h in project_settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0].endswith("Argon2PasswordHasher")
