"""Coordinators of a project that requires it must set up two-factor authentication.

Until they have, every page except the set-up, log-out and static files sends them to
the TOTP activation page.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from buddynet.tenancy.access import get_access

EXEMPT_PREFIXES = ("/accounts/", "/i18n/", settings.STATIC_URL)


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and get_access(request).two_factor_required
            and not user_has_totp(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-step verification before using the API.")},
                    status=403,
                )
            messages.warning(
                request,
                _(
                    "Your project asks coordinators to use two-step verification. "
                    "Set it up now with an authenticator app on your phone."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
