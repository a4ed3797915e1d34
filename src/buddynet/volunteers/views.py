from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.forms import Form as DjangoForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from buddynet.core.dashboard import chart
from buddynet.core.selectors import history_for_object
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import FilteredListMixin, ProjectPermissionMixin

from . import forms, selectors, services
from .models import Buddy, Gender, Slot
from .pdf import note_pdf
from .services import BuddyError

WARN_AHEAD = timedelta(days=selectors.WARN_DAYS)
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RATE_LIMIT = 5  # applications per address per hour


class BuddyListView(ProjectPermissionMixin, FilteredListMixin, ListView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_list.html"
    context_object_name = "buddies"
    status_choices = tuple(Buddy.Status.choices)

    def get_queryset(self):
        return selectors.buddy_list_for_user(
            access=self.access, project=self.project, **self.get_filters()
        )


class BuddyBoardView(ProjectPermissionMixin, TemplateView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:100] or None
        context["columns"] = selectors.buddy_board(
            access=self.access, project=self.project, query=query
        )
        context["query"] = query or ""
        return context


class BuddyMixin(ProjectPermissionMixin):
    """A view about one buddy of the project (``code`` in the URL)."""

    permission = policy.BUDDIES_CHANGE

    def dispatch(self, request, *args, **kwargs):
        self._buddy_code = kwargs.get("code")
        return super().dispatch(request, *args, **kwargs)

    @property
    def buddy(self) -> Buddy:
        if not hasattr(self, "_buddy"):
            self._buddy = selectors.buddy_get_for_user(
                access=self.access, project=self.project, code=self._buddy_code
            )
        return self._buddy

    def buddy_url(self):
        return reverse(
            "buddy_detail", kwargs={"project": self.project.code, "code": self.buddy.code}
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["buddy"] = self.buddy
        context["back_url"] = self.buddy_url()
        return context


class BuddyDetailView(BuddyMixin, TemplateView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.buddy
        # A buddy's file is sensitive: every view is logged.
        buddy.log_action("buddy.viewed", user=self.request.user)
        context["show_contact"] = self.can(policy.BUDDIES_VIEW_CONTACT)
        context["can_change"] = self.can(policy.BUDDIES_CHANGE)
        context["history"] = history_for_object(obj=buddy)
        context["steps"] = selectors.pipeline_history(buddy=buddy)
        context["training"] = selectors.buddy_training(buddy=buddy)
        context["notes"] = selectors.signed_notes(buddy=buddy)
        context["missing"] = services.readiness_missing(buddy=buddy)
        context["references"] = list(buddy.references.all())
        context["attachments"] = (
            selectors.attachments(buddy=buddy) if context["show_contact"] else []
        )
        context["intake"] = getattr(buddy, "intake", None)
        terms = selectors.terms_for_project(project=self.project)
        context["terms"] = terms
        expires = services.record_check_expires_on(buddy=buddy, terms=terms) if terms else None
        context["record_check_expires_on"] = expires
        today = timezone.localdate()
        context["record_check_warning"] = bool(
            expires and terms.requires_record_check and expires <= today + WARN_AHEAD
        )
        context["step_form"] = forms.StepForm(initial={"to_status": next_status(buddy)})
        context["slot_labels"] = [Slot(s).label for s in buddy.availability if s in Slot.values]
        context["language_labels"] = [forms.LANGUAGE_NAMES.get(x, x) for x in buddy.languages]
        return context


def next_status(buddy: Buddy) -> str:
    order = services.PIPELINE_ORDER
    if buddy.status in order and buddy.status != order[-1]:
        return order[order.index(buddy.status) + 1]
    if buddy.status == Buddy.Status.PAUSED and buddy.status_before_pause:
        return buddy.status_before_pause
    return buddy.status


class FormPageMixin:
    """A form on its own page (``volunteers/form_page.html``)."""

    template_name = "volunteers/form_page.html"
    title = ""
    intro = ""
    submit_label = gettext_lazy("Save")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, intro=self.intro, submit_label=self.submit_label)
        return context

    def save_changes(self, form, service, *, success, to, **kwargs):
        """Hand the changed fields to one service on a fresh copy of the buddy (so a
        refused save leaves nothing half-applied); a BuddyError goes back to the form
        with everything typed kept."""
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = Buddy.objects.get(pk=self.buddy.pk)
        try:
            service(buddy=fresh, user=self.request.user, data=data, **kwargs)
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, success)
        return redirect(to)


class BuddyStepView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.StepForm
    title = gettext_lazy("Move to another step")

    def get_initial(self):
        return {"to_status": next_status(self.buddy)}

    def form_valid(self, form):
        try:
            services.buddy_move(
                buddy=self.buddy,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"] or "",
                note=form.cleaned_data["note"],
                user=self.request.user,
            )
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is now: %(status)s.")
            % {"name": self.buddy.full_name, "status": self.buddy.get_status_display()},
        )
        return redirect(self.buddy_url())


