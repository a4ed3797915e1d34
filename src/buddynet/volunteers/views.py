from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.forms import Form as DjangoForm
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from buddynet.core.choices import slot_labels
from buddynet.core.dashboard import chart
from buddynet.core.exports import Column, ExportMixin, file_response
from buddynet.core.formviews import ServiceFormView
from buddynet.core.ratelimit import client_ip
from buddynet.core.routes import project_url
from buddynet.core.selectors import history_for_object
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import (
    FilteredListMixin,
    ProjectPermissionMixin,
    ProjectServiceFormView,
)

from . import forms, panels, selectors, services
from .models import Buddy, Gender
from .pdf import note_pdf

WARN_AHEAD = timedelta(days=selectors.WARN_DAYS)
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RATE_LIMIT = 5  # applications per address per hour


class BuddyListView(ProjectPermissionMixin, ExportMixin, FilteredListMixin, ListView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_list.html"
    context_object_name = "buddies"
    status_choices = tuple(Buddy.Status.choices)
    export_list = "buddies"
    export_title = gettext_lazy("Buddies")

    def export_columns(self) -> list[Column]:
        # The columns the page shows, no more.
        return [
            Column(gettext_lazy("Name"), lambda b: b.full_name),
            Column(gettext_lazy("Postcode"), lambda b: b.postcode),
            Column(gettext_lazy("Town"), lambda b: b.town),
            Column(gettext_lazy("Languages"), lambda b: b.languages),
            Column(gettext_lazy("Status"), lambda b: b.get_status_display()),
        ]

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
    """A view about one buddy of the project (``code`` in the URL).

    ``shows_part``: the part of the buddy's file this page shows ("" for the whole file,
    None for nothing but the name); the selector then records the view in the history.
    """

    permission = policy.BUDDIES_CHANGE
    shows_part: str | None = None

    @cached_property
    def buddy(self) -> Buddy:
        return selectors.buddy_get_for_user(
            access=self.access,
            project=self.project,
            code=self.kwargs["code"],
            viewed_by=self.reader if self.shows_part is not None else None,
            part=self.shows_part or "",
        )

    def buddy_url(self):
        return project_url("buddy_detail", self.project, code=self.buddy.code)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["buddy"] = self.buddy
        context["back_url"] = self.buddy_url()
        return context


class BuddyDetailView(BuddyMixin, TemplateView):
    permission = policy.BUDDIES_VIEW
    template_name = "volunteers/buddy_detail.html"
    shows_part = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        buddy = self.buddy
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
        context["slot_labels"] = slot_labels(buddy.availability)
        context["language_labels"] = [forms.LANGUAGE_NAMES.get(x, x) for x in buddy.languages]
        # What apps above this one add to the file (e.g. the current trajectories).
        context["buddy_panels"] = panels.buddy_panels(
            buddy=buddy, access=self.access, user=self.request.user
        )
        return context


def next_status(buddy: Buddy) -> str:
    order = services.PIPELINE_ORDER
    if buddy.status in order and buddy.status != order[-1]:
        return order[order.index(buddy.status) + 1]
    if buddy.status == Buddy.Status.PAUSED and buddy.status_before_pause:
        return buddy.status_before_pause
    return buddy.status


class BuddyFormView(BuddyMixin, ProjectServiceFormView):
    """A form about one buddy: back to their file, their name beside the title."""

    def get_back_url(self):
        return self.buddy_url()

    def get_subtitle(self) -> str:
        return self.buddy.full_name

    def changed_fields(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form.changed_data}

    def fresh_buddy(self) -> Buddy:
        """A fresh copy for the service (a model form has written the typed values onto
        ``self.buddy``; a refused save must leave nothing half-applied)."""
        return Buddy.objects.get(pk=self.buddy.pk)


class BuddyStepView(BuddyFormView):
    form_class = forms.StepForm
    title = gettext_lazy("Move to another step")

    def get_initial(self):
        return {"to_status": next_status(self.buddy)}

    def perform(self, form):
        buddy = services.buddy_move(
            buddy=self.buddy,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"] or "",
            note=form.cleaned_data["note"],
            user=self.request.user,
        )
        messages.success(
            self.request,
            _("%(name)s is now: %(status)s.")
            % {"name": buddy.full_name, "status": buddy.get_status_display()},
        )
        return self.buddy_url()


class BuddyEditView(BuddyFormView):
    form_class = forms.ProfileForm
    title = gettext_lazy("Edit the profile")
    success_message = gettext_lazy("The profile was saved.")
    shows_part = "profile"

    def get_form_kwargs(self):
        return {"instance": self.buddy}

    def perform(self, form):
        services.buddy_profile_update(
            buddy=self.fresh_buddy(), user=self.request.user, data=self.changed_fields(form)
        )
        return self.buddy_url()


class BuddyIntakeView(BuddyFormView):
    form_class = forms.IntakeForm
    title = gettext_lazy("Intake interview")
    intro = gettext_lazy(
        "At least one face-to-face conversation: motivation, expectations, strengths and "
        "availability. Both sides are free to decide later."
    )
    success_message = gettext_lazy("The intake interview was saved.")
    shows_part = "intake"

    def get_form_kwargs(self):
        return {"instance": getattr(self.buddy, "intake", None)}

    def get_initial(self):
        return {} if hasattr(self.buddy, "intake") else {"held_on": timezone.localdate()}

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in services.INTAKE_FIELDS}
        services.intake_save(buddy=self.fresh_buddy(), user=self.request.user, data=data)
        return self.buddy_url()


