"""Pages of the learning network: thin views, one selector or service each.

The network's own space lives under /network/<network>/ (``NetworkSpaceMixin``: the
network by code if the user has a place in it, else 404; then the page's permission,
else 403). Publishing and adopting a playbook are pages of the project that does it,
under /p/<project>/network/.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin

from buddynet.core.formviews import ServiceFormView, run_action
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView

from . import media, playbooks, selectors, services
from .forms import (
    AdoptForm,
    AnswerForm,
    AttendanceForm,
    CaseForm,
    EventForm,
    IntervisionForm,
    InviteForm,
    LibraryItemForm,
    NetworkSettingsForm,
    NewsForm,
    ProjectStartForm,
    PublishForm,
    QuestionForm,
    RegisterForm,
    ReplyForm,
    ReportForm,
    SearchForm,
)
from .models import Answer, Invitation, Registration

COORDINATING = (policy.NETWORK_CURATE, policy.NETWORK_TAKE_PART)


def url(name: str, network, **kwargs) -> str:
    return reverse(name, kwargs={"network": network.code, **kwargs})


def space_for_request(request, code, *permissions: str) -> selectors.Space:
    """The network ``code`` as the caller sees it (404 when they have no place in it),
    for a caller who holds one of ``permissions`` there (403 without; none named: any
    place will do). The pages and the endpoints under ``/networks/`` start here."""
    space = selectors.space_for(access=get_access(request), code=code)
    if permissions and not any(space.can(p) for p in permissions):
        raise PermissionDenied
    return space


class NetworkSpaceMixin(LoginRequiredMixin, ContextMixin):
    """``self.space``: the network in the URL as this user sees it (404 when they have no
    place in it), then ``permission`` (one of them; 403 without)."""

    permission: str | tuple[str, ...] = policy.NETWORK_SPACE_VIEW
    request: Any
    kwargs: Any

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = get_access(request)
        needed = (self.permission,) if isinstance(self.permission, str) else self.permission
        self.space = space_for_request(request, kwargs["network"], *needed)
        return super().dispatch(request, *args, **kwargs)

    @property
    def network(self):
        return self.space.network

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["network"] = self.network
        context["space"] = self.space
        context["can"] = policy.Can(self.space.permissions)
        return context


class NetworkFormView(NetworkSpaceMixin, ServiceFormView):
    form_layout = "network/base.html"


class AddFormView(NetworkFormView):
    """Add something to the network (an item, a question, an intervision, an event, a
    news item): back to the list at ``list_route``; once added, to its own page at
    ``made_route``."""

    list_route: str
    made_route: str

    def add(self, form):
        raise NotImplementedError

    def get_back_url(self):
        return url(self.list_route, self.network)

    def perform(self, form):
        return url(self.made_route, self.network, code=self.add(form).code)


# --- library ------------------------------------------------------------------------------


class LibraryView(NetworkSpaceMixin, TemplateView):
    template_name = "network/library.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        text = theme = ""
        if form.is_valid():
            text, theme = form.cleaned_data["q"], form.cleaned_data["theme"]
        context["form"] = form
        context["query"] = text
        if text:
            context["hits"] = selectors.search(space=self.space, text=text, theme=theme)
        else:
            context["items"] = selectors.library_items(space=self.space, theme=theme)[:50]
        return context


class ItemAddView(AddFormView):
    permission = policy.NETWORK_CURATE
    form_class = LibraryItemForm
    title = _("Add to the library")
    submit_label = _("Add")
    success_message = _("Added to the library.")
    list_route = "network_library"
    made_route = "network_item"

    def add(self, form):
        return services.library_item_add(
            network=self.network,
            by=self.request.user,
            data=form.cleaned_data,
            file=form.cleaned_data.get("file"),
            captions=form.cleaned_data.get("captions"),
        )


class ItemView(NetworkSpaceMixin, TemplateView):
    template_name = "network/item.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = selectors.library_item(space=self.space, code=kwargs["code"])
        return context


class ItemFileView(NetworkSpaceMixin, View):
    """The item's file (a clip plays from here, with range requests for seeking)."""

    part = "file"

    def get(self, request, *args, **kwargs):
        item = selectors.library_item(space=self.space, code=kwargs["code"])
        stored = getattr(item, self.part)
        if not stored:
            raise Http404("No file.")
        kind = "text/vtt; charset=utf-8" if self.part == "captions" else item.file_type
        return media.serve(request, stored.name, kind)


# --- playbooks ----------------------------------------------------------------------------


