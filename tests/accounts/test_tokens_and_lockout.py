"""API tokens stop when the password changes; the 2FA rule in one function; lock-outs
count per client address behind our trusted proxies and cannot be used by a stranger
to lock a coordinator out."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory

from buddynet.accounts.services import (
    api_token_create,
    api_token_revoke,
    user_meets_2fa_requirement,
)
from buddynet.core.ratelimit import client_ip, over_limit
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


def me(client, raw):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- Tokens and passwords ---------------------------------------------------------------


def test_changing_the_password_on_the_page_stops_every_token(world, client):
    _token, raw = api_token_create(user=world.coord, name="rapport")
    assert me(client, raw).status_code == 200
    client.post("/accounts/login/", {"login": world.coord.email, "password": PASSWORD})
    new = "een nieuw lang wachtwoord 42"
    done = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert done.status_code == 302
    client.logout()
    assert me(client, raw).status_code == 401
    assert world.coord.api_tokens.get().revoked_at is not None  # the page shows it
    # A token made after the change works.
    _token, fresh = api_token_create(user=world.coord, name="nieuw")
    assert me(client, fresh).status_code == 200


@pytest.mark.parametrize("how", ["set_password", "unusable"])
def test_a_password_set_anywhere_else_stops_older_tokens(world, client, how):
    """The admin, a management command or a reset all end in ``set_password``."""
    token, raw = api_token_create(user=world.prof, name="rapport")
    if how == "set_password":
        world.prof.set_password("ergens anders gezet 123")
    else:
        world.prof.set_unusable_password()
    world.prof.save()
    assert me(client, raw).status_code == 401
    token.refresh_from_db()
    assert not token.works


def test_a_password_reset_stops_every_token(world, client, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _token, raw = api_token_create(user=world.prof, name="rapport")
    client.post("/accounts/password/reset/", {"email": world.prof.email})
    link = next(w for w in mail.outbox[-1].body.split() if "/accounts/password/reset/key/" in w)
    follow = client.get(link.split("testserver", 1)[-1], follow=True)
    new = "een nieuw lang wachtwoord 42"
    form_url = follow.redirect_chain[-1][0]
    assert client.post(form_url, {"password1": new, "password2": new}).status_code == 302
    assert me(client, raw).status_code == 401


def test_revoking_twice_gives_the_same_token(world):
    token, _raw = api_token_create(user=world.coord, name="x")
    first = api_token_revoke(user=world.coord, token=token)
    second = api_token_revoke(user=world.coord, token=token)
    assert first.revoked_at == second.revoked_at


# --- Two-step verification, one rule --------------------------------------------------------


def test_user_meets_2fa_requirement(world):
    assert user_meets_2fa_requirement(world.coord)
    world.project.require_coordinator_2fa = True
    world.project.save()
    assert not user_meets_2fa_requirement(world.coord)
    assert user_meets_2fa_requirement(world.buddy_user)  # only coordinators must
    assert user_meets_2fa_requirement(world.other_coord)  # another project
    assert user_meets_2fa_requirement(AnonymousUser())
    Authenticator.objects.create(user=world.coord, type=Authenticator.Type.TOTP, data={})
    assert user_meets_2fa_requirement(world.coord)


# --- The client address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.1"),
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy of ours: the header is the client's own
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own part is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # did not pass all our proxies
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_counts_only_our_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),  # from our proxy
        (1, "10.0.0.7", "203.0.113.9", "203.0.113.9"),  # a proxy in a listed network
        (1, "198.51.100.4", "203.0.113.9", "198.51.100.4"),  # around the proxy: own address
        (2, "127.0.0.1", "203.0.113.9, 10.0.0.5", "203.0.113.9"),  # through both proxies
        (2, "127.0.0.1", "203.0.113.9, 198.51.100.4", "127.0.0.1"),  # the first is no proxy
    ],
)
def test_client_ip_reads_the_header_only_from_our_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    settings.PROXY_ADDRESSES = ["127.0.0.1", "10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_public_form_limits_count_each_client_behind_the_proxy(db, settings):
    settings.TRUSTED_PROXIES = 1
    factory = RequestFactory()

    def hit(ip):
        request = factory.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ip)
        return over_limit(request, scope="test", limit=2, window_seconds=3600)

    assert [hit("203.0.113.1") for _ in range(3)] == [False, False, True]
    assert hit("203.0.113.2") is False  # another person behind the same proxy


def login_from(client, ip, email, password=PASSWORD):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=ip,
    )


def test_a_stranger_cannot_lock_a_coordinator_out(world, client, settings):
    settings.TRUSTED_PROXIES = 1
    stranger, office = "203.0.113.66", "198.51.100.7"
    for _ in range(6):
        assert login_from(client, stranger, world.coord.email, "raden").status_code == 200
    # The stranger is locked out of this account, even with the right password...
    assert login_from(client, stranger, world.coord.email).status_code == 200
    assert "_auth_user_id" not in client.session
    # ...the coordinator at the office is not.
    assert login_from(client, office, world.coord.email).status_code == 302
    assert int(client.session["_auth_user_id"]) == world.coord.pk


def test_the_lock_out_ends(world, client, settings):
    settings.TRUSTED_PROXIES = 1
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            login_from(client, "203.0.113.66", world.coord.email, "raden")
        assert login_from(client, "203.0.113.66", world.coord.email).status_code == 200
        traveller.shift(dt.timedelta(minutes=16))
        assert login_from(client, "203.0.113.66", world.coord.email).status_code == 302


def test_guessing_one_account_from_many_addresses_still_stops(world, client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.BUDDYNET_LOGIN_FAILED_ACCOUNT_LIMIT = "8/h/key"
    for n in range(8):
        login_from(client, f"203.0.113.{n + 1}", world.coord.email, "raden")
    assert login_from(client, "203.0.113.99", world.coord.email).status_code == 200
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    assert login_from(client, "203.0.113.99", world.prof.email).status_code == 302


def test_a_successful_log_in_does_not_count_as_a_failure(world, client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.BUDDYNET_LOGIN_FAILED_ACCOUNT_LIMIT = "3/h/key"
    for _ in range(5):
        assert login_from(client, "198.51.100.7", world.coord.email).status_code == 302
        client.logout()