class BuddyEditView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.ProfileForm
    title = gettext_lazy("Edit the profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.buddy}

    def form_valid(self, form):
        return self.save_changes(
            form,
            services.buddy_profile_update,
            success=_("The profile was saved."),
            to=self.buddy_url(),
        )


class BuddyIntakeView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.IntakeForm
    title = gettext_lazy("Intake interview")
    intro = gettext_lazy(
        "At least one face-to-face conversation: motivation, expectations, strengths and "
        "availability. Both sides are free to decide later."
    )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = getattr(self.buddy, "intake", None)
        if kwargs["instance"] is None:
            kwargs["initial"] = {"held_on": timezone.localdate()}
        return kwargs

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.INTAKE_FIELDS}
        services.intake_save(buddy=self.buddy, user=self.request.user, data=data)
        messages.success(self.request, _("The intake interview was saved."))
        return redirect(self.buddy_url())


class BuddyScreeningView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.ScreeningForm
    title = gettext_lazy("Screening: record check and benefit status")
    intro = gettext_lazy(
        "Record that a criminal-record extract (model 596.2) was checked, on which date: "
        "never a copy of the document. For volunteers on a benefit, record the formality "
        "and its date (C45B, the insurer's approval, the OCMW informed)."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.buddy}

    def form_valid(self, form):
        return self.save_changes(
            form,
            services.screening_update,
            success=_("The screening was saved."),
            to=self.buddy_url(),
        )


class BuddyReferenceView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.ReferenceForm
    title = gettext_lazy("Add a reference")

    def form_valid(self, form):
        services.reference_add(buddy=self.buddy, user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, _("The reference was added."))
        return redirect(self.buddy_url())


class BuddyDecisionView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.DecisionForm
    title = gettext_lazy("The mutual decision")
    intro = gettext_lazy(
        "Both sides decide freely. 'No match with us' is a legitimate outcome: the "
        "candidate then gets a kind message."
    )

    def get_initial(self):
        b = self.buddy
        return {
            "buddy_says_yes": forms.DecisionForm.from_bool(b.buddy_says_yes),
            "project_says_yes": forms.DecisionForm.from_bool(b.project_says_yes),
            "decision_note": b.decision_note,
        }

    def form_valid(self, form):
        fresh = Buddy.objects.get(pk=self.buddy.pk)
        try:
            services.decision_save(buddy=fresh, user=self.request.user, data=form.decision_data())
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if fresh.status == Buddy.Status.STOPPED:
            messages.info(self.request, _("The decision was saved; the candidate was thanked."))
        else:
            messages.success(self.request, _("The decision was saved."))
        return redirect(self.buddy_url())


class BuddyTrainingView(BuddyMixin, FormPageMixin, FormView):
    form_class = forms.TrainingCompleteForm
    title = gettext_lazy("Record a completed training")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        try:
            services.training_complete(
                buddy=self.buddy,
                module=form.cleaned_data["module"],
                on=form.cleaned_data["completed_on"],
                user=self.request.user,
            )
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The training was recorded."))
        return redirect(self.buddy_url())


