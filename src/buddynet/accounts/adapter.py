"""allauth's adapter: no open sign-up; lock-outs per client address.

Accounts are created by coordinators (or the seed command), not by open sign-up.

Failed log-ins are limited three ways (settings ``ACCOUNT_RATE_LIMITS`` and
``BUDDYNET_LOGIN_FAILED_ACCOUNT_LIMIT``):

- per client address (``10/m/ip``): one machine cannot guess quickly;
- per account *and* client address (``5/15m/key``, the key carries the address): the
  usual lock-out, which only locks out the address that failed, so a stranger cannot
  lock a coordinator out of their own office;
- per account from all addresses together (``50/h/key``, looser): guessing one
  account's password from many addresses still stops.

Only the account's own address logs in (not one it is still confirming).

The windows slide: a lock-out ends when the counted failures fall out of the window.
The client address is ``core.ratelimit.client_ip`` (the one function that knows about
our reverse proxies).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings

from buddynet.core.ratelimit import client_ip

from .models import normalize_email

ACCOUNT_WIDE_ACTION = "login_failed_account"


def _account_wide_config() -> dict[str, str]:
    return {ACCOUNT_WIDE_ACTION: settings.BUDDYNET_LOGIN_FAILED_ACCOUNT_LIMIT}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def _account_key(self, request, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        # allauth's per-"key" limit becomes per account and client address.
        return f"{self._account_key(request, **credentials)}|{client_ip(request)}"

    def pre_authenticate(self, request, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        usage = ratelimit.consume(
            request,
            app="allauth.account",
            action=ACCOUNT_WIDE_ACTION,
            config=_account_wide_config(),
            key=self._account_key(request, **credentials),
        )
        if not usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        # A successful log-in rolls back every count of this attempt together.
        self._login_failed_rl_usage.usage.extend(usage.usage)

    def authenticate(self, request, **credentials: Any):
        user = super().authenticate(request, **credentials)
        typed = normalize_email(credentials.get("email") or credentials.get("username"))
        if user is not None and typed and typed != normalize_email(user.email):
            # allauth also accepts an address still being confirmed (a change of
            # address); only the account's own, confirmed address logs in.
            return None
        return user

    def _delete_login_attempts_cached_email(self, request, **credentials: Any) -> None:
        # After a password reset (proof of the mailbox) both lock-outs end.
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action=ACCOUNT_WIDE_ACTION,
            config=_account_wide_config(),
            key=self._account_key(request, **credentials),
        )
