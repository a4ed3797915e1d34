from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from buddynet.core.formviews import form_add_service_error, run_action
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.tenancy.models import Role

from .forms import APITokenForm, TeamInviteForm
from .models import APIToken
from .selectors import team_for_project, team_member_get
from .services import (
    AccountError,
    api_token_create,
    api_token_revoke,
    member_invite,
    member_remove,
)


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


# --- A project's team -------------------------------------------------------------------


class TeamView(ProjectServiceFormView):
    """Who works on the project besides the buddies, and the form to invite someone."""

    permission = policy.TEAM_MANAGE
    template_name = "accounts/team.html"
    form_class = TeamInviteForm
    title = gettext_lazy("Team")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = team_for_project(access=self.access, project=self.project)
        context["members"] = [m for m in members if not m.via_network]
        context["network_members"] = [m for m in members if m.via_network]
        return context

    def perform(self, form):
        membership = member_invite(project=self.project, by=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("%(name)s is now %(role)s in this project. We sent them an e-mail.")
            % {"name": membership.user.display_name, "role": Role(membership.role).label},
        )
        return project_url("team", self.project)


class TeamMemberRemoveView(ProjectPermissionMixin, View):
    """Take one role in the team back (a button on the team page)."""

    permission = policy.TEAM_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = team_member_get(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )
        name = membership.user.display_name
        removed = run_action(
            request,
            lambda: member_remove(membership=membership, by=request.user),
            _("%(name)s is no longer %(role)s in this project.")
            % {"name": name, "role": Role(membership.role).label},
        )
        if (
            removed
            and membership.user_id == request.user.pk
            and membership.role == Role.PROJECT_COORDINATOR
        ):
            # One's own role taken back: the team page may be out of reach now.
            return redirect("dashboard")
        return redirect(project_url("team", self.project))