class BuddyLoginView(BuddyMixin, FormPageMixin, FormView):
    form_class = DjangoForm
    title = gettext_lazy("Give this buddy a login")
    intro = gettext_lazy(
        "The buddy gets an e-mail to choose a password. With a login they see their own "
        "profile, training and documents to sign: never other buddies."
    )
    submit_label = gettext_lazy("Create the login")

    def form_valid(self, form):
        try:
            services.buddy_login_create(buddy=self.buddy, user=self.request.user)
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The login was created and an e-mail was sent."))
        return redirect(self.buddy_url())


class BuddyAttachmentView(BuddyMixin, TemplateView):
    """An applicant's file, for the project's coordinators; always downloaded, never shown
    inline."""

    permission = policy.BUDDIES_VIEW_CONTACT

    def get(self, request, *args, **kwargs):
        attachment = selectors.attachment_get(buddy=self.buddy, code=kwargs["attachment"])
        self.buddy.log_action(
            "buddy.attachment_downloaded", user=request.user, data={"name": attachment.name}
        )
        response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
        response["Content-Disposition"] = f'attachment; filename="{attachment.code}.' + (
            attachment.name.rsplit(".", 1)[-1] + '"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class BuddyNotePdfView(BuddyMixin, TemplateView):
    permission = policy.BUDDIES_VIEW

    def get(self, request, *args, **kwargs):
        note = selectors.signed_note_get(buddy=self.buddy, code=kwargs["note"])
        self.buddy.log_action("buddy.information_note_downloaded", user=request.user)
        return pdf_response(note)


def pdf_response(note) -> HttpResponse:
    response = HttpResponse(note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="informatienota-{note.code}.pdf"'
    return response


# --- Vacancies ------------------------------------------------------------------------


class VacancyListView(ProjectPermissionMixin, TemplateView):
    permission = policy.VACANCIES_MANAGE
    template_name = "volunteers/vacancy_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vacancies"] = selectors.vacancy_list_for_user(
            access=self.access, project=self.project
        )
        context["terms"] = selectors.terms_for_project(project=self.project)
        return context


class VacancyCreateView(ProjectPermissionMixin, FormPageMixin, FormView):
    permission = policy.VACANCIES_MANAGE
    form_class = forms.VacancyForm
    title = gettext_lazy("New vacancy")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": self.list_url()}

    def list_url(self):
        return reverse("vacancy_list", kwargs={"project": self.project.code})

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.VACANCY_FIELDS}
        services.vacancy_create(project=self.project, user=self.request.user, data=data)
        messages.success(self.request, _("The vacancy was saved."))
        return redirect(self.list_url())


class VacancyEditView(VacancyCreateView):
    title = gettext_lazy("Edit the vacancy")

    def get_form_kwargs(self):
        self.vacancy = selectors.vacancy_get_for_user(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )
        return {**super().get_form_kwargs(), "instance": self.vacancy}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        vacancy = type(self.vacancy).objects.get(pk=self.vacancy.pk)
        services.vacancy_update(vacancy=vacancy, user=self.request.user, data=data)
        messages.success(self.request, _("The vacancy was saved."))
        return redirect(self.list_url())


# --- Training -------------------------------------------------------------------------


class TrainingView(ProjectPermissionMixin, TemplateView):
    permission = policy.TRAINING_MANAGE
    template_name = "volunteers/training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["modules"] = selectors.training_modules(access=self.access, project=self.project)
        context["sessions"] = selectors.training_sessions(access=self.access, project=self.project)[
            :50
        ]
        return context


class TrainingFormMixin(ProjectPermissionMixin, FormPageMixin):
    permission = policy.TRAINING_MANAGE

    def training_url(self):
        return reverse("training", kwargs={"project": self.project.code})

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": self.training_url()}


class TrainingModuleCreateView(TrainingFormMixin, FormView):
    form_class = forms.TrainingModuleForm
    title = gettext_lazy("New training module")

    def form_valid(self, form):
        services.training_module_create(
            project=self.project, user=self.request.user, data=form.cleaned_data
        )
        messages.success(self.request, _("The module was saved."))
        return redirect(self.training_url())


class TrainingSessionCreateView(TrainingFormMixin, FormView):
    form_class = forms.TrainingSessionForm
    title = gettext_lazy("New training session")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        try:
            services.training_session_create(
                project=self.project, user=self.request.user, data=form.cleaned_data
            )
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The session was saved."))
        return redirect(self.training_url())


