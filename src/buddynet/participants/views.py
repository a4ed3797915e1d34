"""Participants: list, file, referral, public sign-up, intake, consent, waiting list.

Views stay thin: they check the declared permission (ProjectPermissionMixin), parse the
form, call one service or selector and render. Service errors become form errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_scopes import scope

from buddynet.core.ratelimit import over_limit
from buddynet.core.selectors import history_for_object
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import FilteredListMixin, ProjectPermissionMixin
from buddynet.tenancy.models import Project

from . import consent, forms, selectors, services
from .models import Participant
from .selectors import participant_get_for_user, participant_list_for_user

VIEW_ANY = (policy.PARTICIPANTS_VIEW, policy.PARTICIPANTS_VIEW_REFERRED)


class ParticipantListView(ProjectPermissionMixin, FilteredListMixin, ListView):
    permission = VIEW_ANY
    template_name = "participants/participant_list.html"
    context_object_name = "participants"
    status_choices = tuple(Participant.Status.choices)

    def get_queryset(self):
        return participant_list_for_user(
            access=self.access, user=self.request.user, project=self.project, **self.get_filters()
        )


class ParticipantMixin(ProjectPermissionMixin):
    """Resolves ``self.participant`` from the URL (404 if not reachable for this user)."""

    def get_participant(self) -> Participant:
        if not hasattr(self, "_participant"):
            self._participant = participant_get_for_user(
                access=self.access,
                user=self.request.user,
                project=self.project,
                code=self.kwargs["code"],
            )
        return self._participant

    def back_to_file(self):
        return redirect(
            "participant_detail", project=self.project.code, code=self.get_participant().code
        )


class ParticipantDetailView(ParticipantMixin, TemplateView):
    permission = VIEW_ANY
    template_name = "participants/participant_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.get_participant()
        participant.log_action("participant.viewed", user=self.request.user)
        coordinator = self.can(policy.PARTICIPANTS_VIEW)
        context["participant"] = participant
        context["is_coordinator"] = coordinator
        shares = coordinator or services.consent_given(participant, consent.SHARE_WITH_REFERRER)
        context["status_shared"] = shares
        if shares:
            context["position"], context["estimate"] = selectors.participant_wait(
                participant=participant
            )
        if coordinator:
            context["can_change"] = self.can(policy.PARTICIPANTS_CHANGE)
            context["show_sensitive"] = self.can(policy.PARTICIPANTS_VIEW_SENSITIVE)
            context["household"] = list(participant.household_members.all())
            context["contacts"] = list(participant.contacts.select_related("by")[:20])
            context["offers"] = list(participant.offers.all()[:20])
            state = services.consent_state(participant)
            context["consents"] = [(p, state[p.key]) for p in consent.PURPOSES]
            context["waiting_form"] = forms.WaitingForm(instance=participant)
            context["history"] = history_for_object(obj=participant)
        return context


class ReferralCreateView(ProjectPermissionMixin, FormView):
    permission = policy.PARTICIPANTS_REFER
    template_name = "participants/referral_form.html"
    form_class = forms.ReferralForm

    def form_valid(self, form):
        try:
            participant = services.participant_refer(
                project=self.project, referred_by=self.request.user, data=form.service_data()
            )
        except (services.ParticipantError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. %(name)s was referred; the coordinator will contact them.")
            % {"name": participant.full_name},
        )
        return redirect("participant_detail", project=self.project.code, code=participant.code)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _error_text(exc) -> str:
    if hasattr(exc, "messages"):
        return " ".join(exc.messages)
    return str(exc)


class IntakeView(ParticipantMixin, TemplateView):
    permission = policy.PARTICIPANTS_CHANGE
    template_name = "participants/intake_form.html"

    def forms(self, data=None):
        participant = self.get_participant()
        allowed = services.consent_given(participant, consent.SPECIAL_CATEGORY)
        form = forms.IntakeForm(data, instance=participant, special_category_allowed=allowed)
        initial = [
            {"first_name": m.first_name, "relation": m.relation, "birth_year": m.birth_year}
            for m in participant.household_members.all()
        ]
        household = forms.HouseholdFormSet(data, initial=initial, prefix="household")
        return form, household

    def get(self, request, *args, **kwargs):
        form, household = self.forms()
        return self.render_to_response(self.get_context_data(form=form, household=household))

    def post(self, request, *args, **kwargs):
        form, household = self.forms(request.POST)
        if form.is_valid() and household.is_valid():
            members = [
                {k: f.cleaned_data[k] for k in ("first_name", "relation", "birth_year")}
                for f in household.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            participant = self.get_participant()
            participant.refresh_from_db()
            try:
                services.participant_intake(
                    participant=participant,
                    by=request.user,
                    data=form.service_data(),
                    household=members,
                )
            except (services.ParticipantError, ValidationError) as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("The intake was saved."))
                return self.back_to_file()
        return self.render_to_response(
            self.get_context_data(form=form, household=household), status=400
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participant"] = self.get_participant()
        return context


class ConsentView(ParticipantMixin, TemplateView):
    permission = policy.PARTICIPANTS_CHANGE
    template_name = "participants/consent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.get_participant()
        state = services.consent_state(participant)
        context["participant"] = participant
        context["purposes"] = [(p, state[p.key]) for p in consent.PURPOSES]
        context.setdefault("form", forms.ConsentForm())
        return context

    def post(self, request, *args, **kwargs):
        form = forms.ConsentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.consent_record(
                    participant=self.get_participant(),
                    purpose=data["purpose"],
                    given=data["given"],
                    by=request.user,
                    given_by=data["given_by"],
                    representative_name=data["representative_name"],
                )
            except services.ParticipantError as exc:
                form.add_error(None, str(exc))
            else:
                purpose = consent.BY_KEY[data["purpose"]]
                if data["given"]:
                    messages.success(
                        request, _("Consent recorded: %(purpose)s.") % {"purpose": purpose.title}
                    )
                else:
                    messages.warning(
                        request,
                        _("Consent withdrawn: %(purpose)s. %(consequence)s")
                        % {"purpose": purpose.title, "consequence": purpose.if_withdrawn},
                    )
                return redirect(
                    "participant_consent", project=self.project.code, code=self.kwargs["code"]
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ParticipantFormView(ParticipantMixin, FormView):
    """A small form about one participant, handled by one service."""

    permission = policy.PARTICIPANTS_CHANGE
    template_name = "participants/form_page.html"
    title = ""
    intro = ""
    submit_label = ""
    success_message = ""

    def call_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        participant = self.get_participant()
        try:
            self.call_service(form, participant)
        except (services.ParticipantError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return self.back_to_file()

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            participant=self.get_participant(),
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
        )
        return context


class ContactCreateView(ParticipantFormView):
    form_class = forms.ContactForm

    title = gettext_lazy("Log a contact")
    intro = gettext_lazy("A short call or visit keeps people on the waiting list on board.")
    submit_label = gettext_lazy("Save the contact")
    success_message = gettext_lazy("The contact was saved.")

    def get_initial(self):
        return {"contacted_on": timezone.localdate()}

    def call_service(self, form, participant):
        services.contact_log(participant=participant, by=self.request.user, data=form.cleaned_data)


class OfferCreateView(ParticipantFormView):
    form_class = forms.OfferForm

    title = gettext_lazy("Record an offer")
    intro = gettext_lazy("Something offered while waiting: a group activity, another service.")
    submit_label = gettext_lazy("Save the offer")
    success_message = gettext_lazy("The offer was saved.")

    def get_initial(self):
        return {"offered_on": timezone.localdate()}

    def call_service(self, form, participant):
        services.offer_record(participant=participant, by=self.request.user, data=form.cleaned_data)


class WithdrawView(ParticipantFormView):
    form_class = forms.WithdrawForm

    title = gettext_lazy("Close the file")
    intro = gettext_lazy(
        "The person leaves the project and the waiting list. The file and its history are kept."
    )
    submit_label = gettext_lazy("Close the file")
    success_message = gettext_lazy("The file was closed.")

    def call_service(self, form, participant):
        services.participant_withdraw(
            participant=participant,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )


class JoinWaitingListView(ParticipantMixin, View):
    permission = policy.PARTICIPANTS_CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        participant = self.get_participant()
        form = forms.WaitingForm(request.POST, instance=participant)
        if not form.is_valid():
            messages.error(request, _("Choose the urgency and the reason for waiting."))
            return self.back_to_file()
        participant.refresh_from_db()
        try:
            if participant.status == Participant.Status.WAITING:
                services.participant_update_waiting(
                    participant=participant, by=request.user, data=form.cleaned_data
                )
                messages.success(request, _("The waiting list details were saved."))
            else:
                services.participant_put_on_waiting_list(
                    participant=participant,
                    by=request.user,
                    urgency=form.cleaned_data["urgency"],
                    reason=form.cleaned_data["waiting_reason"],
                )
                messages.success(
                    request,
                    _("%(name)s is now on the waiting list.") % {"name": participant.full_name},
                )
        except services.ParticipantError as exc:
            messages.error(request, str(exc))
        return self.back_to_file()


class WaitingListView(ProjectPermissionMixin, TemplateView):
    permission = policy.PARTICIPANTS_VIEW
    template_name = "participants/waiting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.GET.get("reason") or None
        if reason not in Participant.WaitingReason.values:
            reason = None
        query = self.request.GET.get("q", "").strip()[:100] or None
        shown, positions, matches = selectors.waiting_list(
            project=self.project, reason=reason, query=query
        )
        if self.request.GET.get("due"):
            shown = shown.filter(next_contact_due__lte=timezone.localdate())
        page = Paginator(shown, 50).get_page(self.request.GET.get("page"))
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
        if over_limit(request, scope="signup", limit=SIGNUPS_PER_HOUR, window_seconds=3600):
            form.add_error(
                None, _("Too many sign-ups from this connection. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            with scope(project=[project.pk]):
                services.participant_self_register(project=project, data=form.service_data())
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
