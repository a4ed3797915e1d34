"""Pages of the community app: the social map (search, entries, import), warm
hand-overs (the coordinator's pages and the service's page behind its personal link),
transfers between the network's projects, and the report of where people go.

Views stay thin: the declared permission (``ProjectPermissionMixin``), one selector or
service. The service's page needs no log-in: the secret in the address is the key and
opens that one hand-over while the consent holds.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from buddynet.core import clock, geo
from buddynet.core.dashboard import chart
from buddynet.core.errors import ServiceError
from buddynet.core.formviews import form_add_service_error, run_action
from buddynet.core.http import page_of
from buddynet.core.routes import project_url
from buddynet.participants.models import Participant
from buddynet.participants.selectors import participant_get_for_user
from buddynet.tenancy import policy
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView
from buddynet.trajectories.models import Trajectory

from . import forms, search, selectors, services
from .models import Handover, Service, Transfer
from .sharing import language_labels, shared_fields

LINK_SESSION_KEY = "community_new_link"


def town_names(codes) -> list[str]:
    return [m.name_nl for code in codes or () if (m := geo.by_nis(code))]


# --- The social map ---------------------------------------------------------------------


class MapMixin(ProjectPermissionMixin):
    permission = policy.COMMUNITY_MAP_VIEW

    @cached_property
    def for_participant(self):
        """The person a coordinator is looking for help for (``?for=``), if any."""
        code = self.request.GET.get("for") or self.request.POST.get("for")
        if not code or not self.can(policy.COMMUNITY_HANDOVER):
            return None
        try:
            return participant_get_for_user(
                access=self.access, user=self.request.user, project=self.project, code=code
            )
        except Exception:
            return None


class MapView(MapMixin, TemplateView):
    template_name = "community/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.for_participant
        data = self.request.GET.copy()
        if person is not None and "town" not in data:
            data["town"] = person.postcode or person.town
            if person.languages:
                data["language"] = person.languages[0]
        form = forms.MapSearchForm(data)
        filters = form.filters()
        stale_before = search.review_before(clock.today())
        if form.is_valid() and form.cleaned_data["stale"]:
            filters["stale_before"] = stale_before
        results = selectors.map_search(project=self.project, **filters)
        page = page_of(self.request, results, 25)
        for service in page.object_list:
            service.stale = service.checked_on < stale_before
            service.town_names = town_names(service.municipalities)
            service.language_names = language_labels(service.languages)
        context.update(
            form=form,
            page=page,
            person=person,
            stale_count=selectors.stale_count(project=self.project),
            query=self.request.GET.urlencode(),
        )
        return context


class ServiceObjectMixin(ProjectPermissionMixin):
    """A page about the map's entry the URL's ``code`` names."""

    @cached_property
    def service(self) -> Service:
        return selectors.service_get(project=self.project, code=self.kwargs["code"])


class ServiceView(ServiceObjectMixin, MapMixin, TemplateView):
    template_name = "community/service.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.service
        context.update(
            service=service,
            person=self.for_participant,
            stale=service.checked_on < search.review_before(clock.today()),
            town_names=town_names(service.municipalities),
            language_names=language_labels(service.languages),
            topic_names=[label for code, label in forms.need_choices() if code in service.topics],
        )
        return context


class ServiceFormMixin(ProjectServiceFormView):
    permission = policy.COMMUNITY_MAP_EDIT
    form_class = forms.ServiceForm

    def network(self):
        return self.project.organisation.network

    def get_back_url(self) -> str:
        return project_url("community_map", self.project)


class ServiceAddView(ServiceFormMixin):
    title = gettext_lazy("Add a service to the social map")
    intro = gettext_lazy("The map is shared by every project of your network.")
    success_message = gettext_lazy("The service is on the map.")

    def get_initial(self) -> dict:
        return {"languages": ["nl"]}

    def perform(self, form) -> str:
        service = services.service_save(
            network=self.network(), by=self.request.user, data=form.cleaned_data
        )
        return project_url("community_service", self.project, code=service.code)


class ServiceEditView(ServiceObjectMixin, ServiceFormMixin):
    title = gettext_lazy("Change a service")
    success_message = gettext_lazy("Saved. The entry is dated today.")

    def get_initial(self) -> dict:
        return forms.ServiceForm.initial_for(self.service)

    def get_back_url(self) -> str:
        return project_url("community_service", self.project, code=self.service.code)

    def perform(self, form) -> str:
        services.service_save(
            network=self.network(),
            by=self.request.user,
            data=form.cleaned_data,
            service=self.service,
        )
        return self.get_back_url()


class ServiceActionView(ServiceObjectMixin, View):
    """A button on a service's page: "still right" or "take off the map"."""

    permission = policy.COMMUNITY_MAP_EDIT
    action = ""

    def post(self, request, *args, **kwargs):
        service = self.service
        if self.action == "checked":
            run_action(
                request,
                lambda: services.service_mark_checked(service=service, by=request.user),
                _("Marked as checked today."),
            )
            return redirect(project_url("community_service", self.project, code=service.code))
        run_action(
            request,
            lambda: services.service_archive(service=service, by=request.user),
            _("The service is off the map."),
        )
        return redirect(project_url("community_map", self.project))


