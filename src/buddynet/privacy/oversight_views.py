"""Pages of the project's privacy oversight (``policy.PRIVACY_OVERSEE``, the project's
coordinators): the register of processing (page and PDF), who looked at what (with the
alerts), the retention terms and the files that expire soon."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from buddynet.core.http import page_of, pdf_response
from buddynet.core.models import AuditEntry
from buddynet.core.queries import IdsFirst
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView

from . import lookups, retention
from .forms import LookupFilterForm, PrivacySettingsForm
from .models import PrivacySettings
from .register import register_for


class OverseeMixin(ProjectPermissionMixin):
    permission = policy.PRIVACY_OVERSEE


class RegisterView(OverseeMixin, TemplateView):
    """The register of processing (art. 30), made from the code now; the alerts of the
    last week on top."""

    template_name = "privacy/register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["register"] = register_for(self.project)
        context["alerts"] = lookups.alerts(project_ids=[self.project.pk])
        return context


class RegisterPdfView(OverseeMixin, View):
    def get(self, request, *args, **kwargs):
        register = register_for(self.project)
        AuditEntry.record(
            "privacy.register_downloaded", obj=self.project, user=request.user, project=self.project
        )
        name = "register-verwerkingen" if translation.get_language() == "nl" else "register"
        return pdf_response(
            "privacy/pdf/register.html",
            {"register": register, "project": self.project},
            f"{name}.pdf",
        )


class LookupsView(OverseeMixin, TemplateView):
    """Who opened which file: the project's readings, newest first, 50 a page, filtered
    by whose file (``?file=<code>``), who looked and the period."""

    template_name = "privacy/looked.html"

    @cached_property
    def file(self):
        code = self.request.GET.get("file", "")
        if not code:
            return None
        found = lookups.file_of(project=self.project, code=code)
        if found is None:
            raise Http404("No such file.")
        return found

    def get(self, request, *args, **kwargs):
        form = LookupFilterForm(request.GET or None, readers=lookups.readers(project=self.project))
        valid = form.is_valid() if form.is_bound else True
        filters = form.cleaned_data if form.is_bound and valid else {}
        entries = lookups.lookups(
            project=self.project,
            person=self.file,
            reader=form.readers.get(filters.get("reader") or ""),
            since=filters.get("since"),
            until=filters.get("until"),
        )
        ids_first: Any = IdsFirst(entries)  # a sequence for the paginator
        page = page_of(request, ids_first, lookups.PAGE_SIZE)
        context = self.get_context_data(
            form=form,
            page_obj=page,
            rows=lookups.rows(list(page.object_list), project=self.project) if valid else [],
            alerts=lookups.alerts(project_ids=[self.project.pk]),
            file=self.file,
            query=_query_without_page(request),
        )
        return self.render_to_response(context, status=200 if valid else 400)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class RetentionView(OverseeMixin, TemplateView):
    """The project's terms and the files and records whose term ends in the next 30
    days (the records counted per kind and day: no names)."""

    template_name = "privacy/retention.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["terms"] = retention.terms_for(self.project)
        context["settings"] = retention.settings_for(self.project)
        context["expiring"] = retention.expiring(project=self.project)
        context["records"] = retention.expiring_records(project=self.project)
        context["days"] = retention.FORECAST_DAYS
        return context


class RetentionEditView(ProjectServiceFormView):
    permission = policy.PRIVACY_SET_TERMS
    form_class = PrivacySettingsForm
    title = gettext_lazy("Retention terms and alert")
    intro = gettext_lazy(
        "How long a closed file, and each kind of record in it, is kept before it is "
        "anonymised, and when opening many files in a short time raises an alert."
    )
    success_message = gettext_lazy("The privacy settings were saved.")

    def get_form_kwargs(self) -> dict:
        return {"instance": PrivacySettings(project=self.project)}

    def get_initial(self) -> dict:
        terms = retention.settings_for(self.project)
        return {name: getattr(terms, name) for name in PrivacySettings.FIELDS}

    def get_back_url(self) -> str:
        return project_url("privacy_retention", self.project)

    def perform(self, form) -> str:
        retention.settings_update(
            project=self.project,
            by=self.request.user,
            **{
                name: form.cleaned_data[name]
                for name in PrivacySettings.FIELDS
                if name not in PrivacySettings.FIXED
            },
        )
        return self.get_back_url()
