"""Demo data of the learning network (called by seed-demo after the other apps): a
library with the seed's knowledge clips (as links with a transcript), articles and
templates in Dutch and English; two playbooks (one adopted by a third project); a past
intervision with attendance (the demo buddy's supervision counts it, and in the first
project it counts as training too) and a coming one; questions with answers; the
network's calendar (a study morning, a training, a network meeting; one full with a
waiting list) and news. No e-mail is sent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.tenancy.models import Membership, Role

from . import services
from .models import Intervision, Invitation, Registration

LIBRARY = [
    (
        "clip",
        "Vrijwilligers werven: wat werkt?",
        "recruitment",
        "both",
        "nl",
        "Projecten vertellen hoe ze nieuwe vrijwilligers vinden: via mond-aan-mondreclame, "
        "lokale verenigingen, de bibliotheek en sociale media.",
    ),
    (
        "clip",
        "Grenzen bewaken als buddy",
        "boundaries",
        "buddies",
        "nl",
        "Wat doe je als je buddy meer vraagt dan je kunt geven? Buddy's vertellen hoe ze "
        "hun grenzen aangeven en wanneer ze de coördinator bellen.",
    ),
    (
        "clip",
        "Diversiteit in je vrijwilligerspool",
        "diversity",
        "coordinators",
        "nl",
        "Hoe bereik je vrijwilligers met een migratieachtergrond, jongeren en senioren?",
    ),
    (
        "clip",
        "Een buddyproject blijvend verankeren",
        "anchoring",
        "coordinators",
        "nl",
        "Van projectsubsidie naar structurele werking: partners, gemeente en vrijwilligers.",
    ),
    (
        "clip",
        "Impact zichtbaar maken",
        "impact",
        "coordinators",
        "nl",
        "Voor- en nametingen, verhalen en cijfers voor de subsidiegever.",
    ),
    (
        "clip",
        "Projectmanagement voor starters",
        "project_management",
        "coordinators",
        "nl",
        "Tip voor starters: er bestaan al draaiboeken! Begin niet van nul.",
    ),
    (
        "article",
        "De wachtlijst warm houden",
        "waiting_lists",
        "coordinators",
        "nl",
        "Bel mensen op de wachtlijst elke vier weken. Een kort gesprek houdt de moed erin.",
    ),
    (
        "article",
        "Wie doet wat? Rolverdeling buddy en professional",
        "role_division",
        "both",
        "nl",
        "Een buddy is geen hulpverlener: papieren en geldzaken blijven bij de "
        "professional, samen koken en wandelen is buddywerk.",
    ),
    (
        "article",
        "Matching: more than a checklist",
        "matching",
        "coordinators",
        "en",
        "Volunteers and participants who share interests and time slots stay together "
        "longer. Use the weights, then trust the introductory meeting.",
    ),
    (
        "document",
        "Privacy in het buddywerk",
        "privacy",
        "both",
        "nl",
        "Wat mag je delen over je buddy, en met wie? Discretie, beroepsgeheim en de AVG.",
    ),
    (
        "template",
        "Sjabloon vrijwilligersovereenkomst",
        "project_management",
        "coordinators",
        "nl",
        "Een overeenkomst die aan de vrijwilligerswet voldoet, klaar om aan te passen.",
    ),
    (
        "template",
        "Intake checklist for volunteers",
        "recruitment",
        "coordinators",
        "en",
        "Motivation, availability, references and the record check, in one list.",
    ),
]

QUESTIONS = [
    (
        "Hoe houden jullie vrijwilligers langer dan een jaar?",
        "anchoring",
        [
            "Wij organiseren elk kwartaal een buddycafé met vorming.",
            "Een vast aanspreekpunt en een bedankmoment per jaar.",
        ],
    ),
    (
        "Vragen jullie altijd een uittreksel uit het strafregister?",
        "privacy",
        ["Alleen bij structureel contact met minderjarigen (model 596.2)."],
    ),
    ("Hoe lang is jullie wachtlijst?", "waiting_lists", []),
]


def seed_extra(*, projects, users, rng, today, progress) -> None:
    if len(projects) < 2:
        return
    network = projects[0].organisation.network
    coordinator = users["coordinator"]
    buddy_user = users["buddy"]
    curator = (
        Membership.objects.filter(network=network, role=Role.NETWORK_COORDINATOR)
        .select_related("user")
        .first()
    )
    netco = curator.user if curator else coordinator
    with translation.override("nl"), scopes_disabled():
        for kind, title, theme, audience, language, body in LIBRARY:
            services.library_item_add(
                network=network,
                by=netco,
                data={
                    "kind": kind,
                    "title": title,
                    "summary": body.split(".")[0] + ".",
                    "body": body if kind != "clip" else "",
                    "transcript": body if kind == "clip" else "",
                    "language": language,
                    "themes": [theme],
                    "audience": audience,
                    "link": "https://www.example.org/kennisclips" if kind == "clip" else "",
                },
            )
        first = services.playbook_publish(
            project=projects[0],
            by=coordinator,
            title=f"Draaiboek {projects[0].name}",
            guide="1. Werf vrijwilligers via lokale partners.\n2. Intake en vorming.\n"
            "3. Matching en kennismaking.\n4. Opvolging elke maand, intervisie elk kwartaal.",
        )
        services.playbook_publish(
            project=projects[1],
            by=coordinator,
            title=f"Draaiboek {projects[1].name}",
            guide="Samen geschreven door coördinatoren en buddy's: van werving tot afsluiting.",
        )
        if len(projects) > 2:
            services.playbook_adopt(project=projects[2], version=first, by=coordinator)

        # A past intervision with attendance, and one to come.
        past = Intervision.objects.create(
            network=network,
            title="Intervisie: grenzen en nabijheid",
            starts_at=timezone.now() - timedelta(days=14),
            place="Antwerpen, Provinciehuis",
            facilitator=netco,
            method=Intervision.Method.INCIDENT,
            learnings="Spreek bij de start af hoe vaak je elkaar ziet en wat je niet doet.",
            themes=["boundaries", "role_division"],
            created_by=netco,
        )
        coming = Intervision.objects.create(
            network=network,
            title="Intervisie: vrijwilligers vasthouden",
            starts_at=timezone.now() + timedelta(days=21),
            video_link="https://meet.example.org/intervisie",
            facilitator=netco,
            method=Intervision.Method.BALINT,
            themes=["anchoring"],
            created_by=netco,
        )
        for session in (past, coming):
            Invitation.objects.create(
                intervision=session, user=coordinator, from_project=projects[0]
            )
            Invitation.objects.create(
                intervision=session,
                user=buddy_user,
                from_project=projects[0],
                as_buddy=True,
                answer=Invitation.Answer.ACCEPTED,
            )
        from buddynet.volunteers.models import TrainingModule

        module = TrainingModule.objects.filter(project=projects[0]).order_by("pk").first()
        if module is not None:
            services.network_settings_save(project=projects[0], by=coordinator, module=module)
        services.intervision_attendance(
            intervision=past,
            by=netco,
            attended_ids=set(past.invitations.values_list("pk", flat=True)),
        )

        for title, theme, answers in QUESTIONS:
            question = services.question_ask(
                network=network,
                project=projects[0],
                by=coordinator,
                data={"title": title, "themes": [theme]},
            )
            for number, body in enumerate(answers):
                answer = services.question_answer(
                    question=question,
                    project=projects[1 + number % (len(projects) - 1)],
                    by=netco,
                    body=body,
                    notify=False,
                )
                if number == 0:
                    services.answer_helped(answer=answer, by=coordinator)
        _calendar(network, projects, netco, coordinator, buddy_user)
    progress(
        f"learning network: {len(LIBRARY)} library items, 2 playbooks, 2 intervisions, "
        f"{len(EVENTS)} events, {len(NEWS)} news items"
    )


EVENTS = [
    # (kind, title, days ahead, hour, place, capacity, audience, description)
    (
        "study_morning",
        "Studievoormiddag: eenzaamheid doorbreken",
        10,
        9,
        "Brussel, Vlaams Huis van de Vrijwilliger",
        60,
        "both",
        "Onderzoekers en buddy's over wat werkt tegen eenzaamheid. Met koffie en broodjes.",
    ),
    (
        "training",
        "Vorming: grenzen aangeven als buddy",
        24,
        19,
        "Gent, Wijkcentrum De Nieuwe Vaart",
        2,
        "both",
        "Een avond oefenen met situaties uit de praktijk, voor buddy's en coördinatoren.",
    ),
    (
        "meeting",
        "Netwerkoverleg coördinatoren",
        38,
        13,
        "",
        25,
        "coordinators",
        "Stand van zaken, subsidies en de draaiboeken van de projecten.",
    ),
    (
        "intervision_day",
        "Intervisiedag voor coördinatoren",
        52,
        10,
        "Mechelen, Lamot",
        20,
        "coordinators",
        "Een dag intervisie volgens de incidentmethode, in kleine groepen.",
    ),
]

NEWS = [
    (
        "Nieuwe kennisclips over diversiteit",
        "In de bibliotheek staan drie nieuwe clips over vrijwilligers met een "
        "migratieachtergrond. Handig voor je volgende wervingsronde.",
        "both",
    ),
    (
        "Tip voor starters: er bestaan al draaiboeken!",
        "Start je een nieuw project? Neem een draaiboek over van een ander project en pas het "
        "aan: vrijwilligersnota, overeenkomst, vorming en opvolging staan er klaar.",
        "coordinators",
    ),
    (
        "Oproep: vertel je verhaal als buddy",
        "Voor de studievoormiddag zoeken we buddy's die willen vertellen wat ze leerden.",
        "buddies",
    ),
]


def _calendar(network, projects, netco, coordinator, buddy_user) -> None:
    """The calendar's events and the news (registrations written as rows: no e-mail)."""
    from buddynet.followup.clock import at

    base = timezone.localdate()
    made = []
    for kind, title, days, hour, place, capacity, audience, description in EVENTS:
        made.append(
            services.event_plan(
                network=network,
                by=netco,
                data={
                    "kind": kind,
                    "title": title,
                    "description": description,
                    "starts_at": at(base + timedelta(days=days), hour, 0),
                    "minutes": 180,
                    "place": place,
                    "video_link": "" if place else "https://meet.example.org/netwerk",
                    "capacity": capacity,
                    "audience": audience,
                },
            )
        )
    now = timezone.now()
    study, training = made[0], made[1]
    Registration.objects.create(
        event=study,
        user=coordinator,
        from_project=projects[0],
        status=Registration.Status.REGISTERED,
        asked_at=now - timedelta(days=3),
    )
    # The training is full: its places are taken by people of the other projects (or the
    # demo coordinator), and the demo buddy waits.
    taking = [
        (m.user, m.project)
        for m in Membership.objects.filter(
            project__in=projects[1:],
            role__in=[Role.BUDDY, Role.PROJECT_COORDINATOR],
            is_active=True,
        )
        .exclude(user__in=[coordinator, buddy_user])
        .select_related("user", "project")[:2]
    ] or [(coordinator, projects[0])]
    for number, (user, project) in enumerate(taking):
        assert project is not None  # memberships filtered by project
        Registration.objects.create(
            event=training,
            user=user,
            from_project=project,
            status=Registration.Status.REGISTERED,
            asked_at=now - timedelta(days=5 - number),
        )
    type(training).objects.filter(pk=training.pk).update(capacity=len(taking))
    Registration.objects.create(
        event=training,
        user=buddy_user,
        from_project=projects[0],
        status=Registration.Status.WAITING,
        asked_at=now - timedelta(days=1),
    )
    for title, body, audience in NEWS:
        services.news_post(
            network=network, by=netco, data={"title": title, "body": body, "audience": audience}
        )
