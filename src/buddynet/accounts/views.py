from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buddynet.core.formviews import form_add_service_error

from .forms import APITokenForm
from .models import APIToken
from .services import AccountError, api_token_create, api_token_revoke


@login_required
def api_tokens(request):
    new_token = None
    form = APITokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except AccountError as exc:
            form_add_service_error(form, exc)
        else:
            form = APITokenForm()
    tokens = APIToken.objects.filter(user=request.user).select_related("user")
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke_view(request, code):
    token = APIToken.objects.filter(user=request.user, code=code).first()
    if token is None:
        raise Http404
    api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token was revoked. It no longer works."))
    return redirect("api_tokens")
