"""Issue 11, each defect class with its test: consent withdrawals stop the follow-up,
a professional raiser sees only what they wrote once sharing is withdrawn, every write
is locked and idempotent, dates are bounded and one bad row never breaks a feed, the
feed respects required two-step verification, the signal form's error summary, and
the follow-up list on a phone."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.followup import clock, services
from buddynet.followup.models import Closure, FollowUp, Signal, SignalStep
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories.models import StatusChange, Trajectory
from tests.followup import factories as ff
from tests.followup.test_calendar import feed_url, parse


def url(name, world, **kwargs):
    return reverse(name, kwargs={"project": world.project.code, **kwargs})


def withdraw(world, participant, purpose):
    with scopes_disabled():
        participant_services.consent_record(
            participant=participant, purpose=purpose, given=False, by=world.coord
        )


def open_items(trajectory):
    return FollowUp.objects.filter(
        trajectory=trajectory, done_at__isnull=True, cancelled_at__isnull=True
    )


# --- Consent: support withdrawn -------------------------------------------------------


def test_withdrawing_support_cancels_the_followups_and_refuses_new_ones(world, trajectory):
    extra = services.followup_plan(
        trajectory=trajectory,
        by=world.coord,
        kind="intervision",
        with_whom="buddy",
        due_on=clock.today() + timedelta(days=3),
    )
    assert open_items(trajectory).count() == 4
    withdraw(world, trajectory.participant, consent.SUPPORT)
    assert open_items(trajectory).count() == 0
    extra.refresh_from_db()
    assert extra.cancelled_at is not None
    # The trajectories app ends the trajectory first (its own effect), which cancels the
    # schedule; the follow-up's effect cancels whatever is still open. Either way the
    # history says why.
    trajectory.refresh_from_db()
    assert trajectory.status == "closed"
    assert AuditEntry.objects.filter(
        object_id=trajectory.pk, action="trajectory.closed_consent_withdrawn"
    ).exists()
    # Nothing new is planned, recorded or scheduled for this trajectory.
    with pytest.raises(services.FollowupError) as refused:
        services.followup_plan(
            trajectory=trajectory,
            by=world.coord,
            kind="phone",
            with_whom="both",
            due_on=clock.today() + timedelta(days=3),
        )
    # Refused: the trajectory ended with the consent (and the consent is gone anyway).
    assert refused.value.code in {"closed", "consent_withdrawn"}
    trajectory.refresh_from_db()
    if trajectory.status in services.SCHEDULING_STATUSES:
        assert services.schedule_for(trajectory) == []
    left_over = FollowUp.objects.create(  # e.g. written before the withdrawal was seen
        project_id=trajectory.project_id,
        trajectory=trajectory,
        series="extra",
        number=9,
        kind="phone",
        with_whom="both",
        due_at=clock.at(clock.today(), 10),
    )
    with pytest.raises(services.FollowupError) as refused:
        services.followup_record(
            followup=left_over, by=world.coord, held_on=clock.today(), report="Gebeld."
        )
    assert refused.value.code == "consent_withdrawn"
    # No reminder names them any more (the one left-over row aside, which is open).
    left_over.delete()
    from buddynet.followup.tasks import send_due_reminders

    FollowUp.objects.filter(trajectory=trajectory).update(
        due_at=clock.at(clock.today() - timedelta(days=2), 10)
    )
    assert send_due_reminders() == 0


def test_withdrawing_support_is_a_registered_effect_of_the_followup():
    apps = {effect.app for effect in consent.effects_for(consent.SUPPORT)}
    assert "followup" in apps
    apps = {effect.app for effect in consent.effects_for(consent.SHARE_WITH_REFERRER)}
    assert "followup" in apps


# --- Consent: sharing with the referrer withdrawn --------------------------------------


def test_a_professional_raiser_sees_only_what_they_wrote_after_sharing_is_withdrawn(
    world, trajectory, client_for
):
    signal = services.signal_raise(
        trajectory=trajectory,
        by=world.prof,
        access=access_for_user(world.prof),
        kind="worry",
        severity="medium",
        description="Mijn eigen zorg over het traject.",
    )
    services.signal_step(signal=signal, by=world.coord, step="acknowledge", note="Gehoord.")
    page = url("signal_detail", world, code=signal.code)
    api = f"/api/v1/projects/{world.project.code}/signals/{signal.code}"
    prof = client_for(world.prof)
    before = prof.get(page).content.decode()
    assert "Fatma Zelfzicht" in before and "Gehoord." in before
    assert prof.get(api).json()["limited"] is False

    withdraw(world, trajectory.participant, consent.SHARE_WITH_REFERRER)
    services.signal_step(
        signal=signal, by=world.coord, step="talk", note="Nazorg na de intrekking."
    )
    assert AuditEntry.objects.filter(
        action="followup.referrer_sharing_stopped", object_id=trajectory.pk
    ).exists()

    with translation.override("nl"):
        stage_nl = str(Signal.Stage.TALKED.label)
    response = prof.get(page)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mijn eigen zorg over het traject." in body  # what they wrote themselves
    for hidden in (
        "Fatma",
        "Zelfzicht",
        "Bram",
        "Buddyman",
        "Gehoord.",
        "Nazorg na de intrekking.",
        stage_nl,
        str(trajectory.code),
    ):
        assert hidden not in body, hidden
    detail = prof.get(api)
    assert detail.status_code == 200
    data = detail.json()
    assert data["limited"] is True
    assert data["trajectory"] is None and data["stage"] is None and data["steps"] == []
    assert data["description"] == "Mijn eigen zorg over het traject."
    assert "Nazorg" not in detail.content.decode()
    listed = prof.get(f"/api/v1/projects/{world.project.code}/signals").json()["items"]
    assert [(s["code"], s["limited"], s["stage"]) for s in listed] == [
        (str(signal.code), True, None)
    ]
    body = prof.get(url("signal_list", world)).content.decode()
    assert "Fatma" not in body and stage_nl not in body
    # The coordinators keep seeing everything.
    coord = client_for(world.coord)
    assert "Nazorg na de intrekking." in coord.get(page).content.decode()
    assert coord.get(api).json()["limited"] is False
    # Sharing again shows it again.
    with scopes_disabled():
        participant_services.consent_record(
            participant=trajectory.participant,
            purpose=consent.SHARE_WITH_REFERRER,
            given=True,
            by=world.coord,
        )
    assert client_for(world.prof).get(api).json()["limited"] is False


def test_a_buddy_raiser_is_not_limited_by_the_referrer_consent(world, trajectory, client_for):
    signal = ff.signal(world)  # raised by the buddy
    withdraw(world, trajectory.participant, consent.SHARE_WITH_REFERRER)
    api = f"/api/v1/projects/{world.project.code}/signals/{signal.code}"
    assert client_for(world.buddy_user).get(api).json()["limited"] is False


# --- Double submits: each write twice --------------------------------------------------


def test_closing_twice_writes_once(world, trajectory):
    closure = services.closure_start(
        trajectory=trajectory, by=world.coord, planned=True, reason="goals_reached"
    )
    with pytest.raises(services.FollowupConflict) as again:
        services.closure_start(
            trajectory=trajectory, by=world.coord, planned=True, reason="goals_reached"
        )
    assert again.value.status == 409 and again.value.code == "already_closing"
    aftercare = [clock.today() + timedelta(days=20), clock.today() + timedelta(days=60)]
    kwargs = {
        "by": world.coord,
        "continues": "nothing",
        "continues_note": "",
        "contact_policy": "via_project",
        "aftercare_on": aftercare,
    }
    services.closure_complete(closure=closure, **kwargs)
    with pytest.raises(services.FollowupConflict) as again:
        services.closure_complete(closure=Closure.objects.get(pk=closure.pk), **kwargs)
    assert again.value.code == "already_closed"
    assert StatusChange.objects.filter(trajectory=trajectory, to_status="closing").count() == 1
    assert StatusChange.objects.filter(trajectory=trajectory, to_status="closed").count() == 1
    assert FollowUp.objects.filter(trajectory=trajectory, series="aftercare").count() == 2
    assert AuditEntry.objects.filter(action="closure.completed").count() == 1


def test_closing_twice_on_the_page_answers_400_and_writes_once(world, trajectory, client_for):
    services.closure_start(trajectory=trajectory, by=world.coord, planned=True, reason="moved")
    client = client_for(world.coord)
    page = url("closure_detail", world, code=trajectory.code)
    data = {
        "continues": "nothing",
        "contact_policy": "none",
        "aftercare_1": (clock.today() + timedelta(days=10)).isoformat(),
        "aftercare_2": (clock.today() + timedelta(days=40)).isoformat(),
    }
    first = client.post(page, data)
    assert first.status_code == 302
    # The same click again is answered with the first answer (core.idempotency) ...
    same = client.post(page, data)
    assert same.status_code == 302 and same["Location"] == first["Location"]
    # ... and a changed second attempt meets the service's own check.
    again = client.post(page, {**data, "contact_policy": "via_project"})
    assert again.status_code == 400
    assert "al afgesloten" in again.content.decode()
    assert FollowUp.objects.filter(trajectory=trajectory, series="aftercare").count() == 2
    assert StatusChange.objects.filter(trajectory=trajectory, to_status="closed").count() == 1


def test_recording_twice_is_a_conflict(world, trajectory, client_for):
    item = FollowUp.objects.get(trajectory=trajectory, series="contact")
    services.followup_record(followup=item, by=world.coord, held_on=clock.today(), report="Eén")
    with pytest.raises(services.FollowupConflict) as again:
        services.followup_record(
            followup=FollowUp.objects.get(pk=item.pk),
            by=world.coord,
            held_on=clock.today(),
            report="Twee",
        )
    assert again.value.code == "already_recorded"
    item.refresh_from_db()
    assert item.report == "Eén"
    assert FollowUp.objects.filter(trajectory=trajectory, series="contact").count() == 2
    assert AuditEntry.objects.filter(action="followup.recorded").count() == 1
    # The page says it and keeps what was typed.
    page = url("followup_record", world, code=item.code)
    response = client_for(world.coord).post(
        page, {"held_on": clock.today().isoformat(), "kind": "phone", "report": "Twee"}
    )
    assert response.status_code == 400 and "Twee" in response.content.decode()


def test_raising_the_same_signal_twice_gives_the_first(world, trajectory):
    access = access_for_user(world.buddy_user)
    kwargs = {
        "trajectory": trajectory,
        "by": world.buddy_user,
        "access": access,
        "kind": "too_much",
        "severity": "high",
        "description": "Vraagt elke week geld.",
    }
    first = services.signal_raise(**kwargs)
    second = services.signal_raise(**kwargs)
    assert second.pk == first.pk
    assert Signal.objects.filter(trajectory=trajectory).count() == 1
    assert AuditEntry.objects.filter(action="signal.raised").count() == 1
    # Something else is a new signal.
    other = services.signal_raise(**{**kwargs, "description": "En nu ook iets anders."})
    assert other.pk != first.pk


def test_adding_the_same_step_twice_gives_the_first(world, trajectory):
    signal = ff.signal(world)
    first = services.signal_step(signal=signal, by=world.coord, step="acknowledge", note="Gebeld")
    assert services.signal_step(
        signal=signal, by=world.coord, step="acknowledge", note="Gebeld"
    ) == (first)
    actions = services.signal_step(signal=signal, by=world.coord, step="actions", note="Afspraak")
    again = services.signal_step(signal=signal, by=world.coord, step="actions", note="Afspraak")
    assert again.pk == actions.pk
    assert SignalStep.objects.filter(signal=signal).count() == 2
    # A step the stage no longer allows (acknowledging again, with other words) conflicts.
    with pytest.raises(services.FollowupConflict):
        services.signal_step(signal=signal, by=world.coord, step="acknowledge", note="Opnieuw")


def test_planning_the_same_extra_conversation_twice_gives_the_first(world, trajectory):
    kwargs = {
        "trajectory": trajectory,
        "by": world.coord,
        "kind": "intervision",
        "with_whom": "buddy",
        "due_on": clock.today() + timedelta(days=5),
        "hour": 14,
    }
    first = services.followup_plan(**kwargs)
    assert services.followup_plan(**kwargs).pk == first.pk
    assert FollowUp.objects.filter(trajectory=trajectory, series="extra").count() == 1


def test_the_cadence_and_the_calendar_address_twice(world, unscoped):
    data = {"first_month_contacts": 3}
    first = services.cadence_update(project=world.project, by=world.coord, data=data)
    assert services.cadence_update(project=world.project, by=world.coord, data=data).pk == (
        first.pk
    )
    with pytest.raises(services.FollowupError) as refused:  # a ServiceError, no Django one
        services.cadence_update(project=world.project, by=world.coord, data={"due_hour": 3})
    assert refused.value.field == "due_hour"
    services.calendar_feed_create(user=world.coord)
    services.calendar_feed_create(user=world.coord)
    assert world.coord.calendar_feeds.filter(revoked_at__isnull=True).count() == 1


def _run_together(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads released at the same moment; each thread has
    its own database connection. Returns what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                for _attempt in range(50):
                    try:
                        results[index] = work()
                        break
                    except OperationalError as exc:  # SQLite: "database is locked"
                        if "locked" not in str(exc):
                            raise
                        threading.Event().wait(0.05)
        except Exception as exc:
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_closures_write_once(world):
    """Two coordinators (or a double click) complete the same closure at the same
    moment, on a real database connection each: one closes it, the other gets a
    conflict; the status history and the aftercare contacts are written once."""
    with scopes_disabled():
        trajectory = ff._start(world.buddy, world.own_participant, world.coord)
        closure = services.closure_start(
            trajectory=trajectory, by=world.coord, planned=True, reason="goals_reached"
        )
    aftercare = [clock.today() + timedelta(days=20), clock.today() + timedelta(days=60)]

    def complete():
        return services.closure_complete(
            closure=Closure.objects.select_related("trajectory").get(pk=closure.pk),
            by=world.coord,
            continues="nothing",
            continues_note="",
            contact_policy="via_project",
            aftercare_on=aftercare,
        )

    results = _run_together(2, complete)
    closed = [r for r in results if isinstance(r, Closure)]
    conflicts = [r for r in results if isinstance(r, services.FollowupConflict)]
    assert len(closed) == 1 and len(conflicts) == 1, results
    with scopes_disabled():
        assert Trajectory.objects.get(pk=trajectory.pk).status == "closed"
        assert StatusChange.objects.filter(trajectory=trajectory, to_status="closed").count() == 1
        assert FollowUp.objects.filter(trajectory=trajectory, series="aftercare").count() == 2


# --- Dates: bounded, and one bad row never breaks a feed or a page ----------------------


def test_dates_far_ahead_are_refused(world, trajectory, client_for):
    client = client_for(world.coord)
    page = url("followup_plan", world, code=trajectory.code)
    data = {"kind": "intervision", "with_whom": "buddy", "due_on": "9999-12-31", "hour": 10}
    response = client.post(page, data)
    assert response.status_code == 400 and 'value="9999-12-31"' in response.content.decode()
    assert 'max="' in client.get(page).content.decode()
    with pytest.raises(services.FollowupError):
        services.followup_plan(
            trajectory=trajectory,
            by=world.coord,
            kind="phone",
            with_whom="both",
            due_on=date(9999, 12, 31),
        )
    assert not FollowUp.objects.filter(trajectory=trajectory, series="extra").exists()
    services.closure_start(trajectory=trajectory, by=world.coord, planned=True, reason="moved")
    closure_page = url("closure_detail", world, code=trajectory.code)
    bad = {"continues": "nothing", "contact_policy": "none", "aftercare_1": "9999-12-31"}
    assert client.post(closure_page, bad).status_code == 400
    api = f"/api/v1/projects/{world.project.code}/trajectories/{trajectory.code}/closure"
    response = client.post(
        f"{api}/complete",
        {"continues": "nothing", "contact_policy": "none", "aftercare_on": ["9999-12-31"]},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "aftercare_date"
    response = client.post(
        f"{api}/exits",
        {"party": "buddy", "held_on": "1900-01-01", "rating": 3},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["detail"]
    trajectory.refresh_from_db()
    assert trajectory.status == "closing"


def test_a_row_in_the_year_9999_breaks_no_feed_and_no_page(world, trajectory, client, client_for):
    bad = FollowUp.objects.create(  # stored before the bound existed
        project_id=trajectory.project_id,
        trajectory=trajectory,
        series="extra",
        number=1,
        kind="intervision",
        with_whom="both",
        due_at=clock.at(date(9999, 12, 31), 10),
    )
    for user in (world.coord, world.buddy_user):
        _feed, raw = services.calendar_feed_create(user=user)
        response = client.get(feed_url(raw))
        assert response.status_code == 200
        events = parse(response.content)
        assert events and all(str(bad.code) not in e["UID"] for e in events)
    coord = client_for(world.coord)
    for page in (
        reverse(
            "trajectory_detail", kwargs={"project": world.project.code, "code": trajectory.code}
        ),
        url("followup_record", world, code=bad.code),
        url("followup_list", world),
    ):
        assert coord.get(page).status_code == 200, page


def test_an_event_that_cannot_be_written_is_left_out_and_logged(
    world, trajectory, client, monkeypatch, caplog
):
    from buddynet.followup import ical

    broken = FollowUp.objects.get(trajectory=trajectory, series="contact")
    real = ical.event_for

    def event_for(item, role, *, stamp):
        if item.pk == broken.pk:
            raise ValueError("unrenderable")
        return real(item, role, stamp=stamp)

    monkeypatch.setattr(ical, "event_for", event_for)
    _feed, raw = services.calendar_feed_create(user=world.coord)
    response = client.get(feed_url(raw))
    assert response.status_code == 200
    assert len(parse(response.content)) == 2
    assert f"left out follow-up {broken.code}" in caplog.text


# --- The calendar feed and two-step verification ---------------------------------------


def test_the_feed_stops_while_required_two_step_verification_is_missing(world, trajectory, client):
    _feed, raw = services.calendar_feed_create(user=world.coord)
    assert client.get(feed_url(raw)).status_code == 200
    world.project.require_coordinator_2fa = True
    world.project.save()
    response = client.get(feed_url(raw))
    assert response.status_code == 403
    assert "tweestapsverificatie" in response.content.decode().lower() or (
        "two-step" in response.content.decode().lower()
    )
    assert "Bram" not in response.content.decode()
    Authenticator.objects.create(
        user=world.coord, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client.get(feed_url(raw)).status_code == 200
    # A buddy is never asked for it: their feed keeps working.
    _feed, raw = services.calendar_feed_create(user=world.buddy_user)
    assert client.get(feed_url(raw)).status_code == 200


# --- The signal form's errors, the list on a phone ------------------------------------


def test_the_signal_form_has_an_error_summary_that_gets_focus(world, trajectory, client_for):
    page = url("signal_create", world, code=trajectory.code)
    response = client_for(world.buddy_user).post(page, {"description": "Iets"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="alert alert-danger error-summary" role="alert" tabindex="-1"' in body
    assert "data-autofocus" in body and "followup/signal-form.js" in body
    assert 'href="#id_kind_0"' in body and 'href="#id_severity_0"' in body
    assert ">Iets</textarea>" in body  # what was typed is kept
    assert not Signal.objects.exists()


def test_the_followup_list_is_a_labelled_region_with_labelled_cells(world, trajectory, client_for):
    body = client_for(world.coord).get(url("followup_list", world)).content.decode()
    assert 'tabindex="0" role="region" aria-labelledby="followup-title"' in body
    assert 'id="followup-title"' in body and "followup/followup.css" in body
    assert 'data-label="Wanneer"' in body or 'data-label="When"' in body


def test_the_buddy_never_reads_the_participants_last_name_on_follow_up_pages(world, client_for):
    from tests.followup import factories as ff

    signal = ff.signal(world)
    trajectory = signal.trajectory
    last_name = trajectory.participant.last_name
    buddy = client_for(world.buddy_user)
    pages = [
        reverse("signal_detail", kwargs={"project": world.project.code, "code": signal.code}),
        reverse("signal_create", kwargs={"project": world.project.code, "code": trajectory.code}),
        reverse("signal_list", kwargs={"project": world.project.code}),
    ]
    for page in pages:
        response = buddy.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert last_name not in html, page
    detail = buddy.get(pages[0]).content.decode()
    assert f"{trajectory.buddy.full_name} &amp; {trajectory.participant.first_name}" in detail
    # The coordinator still reads the full name.
    coordinator = client_for(world.coord).get(pages[0]).content.decode()
    assert last_name in coordinator
