"""Project overview, settings and history. Thin views (the network overview: ``buddynet.site``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from buddynet.core.selectors import history_for_project

from . import policy
from .forms import ProjectSettingsForm
from .mixins import ProjectPermissionMixin
from .models import Role
from .services import TenancyError, project_update


class ProjectDetailView(ProjectPermissionMixin, TemplateView):
    permission = policy.PROJECT_VIEW
    template_name = "tenancy/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.project.organisation
        context["roles_here"] = [Role(r).label for r in sorted(self.access.roles_in(self.project))]
        return context


class ProjectSettingsView(ProjectPermissionMixin, FormView):
    permission = policy.PROJECT_CHANGE
    template_name = "tenancy/project_settings.html"
    form_class = ProjectSettingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.project
        return kwargs

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        # The form validated against the instance; reload it so a rejected save
        # leaves nothing half-applied on the object we hand to the service.
        self.project.refresh_from_db()
        try:
            project_update(project=self.project, user=self.request.user, data=data)
        except TenancyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The project settings were saved."))
        return redirect("project_detail", project=self.project.code)


class ProjectHistoryView(ProjectPermissionMixin, TemplateView):
    permission = policy.PROJECT_VIEW_AUDIT
    template_name = "tenancy/project_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = history_for_project(project=self.project, limit=200)
        return context
