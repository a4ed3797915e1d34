"""Expense pages: the buddy's claims (made on a phone), the coordinator's approval, the
payment batches with their files, the named list, the rates of the law, insurance.

Views stay thin: the declared permission (``ProjectPermissionMixin``), one selector or
service. Forms go through ``ProjectServiceFormView`` (a broken rule shows on its field
with everything typed kept, 400).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin

from buddynet.core.clock import local_date
from buddynet.core.exports import file_response
from buddynet.core.formviews import ServiceFormView, run_action
from buddynet.core.http import pdf_response
from buddynet.core.models import AuditEntry
from buddynet.core.routes import project_url
from buddynet.followup import selectors as signal_selectors
from buddynet.followup.models import Signal
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView

from . import distance, forms, payments, rules, selectors, services
from .models import Claim, Incident, InsurancePolicy


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


# --- The buddy ---------------------------------------------------------------------------


class BuddyMixin(ProjectPermissionMixin):
    permission = policy.EXPENSES_CLAIM

    @cached_property
    def buddy(self):
        return selectors.own_buddy(access=self.access, project=self.project, user=self.request.user)


class MyExpensesView(BuddyMixin, TemplateView):
    template_name = "expenses/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        context.update(
            year=year,
            so_far=selectors.year_so_far(self.buddy, year),
            claims=selectors.claims_for_user(
                access=self.access, user=self.request.user, project=self.project, year=year
            ),
            has_account=hasattr(self.buddy, "payee_account"),
            paid_rows=selectors.statement(buddy=self.buddy, year=year),
        )
        return context


class ClaimCreateView(BuddyMixin, ProjectServiceFormView):
    template_name = "expenses/claim_form.html"
    form_class = forms.ClaimForm
    title = gettext_lazy("A new expense claim")
    submit_label = gettext_lazy("Send the claim")

    def get_form_kwargs(self) -> dict:
        return {"trajectories": selectors.trajectories_of(self.buddy)}

    def get_initial(self) -> dict:
        return {"on": timezone.localdate(), "kind": Claim.Kind.FLAT_DAY}

    def get_back_url(self) -> str:
        return project_url("expenses_mine", self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["so_far"] = selectors.year_so_far(self.buddy, today.year)
        context["towns"] = distance.towns(translation.get_language() or "nl")
        context["road_factor"] = distance.ROAD_FACTOR
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        if data["kind"] in ("km_car", "km_bicycle") and data["kilometres"] is None:
            data["kilometres"] = distance.suggest_km(data["from_town"], data["to_town"])
        filed = services.claim_submit(buddy=self.buddy, by=self.request.user, **data)
        messages.success(
            self.request,
            _("Your claim of €%(amount)s was sent for approval.")
            % {"amount": rules.amount_text(filed.claim.amount)},
        )
        for warning in filed.warnings:
            messages.warning(self.request, warning)
        return self.get_back_url()


class ClaimRepeatView(BuddyMixin, View):
    """The same claim again today (the weekly visit): one tap."""

    def post(self, request, *args, **kwargs):
        claim = selectors.claim_get_for_user(**self.object_lookup())
        if claim.buddy_id != self.buddy.pk:
            raise Http404

        def success(filed):
            return " ".join(
                [
                    _("The claim was made again for today: €%(amount)s.")
                    % {"amount": rules.amount_text(filed.claim.amount)},
                    *filed.warnings,
                ]
            )

        run_action(
            request,
            lambda: services.claim_repeat(claim=claim, by=request.user, on=timezone.localdate()),
            success,
        )
        return redirect(project_url("expenses_mine", self.project))


class ReceiptView(ProjectPermissionMixin, View):
    permission = (policy.EXPENSES_CLAIM, policy.EXPENSES_MANAGE)

    def get(self, request, *args, **kwargs):
        claim = selectors.receipt_get_for_user(**self.object_lookup())
        response = file_response(
            bytes(claim.receipt or b""), claim.receipt_type, claim.receipt_name, inline=True
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AccountView(BuddyMixin, ProjectServiceFormView):
    form_class = forms.AccountForm
    title = gettext_lazy("Your bank account")
    intro = gettext_lazy("Your allowances are paid into this account.")
    success_message = gettext_lazy("Your account was saved.")

    def get_initial(self) -> dict:
        account = getattr(self.buddy, "payee_account", None)
        if account is None:
            return {"holder": self.buddy.full_name}
        return {"holder": account.holder, "iban": account.iban}

    def get_back_url(self) -> str:
        return project_url("expenses_mine", self.project)

    def perform(self, form) -> str:
        services.payee_account_set(buddy=self.buddy, by=self.request.user, **form.cleaned_data)
        return self.get_back_url()


class StatementView(BuddyMixin, View):
    """The volunteer's yearly statement of what they received (PDF)."""

    def get(self, request, *args, **kwargs):
        year = kwargs["year"]
        rows = selectors.statement(buddy=self.buddy, year=year)
        return pdf_response(
            "expenses/pdf/statement.html",
            {
                "project": self.project,
                "buddy": self.buddy,
                "year": year,
                "rows": rows,
                "total": sum(r.amount for r in rows),
            },
            f"statement-{year}.pdf",
        )