class PlaybookListView(NetworkSpaceMixin, TemplateView):
    permission = COORDINATING
    template_name = "network/playbooks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["playbooks"] = selectors.playbooks(network=self.network)
        context["my_projects"] = self.space.project_ids
        return context


class PlaybookView(NetworkSpaceMixin, TemplateView):
    permission = COORDINATING
    template_name = "network/playbook.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        book = selectors.playbook(network=self.network, code=kwargs["code"])
        context["playbook"] = book
        context["versions"] = list(book.versions.order_by("-number"))
        context["pieces"] = [
            playbooks.label(p)
            for p in (context["versions"][0].snapshot if context["versions"] else {})
        ]
        context["adopters"] = [
            p
            for p in self.space.project_ids
            if p != book.source_project_id and self.access.has(policy.NETWORK_TAKE_PART, p)
        ]
        from buddynet.tenancy.models import Project

        context["adopter_projects"] = Project.objects.filter(pk__in=context["adopters"])
        return context


def from_network_url(project) -> str:
    return project_url("network_from_network", project)


class FromNetworkView(ProjectPermissionMixin, TemplateView):
    """What the project took from the network's playbooks, credited; and its own."""

    permission = policy.NETWORK_TAKE_PART
    template_name = "network/from_network.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["adopted"] = selectors.adopted_pieces(project=self.project)
        context["own"] = selectors.playbook_of_project(self.project)
        context["playbooks"] = selectors.playbooks(
            network=self.project.organisation.network
        ).exclude(source_project=self.project)
        return context


class PublishView(ProjectServiceFormView):
    permission = policy.NETWORK_TAKE_PART
    form_class = PublishForm

    def get_back_url(self):
        return from_network_url(self.project)

    title = _("Publish your working method")
    intro = _(
        "Your volunteer terms, agreement template, task kinds, follow-up cadence, training "
        "modules, matching weights and impact questionnaires are copied into the "
        "playbook as they are now, with your guide. Nothing about people is shared."
    )
    submit_label = _("Publish")
    success_message = _("Published to the network.")

    def get_initial(self):
        own = selectors.playbook_of_project(self.project)
        latest = selectors.latest_version(own) if own else None
        return {
            "title": own.title if own else self.project.name,
            "guide": latest.guide if latest else "",
        }

    def perform(self, form):
        version = services.playbook_publish(
            project=self.project, by=self.request.user, **form.cleaned_data
        )
        return url(
            "network_playbook", self.project.organisation.network, code=version.playbook.code
        )


class AdoptView(ProjectServiceFormView):
    """The preview (what adopting creates, changes, or asks about) and the adoption."""

    permission = policy.NETWORK_TAKE_PART
    template_name = "network/adopt.html"
    submit_label = _("Adopt")

    def get_back_url(self):
        return from_network_url(self.project)

    success_message = _("Adopted. The pieces are yours now; change them as you like.")

    @cached_property
    def playbook(self):
        return selectors.playbook(
            network=self.project.organisation.network, code=self.kwargs["code"]
        )

    @cached_property
    def version(self):
        version = selectors.latest_version(self.playbook)
        if version is None:
            raise Http404("Nothing published yet.")
        return version

    @cached_property
    def steps(self):
        return playbooks.plan(project=self.project, playbook=self.playbook, version=self.version)

    def get_form(self, data=None, files=None):
        conflicts = [s for s in self.steps if s.action in ("conflict", "kept")]
        return AdoptForm(data, conflicts=conflicts)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Adopt “%(title)s”") % {"title": self.playbook.title}
        context["playbook"] = self.playbook
        context["version"] = self.version
        context["steps"] = self.steps
        return context

    def perform(self, form):
        if self.playbook.source_project_id == self.project.pk:
            raise services.NetworkError(gettext("This is your own playbook."))
        services.playbook_adopt(
            project=self.project,
            version=self.version,
            by=self.request.user,
            take_over=form.take_over(),
        )
        return from_network_url(self.project)


# --- intervision --------------------------------------------------------------------------


class IntervisionListView(NetworkSpaceMixin, TemplateView):
    template_name = "network/intervisions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intervisions"] = selectors.intervisions(space=self.space, user=self.request.user)
        return context


class PlanFormView(AddFormView):
    """Plan something on a day at a time (an intervision, an event): the form's ``day``
    and ``time`` become one aware ``starts_at`` in Brussels."""

    permission = policy.NETWORK_CURATE
    # The service that plans it: ``(network=, by=, data=)`` with ``starts_at`` in ``data``.
    planner: Any

    def add(self, form):
        from buddynet.followup.clock import at

        data = dict(form.cleaned_data)
        moment = data.pop("time")
        data["starts_at"] = at(data.pop("day"), moment.hour, moment.minute)
        return self.planner(network=self.network, by=self.request.user, data=data)


