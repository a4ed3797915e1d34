"""Factories for the community app: services on a network's map, hand-overs with their
link, transfers."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from buddynet.community import services
from buddynet.community.models import Service
from buddynet.core import clock
from buddynet.participants import consent
from buddynet.participants import services as participant_services

GENT = "44021"
ANTWERPEN = "11002"
AALST = "41002"


def service(network, *, by=None, checked_on: date | None = None, **data) -> Service:
    values = {
        "name": "Gezinscoaching Gent",
        "organisation": "OCMW Gent",
        "kind": Service.Kind.FAMILY_COACH,
        "offer": "Een gezinscoach die met het hele gezin meegaat.",
        "topics": ["budget", "single_parent"],
        "for_whom": "Gezinnen met kinderen",
        "languages": ["nl", "fr", "ar"],
        "municipalities": [GENT],
        "contact_name": "Sofie Claes",
        "contact_email": "sofie.claes@example.be",
        "how_to_refer": "Mail de coach.",
    } | data
    with scopes_disabled():
        made = services.service_save(network=network, by=by, data=values)
        if checked_on is not None:
            Service.objects.filter(pk=made.pk).update(checked_on=checked_on)
            made.refresh_from_db()
    return made


def support(participant, *, by=None) -> None:
    with scopes_disabled():
        participant_services.consent_record(
            participant=participant, purpose=consent.SUPPORT, given=True, by=by
        )


def handover(participant, svc, *, by, shared=("first_name", "phone", "town"), trajectory=None):
    """A hand-over with the person's consent; returns (handover, raw link secret)."""
    with scopes_disabled():
        return services.handover_send(
            participant=participant,
            service=svc,
            by=by,
            shared_fields=list(shared),
            message="Zoekt hulp bij de opvoeding.",
            consent_given=True,
            trajectory=trajectory,
        )


def withdraw(participant, purpose=consent.HANDOVER, *, by=None) -> None:
    with scopes_disabled():
        participant_services.consent_record(
            participant=participant, purpose=purpose, given=False, by=by
        )


def today() -> date:
    return clock.today()
