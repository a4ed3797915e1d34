"""Measurement moments, answers, links and consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.impact import selectors, services
from buddynet.impact.models import Measurement, MeasurementLink, Response
from tests.impact import factories as imf

pytestmark = pytest.mark.django_db


def _figures(world, today):
    with scopes_disabled():
        return selectors.project_outcomes(
            project=world.project, date_from=today - timedelta(days=5), date_to=today
        )


def _trajectory(world):
    return imf.start(world.buddy, world.participant, world.coord)


def test_start_and_mid_point_are_planned_when_a_trajectory_starts_with_consent(world):
    t = _trajectory(world)
    with scopes_disabled():
        moments = dict(Measurement.objects.filter(trajectory=t).values_list("moment", "due_on"))
    assert set(moments) == {"baseline", "mid"}
    assert moments["baseline"] == t.started_on
    assert (moments["mid"] - t.started_on).days in range(181, 185)


def test_nothing_is_planned_without_consent(world):
    from buddynet.trajectories.services import trajectory_start

    with scopes_disabled():
        t = trajectory_start(buddy=world.buddy, participant=world.participant, by=world.coord)
        assert not Measurement.objects.filter(trajectory=t).exists()
        with pytest.raises(services.ImpactError):
            services.measurements_plan(trajectory=t, by=world.coord)


def test_planning_twice_plans_nothing_new(world):
    t = _trajectory(world)
    assert services.measurements_plan(trajectory=t, by=world.coord) == []


def test_answers_are_scored_and_say_who_entered_them(world):
    t = _trajectory(world)
    m = imf.enter(t, "baseline", who5_value=3, by=world.coord)
    assert m.entered_by == "coordinator" and m.completed_on
    with scopes_disabled():
        scores = {r.instrument: r.scores for r in Response.objects.filter(measurement=m)}
    assert scores["who5"] == {"raw": 15, "percentage": 60, "poor_wellbeing": False}
    assert scores["djg6"]["total"] == 3 and scores["djg6"]["band"] == "moderately lonely"


def test_a_measurement_is_filled_in_once(world):
    t = _trajectory(world)
    imf.enter(t, "baseline", who5_value=3, by=world.coord)
    with pytest.raises(services.ImpactConflict):
        imf.enter(t, "baseline", who5_value=4, by=world.coord)


def test_an_empty_questionnaire_is_refused(world):
    t = _trajectory(world)
    with scopes_disabled(), pytest.raises(services.ImpactError):
        services.answers_enter(
            measurement=imf.measurement(t),
            answers={"who5": {}, "djg6": imf.DJG6_NONE},
            entered_by="coordinator",
            by=world.coord,
        )


def test_link_opens_its_questionnaire_once_and_expires(world):
    t = _trajectory(world)
    m = imf.measurement(t)
    link, raw = services.link_create(measurement=m, by=world.coord)
    assert services.link_open(raw) == link
    assert services.link_open(raw + "x") is None
    # A new link switches the older one off.
    _link2, raw2 = services.link_create(measurement=m, by=world.coord)
    assert services.link_open(raw) is None
    opened = services.link_open(raw2)
    with scopes_disabled():
        services.answers_enter(
            measurement=opened.measurement,
            answers={"who5": imf.who5(4), "djg6": imf.DJG6_NONE},
            entered_by="participant",
            link=opened,
        )
    assert services.link_open(raw2) is None  # used
    with scopes_disabled():
        assert Measurement.objects.get(pk=m.pk).entered_by == "participant"
    # Expiry.
    m2 = imf.measurement(t, "mid")
    link3, raw3 = services.link_create(measurement=m2, by=world.coord)
    with scopes_disabled():
        MeasurementLink.objects.filter(pk=link3.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    assert services.link_open(raw3) is None


def test_withdrawing_consent_stops_links_entry_and_inclusion(world):
    t = _trajectory(world)
    imf.enter(t, "baseline", who5_value=2, by=world.coord)
    imf.enter(t, "closure", who5_value=4, by=world.coord)
    _link, raw = services.link_create(measurement=imf.measurement(t, "mid"), by=world.coord)
    today = timezone.localdate()
    figures = _figures(world, today)
    assert {o.code: o.summary.n for o in figures["outcomes"]}["who5"] == 1

    imf.give_consent(world.participant, by=world.coord, given=False)

    assert services.link_open(raw) is None
    with pytest.raises(services.ImpactError):
        services.link_create(measurement=imf.measurement(t, "mid"), by=world.coord)
    with pytest.raises(services.ImpactError):
        imf.enter(t, "mid", who5_value=3, by=world.coord)
    figures = _figures(world, today)
    assert {o.code: o.summary.n for o in figures["outcomes"]}["who5"] == 0
    with scopes_disabled():
        assert Measurement.objects.get(trajectory=t, moment="mid").cancelled_at


def test_paired_outcomes(world):
    people = imf.measured_people(world.project, world.coord, 5, before=2, after=3)
    assert len(people) == 5
    today = timezone.localdate()
    figures = _figures(world, today)
    who5 = next(o for o in figures["outcomes"] if o.code == "who5")
    assert who5.summary.n == 5
    assert who5.summary.mean_change == 20  # 40% → 60%
    assert who5.summary.share_improved == 1
    djg = next(o for o in figures["outcomes"] if o.code == "djg6")
    assert djg.summary.mean_change == -3  # 3 lonely answers → 0


def test_coordinator_person_page_answers_are_on_the_audit_log(world):
    from buddynet.core.models import AuditEntry

    t = _trajectory(world)
    imf.enter(t, "baseline", who5_value=2, by=world.coord)
    with scopes_disabled():
        outcome = selectors.person_outcome(trajectory=t, viewed_by=world.coord)
        assert AuditEntry.unscoped.filter(action="impact.answers_viewed").count() == 1
    who5 = next(i for i in outcome["instruments"] if i["code"] == "who5")
    assert who5["scores"] == [40]
