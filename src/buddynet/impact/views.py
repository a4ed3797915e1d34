"""Pages of the impact app: thin views, one selector or service each.

Coordinators (``impact.manage``) plan, enter answers, make personal links and read a
person's answers; ``impact.view_outcomes`` shows the project's figures and the funder
report. The participant's questionnaire needs no log-in: the secret in the address is
the key, and it opens that one questionnaire only. The network comparison is for the
network's coordinators and shows "< 5" for every cell of fewer than five people.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from buddynet.core.errors import ServiceError
from buddynet.core.exports import file_response
from buddynet.core.formviews import form_add_service_error
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.tenancy.selectors import network_get_for_user

from . import exports, reports, selectors, services
from .forms import OwnQuestionForm, OwnQuestionnaireForm, PeriodForm, PlanForm, QuestionnaireForm
from .models import Measurement


def home_url(project) -> str:
    return project_url("impact_home", project)


def person_url(project, trajectory) -> str:
    return project_url("impact_person", project, code=trajectory.code)


class ImpactHomeView(ProjectPermissionMixin, TemplateView):
    permission = policy.IMPACT_MANAGE
    template_name = "impact/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = services.plan_for(self.project)
        context["open"] = selectors.measurements_open(project=self.project)
        context["trajectories"] = selectors.trajectories_for_impact(project=self.project)
        return context


class ManageFormView(ProjectServiceFormView):
    """A coordinator's form page in impact measurement (back to the impact page)."""

    permission = policy.IMPACT_MANAGE

    def get_back_url(self) -> str:
        return home_url(self.project)


class PlanView(ManageFormView):
    form_class = PlanForm
    title = gettext_lazy("What the project measures")
    intro = gettext_lazy(
        "Validated questionnaires at the start of a trajectory, at a mid-point and at "
        "closure. Only with the participant's consent for impact measurement."
    )
    success_message = gettext_lazy("Saved. New measurements follow this plan.")

    def get_form_kwargs(self) -> dict:
        return {
            "plan": services.plan_for(self.project),
            "own": selectors.own_questionnaires_asking(project=self.project),
        }

    def perform(self, form) -> str:
        services.impact_plan_update(
            project=self.project, by=self.request.user, data=form.cleaned_data
        )
        return self.get_back_url()


class TrajectoryMixin(ProjectPermissionMixin):
    """A coordinator's page about the trajectory the URL's ``code`` names."""

    permission = policy.IMPACT_MANAGE

    @cached_property
    def trajectory(self):
        return selectors.trajectory_get(project=self.project, code=self.kwargs["code"])

    def get_back_url(self) -> str:
        return person_url(self.project, self.trajectory)


class PersonView(TrajectoryMixin, TemplateView):
    """One person's measurements: answers and change, never a diagnosis."""

    template_name = "impact/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trajectory"] = self.trajectory
        context["outcome"] = selectors.person_outcome(
            trajectory=self.trajectory, viewed_by=self.reader
        )
        return context


class PlanMomentsView(TrajectoryMixin, ManageFormView):
    form_class = forms.Form  # a button: nothing to fill in
    title = gettext_lazy("Plan the measurements")
    intro = gettext_lazy(
        "Plans the start, mid-point and closure measurements this trajectory does not have yet."
    )
    submit_label = gettext_lazy("Plan them")

    def perform(self, form) -> str:
        services.measurements_plan(trajectory=self.trajectory, by=self.request.user)
        return self.get_back_url()


class MeasurementMixin(ManageFormView):
    """A coordinator's form page about the measurement the URL's ``code`` names."""

    @cached_property
    def measurement(self):
        return selectors.measurement_get(project=self.project, code=self.kwargs["code"])

    def get_back_url(self) -> str:
        return person_url(self.project, self.measurement.trajectory)


class EnterAnswersView(MeasurementMixin):
    """A coordinator enters the answers the participant gave in an interview."""

    form_class = QuestionnaireForm
    template_name = "impact/enter.html"
    title = gettext_lazy("Enter the answers from an interview")
    intro = gettext_lazy(
        "Read each question to the participant and tick their answer. A question they "
        "do not want to answer may stay open."
    )
    submit_label = gettext_lazy("Save the answers")
    success_message = gettext_lazy("The answers were saved.")

    def get_form_kwargs(self) -> dict:
        return {
            "codes": list(self.measurement.instruments),
            "own": services.own_questions_of(self.measurement),
        }

    def perform(self, form) -> str:
        services.answers_enter(
            measurement=self.measurement,
            answers=form.answers(),
            entered_by=Measurement.EnteredBy.COORDINATOR,
            by=self.request.user,
            own=form.own_answers(),
        )
        return self.get_back_url()


