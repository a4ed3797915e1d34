"""Participants: list, file, referral, public sign-up, intake, consent, waiting list.

Views stay thin: they check the declared permission (ProjectPermissionMixin), parse the
form, call one service or selector and render. Form pages run through the one
service-form flow (``ProjectServiceFormView``): a broken rule or an invalid form
answers 400 with everything typed kept. Reading a file (and writing that it was read)
is the selectors' job."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import ListView, TemplateView
from django_scopes import scope

from buddynet.core.errors import ServiceError
from buddynet.core.exports import Column, ExportMixin
from buddynet.core.formviews import form_add_service_error
from buddynet.core.http import page_of
from buddynet.core.queries import IdsFirst
from buddynet.core.ratelimit import over_limit, refund
from buddynet.core.routes import project_url
from buddynet.core.selectors import history_for_object
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import (
    FilteredListMixin,
    ProjectPermissionMixin,
    ProjectServiceFormView,
)
from buddynet.tenancy.models import Project

from . import consent, forms, panels, selectors, services
from .models import Participant
from .selectors import participant_get_for_user, participant_list_for_user
from .templatetags.waiting import wait_text

VIEW_ANY = (policy.PARTICIPANTS_VIEW, policy.PARTICIPANTS_VIEW_REFERRED)


class ParticipantListView(ProjectPermissionMixin, ExportMixin, FilteredListMixin, ListView):
    permission = VIEW_ANY
    template_name = "participants/participant_list.html"
    context_object_name = "participants"
    status_choices = tuple(Participant.Status.choices)
    list_selector = participant_list_for_user
    export_list = "participants"
    export_title = gettext_lazy("Participants")

    def export_columns(self) -> list[Column]:
        # The columns the page shows; a referrer sees the waiting date and the status
        # only of the people who share them (as on the page).
        full = self.can(policy.PARTICIPANTS_VIEW)

        def shared(p) -> bool:
            return full or bool(getattr(p, "shares_with_referrer", False))

        hidden = _("not shared")
        return [
            Column(gettext_lazy("Name"), lambda p: p.full_name),
            Column(gettext_lazy("Postcode"), lambda p: p.postcode),
            Column(gettext_lazy("Town"), lambda p: p.town),
            Column(gettext_lazy("Household"), lambda p: p.household_size),
            Column(gettext_lazy("Urgency"), lambda p: p.get_urgency_display()),
            Column(
                gettext_lazy("Waiting since"),
                lambda p: p.waiting_since if shared(p) else hidden,
            ),
            Column(gettext_lazy("Status"), lambda p: p.status_label if shared(p) else hidden),
        ]


class ParticipantMixin(ProjectPermissionMixin):
    """Resolves ``self.participant`` from the URL (404 if not reachable for this user)."""

    @cached_property
    def participant(self) -> Participant:
        return participant_get_for_user(**self.object_lookup())

    def file_url(self) -> str:
        return project_url("participant_detail", self.project, code=self.kwargs["code"])

    def get_back_url(self) -> str:
        return self.file_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("participant", self.participant)
        context.setdefault("back_label", self.participant.full_name)
        return context


class ParticipantDetailView(ParticipantMixin, TemplateView):
    permission = VIEW_ANY
    template_name = "participants/participant_detail.html"

    def get_context_data(self, **kwargs):
        shaped = selectors.participant_file_for_user(**self.object_lookup())
        participant = self.participant = shaped.participant
        context = super().get_context_data(**kwargs)
        context.update(
            file=shaped,
            participant=participant,
            is_coordinator=shaped.coordinator,
            status_shared=shaped.status_shared,
            position=shaped.position,
            estimate=shaped.estimate,
        )
        if shaped.coordinator:
            can_change = self.can(policy.PARTICIPANTS_CHANGE)
            context["can_change"] = can_change
            context["show_sensitive"] = shaped.show_sensitive
            context["waiting_actions"] = can_change and participant.waiting_list_open
            context["household"] = list(participant.household_members.all())
            context["contacts"] = list(participant.contacts.select_related("by")[:20])
            context["offers"] = list(participant.offers.all()[:20])
            context["consents"] = selectors.consent_overview(participant)
            context["waiting_form"] = forms.WaitingForm(instance=participant)
            context["history"] = history_for_object(obj=participant)
        context["panels"] = panels.panels_for(
            participant=participant,
            access=self.access,
            user=self.request.user,
            project=self.project,
        )
        return context


class ReferralCreateView(ProjectServiceFormView):
    permission = policy.PARTICIPANTS_REFER
    template_name = "participants/referral_form.html"
    form_class = forms.ReferralForm
    title = gettext_lazy("Refer a person or family")
    submit_label = gettext_lazy("Send the referral")

    def perform(self, form):
        participant = services.participant_refer(
            project=self.project, referred_by=self.request.user, data=form.service_data()
        )
        messages.success(
            self.request,
            _("Thank you. %(name)s was referred; the coordinator will contact them.")
            % {"name": participant.full_name},
        )
        return project_url("participant_detail", self.project, code=participant.code)


class ParticipantFormPage(ParticipantMixin, ProjectServiceFormView):
    """A small form about one participant, handled by one service; back to the file."""

    permission = policy.PARTICIPANTS_CHANGE

    def get_subtitle(self) -> str:
        return self.participant.full_name


class IntakeView(ParticipantFormPage):
    """The intake conversation: the form and the household members, saved together."""

    template_name = "participants/intake_form.html"
    form_class = forms.IntakeForm
    title = gettext_lazy("Intake conversation")
    submit_label = gettext_lazy("Save the intake")
    success_message = gettext_lazy("The intake was saved.")
    household = None

    def get_form_kwargs(self):
        participant = self.participant
        return {
            "instance": participant,
            "special_category_allowed": services.consent_given(
                participant, consent.SPECIAL_CATEGORY
            ),
        }

    def household_formset(self, data=None):
        initial = [
            {"first_name": m.first_name, "relation": m.relation, "birth_year": m.birth_year}
            for m in self.participant.household_members.all()
        ]
        return forms.HouseholdFormSet(data, initial=initial, prefix="household")

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        self.household = self.household_formset(request.POST)
        if not self.household.is_valid():
            form.is_valid()  # show the errors of both parts at once
            return self.form_invalid(form)
        return self.submit(form, self.perform)

    def perform(self, form):
        members = [
            {k: f.cleaned_data[k] for k in ("first_name", "relation", "birth_year")}
            for f in self.household.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        participant = self.participant
        participant.refresh_from_db()
        services.participant_intake(
            participant=participant,
            by=self.request.user,
            data=form.service_data(),
            household=members,
        )
        return self.file_url()

    def get_context_data(self, **kwargs):
        # The intake holds health and origin notes: the selector hands it out and
        # writes that it was opened.
        self.participant = selectors.participant_intake_for_user(**self.object_lookup())
        context = super().get_context_data(**kwargs)
        context["household"] = self.household or self.household_formset()
        return context


class ConsentView(ParticipantFormPage):
    template_name = "participants/consent.html"
    form_class = forms.ConsentForm
    title = gettext_lazy("Consent: what we keep, why, and for how long")

    def perform(self, form):
        data = form.cleaned_data
        services.consent_record(
            participant=self.participant,
            purpose=data["purpose"],
            given=data["given"],
            by=self.request.user,
            given_by=data["given_by"],
            representative_name=data["representative_name"],
        )
        purpose = consent.BY_KEY[data["purpose"]]
        if data["given"]:
            messages.success(
                self.request, _("Consent recorded: %(purpose)s.") % {"purpose": purpose.title}
            )
        else:
            messages.warning(
                self.request,
                _("Consent withdrawn: %(purpose)s. %(consequence)s")
                % {"purpose": purpose.title, "consequence": purpose.if_withdrawn},
            )
        return project_url("participant_consent", self.project, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        self.participant, purposes = selectors.participant_consent_for_user(**self.object_lookup())
        context = super().get_context_data(**kwargs)
        context["purposes"] = purposes
        return context


class ContactCreateView(ParticipantFormPage):
    form_class = forms.ContactForm
    title = gettext_lazy("Log a contact")
    intro = gettext_lazy("A short call or visit keeps people on the waiting list on board.")
    submit_label = gettext_lazy("Save the contact")
    success_message = gettext_lazy("The contact was saved.")

    def get_initial(self):
        return {"contacted_on": timezone.localdate()}

    def perform(self, form):
        services.contact_log(
            participant=self.participant, by=self.request.user, data=form.cleaned_data
        )
        return self.file_url()


class OfferCreateView(ParticipantFormPage):
    form_class = forms.OfferForm
    title = gettext_lazy("Record an offer")
    intro = gettext_lazy("Something offered while waiting: a group activity, another service.")
    submit_label = gettext_lazy("Save the offer")
    success_message = gettext_lazy("The offer was saved.")

    def get_initial(self):
        return {"offered_on": timezone.localdate()}

    def perform(self, form):
        services.offer_record(
            participant=self.participant, by=self.request.user, data=form.cleaned_data
        )
        return self.file_url()


class WithdrawView(ParticipantFormPage):
    form_class = forms.WithdrawForm
    title = gettext_lazy("Close the file")
    intro = gettext_lazy(
        "The person leaves the project and the waiting list. The file and its history are kept."
    )
    submit_label = gettext_lazy("Close the file")
    success_message = gettext_lazy("The file was closed.")

    def perform(self, form):
        services.participant_withdraw(
            participant=self.participant,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        return self.file_url()


class JoinWaitingListView(ParticipantFormPage):
    """Put someone on the waiting list, or change their urgency and reason there. The
    file posts here; an invalid choice shows this form again (400) with the choice kept."""

    http_method_names = ["post"]
    form_class = forms.WaitingForm
    title = gettext_lazy("Waiting list")
    intro = gettext_lazy("Choose the urgency and the reason for waiting.")
    submit_label = gettext_lazy("Save")

    def get_form_kwargs(self):
        return {"instance": self.participant}

    def perform(self, form):
        participant = self.participant
        participant.refresh_from_db()
        if participant.status == Participant.Status.WAITING:
            services.participant_update_waiting(
                participant=participant, by=self.request.user, data=form.cleaned_data
            )
            messages.success(self.request, _("The waiting list details were saved."))
        else:
            services.participant_put_on_waiting_list(
                participant=participant,
                by=self.request.user,
                urgency=form.cleaned_data["urgency"],
                reason=form.cleaned_data["waiting_reason"],
            )
            messages.success(
                self.request,
                _("%(name)s is now on the waiting list.") % {"name": participant.full_name},
            )
        return self.file_url()


class WaitingListView(ProjectPermissionMixin, ExportMixin, TemplateView):
    permission = policy.PARTICIPANTS_VIEW
    template_name = "participants/waiting_list.html"
    export_list = "waiting_list"
    export_title = gettext_lazy("Waiting list")

    def filtered(self):
        """(reason, query, the people shown in order, their places, the matches)."""
        reason = self.request.GET.get("reason") or None
        if reason not in Participant.WaitingReason.values:
            reason = None
        query = self.request.GET.get("q", "").strip()[:100] or None
        shown, positions, matches = selectors.waiting_list(
            project=self.project, reason=reason, query=query
        )
        if self.request.GET.get("due"):
            shown = shown.filter(next_contact_due__lte=timezone.localdate())
        return reason, query, shown, positions, matches

    def export_rows(self):
        _reason, _query, shown, positions, matches = self.filtered()
        return selectors.waiting_rows(
            shown, project=self.project, positions=positions, matches=matches
        )

    def export_columns(self) -> list[Column]:
        def next_contact(row):
            if row.contact_overdue_days is not None:
                return ngettext(
                    "%(days)s day overdue", "%(days)s days overdue", row.contact_overdue_days
                ) % {"days": row.contact_overdue_days}
            return row.participant.next_contact_due

        return [
            Column(gettext_lazy("Place"), lambda r: r.position),
            Column(gettext_lazy("Name"), lambda r: r.participant.full_name),
            Column(gettext_lazy("Urgency"), lambda r: r.participant.get_urgency_display()),
            Column(gettext_lazy("Days waiting"), lambda r: r.days_waiting),
            Column(gettext_lazy("Estimated wait"), lambda r: wait_text(r.estimate)),
            Column(gettext_lazy("Next contact"), next_contact),
            Column(
                gettext_lazy("Why waiting"), lambda r: r.participant.get_waiting_reason_display()
            ),
            Column(
                gettext_lazy("No contact for too long"), lambda r: _("yes") if r.flagged else ""
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason, query, shown, positions, matches = self.filtered()
        page = page_of(self.request, IdsFirst(shown), 50)
        context.update(
            page_obj=page,
            rows=selectors.waiting_rows(
                page, project=self.project, positions=positions, matches=matches
            ),
            # Everyone on the list (paused people too), as on the dashboard; the place
            # in line counts only the people actively waiting.
            total=selectors.waiting_count(project=self.project),
            matches=matches,
            window_months=selectors.WINDOW_MONTHS,
            new_estimate=selectors.estimate_wait(people_ahead=len(positions), matches=matches),
            reasons=Participant.WaitingReason.choices,
            current_reason=reason or "",
            query=query or "",
            only_due=bool(self.request.GET.get("due")),
        )
        return context


# --- Public sign-up (no login) ----------------------------------------------------------

SIGNUPS_PER_HOUR = 5
SIGNUP_WINDOW = 3600


def _public_project(code) -> Project:
    project = Project.objects.filter(code=code, is_active=True).first()
    if project is None:
        raise Http404
    return project


def public_signup(request, project):
    project = _public_project(project)
    form = forms.SelfRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            # The honeypot: people do not see that field, robots fill it in. Answer as if
            # all went well, and keep nothing.
            return redirect("public_signup_done", project=project.code)
        if over_limit(
            request, scope="signup", limit=SIGNUPS_PER_HOUR, window_seconds=SIGNUP_WINDOW
        ):
            form.add_error(
                None, _("Too many sign-ups from this connection. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            try:
                with scope(project=[project.pk]):
                    services.participant_self_register(project=project, data=form.service_data())
            except ServiceError as exc:
                form_add_service_error(form, exc)
                status = 400
            except Exception:
                # Our fault, not theirs: the failed attempt does not count against them.
                refund(request, scope="signup", window_seconds=SIGNUP_WINDOW)
                raise
            else:
                return redirect("public_signup_done", project=project.code)
        else:
            status = 400
    return render(
        request,
        "participants/public_signup.html",
        {"form": form, "project": project},
        status=status,
    )


def public_signup_done(request, project):
    project = _public_project(project)
    return render(request, "participants/public_signup_done.html", {"project": project})
