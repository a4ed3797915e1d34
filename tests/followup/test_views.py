"""Pages and panels: the follow-up list (constant queries), recording a conversation,
the cadence, the dashboard panels and the panel on the trajectory page."""

from __future__ import annotations

from datetime import date, timedelta

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from buddynet.followup import clock
from buddynet.followup.models import Cadence, FollowUp
from tests import factories as f
from tests.followup import factories as ff


def url(name, world, **kwargs):
    return reverse(name, kwargs={"project": world.project.code, **kwargs})


def test_followup_list_is_constant_in_queries(
    world, trajectory, client_for, django_assert_max_num_queries
):
    client = client_for(world.coord)
    FollowUp.objects.update(due_at=clock.at(clock.today() - timedelta(days=1), 10))
    client.get(url("followup_list", world))
    with django_assert_max_num_queries(30) as before:
        response = client.get(url("followup_list", world))
    assert response.status_code == 200
    for _ in range(5):
        ff._start(world.buddy, f.ParticipantFactory(project=world.project), world.coord)
    FollowUp.objects.update(due_at=clock.at(clock.today() - timedelta(days=1), 10))
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url("followup_list", world) + "?state=overdue")
    body = response.content.decode()
    assert body.count("table-danger") == 18
    assert "1 dag te laat" in body or "1 day overdue" in body