class TrainingSessionView(TrainingFormMixin, FormView):
    form_class = forms.AttendanceForm
    submit_label = gettext_lazy("Save attendance")

    @property
    def title(self):
        return _("Attendance: %(session)s") % {"session": self.session}

    def get_form_kwargs(self):
        self.session = selectors.training_session_get(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )
        kwargs = super().get_form_kwargs()
        kwargs["project"] = self.project
        kwargs["initial"] = {"buddies": [r.buddy_id for r in self.session.records.all()]}
        return kwargs

    def form_valid(self, form):
        n = services.attendance_record(
            session=self.session, buddies=form.cleaned_data["buddies"], user=self.request.user
        )
        messages.success(self.request, _("Attendance saved: %(n)s new.") % {"n": n})
        return redirect(self.training_url())


# --- Information note terms -----------------------------------------------------------


class TermsView(ProjectPermissionMixin, FormPageMixin, FormView):
    permission = policy.BUDDIES_CHANGE
    form_class = forms.TermsForm
    title = gettext_lazy("Information note and volunteer agreement")
    intro = gettext_lazy(
        "The volunteer law requires you to inform every buddy before they start: the "
        "purpose and legal status of the organisation, the insurance, the expense system, "
        "discretion and professional secrecy. The note is generated from these answers."
    )

    def get_form_kwargs(self):
        terms = selectors.terms_for_project(project=self.project)
        return {**super().get_form_kwargs(), "instance": terms}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.TERMS_FIELDS}
        services.terms_save(project=self.project, user=self.request.user, data=data)
        messages.success(self.request, _("The information note was saved."))
        return redirect("vacancy_list", project=self.project.code)


# --- The pool -------------------------------------------------------------------------


class PoolView(ProjectPermissionMixin, TemplateView):
    permission = policy.BUDDIES_VIEW_POOL
    template_name = "volunteers/pool.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fig = selectors.pool_figures(access=self.access, project=self.project)
        n = _("Buddies")
        context["fig"] = fig
        context["charts"] = [
            (
                "ages",
                chart(
                    title=_("Age"),
                    label_heading=_("Age"),
                    labels=list(fig["ages"]),
                    series=[(n, list(fig["ages"].values()))],
                ),
            ),
            (
                "languages",
                chart(
                    title=_("Languages"),
                    label_heading=_("Language"),
                    labels=[str(forms.LANGUAGE_NAMES.get(k, k)) for k in fig["languages"]],
                    series=[(n, list(fig["languages"].values()))],
                    kind="bar-horizontal",
                ),
            ),
            (
                "genders",
                chart(
                    title=_("Gender (given voluntarily)"),
                    label_heading=_("Gender"),
                    labels=[str(Gender(k).label) for k in fig["genders"]],
                    series=[(n, list(fig["genders"].values()))],
                ),
            ),
            (
                "towns",
                chart(
                    title=_("Towns"),
                    label_heading=_("Town"),
                    labels=list(fig["towns"]),
                    series=[(n, list(fig["towns"].values()))],
                    kind="bar-horizontal",
                ),
            ),
            (
                "slots",
                chart(
                    title=_("Availability (buddies per weekly time slot)"),
                    label_heading=_("Day"),
                    labels=[str(WEEKDAYS[i]) for i in range(7)],
                    series=[
                        (
                            part_label,
                            [fig["slots"].get(f"{day}_{part}", 0) for day in DAY_CODES],
                        )
                        for part, part_label in (
                            ("am", _("morning")),
                            ("pm", _("afternoon")),
                            ("ev", _("evening")),
                        )
                    ],
                ),
            ),
        ]
        for gap in fig["language_gaps"]:
            gap["name"] = forms.LANGUAGE_NAMES.get(gap["language"], gap["language"])
        return context


# --- Buddy self-service ---------------------------------------------------------------