class LinkView(MeasurementMixin):
    """Make the participant's personal link (shown once)."""

    form_class = forms.Form  # a button: nothing to fill in
    template_name = "impact/link.html"
    title = gettext_lazy("A personal link to the questionnaire")
    intro = gettext_lazy(
        "The participant opens it on their phone and fills in the questionnaire "
        "themselves. It opens nothing else, works once and stops after the days set in "
        "the plan. A new link switches the older one off."
    )
    submit_label = gettext_lazy("Make the link")

    def perform(self, form):
        _link, raw = services.link_create(measurement=self.measurement, by=self.request.user)
        url = self.request.build_absolute_uri(reverse("impact_questionnaire", args=[raw]))
        context = self.get_context_data(form=form)
        context["link_url"] = url
        context["submit_label"] = _("Make a new link (switches this one off)")
        return self.render_to_response(context)


class OutcomesView(ProjectPermissionMixin, TemplateView):
    permission = policy.IMPACT_VIEW_OUTCOMES
    template_name = "impact/outcomes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeriodForm(self.request.GET)
        period = form.period()
        context["period_form"] = form
        context["figures"] = selectors.project_outcomes(
            project=self.project, date_from=period.start, date_to=period.end
        )
        context["query"] = period.query
        return context


class ReportView(ProjectPermissionMixin, TemplateView):
    """The funder report: PDF or XLSX of the same figures as the outcome page."""

    permission = policy.IMPACT_VIEW_OUTCOMES
    kind = "pdf"

    def get(self, request, *args, **kwargs):
        period = PeriodForm(request.GET).period()
        if reports.prepare_in_queue(self.project):
            # A large project: its report is made in the queue (a button on this page).
            params = {"date_from": period.start, "date_to": period.end}
            context = self.get_context_data(period=params, **params)
            return render(request, "impact/report_large.html", context)
        body = reports.build_files(
            project=self.project, date_from=period.start, date_to=period.end, kinds=(self.kind,)
        )[self.kind]
        self.project.log_action(
            "impact.report_downloaded",
            user=request.user,
            data={"kind": self.kind, "from": str(period.start), "to": str(period.end)},
        )
        return file_response(
            body,
            reports.CONTENT_TYPES[self.kind],
            reports.file_name(period.start, period.end, self.kind),
        )


# --- The project's own questionnaires ------------------------------------------------


def own_url(project, questionnaire) -> str:
    return project_url("impact_own", project, code=questionnaire.code)


class OwnListView(ProjectPermissionMixin, TemplateView):
    """The project's own questionnaires and their questions."""

    permission = policy.IMPACT_MANAGE
    template_name = "impact/own_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["questionnaires"] = selectors.own_questionnaires(project=self.project)
        context["plan"] = services.plan_for(self.project)
        return context


class OwnManageView(ManageFormView):
    def get_back_url(self) -> str:
        return project_url("impact_own_list", self.project)


class OwnCreateView(OwnManageView):
    form_class = OwnQuestionnaireForm
    title = gettext_lazy("A new questionnaire of your own")
    intro = gettext_lazy(
        "For the project's own indicators, such as self-reliance domains. Give it a name; "
        "you add the questions next."
    )
    submit_label = gettext_lazy("Make the questionnaire")

    def perform(self, form) -> str:
        questionnaire = services.own_questionnaire_create(
            project=self.project, name=form.cleaned_data["name"], by=self.request.user
        )
        return own_url(self.project, questionnaire)


class OwnQuestionnaireMixin(OwnManageView):
    @cached_property
    def questionnaire(self):
        return selectors.own_questionnaire_get(project=self.project, code=self.kwargs["code"])

    def get_back_url(self) -> str:
        return own_url(self.project, self.questionnaire)