def test_followup_list_is_paged_and_keeps_the_filter(world, trajectory, client_for, monkeypatch):
    """Fifty rows a page (a project with thousands of open follow-ups showed 500 rows
    in 1.5 s); the next page keeps the chosen filter and shows the rows after."""
    from buddynet.followup import selectors

    monkeypatch.setattr(selectors, "PAGE", 4)
    for _ in range(2):
        ff._start(world.buddy, f.ParticipantFactory(project=world.project), world.coord)
    FollowUp.objects.update(due_at=clock.at(clock.today() - timedelta(days=1), 10))
    overdue = FollowUp.objects.filter(project=world.project, done_at__isnull=True).count()
    assert overdue > 8
    client = client_for(world.coord)
    first = client.get(url("followup_list", world) + "?state=overdue").content.decode()
    assert first.count("table-danger") == 4
    assert 'href="?state=overdue&amp;page=2"' in first
    pages = -(-overdue // 4)
    last = client.get(url("followup_list", world) + f"?state=overdue&page={pages}")
    assert last.content.decode().count("table-danger") == overdue - 4 * (pages - 1)


def test_recording_on_the_page(world, trajectory, client_for):
    client = client_for(world.coord)
    item = FollowUp.objects.get(trajectory=trajectory, series="contact")
    page = url("followup_record", world, code=item.code)
    assert client.get(page).status_code == 200
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post(page, {"held_on": tomorrow, "kind": "phone", "report": "Mijn verslag"})
    assert response.status_code == 400
    assert "Mijn verslag" in response.content.decode()  # what was typed is kept
    response = client.post(
        page, {"held_on": clock.today().isoformat(), "kind": "phone", "report": "Mijn verslag"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_at and item.report == "Mijn verslag"
    assert FollowUp.objects.filter(trajectory=trajectory, series="contact", number=2).exists()
    # Recorded: the page shows the report, no form.
    body = client.get(page).content.decode()
    assert "Mijn verslag" in body and 'name="report"' not in body


def test_cadence_page_validates_and_saves(world, client_for, unscoped):
    client = client_for(world.coord)
    page = url("followup_settings", world)
    data = {
        "first_month_contacts": 9,
        "contact_every_days": 30,
        "supervision_every_days": 42,
        "review_every_days": 91,
        "inactivity_alert_days": 21,
        "due_hour": 10,
    }
    response = client.post(page, data)
    assert response.status_code == 400
    assert 'value="9"' in response.content.decode()
    response = client.post(page, {**data, "first_month_contacts": 3, "inactivity_alert_days": 30})
    assert response.status_code == 302
    cadence = Cadence.objects.get(project=world.project)
    assert cadence.first_month_contacts == 3 and cadence.inactivity_alert_days == 30


def test_coordinator_dashboard_panel(world, trajectory, client_for):
    FollowUp.objects.filter(series="contact").update(
        due_at=clock.at(clock.today() - timedelta(days=2), 10)
    )
    ff.signal(world)
    body = client_for(world.coord).get("/").content.decode()
    assert url("followup_record", world, code=FollowUp.objects.get(series="contact").code) in body
    assert url("signal_detail", world, code=ff.signal(world).code) in body


def test_personal_panel_for_buddy_and_participant(world, trajectory, client_for):
    for persona in (world.buddy_user, world.participant_user, world.prof):
        body = client_for(persona).get("/").content.decode()
        assert url("signal_create", world, code=trajectory.code) in body, persona
    # The network coordinator sees no such panel.
    body = client_for(world.netco).get("/").content.decode()
    assert "signal-button" not in body


def test_personal_panel_says_soon_for_a_conversation_whose_day_has_passed(
    world, trajectory, client_for
):
    """A past date without a year ("zaterdag 25 juli") read as next summer: a
    conversation whose day has passed says "soon" instead of its date."""
    item = FollowUp.objects.get(trajectory=trajectory, series="contact")
    item.due_at = clock.at(clock.today() - timedelta(days=120), 10)
    item.save()
    client = client_for(world.buddy_user)
    body = client.get("/").content.decode()
    assert "binnenkort, de coördinator neemt contact met je op" in body
    assert f'datetime="{clock.local(item.due_at).isoformat()}"' not in body
    # The same on the trajectory page.
    assert "binnenkort, de coördinator" in _panel(world, trajectory, world.buddy_user)
    item.due_at = clock.at(clock.next_working_day(clock.today() + timedelta(days=9)), 10)
    item.save()
    body = client.get("/").content.decode()
    assert "binnenkort" not in body
    assert f'datetime="{clock.local(item.due_at).isoformat()}"' in body
    item.due_at = clock.at(date(clock.today().year + 1, 3, 3), 10)
    item.save()
    FollowUp.objects.filter(trajectory=trajectory, series="supervision").update(
        due_at=clock.at(date(clock.today().year + 1, 3, 10), 10)
    )
    body = client.get("/").content.decode()
    assert f"3 maart {clock.today().year + 1}, 10:00" in body


def _panel(world, trajectory, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load followup %}{% trajectory_followup_panel trajectory %}")
    return template.render(Context({"request": request, "trajectory": trajectory}))


def test_trajectory_panel_per_role(world, trajectory):
    signal = ff.signal(world)  # raised by the buddy
    detail = url("signal_detail", world, code=signal.code)
    coordinator = _panel(world, trajectory, world.coord)
    assert detail in coordinator
    assert url("closure_start", world, code=trajectory.code) in coordinator
    assert "followup_record" not in coordinator and "/follow-up/" in coordinator
    buddy = _panel(world, trajectory, world.buddy_user)
    assert detail in buddy and url("signal_create", world, code=trajectory.code) in buddy
    assert "/close/" not in buddy and "/follow-up/" not in buddy
    for persona in (world.prof, world.participant_user):
        html = _panel(world, trajectory, persona)
        assert detail not in html  # not theirs
        assert url("signal_create", world, code=trajectory.code) in html
    assert "signal-button" not in _panel(world, trajectory, world.netco)


def test_a_conversation_that_changes_the_agreement_leads_to_it(world, trajectory, client_for):
    from buddynet.core.models import AuditEntry

    client = client_for(world.coord)
    item = FollowUp.objects.get(trajectory=trajectory, series="supervision")
    page = url("followup_record", world, code=item.code)
    client.get(page)
    assert AuditEntry.objects.filter(action="followup.viewed", object_id=item.pk).exists()
    response = client.post(
        page,
        {
            "held_on": clock.today().isoformat(),
            "kind": "feedback",
            "report": "De buddy doet te veel administratie.",
            "adjust_agreement": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("trajectory_agreement_edit", world, code=trajectory.code)
    item.refresh_from_db()
    assert item.adjust_agreement is True


def test_planning_an_extra_conversation(world, trajectory, client_for):
    client = client_for(world.coord)
    page = url("followup_plan", world, code=trajectory.code)
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    data = {"kind": "intervision", "with_whom": "buddy", "due_on": yesterday, "hour": 14}
    response = client.post(page, data)
    assert response.status_code == 400 and 'value="14"' in response.content.decode()
    next_week = clock.today() + timedelta(days=7)
    response = client.post(page, {**data, "due_on": next_week.isoformat()})
    assert response.status_code == 302
    extra = FollowUp.objects.get(trajectory=trajectory, series="extra")
    assert extra.kind == "intervision" and extra.responsible == world.coord
    assert clock.local(extra.due_at).hour == 14
    assert clock.local_date(extra.due_at) == next_week


def test_signal_list_for_a_participant_offers_the_button(world, trajectory, client_for):
    body = client_for(world.participant_user).get(url("signal_list", world)).content.decode()
    assert url("signal_create", world, code=trajectory.code) in body
