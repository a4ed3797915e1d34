"""The community app's rules: the social map (search, review dates, import), warm
hand-overs with the service's link and the consent that keeps it working, transfers
between the network's projects, and the buddy's moment in a trajectory."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.community import search, services
from buddynet.community.models import Handover, HandoverLink, Service, ServiceFacet, Transfer
from buddynet.core.errors import ServiceError
from buddynet.participants import consent
from buddynet.participants.models import ContactMoment, Participant
from buddynet.participants.selectors import consent_holds
from buddynet.trajectories import services as trajectory_services
from buddynet.trajectories.models import Trajectory
from tests import factories as f
from tests.community import factories as cf

pytestmark = pytest.mark.django_db


# --- The social map --------------------------------------------------------------------


def test_search_by_need_town_and_language(world):
    coach = cf.service(world.network)
    cf.service(
        world.network, name="Taalles Gent", kind="language_classes", topics=["dutch_practice"]
    )
    cf.service(world.network, name="CAW Antwerpen", municipalities=[cf.ANTWERPEN], languages=["nl"])
    cf.service(world.other_network, name="Coach elders")
    found = search.services_matching(
        network_id=world.network.pk, topics=["budget"], nis_code=cf.GENT, languages=["ar"]
    )
    assert list(found) == [coach]
    # Another network's map is not searched; a language nobody speaks finds nothing.
    assert not search.services_matching(network_id=world.network.pk, languages=["so"]).exists()
    assert search.services_matching(network_id=world.network.pk, nis_code=cf.GENT).count() == 2


def test_facets_follow_the_lists(world):
    coach = cf.service(world.network)
    with scopes_disabled():
        services.service_save(
            network=world.network,
            by=world.coord,
            service=coach,
            data={"languages": ["nl"], "municipalities": [cf.AALST]},
        )
    facets = set(ServiceFacet.objects.filter(service=coach).values_list("facet", flat=True))
    assert facets == {"t:budget", "t:single_parent", "l:nl", f"m:{cf.AALST}"}


def test_a_service_unchecked_for_a_year_is_flagged(world):
    old = cf.service(world.network, checked_on=cf.today() - timedelta(days=400))
    cf.service(world.network, name="Vers")
    stale = search.services_matching(
        network_id=world.network.pk, stale_before=search.review_before(cf.today())
    )
    assert list(stale) == [old]
    checked = services.service_mark_checked(service=old, by=world.coord)
    assert checked.checked_on == cf.today()


def test_a_service_needs_known_towns_needs_and_languages(world):
    with pytest.raises(ServiceError) as exc:
        services.municipalities_from_text("Gent, Atlantis")
    assert "Atlantis" in str(exc.value)
    assert services.municipalities_from_text("9000, Aalst; Gent") == [cf.GENT, cf.AALST]
    for bad in ({"topics": ["flying"]}, {"languages": ["xx"]}, {"municipalities": []}):
        with pytest.raises(ServiceError):
            cf.service(world.network, name="Fout", **bad)
    cf.service(world.network)
    with pytest.raises(ServiceError):
        cf.service(world.network)  # the same name and organisation twice


def test_import_goes_row_by_row(world):
    rows = [
        (
            2,
            {
                "name": "Schuldhulp Aalst",
                "kind": "debt counselling",
                "topics": "budget",
                "languages": "nl, French",
                "municipalities": "Aalst, 9000",
            },
        ),
        (3, {"name": "Zonder stad", "kind": "leisure", "languages": "nl", "municipalities": ""}),
        (
            4,
            {
                "name": "Vreemde nood",
                "kind": "other",
                "topics": "vliegen",
                "languages": "nl",
                "municipalities": "Gent",
            },
        ),
        (
            5,
            {
                "name": "Oud",
                "kind": "caw",
                "languages": "nl",
                "municipalities": "Gent",
                "checked_on": "2024-01-15",
            },
        ),
    ]
    report = services.map_import(network=world.network, by=world.coord, rows=rows)
    assert (report.added, report.changed) == (2, 0)
    assert [number for number, _reason in report.refused] == [3, 4]
    debt = Service.objects.get(name="Schuldhulp Aalst")
    assert debt.kind == "debt_counselling" and debt.languages == ["fr", "nl"]
    assert debt.municipalities == [cf.AALST, cf.GENT]
    assert str(Service.objects.get(name="Oud").checked_on) == "2024-01-15"
    # The same file again changes the rows instead of doubling them.
    again = services.map_import(network=world.network, by=world.coord, rows=rows[:1])
    assert (again.added, again.changed) == (0, 1)


# --- Warm hand-overs --------------------------------------------------------------------


def _handover(world, **kwargs):
    coach = cf.service(world.network)
    handover, raw = cf.handover(world.participant, coach, by=world.coord, **kwargs)
    return handover, raw


def test_a_handover_needs_consent_and_records_it(world):
    coach = cf.service(world.network)
    with scopes_disabled(), pytest.raises(ServiceError) as exc:
        services.handover_send(
            participant=world.participant,
            service=coach,
            by=world.coord,
            shared_fields=["first_name"],
        )
    assert exc.value.field == "consent"
    handover, raw = cf.handover(world.participant, coach, by=world.coord)
    assert raw and handover.status == Handover.Status.SENT
    assert handover.origin == Handover.Origin.WAITING_LIST
    with scopes_disabled():
        assert consent_holds(world.participant, consent.HANDOVER)
        # Only the hash of the secret is kept.
        link = HandoverLink.objects.get(handover=handover)
    assert raw not in link.token_hash


def test_a_double_click_gives_the_same_handover_and_no_new_link(world):
    handover, _raw = _handover(world)
    again, raw_again = cf.handover(world.participant, handover.service, by=world.coord)
    assert again.pk == handover.pk and raw_again is None
    with scopes_disabled():
        assert HandoverLink.objects.filter(handover=handover).count() == 1


def test_another_networks_service_is_refused(world):
    elsewhere = cf.service(world.other_network)
    with pytest.raises(ServiceError):
        cf.handover(world.participant, elsewhere, by=world.coord)


def test_the_service_accepts_and_proposes_a_date(world):
    handover, raw = _handover(world)
    link = services.link_open(handover.code, raw)
    assert link is not None
    services.handover_answer(link=link, action="accept")
    when = timezone.now() + timedelta(days=5)
    answered = services.handover_answer(
        link=services.link_open(handover.code, raw), action="propose", when=when, note="In het Huis"
    )
    assert answered.status == Handover.Status.ACCEPTED
    assert answered.introduction_at == when and answered.service_note == "In het Huis"
    with scopes_disabled():
        steps = list(answered.steps.values_list("status", "by_service"))
    assert steps == [("sent", False), ("accepted", True)]
    with pytest.raises(ServiceError):
        services.handover_answer(
            link=services.link_open(handover.code, raw),
            action="propose",
            when=timezone.now() - timedelta(days=1),
        )


def test_declining_needs_a_reason_and_ends_the_link(world):
    handover, raw = _handover(world)
    link = services.link_open(handover.code, raw)
    with pytest.raises(ServiceError):
        services.handover_answer(link=link, action="decline")
    declined = services.handover_answer(link=link, action="decline", reason="Geen plaats")
    assert declined.status == Handover.Status.DECLINED
    assert services.link_open(handover.code, raw) is None  # used up: it no longer opens


def test_a_link_opens_only_its_own_handover_and_only_in_time(world):
    handover, raw = _handover(world)
    other_person = f.ParticipantFactory(project=world.project, first_name="Ander")
    other, other_raw = cf.handover(other_person, handover.service, by=world.coord)
    assert services.link_open(handover.code, other_raw) is None  # another family's link
    assert services.link_open(handover.code, raw + "x") is None
    with scopes_disabled():
        HandoverLink.objects.filter(handover=handover).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    assert services.link_open(handover.code, raw) is None  # expired
    assert services.link_open(other.code, other_raw) is not None


def test_withdrawing_consent_stops_the_sharing_at_once(world, client):
    handover, raw = _handover(world)
    url = f"/public/community/handovers/{handover.code}/{raw}/"
    page = client.get(url)
    assert page.status_code == 200
    assert world.participant.first_name in page.content.decode()
    cf.withdraw(world.participant, by=world.coord)
    page = client.get(url)
    assert page.status_code == 404
    assert world.participant.first_name not in page.content.decode()
    with scopes_disabled():
        handover.refresh_from_db()
        assert handover.status == Handover.Status.STOPPED
        assert not HandoverLink.objects.filter(handover=handover, revoked_at__isnull=True).exists()
    assert services.link_open(handover.code, raw) is None
    with pytest.raises(ServiceError):
        services.handover_new_link(handover=handover, by=world.coord)


def test_the_coordinator_follows_up_to_the_end(world):
    handover, raw = _handover(world)
    services.handover_answer(link=services.link_open(handover.code, raw), action="accept")
    with pytest.raises(ServiceError):  # a step cannot be skipped
        services.handover_set_status(handover=handover, by=world.coord, status="ongoing")
    services.handover_set_status(handover=handover, by=world.coord, status="first_contact")
    services.handover_set_status(handover=handover, by=world.coord, status="ongoing")
    with pytest.raises(ServiceError):  # ending says what became of it
        services.handover_set_status(handover=handover, by=world.coord, status="ended")
    ended = services.handover_set_status(
        handover=handover, by=world.coord, status="ended", note="Begeleiding loopt zelfstandig"
    )
    assert ended.status == "ended" and ended.follow_up_on is None
    assert services.link_open(handover.code, raw) is None  # the hand-over ended


def test_a_handover_from_a_trajectory_or_its_closure(world):
    participant = f.MatchedParticipantFactory(project=world.project)
    cf.support(participant, by=world.coord)
    with scopes_disabled():
        trajectory = trajectory_services.trajectory_start(
            buddy=world.buddy, participant=participant, by=world.coord
        )
    handover, _raw = cf.handover(
        participant, cf.service(world.network), by=world.coord, trajectory=trajectory
    )
    assert handover.origin == Handover.Origin.TRAJECTORY
    assert services.origin_for(participant, Trajectory(status="closing")) == "closure"


# --- Transfers -------------------------------------------------------------------------


def _waiting(world, **kwargs):
    person = f.ParticipantFactory(
        project=world.project, waiting_since=cf.today() - timedelta(days=200), **kwargs
    )
    cf.support(person, by=world.coord)
    with scopes_disabled():
        ContactMoment.objects.create(
            project=person.project,
            participant=person,
            contacted_on=cf.today(),
            kind="phone",
            outcome="reached",
            note="Ok",
        )
    return person


def test_a_transfer_keeps_the_history_and_the_place(world):
    person = _waiting(world)
    with scopes_disabled():
        transfer = services.transfer_offer(
            participant=person, to_project=world.sibling, by=world.coord, consent_given=True
        )
        assert (
            services.transfer_offer(participant=person, to_project=world.sibling, by=world.coord)
            == transfer
        )  # a double click
        decided = services.transfer_decide(transfer=transfer, by=world.coord, accept=True)
        new = decided.new_participant
        assert new.project == world.sibling and new.status == Participant.Status.WAITING
        assert new.waiting_since == person.waiting_since
        assert new.contacts.count() == 1
        assert consent_holds(new, consent.SUPPORT)
        assert new.health_notes == ""  # no special-category consent: not copied
        person.refresh_from_db()
        assert person.status == Participant.Status.CLOSED


def test_a_transfer_needs_consent_a_waiting_person_and_a_sibling_project(world):
    person = _waiting(world)
    with scopes_disabled():
        with pytest.raises(ServiceError):
            services.transfer_offer(participant=person, to_project=world.sibling, by=world.coord)
        with pytest.raises(ServiceError):
            services.transfer_offer(
                participant=person, to_project=world.other, by=world.coord, consent_given=True
            )
        transfer = services.transfer_offer(
            participant=person, to_project=world.sibling, by=world.coord, consent_given=True
        )
        with pytest.raises(ServiceError):
            services.transfer_decide(transfer=transfer, by=world.coord, accept=False)
        declined = services.transfer_decide(
            transfer=transfer, by=world.coord, accept=False, reason="Vol"
        )
        assert declined.status == Transfer.Status.DECLINED


def test_withdrawing_the_transfer_consent_takes_the_offer_back(world):
    person = _waiting(world)
    with scopes_disabled():
        transfer = services.transfer_offer(
            participant=person, to_project=world.sibling, by=world.coord, consent_given=True
        )
    cf.withdraw(person, consent.TRANSFER, by=world.coord)
    with scopes_disabled():
        transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.WITHDRAWN


# --- The buddy's moment -----------------------------------------------------------------


def test_the_buddys_moment_is_recorded(world):
    participant = f.MatchedParticipantFactory(project=world.project)
    cf.support(participant)
    with scopes_disabled():
        trajectory = trajectory_services.trajectory_start(
            buddy=world.buddy, participant=participant, by=world.coord
        )
        saved = trajectory_services.trajectory_set_moment(
            trajectory=trajectory, by=world.coord, moment="bridge"
        )
        assert saved.buddy_moment == Trajectory.BuddyMoment.BRIDGE
        with pytest.raises(ServiceError):
            trajectory_services.trajectory_set_moment(
                trajectory=trajectory, by=world.coord, moment="never"
            )