class BuddyScreeningView(BuddyFormView):
    form_class = forms.ScreeningForm
    title = gettext_lazy("Screening: record check and benefit status")
    intro = gettext_lazy(
        "Record that a criminal-record extract (model 596.2) was checked, on which date: "
        "never a copy of the document. For volunteers on a benefit, record the formality "
        "and its date (C45B, the insurer's approval, the OCMW informed)."
    )
    success_message = gettext_lazy("The screening was saved.")
    shows_part = "screening"

    def get_form_kwargs(self):
        return {"instance": self.buddy}

    def perform(self, form):
        services.screening_update(
            buddy=self.fresh_buddy(), user=self.request.user, data=self.changed_fields(form)
        )
        return self.buddy_url()


class BuddyReferenceView(BuddyFormView):
    form_class = forms.ReferenceForm
    title = gettext_lazy("Add a reference")
    success_message = gettext_lazy("The reference was added.")

    def perform(self, form):
        services.reference_add(buddy=self.buddy, user=self.request.user, data=form.cleaned_data)
        return self.buddy_url()


class BuddyDecisionView(BuddyFormView):
    form_class = forms.DecisionForm
    title = gettext_lazy("The mutual decision")
    intro = gettext_lazy(
        "Both sides decide freely. 'No match with us' is a legitimate outcome: the "
        "candidate then gets a kind message."
    )
    shows_part = "decision"

    def get_initial(self):
        b = self.buddy
        return {
            "buddy_says_yes": forms.DecisionForm.from_bool(b.buddy_says_yes),
            "project_says_yes": forms.DecisionForm.from_bool(b.project_says_yes),
            "decision_note": b.decision_note,
        }

    def perform(self, form):
        buddy = services.decision_save(
            buddy=self.fresh_buddy(), user=self.request.user, data=form.decision_data()
        )
        if buddy.status == Buddy.Status.STOPPED:
            messages.info(self.request, _("The decision was saved; the candidate was thanked."))
        else:
            messages.success(self.request, _("The decision was saved."))
        return self.buddy_url()


class BuddyTrainingView(BuddyFormView):
    form_class = forms.TrainingCompleteForm
    title = gettext_lazy("Record a completed training")
    success_message = gettext_lazy("The training was recorded.")

    def get_form_kwargs(self):
        return {"project": self.project}

    def perform(self, form):
        services.training_complete(
            buddy=self.buddy,
            module=form.cleaned_data["module"],
            on=form.cleaned_data["completed_on"],
            user=self.request.user,
        )
        return self.buddy_url()


class BuddyLoginView(BuddyFormView):
    form_class = DjangoForm
    title = gettext_lazy("Give this buddy a login")
    intro = gettext_lazy(
        "The buddy gets an e-mail with a link to choose a password. With a login they see "
        "their own profile, training and documents to sign: never other buddies."
    )
    submit_label = gettext_lazy("Create the login")
    success_message = gettext_lazy("The login was created and an e-mail was sent.")

    def perform(self, form):
        services.buddy_login_create(buddy=self.buddy, user=self.request.user)
        return self.buddy_url()


