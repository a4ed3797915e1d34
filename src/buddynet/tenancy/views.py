"""Project overview, settings and history. Thin views (the network overview: ``buddynet.site``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from buddynet.core.routes import project_url
from buddynet.core.selectors import history_for_project

from . import policy
from .forms import ProjectSettingsForm
from .mixins import ProjectPermissionMixin, ProjectServiceFormView
from .models import Project, Role
from .services import project_update


class ProjectDetailView(ProjectPermissionMixin, TemplateView):
    permission = policy.PROJECT_VIEW
    template_name = "tenancy/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.project.organisation
        context["roles_here"] = [Role(r).label for r in sorted(self.access.roles_in(self.project))]
        return context


class ProjectSettingsView(ProjectServiceFormView):
    permission = policy.PROJECT_CHANGE
    form_class = ProjectSettingsForm
    title = _("Project settings")
    success_message = _("The project settings were saved.")

    def get_form_kwargs(self):
        # The form works on its own copy: what was typed never shows as the project's
        # name in the page heading when the form is refused.
        return {"instance": Project.objects.get(pk=self.project.pk)}

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        project_update(project=self.project, user=self.request.user, data=data)
        return project_url("project_detail", self.project)

    def get_back_url(self):
        return project_url("project_detail", self.project)


class ProjectHistoryView(ProjectPermissionMixin, TemplateView):
    permission = policy.PROJECT_VIEW_AUDIT
    template_name = "tenancy/project_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = history_for_project(project=self.project, limit=200)
        return context
