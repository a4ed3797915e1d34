"""Notifications: each person chooses, per kind of event, how they hear about it.

Kinds are registered here (``register_kind``); apps below ``contact`` emit theirs
through ``core.notices.emit`` and this module delivers them (``_from_other_apps``). A
notification always shows in buddynet; by choice it also goes by e-mail or SMS at once
(held until the quiet hours end), or into one e-mail a day (the digest). An e-mail or a
text message says only *that* there is something and where to look: never what a
message said, never who wrote it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from buddynet.core import clock, notices
from buddynet.core.mail import mail_user

from . import sms
from .models import Channel, Notification, NotificationChoice, NotificationProfile

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    key: str
    label: StrPromise
    default: str = Channel.IN_APP


KINDS: dict[str, Kind] = {}


def register_kind(key: str, label: StrPromise, *, default: str = Channel.IN_APP) -> Kind:
    """A kind of event people can choose how to hear about (call at import)."""
    kind = Kind(key=key, label=label, default=default)
    KINDS[key] = kind
    return kind


MESSAGE = register_kind("message", _("A new message for you"), default=Channel.EMAIL)
FOLLOWUP_DUE = register_kind("followup_due", _("A follow-up conversation is due"))
SIGNAL = register_kind("signal", _("A new boundary signal"))
PROPOSAL = register_kind("proposal", _("A match proposal or an introduction"))
CLAIM_DECISION = register_kind("claim_decision", _("A decision about your expense claim"))
INTERVISION = register_kind("intervision", _("An invitation to an intervision"))


# --- What a person chose ------------------------------------------------------------------


def choices_of(user) -> dict[str, str]:
    """Every kind → the person's channel (their choice, or the kind's default)."""
    chosen = dict(NotificationChoice.objects.filter(user=user).values_list("kind", "channel"))
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}


def profile_of(user) -> NotificationProfile:
    profile = NotificationProfile.objects.filter(user=user).first()
    return profile if profile is not None else NotificationProfile(user=user)


def quiet_end(profile: NotificationProfile, moment: datetime) -> datetime | None:
    """When the person's quiet hours end if ``moment`` falls inside them, else None."""
    start, end = profile.quiet_from, profile.quiet_until
    if start is None or end is None or start == end:
        return None
    local = clock.local(moment)
    now = local.time()
    inside = (start <= now < end) if start < end else (now >= start or now < end)
    if not inside:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=clock.PROJECT_TZ)


# --- Delivering ------------------------------------------------------------------------


def deliver(kind: str, *, users, about: str = "", link: str = "") -> list[Notification]:
    """One notification per person, sent the way they chose (after the commit)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    now = timezone.now()
    made = []
    with scopes_disabled():
        for user in users:
            if user is None or not user.is_active:
                continue
            channel = choices_of(user).get(kind, KINDS[kind].default)
            send_after = None
            if channel in (Channel.EMAIL, Channel.SMS):
                send_after = quiet_end(profile_of(user), now) or now
            made.append(
                Notification.objects.create(
                    user=user,
                    kind=kind,
                    channel=channel,
                    about=about[:200],
                    link=link[:300],
                    send_after=send_after,
                )
            )
    due = [n.pk for n in made if n.send_after is not None and n.send_after <= now]
    if due:
        transaction.on_commit(lambda: send_waiting(ids=due))
    return made


@notices.listen
def _from_other_apps(kind: str, *, users, about: str = "", link: str = "") -> None:
    deliver(kind, users=users, about=about, link=link)


def _text(notification: Notification) -> str:
    with translation.override(notification.user.preferred_language):
        return gettext("buddynet: %(what)s. Log in to see it: %(link)s") % {
            "what": str(KINDS[notification.kind].label).rstrip("."),
            "link": settings.SITE_URL + (notification.link or "/"),
        }


def send_one(notification: Notification) -> bool:
    """Send one e-mail or text message now; False when it cannot go (no number)."""
    user = notification.user
    kind = KINDS.get(notification.kind)
    if kind is None:
        return False
    if notification.channel == Channel.SMS:
        number = sms.normalise_number(profile_of(user).sms_number)
        if number:
            sms.deliver_sms(number, _text(notification))
            return True
        # No number given: the e-mail says the same.
    mail_user(user, "contact/email/notice", {"kind": kind, "notification": notification})
    return True


def send_waiting(*, ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Send the e-mails and text messages whose time has come (held ones after quiet
    hours; a periodic job calls this without ``ids``)."""
    now = now or timezone.now()
    with scopes_disabled():
        waiting = Notification.objects.filter(
            sent_at__isnull=True, send_after__isnull=False, send_after__lte=now
        ).select_related("user")
        if ids is not None:
            waiting = waiting.filter(pk__in=ids)
        sent = 0
        for notification in waiting[:500]:
            claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
                sent_at=now
            )
            if claimed and send_one(notification):
                sent += 1
    return sent


def send_digests(*, now: datetime | None = None) -> int:
    """One e-mail per person with what waited for their daily digest."""
    now = now or timezone.now()
    sent = 0
    with scopes_disabled():
        waiting = list(
            Notification.objects.filter(channel=Channel.DIGEST, sent_at__isnull=True)
            .select_related("user")
            .order_by("user_id", "pk")[:5000]
        )
        by_user: dict[int, list[Notification]] = {}
        for notification in waiting:
            by_user.setdefault(notification.user_id, []).append(notification)
        for items in by_user.values():
            user = items[0].user
            claimed = Notification.objects.filter(
                pk__in=[n.pk for n in items], sent_at__isnull=True
            ).update(sent_at=now)
            if not claimed or not user.is_active:
                continue
            rows = [(KINDS[n.kind].label, n) for n in items if n.kind in KINDS]
            mail_user(user, "contact/email/digest", {"rows": rows, "count": len(rows)})
            sent += 1
    return sent