class ImportView(ProjectServiceFormView):
    permission = policy.COMMUNITY_MAP_EDIT
    form_class = forms.ImportForm
    template_name = "community/import.html"
    title = gettext_lazy("Import the social map from a spreadsheet")
    intro = gettext_lazy(
        "Each row is imported on its own: a row with a mistake is listed with its reason "
        "and the other rows go in. A row with the name and organisation of a service "
        "already on the map changes it."
    )
    submit_label = gettext_lazy("Import")

    def get_back_url(self) -> str:
        return project_url("community_map", self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = forms.IMPORT_COLUMNS
        return context

    def perform(self, form):
        report = services.map_import(
            network=self.project.organisation.network,
            by=self.request.user,
            rows=form.cleaned_data["rows"],
        )
        return self.render_to_response(
            self.get_context_data(form=forms.ImportForm(), report=report)
        )


# --- Warm hand-overs --------------------------------------------------------------------


class HandoverMixin(ProjectPermissionMixin):
    permission = policy.COMMUNITY_HANDOVER

    @cached_property
    def participant(self):
        """The person the URL's ``code`` names (hand over or offer to another project)."""
        return participant_get_for_user(**self.object_lookup())

    def participant_url(self) -> str:
        return project_url("participant_detail", self.project, code=self.participant.code)


class ParticipantFormView(HandoverMixin, ProjectServiceFormView):
    """A form about the person the URL names: back to their file, their name beside
    the title."""

    def get_back_url(self) -> str:
        return self.participant_url()

    def get_subtitle(self) -> str:
        return self.participant.full_name


class HandoverListView(HandoverMixin, TemplateView):
    template_name = "community/handovers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status") or "open"
        if status != "open" and status not in Handover.Status.values:
            status = "open"
        rows = selectors.handovers_of_project(project=self.project, status=status)
        context.update(
            page=page_of(self.request, rows, 50),
            status=status,
            statuses=[("open", _("open")), *Handover.Status.choices],
            today=clock.today(),
        )
        return context