class OwnBuddyMixin(ProjectPermissionMixin):
    permission = policy.SELF_VIEW_BUDDY

    @property
    def buddy(self) -> Buddy:
        if not hasattr(self, "_buddy"):
            self._buddy = selectors.buddy_own_get(
                access=self.access, project=self.project, user=self.request.user
            )
        return self._buddy

    def me_url(self):
        return reverse("buddy_me", kwargs={"project": self.project.code})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["buddy"] = self.buddy
        context["back_url"] = self.me_url()
        return context


class BuddyMeView(OwnBuddyMixin, TemplateView):
    template_name = "volunteers/buddy_me.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.buddy
        context["training"] = selectors.buddy_training(buddy=buddy)
        context["notes"] = selectors.signed_notes(buddy=buddy)
        context["terms"] = selectors.terms_for_project(project=self.project)
        context["can_edit"] = self.can(policy.SELF_EDIT_BUDDY)
        context["slot_labels"] = [Slot(s).label for s in buddy.availability if s in Slot.values]
        context["language_labels"] = [forms.LANGUAGE_NAMES.get(x, x) for x in buddy.languages]
        return context


class BuddyMeEditView(OwnBuddyMixin, FormPageMixin, FormView):
    permission = policy.SELF_EDIT_BUDDY
    form_class = forms.ProfileForm
    title = gettext_lazy("Edit your profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.buddy, "self_service": True}

    def form_valid(self, form):
        return self.save_changes(
            form,
            services.buddy_profile_update,
            success=_("Your profile was saved."),
            to=self.me_url(),
            fields=services.SELF_FIELDS,
        )


class BuddyMeNoteView(OwnBuddyMixin, FormView):
    template_name = "volunteers/buddy_note.html"
    form_class = forms.SignForm

    def note_text(self):
        terms = selectors.terms_for_project(project=self.project)
        if terms is None:
            return None
        return services.note_text(buddy=self.buddy, terms=terms)

    def get_initial(self):
        text = self.note_text()
        return {"text_hash": services.note_hash(text) if text else ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = selectors.terms_for_project(project=self.project)
        context["sections"] = (
            services.note_sections(buddy=self.buddy, terms=terms) if terms else None
        )
        context["notes"] = selectors.signed_notes(buddy=self.buddy)
        return context

    def form_valid(self, form):
        try:
            services.note_sign(
                buddy=self.buddy,
                user=self.request.user,
                signed_name=form.cleaned_data["signed_name"],
                shown_hash=form.cleaned_data["text_hash"],
                language=get_language() or "nl",
            )
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you: you signed the information note."))
        return redirect(self.me_url())


class BuddyMeNotePdfView(OwnBuddyMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        note = selectors.signed_note_get(buddy=self.buddy, code=kwargs["note"])
        return pdf_response(note)


# --- Public: vacancies and applications -----------------------------------------------


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


class PublicVacancyView(FormView):
    template_name = "volunteers/public_vacancy.html"
    form_class = forms.ApplicationForm

    def dispatch(self, request, *args, **kwargs):
        self.vacancy = selectors.vacancy_public_get(code=kwargs["code"])
        self.project = self.vacancy.project
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vacancy"] = self.vacancy
        context["vacancy_project"] = self.project
        context["is_open"] = self.vacancy.is_open(self.today)
        context["terms"] = selectors.terms_for_project(project=self.project)
        return context

    def post(self, request, *args, **kwargs):
        if not self.vacancy.is_open(self.today):
            raise Http404("This vacancy is closed.")
        key = f"buddynet:apply:{_client_ip(request)}"
        count = cache.get(key, 0)
        if count >= RATE_LIMIT:
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None,
                _("Too many applications from your connection. Please try again in an hour."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def thanks(self):
        return redirect("vacancy_thanks", code=self.vacancy.code)

    def form_valid(self, form):
        if form.cleaned_data.get("website"):
            return self.thanks()  # a robot: pretend all went well, keep nothing
        key = f"buddynet:apply:{_client_ip(self.request)}"
        cache.set(key, cache.get(key, 0) + 1, 3600)
        try:
            services.application_submit(vacancy=self.vacancy, data=form.application_data())
        except BuddyError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return self.thanks()


class PublicVacancyThanksView(TemplateView):
    template_name = "volunteers/public_thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vacancy"] = selectors.vacancy_public_get(code=kwargs["code"])
        return context