class IntervisionAddView(PlanFormView):
    form_class = IntervisionForm
    title = _("Plan an intervision")
    submit_label = _("Plan")
    list_route = "network_intervisions"
    made_route = "network_intervision"
    planner = staticmethod(services.intervision_plan)


class IntervisionMixin(NetworkSpaceMixin):
    @cached_property
    def intervision(self):
        return selectors.intervision(
            space=self.space, user=self.request.user, code=self.kwargs["code"]
        )

    def get_back_url(self):
        return url("network_intervision", self.network, code=self.intervision.code)


class IntervisionView(IntervisionMixin, TemplateView):
    template_name = "network/intervision.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intervision"] = self.intervision
        invitations = selectors.invitations(self.intervision)
        context["mine"] = next((i for i in invitations if i.user_id == self.request.user.pk), None)
        context["invitations"] = invitations if not self.space.buddy_only else []
        context["reply_form"] = ReplyForm()
        return context


class IntervisionFormView(IntervisionMixin, NetworkFormView):
    permission: str | tuple[str, ...] = policy.NETWORK_CURATE

    def get_subtitle(self) -> str:
        return self.intervision.title


class InviteView(IntervisionFormView):
    form_class = InviteForm
    title = _("Invite people")
    intro = _("Each person gets an e-mail with the invitation for their calendar.")
    submit_label = _("Send the invitations")
    success_message = _("The invitations were sent.")

    def get_form_kwargs(self):
        return {"candidates": selectors.invitable(space=self.space)}

    def perform(self, form):
        services.intervision_invite(
            intervision=self.intervision, by=self.request.user, people=form.chosen()
        )
        return self.get_back_url()


class CaseView(IntervisionFormView):
    permission = COORDINATING
    form_class = CaseForm
    template_name = "network/case.html"
    title = _("Bring in a case")
    intro = _(
        "Tell what happened without names or places. Before the case is shared, the words "
        "that name someone of your project or a municipality are shown, so you can change them."
    )
    submit_label = _("Check and share")
    success_message = _("The case is shared with the intervision.")

    def perform(self, form):
        project_ids = self.space.project_ids or {
            p.pk for org in self.network.organisations.all() for p in org.projects.all()
        }
        flags = services.intervision_case_share(
            intervision=self.intervision,
            by=self.request.user,
            text=form.cleaned_data["case_text"],
            project_ids=project_ids,
            anonymised=form.cleaned_data["anonymised"],
        )
        if flags:
            self.flags = flags
            raise services.NetworkError(
                gettext(
                    "These words may name someone or a place: %(words)s. Change them, or tick "
                    "the box if they name nobody real."
                )
                % {"words": ", ".join(flags)},
                field="case_text",
            )
        return self.get_back_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["flags"] = getattr(self, "flags", [])
        return context


class ReportView(IntervisionFormView):
    form_class = ReportForm
    title = _("Notes and what we learnt")
    success_message = _("Saved.")

    def get_initial(self):
        i = self.intervision
        return {"notes": i.notes, "learnings": i.learnings, "themes": i.themes}

    def perform(self, form):
        services.intervision_report(
            intervision=self.intervision, by=self.request.user, data=form.cleaned_data
        )
        return self.get_back_url()


class AttendanceView(IntervisionFormView):
    form_class = AttendanceForm
    title = _("Who came")
    intro = _("For a buddy who came, the intervision counts as their next supervision.")
    success_message = _("Attendance recorded.")

    def get_form_kwargs(self):
        return {"invitations": selectors.invitations(self.intervision)}

    def get_initial(self):
        return {
            "attended": [str(i.pk) for i in selectors.invitations(self.intervision) if i.attended]
        }

    def perform(self, form):
        services.intervision_attendance(
            intervision=self.intervision,
            by=self.request.user,
            attended_ids={int(pk) for pk in form.cleaned_data["attended"]},
        )
        return self.get_back_url()


class ReplyView(IntervisionMixin, View):
    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, intervision=self.intervision, user=request.user)
        form = ReplyForm(request.POST)
        if form.is_valid():
            answer = Invitation.Answer.ACCEPTED if form.cleaned_data["answer"] else "declined"
            run_action(
                request,
                lambda: services.intervision_reply(
                    invitation=invitation, by=request.user, answer=answer
                ),
                _("Thank you for your answer."),
            )
        return HttpResponseRedirect(self.get_back_url())


