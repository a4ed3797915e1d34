"""Objects the family plan tests need: a family that agreed to a plan, a plan with a
helper the family lets in."""

from __future__ import annotations

from datetime import timedelta

from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.participants import consent
from buddynet.participants.services import consent_record
from buddynet.plans import services
from buddynet.plans.models import Section
from tests import factories as f


def agreed(participant, by=None):
    with scopes_disabled():
        consent_record(participant=participant, purpose=consent.FAMILY_PLAN, given=True, by=by)
    return participant


PLAN_DATA = {
    "coordinator_kind": "family",
    "coordinator_name": "Mama Amina",
    "coordinator_contact": "0470 11 22 33",
    "review_every_months": 6,
}


def plan(participant, *, by=None, **data):
    agreed(participant, by)
    with scopes_disabled():
        return services.plan_make(
            participant=participant,
            by=by,
            data={**PLAN_DATA, "next_review_on": clock.today() + timedelta(days=30), **data},
        )


def share(the_plan, user, *, sections=tuple(Section.values), can_update=True, role="buddy"):
    with scopes_disabled():
        return services.share_set(
            plan=the_plan,
            by=None,
            user=user,
            role=role,
            sections=list(sections),
            can_update=can_update,
        )


def action(the_plan, **data):
    with scopes_disabled():
        return services.action_add(
            plan=the_plan,
            by=None,
            data={"what": "Naar de bib gaan", "who": "buddy", **data},
        )


def world_plan(w, *, other: bool = False):
    """The access matrix's plan: in project A the participant login's own family, shared
    with the buddy (everything, may update) and the professional (the actions, reading
    only); in project B a plan of another family."""
    if other:
        return w.once("plans_other", lambda w: plan(w.other_participant, by=w.other_coord))

    def make(w):
        p = plan(w.own_participant, by=w.coord)
        share(p, w.buddy_user)
        share(
            p, w.prof, sections=[Section.ACTIONS], can_update=False, role="maatschappelijk werker"
        )
        action(p)
        return p

    return w.once("plans_own", make)


def world_action(w, *, other: bool = False):
    the_plan = world_plan(w, other=other)
    return w.once(f"plans_action_{other}", lambda w: action(the_plan, what="Afspraak maken"))


def world_share(w, *, other: bool = False):
    if other:
        return w.once(
            "plans_share_other",
            lambda w: share(
                world_plan(w, other=True),
                f.member(w.other, "buddy", email="buddyb-plan@example.be"),
            ),
        )
    from buddynet.plans.models import PlanShare

    the_plan = world_plan(w)
    return w.once(
        "plans_share_own",
        lambda w: PlanShare.objects.get(plan=the_plan, user=w.buddy_user, ended_on__isnull=True),
    )
