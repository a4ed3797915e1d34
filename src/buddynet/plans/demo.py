"""Two family plans in the demo network (called by seed-demo after the trajectories
exist): Fatima's family (the demo participant login, still waiting for a buddy) and the
family of the person the demo buddy walks with, who shares the plan with the buddy and
the referring professional. Both have strengths, worries, goals, actions for the
family, the buddy, the family coach and other services, and a first talk."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.community.models import Service
from buddynet.participants import consent
from buddynet.participants.models import HouseholdMember, Participant
from buddynet.participants.services import consent_record
from buddynet.trajectories.models import Trajectory

from . import services
from .models import PlanAction, PlanEntry, PlanReview, Section

WORDS = [
    (PlanEntry.Kind.STRENGTH, "We zijn een warm gezin en helpen elkaar.", "Mama"),
    (PlanEntry.Kind.STRENGTH, "De kinderen gaan graag naar school.", ""),
    (
        PlanEntry.Kind.WORRY,
        "De rekeningen stapelen zich op en ik open de brieven niet meer.",
        "Mama",
    ),
    (PlanEntry.Kind.WORRY, "We kennen niemand in de buurt.", ""),
    (PlanEntry.Kind.GOAL, "Zelf onze post en rekeningen op orde houden.", "Mama"),
    (PlanEntry.Kind.GOAL, "Een hobby voor de kinderen in de buurt vinden.", "de kinderen"),
]


def _actions(today, *, with_buddy: bool):
    rows = [
        ("Brieven elke week samen openen en sorteren", PlanAction.Who.FAMILY, "Mama", "", "", 14),
        (
            "Oma vragen om woensdag de kinderen op te halen",
            PlanAction.Who.OWN_NETWORK,
            "Oma Latifa",
            "",
            "",
            7,
        ),
        (
            "Afspraak maken bij de schuldbemiddeling",
            PlanAction.Who.FAMILY_COACH,
            "Sofie",
            "OCMW Gent",
            "09 266 00 00",
            21,
        ),
        (
            "Inschrijven bij de sportclub met vrijetijdspas",
            PlanAction.Who.SERVICE,
            "",
            "Vrijetijdsloket",
            "vrijetijd@example.be",
            30,
        ),
    ]
    if with_buddy:
        rows.append(
            (
                "Samen de weg naar de bibliotheek en het Huis van het Kind verkennen",
                PlanAction.Who.BUDDY,
                "",
                "",
                "",
                10,
            )
        )
    for what, who, name, organisation, contact, days in rows:
        yield {
            "what": what,
            "who": who,
            "who_name": name,
            "organisation": organisation,
            "contact": contact,
            "due_on": today + timedelta(days=days),
        }


def _plan(participant, *, coordinator, today, with_buddy: bool, coordinator_kind: str, name: str):
    consent_record(participant=participant, purpose=consent.FAMILY_PLAN, given=True, by=coordinator)
    if not participant.household_members.exists():
        HouseholdMember.objects.create(
            participant=participant,
            project=participant.project,
            first_name="Yasmine",
            relation="child",
            birth_year=today.year - 11,
        )
    plan = services.plan_make(
        participant=participant,
        by=coordinator,
        data={
            "coordinator_kind": coordinator_kind,
            "coordinator_name": name,
            "coordinator_contact": "",
            "review_every_months": 6,
            "next_review_on": today + timedelta(days=10),
        },
    )
    for kind, text, whose in WORDS:
        services.entry_add(plan=plan, by=coordinator, kind=kind, text=text, whose_words=whose)
    coach = (
        Service.objects.filter(
            network_id=participant.project.organisation.network_id,
            kind=Service.Kind.FAMILY_COACH,
            archived=False,
        )
        .order_by("pk")
        .first()
    )
    for data in _actions(today, with_buddy=with_buddy):
        if data["who"] == PlanAction.Who.FAMILY_COACH and coach is not None:
            data["service"] = coach  # the family coach on the network's social map
        services.action_add(plan=plan, by=coordinator, data=data)
    # A first talk, held a while ago (recorded directly: the service refuses dates it
    # would not accept from a person only in the future).
    PlanReview.objects.create(
        plan=plan,
        held_on=today - timedelta(days=60),
        who_was_there="Mama, de gezinscoach, de coördinator",
        went_well="De eerste afspraken zijn gemaakt; mama voelt zich gehoord.",
        changes="De buddy komt erbij om de weg te tonen.",
        next_review_on=plan.next_review_on,
        recorded_by=coordinator,
    )
    return plan


def seed_extra(*, projects, users, rng, today, progress) -> None:
    if not projects:
        return
    project = projects[0]
    coordinator = users["coordinator"]
    with translation.override("nl"), scopes_disabled():
        family = Participant.objects.filter(project=project, user=users["participant"]).first()
        if family is not None:
            _plan(
                family,
                coordinator=coordinator,
                today=today,
                with_buddy=False,
                coordinator_kind="family",
                name="Fatima El Amrani",
            )
        trajectory = (
            Trajectory.objects.filter(project=project, buddy__user=users["buddy"])
            .select_related("participant", "buddy")
            .order_by("pk")
            .first()
        )
        if trajectory is not None:
            plan = _plan(
                trajectory.participant,
                coordinator=coordinator,
                today=today,
                with_buddy=True,
                coordinator_kind="professional",
                name="Sofie (gezinscoach OCMW)",
            )
            services.share_set(
                plan=plan,
                by=coordinator,
                user=users["buddy"],
                role="buddy",
                sections=list(Section.values),
                can_update=True,
            )
            referrer = trajectory.participant.referred_by or users["referrer"]
            services.share_set(
                plan=plan,
                by=coordinator,
                user=referrer,
                role="doorverwijzer",
                sections=[Section.ACTIONS],
                can_update=False,
            )
    progress("family plans: 2")