class NoteSignMixin:
    """Reading and signing the information note (the buddy's own page, or the buddy on
    the coordinator's device): the note in the language shown, its hash in the form."""

    form_class = forms.SignForm
    template_name = "volunteers/buddy_note.html"
    title = gettext_lazy("Information note and volunteer agreement")
    submit_label = gettext_lazy("Sign")
    own_page = False

    @cached_property
    def terms(self):
        return selectors.terms_for_project(project=self.project)

    def get_template_names(self):
        if self.terms is None:
            return ["volunteers/note_missing.html"]
        return [self.template_name]

    def get_initial(self):
        if self.terms is None:
            return {}
        text = services.note_text(buddy=self.buddy, terms=self.terms)
        return {"text_hash": services.note_hash(text)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = (
            services.note_sections(buddy=self.buddy, terms=self.terms) if self.terms else None
        )
        context["notes"] = selectors.signed_notes(buddy=self.buddy)
        context["own_page"] = self.own_page
        return context

    def sign(self, form, **extra):
        return services.note_sign(
            buddy=self.buddy,
            user=self.request.user,
            signed_name=form.cleaned_data["signed_name"],
            shown_hash=form.cleaned_data["text_hash"],
            language=get_language() or "nl",
            **extra,
        )


class BuddyNoteSignView(NoteSignMixin, BuddyFormView):
    """The buddy signs the information note on the coordinator's device: no account
    needed (as the agreement allows for participants); recorded as such."""

    shows_part = "information_note"
    intro = gettext_lazy(
        "Let the buddy read the note on this device and type their own name to sign. "
        "The signature is recorded as made on your device."
    )
    success_message = gettext_lazy("The information note is signed (on your device).")

    def perform(self, form):
        self.sign(form, on_device_of=self.request.user)
        return self.buddy_url()


class BuddyAttachmentView(BuddyMixin, View):
    """An applicant's file, for the project's coordinators; always downloaded, never shown
    inline (the selector records the download)."""

    permission = policy.BUDDIES_VIEW_CONTACT

    def get(self, request, *args, **kwargs):
        attachment = selectors.attachment_get(
            buddy=self.buddy, code=kwargs["attachment"], user=request.user
        )
        extension = attachment.name.rsplit(".", 1)[-1]
        response = file_response(
            bytes(attachment.data), attachment.content_type, f"{attachment.code}.{extension}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class BuddyNotePdfView(BuddyMixin, View):
    permission = policy.BUDDIES_VIEW

    def get(self, request, *args, **kwargs):
        note = selectors.signed_note_get(
            buddy=self.buddy, code=kwargs["note"], downloaded_by=request.user
        )
        return pdf_response(note)


def pdf_response(note) -> HttpResponse:
    return file_response(note_pdf(note), "application/pdf", f"informatienota-{note.code}.pdf")


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


class VacancyCreateView(ProjectServiceFormView):
    permission = policy.VACANCIES_MANAGE
    form_class = forms.VacancyForm
    title = gettext_lazy("New vacancy")
    success_message = gettext_lazy("The vacancy was saved.")

    def get_back_url(self):
        return project_url("vacancy_list", self.project)

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in services.VACANCY_FIELDS}
        services.vacancy_create(project=self.project, user=self.request.user, data=data)
        return self.get_back_url()


class VacancyEditView(VacancyCreateView):
    title = gettext_lazy("Edit the vacancy")

    @cached_property
    def vacancy(self):
        return selectors.vacancy_get_for_user(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )

    def get_form_kwargs(self):
        return {"instance": self.vacancy}

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        vacancy = type(self.vacancy).objects.get(pk=self.vacancy.pk)
        services.vacancy_update(vacancy=vacancy, user=self.request.user, data=data)
        return self.get_back_url()


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


class TrainingFormView(ProjectServiceFormView):
    permission = policy.TRAINING_MANAGE

    def get_back_url(self):
        return project_url("training", self.project)


class TrainingModuleCreateView(TrainingFormView):
    form_class = forms.TrainingModuleForm
    title = gettext_lazy("New training module")
    success_message = gettext_lazy("The module was saved.")

    def perform(self, form):
        services.training_module_create(
            project=self.project, user=self.request.user, data=form.cleaned_data
        )
        return self.get_back_url()


class TrainingSessionCreateView(TrainingFormView):
    form_class = forms.TrainingSessionForm
    title = gettext_lazy("New training session")
    success_message = gettext_lazy("The session was saved.")

    def get_form_kwargs(self):
        return {"project": self.project}

    def perform(self, form):
        services.training_session_create(
            project=self.project, user=self.request.user, data=form.cleaned_data
        )
        return self.get_back_url()


class TrainingSessionView(TrainingFormView):
    form_class = forms.AttendanceForm
    submit_label = gettext_lazy("Save attendance")

    @cached_property
    def session(self):
        return selectors.training_session_get(
            access=self.access, project=self.project, code=self.kwargs["code"]
        )

    @property
    def title(self):
        return _("Attendance: %(session)s") % {"session": self.session}

    def get_form_kwargs(self):
        return {"project": self.project}

    def get_initial(self):
        return {"buddies": [r.buddy_id for r in self.session.records.all()]}

    def perform(self, form):
        n = services.attendance_record(
            session=self.session, buddies=form.cleaned_data["buddies"], user=self.request.user
        )
        messages.success(self.request, _("Attendance saved: %(n)s new.") % {"n": n})
        return self.get_back_url()


# --- Information note terms -----------------------------------------------------------


class TermsView(ProjectServiceFormView):
    permission = policy.BUDDIES_CHANGE
    form_class = forms.TermsForm
    title = gettext_lazy("Information note and volunteer agreement")
    intro = gettext_lazy(
        "The volunteer law requires you to inform every buddy before they start: the "
        "purpose and legal status of the organisation, the insurance, the expense system, "
        "discretion and professional secrecy. The note is generated from these answers."
    )
    success_message = gettext_lazy("The information note was saved.")

    def get_form_kwargs(self):
        return {"instance": selectors.terms_for_project(project=self.project)}

    def get_back_url(self):
        return project_url("vacancy_list", self.project)

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in services.TERMS_FIELDS}
        services.terms_save(project=self.project, user=self.request.user, data=data)
        return self.get_back_url()


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
                            ("morning", _("morning")),
                            ("afternoon", _("afternoon")),
                            ("evening", _("evening")),
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

    @cached_property
    def buddy(self) -> Buddy:
        return selectors.buddy_own_get(
            access=self.access, project=self.project, user=self.request.user
        )

    def me_url(self):
        return project_url("buddy_me", self.project)

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
        context["slot_labels"] = slot_labels(buddy.availability)
        context["language_labels"] = [forms.LANGUAGE_NAMES.get(x, x) for x in buddy.languages]
        return context


