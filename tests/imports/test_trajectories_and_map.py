"""The two kinds beside people: running trajectories (a pair by e-mail address, phone or
code, started through the trajectories service so statuses and the waiting list move as
in the app) and services on the network's social map (by name and organisation, checked
against the map's vocabularies, the search facets kept in step). Good and bad rows, the
same file twice, all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.community import search
from buddynet.community.models import Service
from buddynet.core.models import AuditEntry
from buddynet.imports import services
from buddynet.imports.plan import guess
from buddynet.matching import services as matching_services
from buddynet.participants.models import Participant
from buddynet.trajectories import services as trajectory_services
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers.models import Buddy
from tests import factories as f
from tests.community import factories as cf
from tests.conftest import build_world

pytestmark = pytest.mark.django_db


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("lijst.csv", text.encode("utf-8"))


def mapped(w, text: str, kind: str, project=None):
    run = services.import_upload(
        project=project or w.project, kind=kind, upload=csv_file(text), by=w.coord
    )
    return services.import_map(run=run, columns=run.mapping, by=w.coord)


def commit(run, by, capture):
    with capture(execute=True):
        services.import_commit_start(run=run, by=by)  # the queue is immediate in tests
    run.refresh_from_db()
    return run


# --- Running trajectories --------------------------------------------------------------


def pairs_world():
    w = build_world()
    with scopes_disabled():
        people = {
            "b1": f.BuddyFactory(project=w.project, email="b1@example.be"),
            "b2": f.BuddyFactory(project=w.project, email="b2@example.be"),
            "b3": f.BuddyFactory(project=w.project, email="b3@example.be"),
            "new": f.BuddyFactory(
                project=w.project, email="new@example.be", status=Buddy.Status.APPLIED
            ),
            "p1": f.ParticipantFactory(project=w.project, email="p1@example.be"),
            "p2": f.ParticipantFactory(project=w.project, email="p2@example.be"),
            "p3": f.ParticipantFactory(project=w.project, phone="0470 99 88 77"),
            "p4": f.ParticipantFactory(project=w.project, email="p4@example.be"),
            "gone": f.ParticipantFactory(
                project=w.project, email="gone@example.be", status=Participant.Status.CLOSED
            ),
            "elsewhere": f.ParticipantFactory(project=w.other, email="else@example.be"),
        }
    return w, people


def trajectories_csv(people) -> str:
    p2 = people["p2"].code
    return (
        "Buddy;Deelnemer;Startdatum;Status;Overeenkomst ondertekend op;Professional\n"
        # 2: active since the agreement signed on paper, with the professional
        "B1@example.be;p1@example.be;03/02/2025;lopend;10/02/2025;prof@example.be\n"
        # 3: starting (no agreement yet), the participant by code
        f"b2@example.be;{p2};1.3.2025;;;\n"
        # 4: paused, the participant by phone number
        "b3@example.be;0470998877;2025-04-01;gepauzeerd;15-04-2025;\n"
        # 5-11: refused
        "nobody@example.be;p4@example.be;01/03/2025;;;\n"
        "new@example.be;p4@example.be;01/03/2025;;;\n"
        "b1@example.be;gone@example.be;01/03/2025;;;\n"
        "b1@example.be;p1@example.be;05/05/2025;;;\n"
        "b2@example.be;p4@example.be;01/03/2025;actief;;\n"
        "b3@example.be;else@example.be;01/03/2025;;;\n"
        "b3@example.be;p4@example.be;31/02/2025;;;buddy@example.be\n"
    )


def test_guessed_columns_for_a_list_of_pairs():
    headers = ["Buddy", "Deelnemer", "Startdatum", "Status", "Datum overeenkomst"]
    assert guess("trajectories", headers) == {
        "buddy": "Buddy",
        "participant": "Deelnemer",
        "started_on": "Startdatum",
        "status": "Status",
        "agreed_on": "Datum overeenkomst",
    }


def test_running_trajectories_dry_run_commit_and_the_same_file_again(
    django_capture_on_commit_callbacks,
):
    w, people = pairs_world()
    with scopes_disabled():
        run = mapped(w, trajectories_csv(people), "trajectories")
        plan = services.import_plan(run=run)
        assert [(r.number, r.action) for r in plan.rows] == [
            (2, "create"),
            (3, "create"),
            (4, "create"),
            *((n, "refused") for n in range(5, 12)),
        ]
        reasons = {r.number: " ".join(r.reasons) for r in plan.rows}
        assert "nobody@example.be" in reasons[5]
        assert "klaar" in reasons[6]  # the candidate buddy is not ready to be matched
        assert "afgesloten" in reasons[7]
        assert "rij 2" in reasons[8]  # the same pair twice
        assert "overeenkomst" in reasons[9]  # active without an agreement date
        assert "else@example.be" in reasons[10]  # another project's participant
        assert "31/02/2025" in reasons[11] and "buddy@example.be" in reasons[11]
        assert plan.rows[0].name == f"{people['b1'].first_name} {people['b1'].last_name} & " + (
            f"{people['p1'].first_name} {people['p1'].last_name}"
        )
        assert not Trajectory.objects.filter(project=w.project).exists()  # a dry run

        done = commit(run, w.coord, django_capture_on_commit_callbacks)
        assert (done.status, done.created, done.unchanged, done.refused) == ("done", 3, 0, 7)
        by_buddy = {t.buddy.email: t for t in Trajectory.objects.filter(project=w.project)}
        active, starting, paused = (by_buddy[f"b{n}@example.be"] for n in (1, 2, 3))
        assert (active.status, active.started_on, active.professional) == (
            "active",
            date(2025, 2, 3),
            w.prof,
        )
        steps = active.status_changes.order_by("at", "pk")
        assert [(s.to_status, timezone.localdate(s.at)) for s in steps] == [
            ("starting", date(2025, 2, 3)),
            ("active", date(2025, 2, 10)),
        ]
        assert "10/02/2025" in steps.last().reason
        assert starting.status == "starting" and starting.started_on == date(2025, 3, 1)
        assert paused.status == "paused"
        assert [s.to_status for s in paused.status_changes.order_by("at", "pk")] == [
            "starting",
            "active",
            "paused",
        ]
        # As when a match starts a trajectory: off the waiting list, matched on the
        # start date; the buddy accompanies someone.
        p1 = Participant.objects.get(pk=people["p1"].pk)
        assert (p1.status, p1.matched_on) == ("matched", date(2025, 2, 3))
        assert Buddy.objects.get(pk=people["b1"].pk).status == "active"
        assert Participant.objects.get(pk=people["p4"].pk).status == "waiting"
        assert AuditEntry.objects.filter(action="trajectory.started").count() == 3
        assert AuditEntry.objects.filter(action="trajectory.imported").count() == 3

        again = mapped(w, trajectories_csv(people), "trajectories")
        plan = services.import_plan(run=again)
        assert plan.counts == {"create": 0, "update": 0, "unchanged": 3, "refused": 7}
        # The same pair on another start date while they are together is refused.
        later = trajectories_csv(people).replace("03/02/2025", "04/02/2025")
        moved = mapped(w, later, "trajectories")
        first = services.import_plan(run=moved).rows[0]
        assert first.action == "refused" and "03/02/2025" in " ".join(first.reasons)


def test_an_excluded_pair_or_withdrawn_support_is_refused():
    w, people = pairs_world()
    with scopes_disabled():
        matching_services.pair_exclude(
            buddy=people["b1"], participant=people["p1"], reason="rejected", by=w.coord
        )
        cf.support(people["p2"], by=w.coord)
        from buddynet.participants import consent
        from buddynet.participants import services as participant_services

        participant_services.consent_record(
            participant=people["p2"], purpose=consent.SUPPORT, given=False, by=w.coord
        )
        run = mapped(
            w,
            "Buddy;Deelnemer;Startdatum\n"
            "b1@example.be;p1@example.be;01/03/2025\n"
            "b2@example.be;p2@example.be;01/03/2025\n",
            "trajectories",
        )
        rows = services.import_plan(run=run).rows
        assert [r.action for r in rows] == ["refused", "refused"]
        assert "uitgesloten" in " ".join(rows[0].reasons)
        assert "toestemming" in " ".join(rows[1].reasons) or "afgesloten" in " ".join(
            rows[1].reasons
        )


def test_trajectories_are_all_or_nothing(monkeypatch, django_capture_on_commit_callbacks):
    w, people = pairs_world()
    with scopes_disabled():
        run = mapped(w, trajectories_csv(people), "trajectories")
        real = trajectory_services.trajectory_import
        calls = []

        def breaks_at_the_third(**kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise trajectory_services.TrajectoryError("kapot")
            return real(**kwargs)

        monkeypatch.setattr(trajectory_services, "trajectory_import", breaks_at_the_third)
        done = commit(run, w.coord, django_capture_on_commit_callbacks)
        assert done.status == "failed" and "kapot" in done.error and "4" in done.error
        assert not Trajectory.objects.filter(project=w.project).exists()
        assert Participant.objects.get(pk=people["p1"].pk).status == "waiting"
        assert Buddy.objects.get(pk=people["b1"].pk).status == "ready"


def test_the_trajectory_service_refuses_what_the_dry_run_refuses():
    w, people = pairs_world()
    with scopes_disabled():
        for kwargs, words in [
            ({"buddy": people["new"], "status": "starting"}, "niet klaar"),
            ({"buddy": people["b1"], "status": "active"}, "overeenkomst"),
            ({"buddy": people["b1"], "status": "closed"}, "gepauzeerd"),
        ]:
            with pytest.raises(trajectory_services.TrajectoryError) as caught:
                trajectory_services.trajectory_import(
                    participant=people["p1"], by=w.coord, started_on=date(2025, 3, 1), **kwargs
                )
            assert words in caught.value.message
        made = trajectory_services.trajectory_import(
            buddy=people["b1"], participant=people["p1"], by=w.coord, started_on=date(2025, 3, 1)
        )
        # The same pair and start date again is the same trajectory.
        assert (
            trajectory_services.trajectory_import(
                buddy=people["b1"],
                participant=people["p1"],
                by=w.coord,
                started_on=date(2025, 3, 1),
            ).pk
            == made.pk
        )


# --- The social map ---------------------------------------------------------------------

MAP = (
    "Naam;Organisatie;Soort;Aanbod;Noden;Talen;Gemeenten;E-mail;Website;Nagekeken op\n"
    # 2: new
    "Schuldhulp;CAW Oost-Vlaanderen;caw;Hulp bij schulden;budget, raising children alone;"
    "Nederlands, fr;9000, Antwerpen;info@caw.example.be;https://caw.example.be;01/06/2026\n"
    # 3: the service already on the map, another offer
    "Gezinscoaching Gent;OCMW Gent;;Een coach voor het hele gezin.;;;;;;\n"
    # 4-9: refused
    "Nergens;Org;;;;;Atlantis;;;\n"
    "Vliegles;Org;;;vliegen;;Gent;;;\n"
    "Klingonles;Org;;;;Klingon;Gent;;;\n"
    "schuldhulp;caw oost-vlaanderen;;;;;Gent;;;\n"
    "Website;Org;;;;;Gent;;geen adres;\n"
    ";Zonder naam;;;;;Gent;;;\n"
)


def test_the_social_map_dry_run_commit_and_the_same_file_again(
    django_capture_on_commit_callbacks,
):
    w = build_world()
    coaching = cf.service(w.network, by=w.coord)
    with scopes_disabled():
        run = mapped(w, MAP, "services")
        assert run.mapping["municipalities"] == "Gemeenten"
        plan = services.import_plan(run=run)
        assert [(r.number, r.action) for r in plan.rows] == [
            (2, "create"),
            (3, "update"),
            *((n, "refused") for n in range(4, 10)),
        ]
        reasons = {r.number: " ".join(r.reasons) for r in plan.rows}
        assert "Atlantis" in reasons[4]
        assert "vliegen" in reasons[5]
        assert "Klingon" in reasons[6]
        assert "rij 2" in reasons[7]
        assert "geen adres" in reasons[8]
        assert "leeg" in reasons[9]
        assert plan.rows[1].changes == ["wat ze aanbieden"]
        assert Service.objects.filter(network=w.network).count() == 1  # a dry run

        done = commit(run, w.coord, django_capture_on_commit_callbacks)
        assert (done.status, done.created, done.updated, done.refused) == ("done", 1, 1, 6)
        made = Service.objects.get(network=w.network, name="Schuldhulp")
        assert (made.kind, made.topics, made.languages, made.checked_on) == (
            "caw",
            ["budget", "single_parent"],
            ["fr", "nl"],
            date(2026, 6, 1),
        )
        assert sorted(made.municipalities) == [cf.ANTWERPEN, cf.GENT]
        coaching.refresh_from_db()
        # Only what the row says changed; empty cells leave the rest.
        assert coaching.offer == "Een coach voor het hele gezin."
        assert coaching.topics == ["budget", "single_parent"]
        # The search index is kept by the map's own service.
        found = search.services_matching(
            network_id=w.network.pk, topics=["budget"], nis_code=cf.ANTWERPEN, languages=["fr"]
        )
        assert list(found) == [made]
        assert AuditEntry.objects.filter(action="community.service_added").count() == 2
        assert AuditEntry.objects.filter(action="community.service_changed").count() == 1

        # The same file again, also from the network's other project: nothing to do.
        for project in (w.project, w.sibling):
            again = mapped(w, MAP, "services", project=project)
            assert services.import_plan(run=again).counts == {
                "create": 0,
                "update": 0,
                "unchanged": 2,
                "refused": 6,
            }
        # Another network's map is its own.
        other = mapped(w, MAP, "services", project=w.other)
        # (the coaching row names no town: on a map without it, it cannot be added)
        assert services.import_plan(run=other).counts["create"] == 1


def test_the_social_map_is_all_or_nothing(monkeypatch, django_capture_on_commit_callbacks):
    w = build_world()
    with scopes_disabled():
        run = mapped(
            w,
            "Naam;Gemeenten\n" + "".join(f"Dienst {i};Gent\n" for i in range(4)),
            "services",
        )
        real = services.community_services.service_import
        calls = []

        def breaks_at_the_fourth(**kwargs):
            calls.append(1)
            if len(calls) == 4:
                raise services.community_services.CommunityError("kapot")
            return real(**kwargs)

        monkeypatch.setattr(services.community_services, "service_import", breaks_at_the_fourth)
        done = commit(run, w.coord, django_capture_on_commit_callbacks)
        assert done.status == "failed" and "kapot" in done.error
        assert not Service.objects.filter(network=w.network).exists()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pages_of_the_new_kinds_in_dutch_and_english(client, language):
    w, people = pairs_world()
    with scopes_disabled():
        pairs = mapped(w, trajectories_csv(people), "trajectories")
        social = mapped(w, MAP, "services")
    client.force_login(w.coord, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    words = {
        "nl": ("Gestart op", "Overeenkomst ondertekend op", "Naam van de dienst"),
        "en": ("Started on", "Agreement signed on", "Name of the service"),
    }[language]
    kwargs = {"project": w.project.code, "code": pairs.code}
    page = client.get(reverse("imports_columns", kwargs=kwargs)).content.decode()
    assert words[0] in page and words[1] in page
    page = client.get(reverse("imports_run", kwargs=kwargs)).content.decode()
    assert "refused-rows" in page
    kwargs["code"] = social.code
    page = client.get(reverse("imports_columns", kwargs=kwargs)).content.decode()
    assert words[2] in page
    assert client.get(reverse("imports_run", kwargs=kwargs)).status_code == 200


def test_the_dry_run_of_pairs_and_services_takes_a_few_queries_whatever_the_rows(
    django_assert_max_num_queries,
):
    w, _people = pairs_world()
    with scopes_disabled():
        for n in range(30):
            f.BuddyFactory(project=w.project, email=f"many{n}@example.be")
            f.ParticipantFactory(project=w.project, email=f"pmany{n}@example.be")
        pairs = mapped(
            w,
            "Buddy;Deelnemer;Startdatum\n"
            + "".join(f"many{n}@example.be;pmany{n}@example.be;01/03/2025\n" for n in range(30)),
            "trajectories",
        )
        social = mapped(
            w, "Naam;Gemeenten\n" + "".join(f"Dienst {n};Gent\n" for n in range(30)), "services"
        )
        with django_assert_max_num_queries(8):
            assert services.import_plan(run=pairs).counts["create"] == 30
        with django_assert_max_num_queries(3):
            assert services.import_plan(run=social).counts["create"] == 30