class HandoverCreateView(ParticipantFormView):
    template_name = "community/handover_form.html"
    form_class = forms.HandoverForm
    title = gettext_lazy("Hand over to a service")
    submit_label = gettext_lazy("Send the hand-over")

    @cached_property
    def trajectory(self):
        """The person's latest trajectory once they have a buddy (the hand-over is then
        from the trajectory, or from its closure); none from the waiting list."""
        if self.participant.status not in (Participant.Status.MATCHED, Participant.Status.CLOSED):
            return None
        return (
            Trajectory.objects.filter(participant=self.participant)
            .order_by("-started_on", "-pk")
            .first()
        )

    def services_qs(self):
        return Service.objects.filter(
            network_id=self.project.organisation.network_id, archived=False
        ).order_by("name")

    def get_form_kwargs(self) -> dict:
        return {"participant": self.participant, "services_qs": self.services_qs()}

    def get_initial(self) -> dict:
        from .sharing import DEFAULT_SHARED

        return {
            "service": self.request.GET.get("service") or None,
            "shared_fields": list(DEFAULT_SHARED),
            "joint_introduction": True,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participant"] = self.participant
        context["map_url"] = (
            project_url("community_map", self.project) + f"?for={self.participant.code}"
        )
        return context

    def perform(self, form) -> str:
        data = form.cleaned_data
        handover, raw = services.handover_send(
            participant=self.participant,
            service=data["service"],
            by=self.request.user,
            shared_fields=data["shared_fields"],
            message=data["message"],
            joint_introduction=data["joint_introduction"],
            consent_given=data["consent"],
            trajectory=self.trajectory,
            follow_up_on=data["follow_up_on"],
        )
        if raw:
            self.request.session[LINK_SESSION_KEY] = [str(handover.code), raw]
            messages.success(self.request, _("The hand-over is sent."))
        return project_url("community_handover", self.project, code=handover.code)


class HandoverView(HandoverMixin, TemplateView):
    template_name = "community/handover.html"

    @cached_property
    def handover(self) -> Handover:
        return selectors.handover_for_user(
            project=self.project, code=self.kwargs["code"], reader=self.reader
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        handover = self.handover
        new_link = self.request.session.pop(LINK_SESSION_KEY, None)
        if new_link and new_link[0] == str(handover.code):
            context["new_link"] = services.link_url(handover, new_link[1])
        context.update(
            handover=handover,
            shared=shared_fields(handover.participant, handover.shared_fields),
            steps=list(handover.steps.select_related("by")),
            status_form=forms.HandoverStatusForm(handover=handover) if handover.is_open else None,
        )
        return context


class HandoverChangeMixin(HandoverMixin):
    """A change to the hand-over the URL's ``code`` names."""

    @cached_property
    def handover(self) -> Handover:
        return selectors.handover_get(project=self.project, code=self.kwargs["code"])


class HandoverStatusView(HandoverChangeMixin, ProjectServiceFormView):
    form_class = forms.HandoverStatusForm
    title = gettext_lazy("How is the hand-over going?")
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self) -> dict:
        return {"handover": self.handover}

    def get_initial(self) -> dict:
        return {"follow_up_on": self.handover.follow_up_on}

    def get_back_url(self) -> str:
        return project_url("community_handover", self.project, code=self.handover.code)

    def perform(self, form) -> str:
        data = form.cleaned_data
        services.handover_set_status(
            handover=self.handover,
            by=self.request.user,
            status=data["status"],
            note=data["note"],
            follow_up_on=data["follow_up_on"],
        )
        return self.get_back_url()


class HandoverLinkView(HandoverChangeMixin, View):
    """A new personal link for the service (shown once on the hand-over's page)."""

    def post(self, request, *args, **kwargs):
        handover = self.handover
        try:
            raw = services.handover_new_link(handover=handover, by=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            request.session[LINK_SESSION_KEY] = [str(handover.code), raw]
            messages.success(request, _("A new link is made; the old one no longer works."))
        return redirect(project_url("community_handover", self.project, code=handover.code))


@never_cache
def answer(request, code, token: str):
    """The service's page behind its personal link: what the person agreed to share,
    and the answer (accept, propose a date, decline)."""
    link = services.link_open(code, token)
    if link is None:
        return render(request, "community/answer_closed.html", status=404)
    handover = link.handover
    form = forms.AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.handover_answer(
                    link=link,
                    action=data["action"],
                    when=data["when"],
                    note=data["note"],
                    reason=data["reason"],
                )
            except ServiceError as exc:
                form_add_service_error(form, exc)
            else:
                return HttpResponseRedirect(request.path)
        status = 400
    else:
        with scopes_disabled():
            handover.log_action("community.handover_opened", via="link")
    with scopes_disabled():
        handover.refresh_from_db()
        buddy = handover.trajectory.buddy if handover.trajectory is not None else None
        context = {
            "handover": handover,
            "service": handover.service,
            "project": handover.project,
            "shared": shared_fields(handover.participant, handover.shared_fields),
            "buddy_first_name": buddy.first_name if buddy and handover.joint_introduction else "",
            "form": form,
            "still_open": handover.is_open,
        }
    return render(request, "community/answer.html", context, status=status)


# --- Transfers --------------------------------------------------------------------------


class TransferCreateView(ParticipantFormView):
    form_class = forms.TransferForm
    title = gettext_lazy("Offer to another project of the network")
    intro = gettext_lazy(
        "The other project's coordinator accepts or declines. When they accept, the "
        "person keeps their history and their place counted from the date they joined "
        "your waiting list; their file here is closed."
    )
    submit_label = gettext_lazy("Offer")
    success_message = gettext_lazy("The offer is sent to the other project.")

    def get_form_kwargs(self) -> dict:
        return {"targets": services.transfer_targets(self.project)}

    def perform(self, form) -> str:
        data = form.cleaned_data
        transfer = services.transfer_offer(
            participant=self.participant,
            to_project=data["to_project"],
            by=self.request.user,
            note=data["note"],
            consent_given=data["consent"],
        )
        return project_url("community_transfer", self.project, code=transfer.code)


class TransferListView(HandoverMixin, TemplateView):
    template_name = "community/transfers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.transfers_of_project(project=self.project))
        return context


class TransferView(HandoverMixin, ProjectServiceFormView):
    """An offer: the receiving coordinator answers here; the offering one sees it."""

    template_name = "community/transfer.html"
    form_class = forms.TransferDecideForm
    submit_label = gettext_lazy("Answer")

    @cached_property
    def transfer(self) -> Transfer:
        return selectors.transfer_for_user(
            project=self.project, code=self.kwargs["code"], reader=self.reader
        )

    @property
    def receiving(self) -> bool:
        return self.transfer.to_project_id == self.project.pk

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = self.transfer
        context.update(
            transfer=transfer,
            receiving=self.receiving,
            person=transfer.participant,
            language_names=language_labels(transfer.participant.languages),
        )
        return context

    def perform(self, form) -> str:
        if not self.receiving:
            raise services.CommunityError(_("Only the other project answers this offer."))
        data = form.cleaned_data
        services.transfer_decide(
            transfer=self.transfer,
            by=self.request.user,
            accept=data["accept"],
            reason=data["reason"],
        )
        return project_url("community_transfer", self.project, code=self.transfer.code)


class TransferWithdrawView(HandoverMixin, View):
    def post(self, request, *args, **kwargs):
        transfer = selectors.transfer_for_user(project=self.project, code=kwargs["code"])
        if transfer.project_id != self.project.pk:
            messages.error(request, _("Only the project that made the offer takes it back."))
        else:
            run_action(
                request,
                lambda: services.transfer_withdraw(transfer=transfer, by=request.user),
                _("The offer is taken back."),
            )
        return redirect(project_url("community_transfer", self.project, code=transfer.code))


# --- Where people go ---------------------------------------------------------------------


class ReportView(HandoverMixin, TemplateView):
    template_name = "community/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = selectors.where_people_go(project_ids=[self.project.pk])
        per_kind = data["per_kind"]
        kinds = [k for k, _label in Service.Kind.choices if k in per_kind]
        labels = [str(Service.Kind(k).label) for k in kinds]
        series = [
            (label, [per_kind[k][status] for k in kinds])
            for status, label in Handover.Status.choices
            if any(per_kind[k][status] for k in kinds)
        ]
        context["chart"] = (
            chart(
                title=_("Hand-overs per kind of service, by what became of them"),
                label_heading=_("Kind of service"),
                labels=labels,
                series=series,
            )
            if kinds
            else None
        )
        moments = data["moments"]
        context["moments"] = [
            (label, moments.get(value, 0)) for value, label in Trajectory.BuddyMoment.choices
        ] + [(_("not recorded"), moments.get("", 0))]
        return context
