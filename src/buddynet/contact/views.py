"""Pages of the contact app, made for a phone first: a person's conversations, one
conversation (with live updates by htmx polling of a fragment), a message's photo or
document, reporting a message as a boundary signal in two taps, notifications and their
choices; for coordinators, the project's conversations and its rules for messages.

Views stay thin: the selector decides who may read what (the same 404 for "not there"
and "not yours"), one service call per write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from buddynet.core.formviews import ServiceFormView, run_action
from buddynet.core.routes import project_url
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.tenancy.mixins import ProjectPermissionMixin, ProjectServiceFormView

from . import forms, notify, selectors, services
from .models import Conversation


class PersonalMixin(LoginRequiredMixin):
    """A page of one's own, outside a project: the person's access for the selectors."""

    request: HttpRequest
    kwargs: dict[str, Any]

    @cached_property
    def access(self):
        return get_access(self.request)


class InboxView(PersonalMixin, TemplateView):
    template_name = "contact/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = selectors.inbox(user=user, access=self.access)
        started = {(row.conversation.kind, str(self._target(row.conversation))) for row in rows}
        context["rows"] = rows
        context["startable"] = [
            s
            for s in selectors.startable(user=user, access=self.access)
            if (s.kind, s.target) not in started
        ]
        context["unread_notifications"] = selectors.unread_notifications(user=user)
        return context

    @staticmethod
    def _target(conversation: Conversation):
        for key in ("trajectory", "buddy", "participant", "intervision"):
            record = getattr(conversation, key)
            if record is not None:
                return record.code
        return None


class OpenView(PersonalMixin, View):
    """A button: open (or find) the conversation with someone, then go there."""

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind", "")
        target = selectors.open_target(kind=kind, code=_code(request.POST.get("target")))
        try:
            conversation = services.conversation_open(
                access=self.access, user=request.user, kind=kind, target=target
            )
        except services.ContactError as exc:
            messages.error(request, str(exc))
            return redirect("contact_inbox")
        return redirect("contact_conversation", code=conversation.code)


def _code(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


class SeatMixin(PersonalMixin):
    @cached_property
    def seat(self) -> selectors.Seat:
        return selectors.seat_for(
            access=self.access, user=self.request.user, code=self.kwargs["code"]
        )


class ConversationView(SeatMixin, ServiceFormView):
    template_name = "contact/conversation.html"
    form_class = forms.MessageForm
    submit_label = gettext_lazy("Send")

    def get(self, request, *args, **kwargs):
        seat = self.seat
        if seat.part == "coordinator":
            services.coordinator_seat(conversation=seat.conversation, user=request.user)
        services.conversation_read(conversation=seat.conversation, user=request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seat = self.seat
        before = self.request.GET.get("before") or None
        lines, more, members = selectors.lines(
            seat=seat, user=self.request.user, before=_code(before) if before else None
        )
        title, subtitle = selectors.title_for(seat.conversation, seat.part)
        context.update(
            seat=seat,
            conversation=seat.conversation,
            lines=lines,
            more=more,
            title=title,
            subtitle=subtitle,
            last=lines[-1].message.code if lines else "",
            read_until=selectors.read_until(members, self.request.user),
            can_report=seat.conversation.kind == Conversation.Kind.PAIR
            and seat.part != selectors.READER,
        )
        return context

    def perform(self, form):
        seat = self.seat
        services.message_send(
            conversation=seat.conversation,
            by=self.request.user,
            part=seat.part,
            body=form.cleaned_data["body"],
            upload=form.cleaned_data.get("attachment"),
        )
        return reverse("contact_conversation", kwargs={"code": seat.conversation.code}) + "#end"


class LiveView(SeatMixin, TemplateView):
    """The fragment the conversation polls: the messages after the last one shown, and
    the read receipt."""

    template_name = "contact/_live.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seat = self.seat
        after = self.request.GET.get("after") or ""
        if after:
            lines, _more, members = selectors.lines(
                seat=seat, user=self.request.user, after=_code(after)
            )
        else:
            lines, _more, members = selectors.lines(seat=seat, user=self.request.user)
            lines = []
        if any(not line.mine for line in lines):
            services.conversation_read(conversation=seat.conversation, user=self.request.user)
        context.update(
            seat=seat,
            conversation=seat.conversation,
            lines=lines,
            last=lines[-1].message.code if lines else after,
            read_until=selectors.read_until(members, self.request.user),
            can_report=seat.conversation.kind == Conversation.Kind.PAIR
            and seat.part != selectors.READER,
        )
        return context


class AttachmentView(PersonalMixin, View):
    """A message's photo or document, to someone who may read its conversation."""

    def get(self, request, *args, **kwargs):
        message, _seat = selectors.message_for_user(
            access=self.access, user=request.user, code=kwargs["code"]
        )
        if not message.attachment:
            raise Http404
        message.log_action("message.attachment.opened", user=request.user)
        response = FileResponse(
            message.attachment.open("rb"),
            content_type=message.attachment_type,
            as_attachment=message.attachment_kind != "photo",
            filename=message.attachment_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class ReportView(PersonalMixin, ServiceFormView):
    """Tap one: "report" on a message; tap two here: what it is."""

    template_name = "contact/report.html"
    form_class = forms.ReportForm
    title = gettext_lazy("Report this message")

    @cached_property
    def found(self):
        message, seat = selectors.message_for_user(
            access=self.access, user=self.request.user, code=self.kwargs["code"]
        )
        if seat.part == selectors.READER or message.conversation.kind != Conversation.Kind.PAIR:
            raise Http404
        return message, seat

    def kinds(self):
        from buddynet.followup.models import Signal

        return [(k, Signal.Kind(k).label) for k in services.REPORT_KINDS]

    def get_form_kwargs(self):
        self.found  # noqa: B018 — 404 before the form
        return {"kinds": self.kinds()}

    def get_back_url(self):
        return reverse("contact_conversation", kwargs={"code": self.found[0].conversation.code})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["message"] = self.found[0]
        context["kinds"] = self.kinds()
        return context

    def perform(self, form):
        message, _seat = self.found
        services.message_report(
            message=message,
            by=self.request.user,
            access=self.access,
            kind=form.cleaned_data["kind"],
        )
        messages.success(
            self.request,
            _("Thank you. The coordinators know about it and will contact you."),
        )
        return self.get_back_url()


class NotificationsView(PersonalMixin, TemplateView):
    template_name = "contact/notifications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = selectors.notifications_of(user=self.request.user)
        context["items"] = [(notify.KINDS.get(n.kind), n) for n in items]
        return context

    def post(self, request, *args, **kwargs):
        run_action(
            request,
            lambda: services.notifications_mark_read(user=request.user),
            _("All notifications are marked as read."),
        )
        return redirect("contact_notifications")


class NotificationSettingsView(PersonalMixin, ServiceFormView):
    form_class = forms.NotificationForm
    template_name = "contact/notification_settings.html"
    title = gettext_lazy("How you hear about things")
    intro = gettext_lazy(
        "Choose for each kind of event how we tell you. An e-mail or a text message only "
        "says that there is something new, never what a message says."
    )
    success_message = gettext_lazy("Your choices were saved.")

    def get_initial(self):
        user = self.request.user
        profile = notify.profile_of(user)
        initial: dict[str, Any] = {f"kind_{k}": v for k, v in notify.choices_of(user).items()}
        initial.update(
            quiet_from=profile.quiet_from,
            quiet_until=profile.quiet_until,
            sms_number=profile.sms_number,
        )
        return initial

    def get_back_url(self):
        return reverse("contact_notifications")

    def perform(self, form):
        data = form.cleaned_data
        services.notification_choices_set(
            user=self.request.user,
            channels=form.channels(),
            quiet_from=data["quiet_from"],
            quiet_until=data["quiet_until"],
            sms_number=data["sms_number"],
        )
        return reverse("contact_notifications")


# --- A project's coordinators ------------------------------------------------------------


class ProjectConversationsView(ProjectPermissionMixin, TemplateView):
    permission = policy.CONTACT_COORDINATE
    template_name = "contact/project.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.project_conversations(access=self.access, project=self.project)
        context["rules"] = services.rules_for(self.project)
        return context


class RulesView(ProjectServiceFormView):
    permission = policy.CONTACT_COORDINATE
    form_class = forms.RulesForm
    title = gettext_lazy("Rules for messages")
    intro = gettext_lazy(
        "Buddies and participants write to each other in buddynet instead of sharing "
        "their phone numbers. Decide here whether the coordinators may read along."
    )
    success_message = gettext_lazy("The rules were saved.")

    def get_initial(self):
        rules = services.rules_for(self.project)
        return {
            "pair_messages": "yes" if rules.pair_messages else "no",
            "coordinators_read_pairs": "yes" if rules.coordinators_read_pairs else "no",
        }

    def get_back_url(self):
        return project_url("contact_project", self.project)

    def perform(self, form):
        services.rules_update(project=self.project, by=self.request.user, **form.cleaned_data)
        return self.get_back_url()
