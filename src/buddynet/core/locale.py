"""Dutch first: the language is the user's own choice, else Dutch.

The browser's Accept-Language is not used: our users share office PCs and phones set
up in other languages, and the product is Dutch unless someone chooses English. The
choice is kept in the language cookie and, for logged-in users, on their account (so
e-mails reach them in their language too).
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for_request(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferred_language in SUPPORTED:
        return user.preferred_language
    return settings.LANGUAGE_CODE


class UserLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if language in SUPPORTED and user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response