class BuddyMeEditView(OwnBuddyMixin, ProjectServiceFormView):
    permission = policy.SELF_EDIT_BUDDY
    form_class = forms.ProfileForm
    title = gettext_lazy("Edit your profile")
    success_message = gettext_lazy("Your profile was saved.")

    def get_form_kwargs(self):
        return {"instance": self.buddy, "self_service": True}

    def get_back_url(self):
        return self.me_url()

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        services.buddy_profile_update(
            buddy=Buddy.objects.get(pk=self.buddy.pk),
            user=self.request.user,
            data=data,
            fields=services.SELF_FIELDS,
        )
        return self.me_url()


class BuddyMeNoteView(NoteSignMixin, OwnBuddyMixin, ProjectServiceFormView):
    own_page = True
    success_message = gettext_lazy("Thank you: you signed the information note.")

    def get_back_url(self):
        return self.me_url()

    def perform(self, form):
        self.sign(form)
        return self.me_url()


class BuddyMeNotePdfView(OwnBuddyMixin, View):
    def get(self, request, *args, **kwargs):
        note = selectors.signed_note_get(buddy=self.buddy, code=kwargs["note"])
        return pdf_response(note)


# --- Public: the front door, vacancies and applications -------------------------------


class PublicVacancyListView(TemplateView):
    """A project's front door: its open vacancies and the way to ask for a buddy."""

    template_name = "volunteers/public_vacancy_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = selectors.project_public_get(code=kwargs["project"])
        context["public_project"] = project
        context["vacancies"] = selectors.vacancies_open_public(project=project)
        context["signup_url"] = project_url("public_signup", project)
        return context


def _client_ip(request) -> str:
    # The visitor's address, also behind the trusted reverse proxy (one rule, in core).
    return client_ip(request) or "unknown"


def _rate_key(request) -> str:
    return f"buddynet:apply:{_client_ip(request)}"


class PublicVacancyView(ServiceFormView):
    """The public application form. Only applications that were kept count towards the
    rate limit: a refused or broken attempt never does."""

    template_name = "volunteers/public_vacancy.html"
    form_class = forms.ApplicationForm

    def dispatch(self, request, *args, **kwargs):
        self.vacancy = selectors.vacancy_public_get(code=kwargs["code"])
        self.project = self.vacancy.project
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"project": self.project}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vacancy"] = self.vacancy
        context["vacancy_project"] = self.project
        context["is_open"] = self.vacancy.is_open(self.today)
        context["terms"] = selectors.terms_for_project(project=self.project)
        context["front_door_url"] = project_url("vacancies_public", self.project)
        return context

    def post(self, request, *args, **kwargs):
        if not self.vacancy.is_open(self.today):
            raise Http404("This vacancy is closed.")
        form = self.get_form(data=request.POST, files=request.FILES)
        if cache.get(_rate_key(request), 0) >= RATE_LIMIT:
            form.is_valid()
            form.add_error(
                None,
                _("Too many applications from your connection. Please try again in an hour."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return self.submit(form, self.perform)

    def thanks(self):
        return reverse("vacancy_thanks", kwargs={"code": self.vacancy.code})

    def perform(self, form):
        if form.cleaned_data.get("website"):
            return self.thanks()  # a robot: pretend all went well, keep nothing
        services.application_submit(vacancy=self.vacancy, data=form.application_data())
        key = _rate_key(self.request)
        cache.set(key, cache.get(key, 0) + 1, 3600)
        return self.thanks()


class PublicVacancyThanksView(TemplateView):
    template_name = "volunteers/public_thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vacancy"] = selectors.vacancy_public_get(code=kwargs["code"])
        return context