# --- questions ----------------------------------------------------------------------------


class QuestionListView(NetworkSpaceMixin, TemplateView):
    permission = COORDINATING
    template_name = "network/questions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["questions"] = selectors.questions(space=self.space)[:50]
        return context


def _asking_project(view) -> Any:
    for pid in sorted(view.space.project_ids):
        if view.access.has(policy.NETWORK_TAKE_PART, pid):
            from buddynet.tenancy.models import Project

            return Project.objects.get(pk=pid)
    raise PermissionDenied


class AskView(AddFormView):
    permission = policy.NETWORK_TAKE_PART
    form_class = QuestionForm
    title = _("Ask the network")
    intro = _("The coordinators of the other projects see your question and can answer.")
    submit_label = _("Ask")
    list_route = "network_questions"
    made_route = "network_question"

    def add(self, form):
        return services.question_ask(
            network=self.network,
            project=_asking_project(self),
            by=self.request.user,
            data=form.cleaned_data,
        )


class QuestionView(NetworkSpaceMixin, ServiceFormView):
    """The question, its answers, and (for project coordinators) the answer form."""

    permission = COORDINATING
    template_name = "network/question.html"
    form_class = AnswerForm
    submit_label = _("Answer")
    success_message = _("Thank you for your answer.")

    @cached_property
    def question(self):
        return selectors.question(space=self.space, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question
        context["answers"] = list(self.question.answers.select_related("from_project"))
        return context

    def perform(self, form):
        if not self.space.can(policy.NETWORK_TAKE_PART):
            raise PermissionDenied
        services.question_answer(
            question=self.question,
            project=_asking_project(self),
            by=self.request.user,
            body=form.cleaned_data["body"],
        )
        return url("network_question", self.network, code=self.question.code)


class HelpedView(NetworkSpaceMixin, View):
    permission = policy.NETWORK_TAKE_PART

    def post(self, request, *args, **kwargs):
        question = selectors.question(space=self.space, code=kwargs["code"])
        answer = get_object_or_404(Answer, question=question, code=kwargs["answer"])
        run_action(
            request,
            lambda: services.answer_helped(answer=answer, by=request.user),
            _("Marked as helpful."),
        )
        return HttpResponseRedirect(url("network_question", self.network, code=question.code))


# --- the calendar and news ------------------------------------------------------------------


class CalendarView(NetworkSpaceMixin, TemplateView):
    """The coming events (with the places left and one's own registration) and the news."""

    template_name = "network/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coming = list(selectors.events(space=self.space)[:50])
        mine = {
            r.event_id: r
            for r in Registration.objects.filter(user=self.request.user, event__in=coming)
        }
        context["events"] = [
            {"event": e, "counts": selectors.event_counts(e), "mine": mine.get(e.pk)}
            for e in coming
        ]
        context["past"] = list(selectors.events(space=self.space, upcoming=False)[:10])
        context["news"] = list(selectors.news(space=self.space)[:10])
        return context


class EventAddView(PlanFormView):
    form_class = EventForm
    title = _("Plan an event")
    intro = _(
        "A training, an intervision day, a network meeting or a study morning. The "
        "coordinators and buddies of the network's projects register in the calendar."
    )
    submit_label = _("Put in the calendar")
    success_message = _("The event is in the calendar.")
    list_route = "network_calendar"
    made_route = "network_event"
    planner = staticmethod(services.event_plan)


class EventMixin(NetworkSpaceMixin):
    @cached_property
    def event(self):
        return selectors.event(space=self.space, code=self.kwargs["code"])

    def get_back_url(self):
        return url("network_event", self.network, code=self.event.code)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["subtitle"] = self.event.title
        return context


class EventView(EventMixin, TemplateView):
    template_name = "network/event.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        projects = selectors.registering_projects(
            space=self.space, access=self.access, event=self.event
        )
        context["counts"] = selectors.event_counts(self.event)
        context["mine"] = selectors.my_registration(event=self.event, user=self.request.user)
        context["register_form"] = RegisterForm(projects=projects) if projects else None
        context["now"] = timezone.now()
        return context


