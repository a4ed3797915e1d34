"""The demo network's social map (realistic Flemish services around Gent, Aalst and
Antwerpen), a hand-over in each state, a transfer offer and the buddy's moment on a
few trajectories (called by ``seed-demo``)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.participants.models import Participant
from buddynet.trajectories.models import Trajectory

from . import services
from .models import Service

GENT, AALST, ANTWERPEN, MERELBEKE, DESTELBERGEN = "44021", "41002", "11002", "44088", "44013"

# name, organisation, kind, needs, languages, towns, contact, offer
MAP = [
    (
        "Gezinscoaching Gent",
        "OCMW Gent",
        "family_coach",
        ["budget", "single_parent", "administration"],
        ["nl", "fr", "ar", "tr"],
        [GENT],
        "Sofie Claes",
        "Een gezinscoach die een jaar lang met het hele gezin meegaat, thuis en op afspraak.",
    ),
    (
        "Gezinscoaching Aalst",
        "Sociaal Huis Aalst",
        "family_coach",
        ["budget", "single_parent"],
        ["nl", "fr"],
        [AALST],
        "Pieter Van Damme",
        "Gezinsbegeleiding voor gezinnen in armoede.",
    ),
    (
        "Zorgzame buurt Rabot",
        "Buurtwerk Gent",
        "caring_neighbourhood",
        ["social_contacts", "appointments"],
        ["nl", "ar", "tr"],
        [GENT],
        "Nadia El Amrani",
        "Buren die een handje toesteken: boodschappen, een babbel, mee naar de dokter.",
    ),
    (
        "CAW Oost-Vlaanderen onthaal",
        "CAW Oost-Vlaanderen",
        "caw",
        ["housing", "administration", "mental_health"],
        ["nl", "fr", "en"],
        [GENT, AALST, MERELBEKE, DESTELBERGEN],
        "Onthaal CAW",
        "Vrij onthaal voor elke vraag over welzijn, wonen en relaties.",
    ),
    (
        "Sociale dienst OCMW Gent",
        "OCMW Gent",
        "ocmw",
        ["budget", "poverty", "housing"],
        ["nl", "fr", "en", "ar"],
        [GENT],
        "Onthaal Sociaal Huis",
        "Leefloon, huurpremie, medische kaart en budgetbegeleiding.",
    ),
    (
        "Huis van het Kind Gent-Noord",
        "Huis van het Kind Gent",
        "huis_van_het_kind",
        ["homework", "single_parent"],
        ["nl", "fr", "ar", "tr", "ro"],
        [GENT],
        "Lotte De Smet",
        "Opvoedingsondersteuning, ontmoeting voor ouders en spelotheek.",
    ),
    (
        "Schuldhulp Aalst",
        "CAW Oost-Vlaanderen",
        "debt_counselling",
        ["budget", "poverty"],
        ["nl"],
        [AALST],
        "Koen Maes",
        "Schuldbemiddeling en collectieve schuldenregeling.",
    ),
    (
        "Taalpunt Gent",
        "Stad Gent",
        "language_classes",
        ["dutch_practice"],
        ["nl", "ar", "uk", "fa"],
        [GENT, MERELBEKE],
        "Ellen Peeters",
        "Nederlands oefenen in kleine groepen, ook voor beginners.",
    ),
    (
        "Vrijetijdspas Antwerpen",
        "Stad Antwerpen",
        "leisure",
        ["social_contacts"],
        ["nl", "fr", "en"],
        [ANTWERPEN],
        "Balie Vrije Tijd",
        "Sport, cultuur en jeugdwerk aan verminderd tarief.",
    ),
    (
        "Buddywerking Aalst",
        "Vrijwilligerspunt Aalst",
        "buddy_project",
        ["social_contacts", "digital"],
        ["nl"],
        [AALST],
        "Tine Goossens",
        "Een vrijwillige buddy voor wie er alleen voor staat.",
    ),
]


def seed_extra(*, projects, users, rng, today, progress) -> None:
    if not projects:
        return
    network = projects[0].organisation.network
    coordinator = users["coordinator"]
    with translation.override("nl"), scopes_disabled():
        made = []
        for name, organisation, kind, needs, languages, towns, contact, offer in MAP:
            service = services.service_save(
                network=network,
                by=coordinator,
                data={
                    "name": name,
                    "organisation": organisation,
                    "kind": kind,
                    "offer": offer,
                    "topics": needs,
                    "for_whom": "Gezinnen en alleenstaanden in een kwetsbare situatie",
                    "languages": languages,
                    "municipalities": towns,
                    "contact_name": contact,
                    "contact_email": f"{name.split()[0].lower()}@example.be",
                    "how_to_refer": "Mail of bel de contactpersoon; samen kennismaken kan.",
                },
            )
            made.append(service)
        # Two entries not checked for over a year: flagged for review on the map.
        Service.objects.filter(pk__in=[made[-1].pk, made[-2].pk]).update(
            checked_on=today - timedelta(days=420)
        )
        _handovers(projects[0], made, coordinator, today)
        for trajectory, moment in zip(
            Trajectory.objects.filter(project=projects[0]).order_by("pk")[:8],
            ["bridge", "alongside", "kickstart", "aftercare"] * 2,
            strict=False,
        ):
            Trajectory.objects.filter(pk=trajectory.pk).update(buddy_moment=moment)
        if len(projects) > 1:
            waiting = Participant.objects.filter(
                project=projects[0], status=Participant.Status.WAITING
            ).first()
            if waiting is not None:
                services.transfer_offer(
                    participant=waiting,
                    to_project=projects[1],
                    by=coordinator,
                    note="Woont dichter bij jullie werking en spreekt Arabisch.",
                    consent_given=True,
                )


def _handovers(project, made, by, today) -> None:
    """A hand-over in each state, for people on the waiting list and in trajectories."""
    people = list(
        Participant.objects.filter(
            Q(status=Participant.Status.WAITING) | Q(status=Participant.Status.MATCHED),
            project=project,
        ).order_by("pk")[:6]
    )
    steps = ["sent", "accepted", "first_contact", "ongoing", "ended", "declined"]
    for person, state, service in zip(people, steps, made, strict=False):
        handover, raw = services.handover_send(
            participant=person,
            service=service,
            by=by,
            shared_fields=["first_name", "phone", "town", "languages", "help_request"],
            message="Het gezin vraagt steun; de buddy komt mee naar het eerste gesprek.",
            consent_given=True,
            follow_up_on=today + timedelta(days=7),
        )
        if raw is None or state == "sent":
            continue
        link = services.link_open(handover.code, raw)
        assert link is not None  # the demo's own link, just made
        if state == "declined":
            services.handover_answer(link=link, action="decline", reason="Geen plaats tot maart.")
            continue
        services.handover_answer(
            link=link,
            action="propose",
            when=timezone.now() + timedelta(days=5),
            note="In ons onthaal, samen met de buddy.",
        )
        for status in ["first_contact", "ongoing", "ended"][: steps.index(state) - 1]:
            services.handover_set_status(
                handover=handover,
                by=by,
                status=status,
                note="Begeleiding loopt nu zelfstandig verder." if status == "ended" else "",
                follow_up_on=today + timedelta(days=30) if status != "ended" else None,
            )
