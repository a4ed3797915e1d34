"""Demo data of the learning network (called by seed-demo after the other apps): a
library with the seed's knowledge clips (as links with a transcript), articles and
templates in Dutch and English; two playbooks (one adopted by a third project); a past
intervision with attendance (the demo buddy's supervision counts it) and a coming one;
questions with answers. No e-mail is sent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.tenancy.models import Membership, Role

from . import services
from .models import Intervision, Invitation

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
    progress(f"learning network: {len(LIBRARY)} library items, 2 playbooks, 2 intervisions")