class RegisterView(EventMixin, NetworkFormView):
    """Register for an event (the event's page posts here; with more than one project,
    the person says which they come from)."""

    form_class = RegisterForm
    title = _("Register")
    submit_label = _("Register")

    @cached_property
    def projects(self):
        if not self.space.project_ids:  # a curator without a project of their own
            raise PermissionDenied
        projects = selectors.registering_projects(
            space=self.space, access=self.access, event=self.event
        )
        if not projects:
            raise PermissionDenied
        return projects

    def get_form_kwargs(self):
        return {"projects": self.projects}

    def perform(self, form):
        registration = services.event_register(
            event=self.event, by=self.request.user, project=form.chosen_project()
        )
        if registration.status == Registration.Status.WAITING:
            messages.info(
                self.request,
                gettext("The event is full: you are on the waiting list. We will e-mail you."),
            )
        else:
            messages.success(
                self.request,
                gettext("You are registered. The e-mail has the event for your calendar."),
            )
        return self.get_back_url()


class CancelForm(forms.Form):
    pass


class CancelRegistrationView(EventMixin, NetworkFormView):
    form_class = CancelForm
    title = _("Cancel your registration")
    intro = _("Your place goes to the first person on the waiting list.")
    submit_label = _("Cancel my registration")
    success_message = _("Your registration is cancelled.")

    @cached_property
    def registration(self):
        return get_object_or_404(
            Registration,
            event=self.event,
            user=self.request.user,
            status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
        )

    def get(self, request, *args, **kwargs):
        self.registration  # noqa: B018 (404 when there is nothing to cancel)
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        services.event_cancel(registration=self.registration, by=self.request.user)
        return self.get_back_url()


class RegistrationsView(EventMixin, TemplateView):
    """The organiser's list: who comes, who waits, who cancelled (names and projects)."""

    permission = policy.NETWORK_CURATE
    template_name = "network/registrations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registrations"] = selectors.registrations(self.event)
        context["counts"] = selectors.event_counts(self.event)
        return context


class NewsAddView(AddFormView):
    permission = policy.NETWORK_CURATE
    form_class = NewsForm
    title = _("Post news")
    intro = _("The news shows in the network's calendar and on the dashboards of its people.")
    submit_label = _("Post")
    success_message = _("The news is posted.")
    list_route = "network_calendar"
    made_route = "network_news"

    def add(self, form):
        return services.news_post(
            network=self.network, by=self.request.user, data=form.cleaned_data
        )


class NewsView(NetworkSpaceMixin, TemplateView):
    template_name = "network/news.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = selectors.news_item(space=self.space, code=kwargs["code"])
        return context


class NetworkSettingsView(ProjectServiceFormView):
    """The project's choice: does a network intervision count as training, as which module."""

    permission = policy.NETWORK_TAKE_PART
    form_class = NetworkSettingsForm
    title = _("Intervision as training")
    intro = _(
        "Choose whether a buddy's intervision in the network counts as training for your "
        "project. Attendance then also completes the chosen module in the buddy's training."
    )
    success_message = _("Saved.")

    def get_back_url(self):
        return from_network_url(self.project)

    def get_form_kwargs(self):
        from buddynet.volunteers.models import TrainingModule

        return {"modules": TrainingModule.objects.filter(project=self.project)}

    def get_initial(self):
        return {"module": selectors.network_settings(self.project).intervision_module}

    def perform(self, form):
        services.network_settings_save(
            project=self.project, by=self.request.user, module=form.cleaned_data["module"]
        )
        return from_network_url(self.project)


class ProjectStartView(NetworkFormView):
    """A network coordinator sets up a new project, optionally from a playbook."""

    permission = policy.NETWORK_CURATE
    form_class = ProjectStartForm
    title = _("Start a new project")
    intro = _(
        "The new project belongs to one of the network's organisations. Choose a playbook "
        "to start from another project's working method: it is adopted right away, and the "
        "new project can change it as it likes."
    )
    submit_label = _("Start the project")
    success_message = _("The project is set up.")

    def get_back_url(self):
        return url("network_playbooks", self.network)

    def get_form_kwargs(self):
        return {
            "organisations": self.network.organisations.order_by("name"),
            "playbooks": selectors.playbooks(network=self.network).filter(latest_number__gt=0),
        }

    def get_initial(self):
        try:
            chosen = selectors.playbook(
                network=self.network, code=self.request.GET.get("playbook", "")
            )
        except Http404:
            return {}
        return {"playbook": chosen}

    def perform(self, form):
        data = dict(form.cleaned_data)
        organisation, playbook = data.pop("organisation"), data.pop("playbook")
        project = services.project_start(
            network=self.network,
            by=self.request.user,
            organisation=organisation,
            data=data,
            playbook=playbook,
        )
        return project_url("project_detail", project)