class OwnDetailView(ProjectPermissionMixin, TemplateView):
    """One own questionnaire: its questions in order, which are frozen (answered) and
    which are no longer asked."""

    permission = policy.IMPACT_MANAGE
    template_name = "impact/own_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = selectors.own_questionnaire_get(project=self.project, code=kwargs["code"])
        questionnaire = next(
            q for q in selectors.own_questionnaires(project=self.project) if q.pk == found.pk
        )
        context["questionnaire"] = questionnaire
        context["in_plan"] = questionnaire.pk in (
            services.plan_for(self.project).own_questionnaires or []
        )
        return context


class OwnQuestionAddView(OwnQuestionnaireMixin):
    form_class = OwnQuestionForm
    template_name = "impact/own_question.html"
    title = gettext_lazy("Add a question")
    intro = gettext_lazy(
        "Write it the way you would ask it: short and plain. Once someone has answered "
        "it, a question can no longer be changed, only retired."
    )
    submit_label = gettext_lazy("Add the question")
    success_message = gettext_lazy("The question was added.")

    def perform(self, form) -> str:
        services.own_question_add(
            questionnaire=self.questionnaire, data=form.cleaned_data, by=self.request.user
        )
        return self.get_back_url()


class OwnQuestionMixin(OwnManageView):
    @cached_property
    def question(self):
        return selectors.own_question_get(project=self.project, code=self.kwargs["code"])

    def get_back_url(self) -> str:
        return own_url(self.project, self.question.questionnaire)


class OwnQuestionEditView(OwnQuestionMixin):
    form_class = OwnQuestionForm
    template_name = "impact/own_question.html"
    title = gettext_lazy("Change a question")
    intro = gettext_lazy("Possible as long as nobody has answered the question.")
    success_message = gettext_lazy("The question was changed.")

    def get_form_kwargs(self) -> dict:
        return {"question": self.question}

    def perform(self, form) -> str:
        services.own_question_change(
            question=self.question, data=form.cleaned_data, by=self.request.user
        )
        return self.get_back_url()


class OwnQuestionRetireView(OwnQuestionMixin):
    form_class = forms.Form  # a button: nothing to fill in
    template_name = "impact/own_question.html"
    title = gettext_lazy("Stop asking a question")
    intro = gettext_lazy(
        "The question is no longer asked from now on. The answers already given stay, "
        "with the question they answered."
    )
    submit_label = gettext_lazy("Stop asking it")
    success_message = gettext_lazy("The question is no longer asked.")

    def perform(self, form) -> str:
        services.own_question_retire(question=self.question, by=self.request.user)
        return self.get_back_url()


# --- The participant's own questionnaire (no log-in: the link is the key) ------------


@never_cache
def questionnaire(request, token: str):
    link = services.link_open(token)
    if link is None:
        return render(request, "impact/questionnaire_closed.html", status=404)
    measurement = link.measurement
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        codes=list(measurement.instruments),
        own=services.own_questions_of(measurement),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answers_enter(
                    measurement=measurement,
                    answers=form.answers(),
                    entered_by=Measurement.EnteredBy.PARTICIPANT,
                    link=link,
                    own=form.own_answers(),
                )
            except ServiceError as exc:
                form_add_service_error(form, exc)
            else:
                return render(request, "impact/questionnaire_thanks.html")
        status = 400
    return render(
        request,
        "impact/questionnaire.html",
        {
            "form": form,
            "groups": form.bound_groups(),
            "first_name": measurement.participant.first_name,
        },
        status=status,
    )


# --- The network's comparison ---------------------------------------------------------


class NetworkComparisonView(LoginRequiredMixin, TemplateView):
    template_name = "impact/network.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        network = network_get_for_user(access=get_access(self.request), code=kwargs["network"])
        form = PeriodForm(self.request.GET)
        period = form.period()
        context["network"] = network
        context["period_form"] = form
        context["comparison"] = selectors.network_comparison(
            network=network, date_from=period.start, date_to=period.end
        )
        context["query"] = period.query
        return context


def network_export(request, network):
    """The comparison as CSV, with the same "< 5" as the page."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    found = network_get_for_user(access=get_access(request), code=network)
    period = PeriodForm(request.GET).period()
    comparison = selectors.network_comparison(
        network=found, date_from=period.start, date_to=period.end
    )
    return file_response(
        exports.network_csv(comparison),
        "text/csv; charset=utf-8",
        f"network-impact-{period.slug}.csv",
    )