# --- The coordinator -----------------------------------------------------------------------


class ManageMixin(ProjectPermissionMixin):
    permission = policy.EXPENSES_MANAGE


class ReviewView(ManageMixin, ProjectServiceFormView):
    """Claims waiting for approval: approve or return them, one or many at once."""

    template_name = "expenses/review.html"
    form_class = forms.DecideForm
    title = gettext_lazy("Expense claims to approve")
    submit_label = gettext_lazy("Apply to the chosen claims")

    @cached_property
    def waiting(self):
        return list(
            selectors.claims_for_user(
                access=self.access,
                user=self.request.user,
                project=self.project,
                status=Claim.Status.SUBMITTED,
            )
        )

    def get_form_kwargs(self) -> dict:
        return {"claims": self.waiting}

    def get_initial(self) -> dict:
        return {"decision": "approve"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        years = {}
        for claim in self.waiting:
            if claim.buddy_id not in years:
                years[claim.buddy_id] = selectors.year_so_far(claim.buddy, claim.on.year)
        context.update(
            waiting=[(c, years[c.buddy_id]) for c in self.waiting],
            overview=selectors.buddies_year(project=self.project, year=year),
            year=year,
            approved=selectors.approved_waiting(project=self.project),
        )
        return context

    def perform(self, form) -> str:
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        count = services.claims_decide(
            project=self.project,
            codes=data["claims"],
            approve=approve,
            by=self.request.user,
            reason=data["reason"],
        )
        messages.success(
            self.request,
            (_("%(n)s claims approved.") if approve else _("%(n)s claims returned."))
            % {"n": count},
        )
        return project_url("expenses_review", self.project)


class ClaimCorrectView(ManageMixin, ProjectServiceFormView):
    form_class = forms.CorrectForm
    title = gettext_lazy("Correct an approved claim")
    intro = gettext_lazy(
        "An approved claim never changes: the correction is a new claim for the "
        "difference, linked to it."
    )
    submit_label = gettext_lazy("Add the correction")

    @cached_property
    def claim(self):
        return selectors.claim_get_for_user(**self.object_lookup())

    def get_back_url(self) -> str:
        return project_url("expenses_buddy", self.project, code=self.claim.buddy.code)

    def get_subtitle(self) -> str:
        c = self.claim
        return f"{c.buddy.full_name}, {c.on:%d/%m/%Y}, €{c.amount:.2f}"

    def perform(self, form) -> str:
        services.claim_correct(claim=self.claim, by=self.request.user, **form.cleaned_data)
        return self.get_back_url()


class BuddyYearView(ManageMixin, TemplateView):
    template_name = "expenses/buddy_year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = selectors.buddy_get(access=self.access, project=self.project, code=kwargs["code"])
        year = _year(self.request)
        context.update(
            buddy=buddy,
            year=year,
            so_far=selectors.year_so_far(buddy, year),
            claims=selectors.claims_for_user(
                access=self.access, user=self.request.user, project=self.project, year=year
            ).filter(buddy=buddy),
            elsewhere=buddy.other_allowances.filter(year=year),
            account=getattr(buddy, "payee_account", None),
        )
        return context


class BuddyFormMixin(ManageMixin):
    @cached_property
    def buddy(self):
        return selectors.buddy_get(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )

    def get_back_url(self) -> str:
        return project_url("expenses_buddy", self.project, code=self.buddy.code)

    def get_subtitle(self) -> str:
        return self.buddy.full_name


class SystemView(BuddyFormMixin, ProjectServiceFormView):
    form_class = forms.SystemForm
    title = gettext_lazy("Expense system for a year")
    intro = gettext_lazy(
        "One system per calendar year: a flat rate, or the real, proven costs. Travel "
        "may come on top of both. The raised ceiling is never for a volunteer on benefits."
    )
    success_message = gettext_lazy("The system was saved.")

    def get_initial(self) -> dict:
        return {"year": timezone.localdate().year, "system": "flat", "raised_ceiling": "no"}

    def perform(self, form) -> str:
        services.system_set(buddy=self.buddy, by=self.request.user, **form.cleaned_data)
        return self.get_back_url()


class OtherAllowanceView(BuddyFormMixin, ProjectServiceFormView):
    form_class = forms.OtherAllowanceForm
    title = gettext_lazy("Allowances from another organisation")
    intro = gettext_lazy(
        "The ceilings count over every organisation: what the volunteer receives "
        "elsewhere counts here too."
    )
    success_message = gettext_lazy("The amounts were added.")

    def get_initial(self) -> dict:
        return {"year": timezone.localdate().year, "kilometres": 0}

    def perform(self, form) -> str:
        services.other_allowance_declare(
            buddy=self.buddy, by=self.request.user, **form.cleaned_data
        )
        return self.get_back_url()


class BatchListView(ManageMixin, ProjectServiceFormView):
    template_name = "expenses/batches.html"
    form_class = forms.BatchForm
    title = gettext_lazy("Payments")
    submit_label = gettext_lazy("Pay every approved claim")

    def get_initial(self) -> dict:
        return {"execution_date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            batches=selectors.batches(project=self.project),
            approved=selectors.approved_waiting(project=self.project),
            payer=selectors.payer(project=self.project),
        )
        return context

    def perform(self, form) -> str:
        batch = services.batch_make(project=self.project, by=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("Payment %(number)s was made: %(count)s claims, €%(total)s.")
            % {
                "number": batch.number,
                "count": batch.claim_count,
                "total": rules.amount_text(batch.total),
            },
        )
        return project_url("expenses_batches", self.project)


BATCH_FILES = {
    "xml": "application/xml",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BatchFileView(ManageMixin, View):
    def get(self, request, *args, **kwargs):
        kind = kwargs["kind"]
        if kind not in BATCH_FILES:
            raise Http404
        batch = selectors.batch_get(project=self.project, code=kwargs["code"])
        if kind == "xml":
            data = bytes(batch.sepa)
        elif kind == "csv":
            data = services.bookkeeper_csv(batch).encode("utf-8-sig")
        else:
            data = payments.batch_xlsx(batch)
        batch.log_action("expenses.batch_downloaded", user=request.user, data={"file": kind})
        return file_response(data, BATCH_FILES[kind], f"payment-{batch.number}.{kind}")


class PayerView(ManageMixin, ProjectServiceFormView):
    form_class = forms.PayerForm
    title = gettext_lazy("The organisation's account")
    intro = gettext_lazy("The payment file transfers from this account.")
    success_message = gettext_lazy("The account was saved.")

    def get_form_kwargs(self) -> dict:
        return {"instance": selectors.payer(project=self.project)}

    def get_back_url(self) -> str:
        return project_url("expenses_batches", self.project)

    def perform(self, form) -> str:
        services.settings_save(project=self.project, by=self.request.user, data=form.cleaned_data)
        return self.get_back_url()


class NamedListView(ManageMixin, TemplateView):
    template_name = "expenses/named_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        entries = selectors.named_list(access=self.access, project=self.project, year=year)
        context.update(
            year=year,
            people=selectors.named_list_totals(entries),
            total=sum(e.amount for e in entries),
            years=range(timezone.localdate().year, timezone.localdate().year - 8, -1),
        )
        return context


class NamedListFileView(ManageMixin, View):
    def get(self, request, *args, **kwargs):
        year, kind = kwargs["year"], kwargs["kind"]
        if kind not in ("pdf", "xlsx"):
            raise Http404
        entries = selectors.named_list(access=self.access, project=self.project, year=year)
        AuditEntry.record(
            "expenses.named_list_downloaded",
            user=request.user,
            project=self.project,
            data={"year": year, "file": kind},
        )
        if kind == "xlsx":
            return file_response(
                payments.named_list_xlsx(entries, year=year),
                BATCH_FILES["xlsx"],
                f"named-list-{year}.xlsx",
            )
        return pdf_response(
            "expenses/pdf/named_list.html",
            {
                "project": self.project,
                "organisation": self.project.organisation,
                "year": year,
                "people": selectors.named_list_totals(entries),
                "total": sum(e.amount for e in entries),
            },
            f"named-list-{year}.pdf",
        )


class RatesMixin(ContextMixin):
    """A page that shows the figures of the law (``selectors.rates``)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.rates())
        return context


class RatesView(ManageMixin, RatesMixin, TemplateView):
    """The figures of the law, to read: a coordinator sees what the claims are checked
    against. Adding them is for platform staff (``PlatformRatesView``)."""

    template_name = "expenses/rates.html"


class PlatformStaffMixin(LoginRequiredMixin):
    """The ceilings and kilometre rates are national and shared by every project: only
    platform staff (superusers) add them, outside any project; anyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlatformRatesView(PlatformStaffMixin, RatesMixin, TemplateView):
    template_name = "expenses/platform_rates.html"


class CeilingAddView(PlatformStaffMixin, ServiceFormView):
    form_class = forms.CeilingForm
    form_layout = "expenses/platform_base.html"
    title = gettext_lazy("Add the ceilings of a new year")
    intro = gettext_lazy("The figures of the law for the volunteer allowance, from 1 January on.")
    success_message = gettext_lazy("The ceilings were added.")

    def get_back_url(self) -> str:
        return reverse("expenses_platform_rates")

    def perform(self, form) -> str:
        services.ceiling_add(by=self.request.user, data=form.cleaned_data)
        return self.get_back_url()


class KmRateAddView(CeilingAddView):
    form_class: Any = forms.KmRateForm
    title = gettext_lazy("Add the next quarter's kilometre rate")
    intro = gettext_lazy("The federal rate per kilometre, from the first day of the quarter.")
    success_message = gettext_lazy("The kilometre rate was added.")

    def perform(self, form) -> str:
        services.km_rate_add(by=self.request.user, data=form.cleaned_data)
        return self.get_back_url()


class TotalsView(ProjectPermissionMixin, TemplateView):
    """Only totals: for a network coordinator, no names and no claims."""

    permission = policy.EXPENSES_VIEW_TOTALS
    template_name = "expenses/totals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = selectors.totals(
            access=self.access, project=self.project, year=_year(self.request)
        )
        return context


# --- Insurance -------------------------------------------------------------------------------


class InsuranceView(ManageMixin, TemplateView):
    template_name = "expenses/insurance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            policies=selectors.policies(project=self.project),
            incidents=selectors.incidents(project=self.project),
        )
        return context


