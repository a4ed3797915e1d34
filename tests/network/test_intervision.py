"""Intervision: planned, invitations by real SMTP with a valid iCalendar file, replies,
a case checked for names and places before it is shared, attendance counted as the
buddy's supervision in the follow-up."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.followup.models import FollowUp
from buddynet.network import services
from buddynet.network.models import Invitation
from tests.followup import factories as ff
from tests.network import factories as nf

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        yield inbox


def people(world):
    return [
        (world.coord.pk, world.project.pk, False),
        (world.buddy_user.pk, world.project.pk, True),
    ]


def test_invitations_arrive_with_a_valid_ical(world, smtp, django_capture_on_commit_callbacks):
    session = nf.intervision(world.network, world.netco)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.intervision_invite(
            intervision=session, by=world.netco, people=people(world)
        )
    assert len(made) == 2
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        [world.coord.email, world.buddy_user.email]
    )
    message = smtp.messages[0]
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    assert calendar["method"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == session.title
    assert event.decoded("dtstart") == session.starts_at
    assert str(event["uid"]) == f"intervision-{session.code}@buddynet"
    assert calendar.walk("VTIMEZONE")


def test_invite_twice_and_max_size(world):
    session = nf.intervision(world.network, world.netco, max_size=2)
    services.intervision_invite(intervision=session, by=world.netco, people=people(world))
    again = services.intervision_invite(intervision=session, by=world.netco, people=people(world))
    assert again == []
    with pytest.raises(services.NetworkError) as err:
        services.intervision_invite(
            intervision=session, by=world.netco, people=[(world.prof.pk, world.project.pk, False)]
        )
    assert err.value.field == "people"


def test_reply(world, client_for):
    session = nf.intervision(world.network, world.netco)
    services.intervision_invite(intervision=session, by=world.netco, people=people(world))
    client = client_for(world.buddy_user)
    url = reverse(
        "network_intervision_reply", kwargs={"network": world.network.code, "code": session.code}
    )
    assert client.post(url, {"answer": "yes"}).status_code == 302
    assert Invitation.objects.get(user=world.buddy_user).answer == "accepted"
    # A buddy sees only the intervisions they are invited to.
    other = nf.intervision(world.network, world.netco, title="Niet voor jou")
    page = client.get(
        reverse("network_intervision", kwargs={"network": world.network.code, "code": other.code})
    )
    assert page.status_code == 404


def test_case_names_and_places_are_flagged(world):
    session = nf.intervision(world.network, world.netco)
    text = "Bram ging met zijn buddy naar het OCMW in Antwerpen. Het liep mis."
    flags = services.intervision_case_share(
        intervision=session,
        by=world.coord,
        text=text,
        project_ids={world.project.pk},
        anonymised=False,
    )
    assert "Bram" in flags and "Antwerpen" in flags
    session.refresh_from_db()
    assert session.case_shared_at is None
    clean = "B. ging met zijn buddy naar het OCMW. Het liep mis."
    assert (
        services.intervision_case_share(
            intervision=session,
            by=world.coord,
            text=clean,
            project_ids={world.project.pk},
            anonymised=False,
        )
        == []
    )
    session.refresh_from_db()
    assert session.case_shared_at is not None


def test_case_page_shows_flags(world, client_for):
    session = nf.intervision(world.network, world.netco)
    url = reverse(
        "network_intervision_case", kwargs={"network": world.network.code, "code": session.code}
    )
    response = client_for(world.coord).post(url, {"case_text": "Pieter woont in Gent."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<mark>Pieter</mark>" in html and "<mark>Gent</mark>" in html
    ok = client_for(world.coord).post(
        url, {"case_text": "Pieter woont in Gent.", "anonymised": "on"}
    )
    assert ok.status_code == 302


def test_attendance_counts_as_supervision(world):
    with scopes_disabled():
        trajectory = ff.trajectory(world)
        planned = (
            FollowUp.objects.filter(
                trajectory=trajectory, series="supervision", done_at__isnull=True
            )
            .order_by("due_at")
            .first()
        )
    assert planned is not None
    session = nf.intervision(world.network, world.netco)
    services.intervision_invite(intervision=session, by=world.netco, people=people(world))
    with pytest.raises(services.NetworkError):
        services.intervision_attendance(intervision=session, by=world.netco, attended_ids=set())
    nf.past(session)
    buddy_invitation = Invitation.objects.get(user=world.buddy_user)
    recorded = services.intervision_attendance(
        intervision=session, by=world.netco, attended_ids={buddy_invitation.pk}
    )
    assert recorded == 1
    with scopes_disabled():
        planned.refresh_from_db()
    assert planned.done_at is not None
    assert planned.kind == FollowUp.Kind.INTERVISION
    assert session.title in planned.report
    # Recording again does not record a second supervision.
    assert (
        services.intervision_attendance(
            intervision=session, by=world.netco, attended_ids={buddy_invitation.pk}
        )
        == 0
    )


def test_attendance_counts_as_training_where_the_project_says_so(world, client_for):
    from buddynet.volunteers.models import TrainingRecord
    from tests.volunteers.factories import TrainingModuleFactory

    with scopes_disabled():
        module = TrainingModuleFactory(project=world.project, title="Intervisie")
        other_module = TrainingModuleFactory(project=world.other, title="Elders")
    # The setting through the project's page (a module of another project is refused).
    client = client_for(world.coord)
    page = reverse("network_settings", kwargs={"project": world.project.code})
    assert client.post(page, {"module": other_module.pk}).status_code == 400
    assert client.post(page, {"module": module.pk}).status_code == 302
    with pytest.raises(services.NetworkError):
        services.network_settings_save(project=world.project, by=world.coord, module=other_module)
    session = nf.intervision(world.network, world.netco)
    services.intervision_invite(intervision=session, by=world.netco, people=people(world))
    nf.past(session)
    buddy_invitation = Invitation.objects.get(user=world.buddy_user)
    for _time in range(2):  # recording twice gives one training record
        services.intervision_attendance(
            intervision=session, by=world.netco, attended_ids={buddy_invitation.pk}
        )
    with scopes_disabled():
        records = list(TrainingRecord.objects.filter(buddy=world.buddy, module=module))
    assert len(records) == 1
    from buddynet.core import clock

    assert records[0].completed_on == clock.local_date(session.starts_at)


def test_no_training_without_the_setting(world):
    from buddynet.volunteers.models import TrainingRecord

    session = nf.intervision(world.network, world.netco)
    services.intervision_invite(intervision=session, by=world.netco, people=people(world))
    nf.past(session)
    services.intervision_attendance(
        intervision=session,
        by=world.netco,
        attended_ids={Invitation.objects.get(user=world.buddy_user).pk},
    )
    with scopes_disabled():
        assert not TrainingRecord.objects.filter(buddy=world.buddy).exists()