class PolicyAddView(ManageMixin, ProjectServiceFormView):
    form_class = forms.PolicyForm
    title = gettext_lazy("An insurance policy")
    intro = gettext_lazy("Insurer, number, cover and dates of a policy that covers the volunteers.")
    success_message = gettext_lazy("The policy was saved.")

    def get_back_url(self) -> str:
        return project_url("expenses_insurance", self.project)

    def perform(self, form) -> str:
        services.policy_save(project=self.project, by=self.request.user, data=form.cleaned_data)
        return self.get_back_url()


class IncidentAddView(PolicyAddView):
    form_class: Any = forms.IncidentForm
    title = gettext_lazy("Declare an incident to the insurer")
    intro = gettext_lazy("Damage or an injury: what happened, who, and under which policy.")
    success_message = gettext_lazy("The incident was recorded.")

    def get_form_kwargs(self) -> dict:
        return {"policies": InsurancePolicy.objects.filter(project=self.project)}

    @cached_property
    def signal(self) -> Signal | None:
        """The boundary signal this incident comes from (``?signal=<code>``), as the
        coordinator may read it; a code they may not read is a 404."""
        code = self.request.GET.get("signal")
        if not code:
            return None
        try:
            uuid.UUID(code)
        except ValueError as exc:
            raise Http404 from exc
        return signal_selectors.signal_get_for_user(
            access=self.access,
            user=self.request.user,
            project=self.project,
            code=code,
            viewed_by=self.reader,
        )

    def get_initial(self) -> dict:
        signal = self.signal
        if signal is None:
            return {}
        trajectory = signal.trajectory
        return {
            "happened_on": local_date(signal.created_at),
            "who": f"{trajectory.buddy.full_name}, {trajectory.participant.full_name}",
            "what": signal.description,
        }

    def perform(self, form) -> str:
        data = dict(form.cleaned_data)
        if self.signal is not None:
            data["signal_code"] = self.signal.code
        incident = services.incident_declare(project=self.project, by=self.request.user, data=data)
        return project_url("expenses_incident", self.project, code=incident.code)


class IncidentView(ManageMixin, ProjectServiceFormView):
    template_name = "expenses/incident.html"
    form_class = forms.IncidentStepForm
    submit_label = gettext_lazy("Add to the history")
    success_message = gettext_lazy("The incident was updated.")

    @cached_property
    def incident(self) -> Incident:
        return selectors.incident_get(project=self.project, code=self.kwargs["code"])

    @property
    def title(self):
        return _("Incident of %(date)s") % {"date": f"{self.incident.happened_on:%d/%m/%Y}"}

    def get_initial(self) -> dict:
        return {
            "status": self.incident.status,
            "insurer_reference": self.incident.insurer_reference,
        }

    def get_back_url(self) -> str:
        return project_url("expenses_insurance", self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["incident"] = self.incident
        context["steps"] = self.incident.steps.select_related("by")
        if self.incident.signal_code:
            context["signal_url"] = project_url(
                "signal_detail", self.project, code=self.incident.signal_code
            )
        return context

    def perform(self, form) -> str:
        services.incident_update(incident=self.incident, by=self.request.user, **form.cleaned_data)
        return project_url("expenses_incident", self.project, code=self.incident.code)
