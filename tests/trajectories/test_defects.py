"""The defect classes of issue 11, each tested as a class: consent withdrawal reaches the
trajectories, the buddy reads first names only, the signed agreement shows exactly what
is stored, writes survive a double submit, titles name the pair, dates are bounded."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from buddynet.core.models import AuditEntry
from buddynet.core.validators import no_control_characters, strip_control_characters
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.participants.models import ConsentRecord, Participant
from buddynet.tenancy.access import access_for_user
from buddynet.trajectories import forms, panels, selectors, services
from buddynet.trajectories.models import (
    AgreementSignature,
    Goal,
    GoalLevelChange,
    JournalEntry,
    RoleTask,
    StatusChange,
    TaskKind,
    Trajectory,
)
from buddynet.trajectories.pdf import agreement_pdf
from buddynet.trajectories.services import TrajectoryError
from tests import factories as f
from tests.trajectories.factories import AGREEMENT, own_trajectory, start


@pytest.fixture
def trajectory(world):
    return own_trajectory(world)


def url(world, trajectory, rest=""):
    return f"/p/{world.project.code}/trajectories/{trajectory.code}/{rest}"


def api(world, trajectory, rest=""):
    return f"/api/v1/projects/{world.project.code}/trajectories/{trajectory.code}{rest}"


def sign_all(world, trajectory):
    with scopes_disabled():
        version = services.current_version(trajectory)
        for party, user, name, coordinator in (
            ("buddy", world.buddy_user, "Bram Buddyman", False),
            ("participant", world.participant_user, "Fatma Zelfzicht", False),
            ("professional", world.prof, "Pro Fessional", False),
            ("coordinator", world.coord, "Coco Ordinator", True),
        ):
            if party in version.parties:
                services.agreement_sign(
                    trajectory=trajectory,
                    party=party,
                    signed_name=name,
                    shown_hash=version.document_hash,
                    by=user,
                    is_coordinator=coordinator,
                )


def withdraw(participant, purpose, by):
    with scopes_disabled():
        participant_services.consent_record(
            participant=participant, purpose=purpose, given=False, by=by
        )


# --- Consent -------------------------------------------------------------------------


def test_withdrawing_support_closes_the_trajectory_and_stops_every_write(world, trajectory):
    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        goal = services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Fietsen")
    withdraw(world.own_participant, consent.SUPPORT, world.coord)
    with scopes_disabled():
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.CLOSED
        assert trajectory.closed_on == timezone.localdate()
        last = StatusChange.objects.filter(trajectory=trajectory).last()
        assert last.to_status == "closed" and last.reason
        assert AuditEntry.unscoped.filter(
            object_id=trajectory.pk, action="trajectory.closed_consent_withdrawn"
        ).exists()
        writes = [
            lambda: services.journal_add(
                trajectory=trajectory, by=world.buddy_user, data={"kind": "visit"}
            ),
            lambda: services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Koken"),
            lambda: services.goal_set_level(goal=goal, by=world.buddy_user, level=2),
            lambda: services.role_task_add(
                trajectory=trajectory, by=world.coord, description="Wandelen", owner="buddy"
            ),
            lambda: services.agreement_save(
                trajectory=trajectory, by=world.coord, data={"purpose": "Anders"}
            ),
            lambda: services.agreement_sign(
                trajectory=trajectory,
                party="buddy",
                signed_name="Bram Buddyman",
                shown_hash=services.current_version(trajectory).document_hash,
                by=world.buddy_user,
            ),
        ]
        for write in writes:
            with pytest.raises(TrajectoryError):
                write()
        # No new trajectory, and the closed file does not flip back to "matched".
        with pytest.raises(TrajectoryError):
            services.trajectory_start(
                buddy=f.BuddyFactory(project=world.project),
                participant=world.own_participant,
                by=world.coord,
            )
        world.own_participant.refresh_from_db()
        assert world.own_participant.status == Participant.Status.CLOSED


def test_without_support_every_write_refuses_even_on_an_open_trajectory(world, trajectory):
    """The rule is on the consent, not only on the status the withdrawal leaves."""
    with scopes_disabled():
        goal = services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Fietsen")
        ConsentRecord.objects.create(
            project=world.project,
            participant=world.own_participant,
            purpose=consent.SUPPORT,
            given=False,
        )
        for write in (
            lambda: services.journal_add(
                trajectory=trajectory, by=world.buddy_user, data={"kind": "visit"}
            ),
            lambda: services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Koken"),
            lambda: services.goal_set_level(goal=goal, by=world.buddy_user, level=2),
            lambda: services.role_task_add(
                trajectory=trajectory, by=world.coord, description="Wandelen", owner="buddy"
            ),
            lambda: services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT),
        ):
            with pytest.raises(TrajectoryError) as caught:
                write()
            assert caught.value.code == "consent_withdrawn"
        other = f.ParticipantFactory(project=world.project)
        ConsentRecord.objects.create(
            project=world.project, participant=other, purpose=consent.SUPPORT, given=False
        )
        with pytest.raises(TrajectoryError):
            services.trajectory_start(buddy=world.buddy, participant=other, by=world.coord)
        assert not Trajectory.objects.filter(participant=other).exists()


def test_trajectories_register_effects_for_the_purposes_that_stop_in_it(world, trajectory):
    for purpose in (consent.SUPPORT, consent.SHARE_WITH_REFERRER):
        assert "trajectories" in {e.app for e in consent.effects_for(purpose)}
    withdraw(world.own_participant, consent.SHARE_WITH_REFERRER, world.coord)
    with scopes_disabled():
        assert AuditEntry.unscoped.filter(
            object_id=trajectory.pk, action="trajectory.referrer_sharing_stopped"
        ).exists()
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.STARTING  # support still holds


# --- The buddy reads the participant's first name ------------------------------------


def test_no_buddy_facing_page_or_answer_holds_the_participants_last_name(
    world, client_for, trajectory
):
    with scopes_disabled():
        services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        sign_all(world, trajectory)
        services.journal_add(trajectory=trajectory, by=world.buddy_user, data={"kind": "visit"})
        version = services.current_version(trajectory)
    last = world.own_participant.last_name
    client = client_for(world.buddy_user)
    for address in (
        "/",
        f"/p/{world.project.code}/trajectories/",
        url(world, trajectory),
        url(world, trajectory, "agreement/"),
        url(world, trajectory, "goals/"),
        url(world, trajectory, "roles/"),
        url(world, trajectory, "journal/new/"),
        api(world, trajectory),
        api(world, trajectory, "/agreement"),
        api(world, trajectory, "/journal"),
        f"/api/v1/projects/{world.project.code}/trajectories",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        assert last not in body, address
        assert world.own_participant.first_name in body or address.startswith("/api"), address
    # Searching on the last name finds nothing for the buddy (it would confirm it).
    found = client.get(f"/p/{world.project.code}/trajectories/", {"q": last})
    assert list(found.context["trajectories"]) == []
    pdf = client.get(url(world, trajectory, f"agreement/{version.code}.pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert last not in text and "Fatma Z." in text
    # The coordinator still reads the full name.
    assert last in client_for(world.coord).get(url(world, trajectory)).content.decode()


def test_page_titles_name_the_pair_as_the_viewer_may_see_it(world, client_for, trajectory):
    def title(user, rest):
        body = client_for(user).get(url(world, trajectory, rest)).content.decode()
        return html.unescape(re.search(r"<title>(.*?)</title>", body, re.S).group(1))

    for rest in ("", "agreement/", "goals/", "roles/"):
        assert "Bram Buddyman & Fatma Zelfzicht" in title(world.coord, rest)
        buddy_title = title(world.buddy_user, rest)
        assert "Bram Buddyman & Fatma" in buddy_title and "Zelfzicht" not in buddy_title
    assert "Bram Buddyman & Fatma" in title(world.buddy_user, "journal/new/")
    assert "Bram Buddyman & Fatma Zelfzicht" in title(world.coord, "status/")


# --- What is signed is what is shown ---------------------------------------------------

LONG_WORD = "Donaudampfschifffahrt" * 15  # 315 characters, no place to break
TRICKY = {
    "purpose": "Samen de stad leren kennen.\n\nTweede alinea, na een lege regel.\n  \nDerde.",
    "meeting_frequency": "elke week 🙂",
    "buddy_does": "wandelen\n\nkoffie drinken 🚲",
    "practical_frame": f"Een heel lang woord: {LONG_WORD} en dan verder.",
}


def _page_sections(body: str) -> list[tuple[str, str]]:
    article = body[body.index('id="agreement-text"') : body.index("</article>")]
    pairs = re.findall(
        r'<h4 class="h6 mt-2 mb-1">(.*?)</h4><p class="mb-2 agreement-body">(.*?)</p>',
        article,
        re.S,
    )
    return [(html.unescape(h), html.unescape(re.sub(r"<br>", "\n", b).strip())) for h, b in pairs]


def test_a_tricky_agreement_reads_the_same_on_the_page_and_in_the_pdf(world, client_for):
    with scopes_disabled():
        trajectory = start(buddy=world.buddy, participant=world.own_participant, by=world.coord)
        version = services.agreement_save(trajectory=trajectory, by=world.coord, data=TRICKY)
        pdf = agreement_pdf(version)
    page = client_for(world.coord).get(url(world, trajectory, "agreement/"))
    sections = _page_sections(page.content.decode())
    headings = [h for h, _b in sections]
    # No fake headings from blank lines; numbered 1..12 without a gap (no professional).
    assert headings[0] in ("Wie", "Who")
    assert [int(h.split(".")[0]) for h in headings[1:]] == list(range(1, 13))
    purpose = dict(sections)[headings[1]]
    assert "Tweede alinea" in purpose and "Derde." in purpose
    # Every character shown on the page is in the PDF, in the same order.
    pdf_text = "".join(
        # Each page ends with its number ("1 / 2"): not part of the text.
        re.sub(r"\s*\d+ / \d+\s*$", "", page.extract_text())
        for page in PdfReader(io.BytesIO(pdf)).pages
    )
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    shown = squeeze("".join(h + b for h, b in sections))
    assert shown in squeeze(pdf_text)
    assert LONG_WORD in squeeze(pdf_text)
    assert "🙂" in pdf_text and "🚲" in pdf_text


def test_old_versions_with_blank_lines_inside_a_section_keep_their_sections(world):
    text = (
        "Afsprakenkader\n\nWie\nBuddy: Bram\n\n1. Doel van het traject\nEen\n\nTwee"
        "\n\n2. Verwachte duur\nzes maanden"
    )
    parts = services.split_sections(text, "nl")["sections"]
    assert [h for h, _b in parts] == ["Wie", "1. Doel van het traject", "2. Verwachte duur"]
    assert parts[1][1] == "Een\n\nTwee"


@pytest.mark.parametrize("bad", ["Fatma\u202ekeekziZ", "a\u0000b", "x\u2066y", "l\u2028m"])
def test_control_and_bidi_characters_are_refused(world, bad):
    with pytest.raises(Exception, match="U\\+"):
        no_control_characters(bad)
    assert strip_control_characters(bad) != bad
    no_control_characters("Zoë 🙂 👩‍👩‍👧\nnieuwe regel\tmet tab")
    form = forms.SignForm(
        {"party": "buddy", "signed_name": bad, "text_hash": "x"}, parties=[("buddy", "buddy")]
    )
    assert not form.is_valid() and "signed_name" in form.errors
    with scopes_disabled():
        trajectory = start(buddy=world.buddy, participant=world.own_participant, by=world.coord)
        with pytest.raises(TrajectoryError) as caught:
            services.agreement_save(trajectory=trajectory, by=world.coord, data={"purpose": bad})
        assert caught.value.field == "purpose"


def test_names_with_control_characters_do_not_reach_the_agreement(world):
    with scopes_disabled():
        participant = f.ParticipantFactory(
            project=world.project, first_name="Ali\u202e", last_name="\u202dKaya"
        )
        trajectory = start(buddy=world.buddy, participant=participant, by=world.coord)
        version = services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
    assert "\u202e" not in version.text and "\u202d" not in version.text
    assert "Ali K." in version.text


def test_the_pdf_stylesheet_wraps_long_words_and_draws_emoji():
    source = render_to_string(
        "trajectories/agreement_pdf.html",
        {"version": None, "text": {"title": "t", "sections": []}, "signatures": []},
    )
    assert "overflow-wrap: anywhere" in source and "Noto Color Emoji" in source


# --- Double submits --------------------------------------------------------------------


def test_every_write_twice_gives_one_result(world, trajectory):
    with scopes_disabled():
        first = services.trajectory_start(
            buddy=world.buddy, participant=world.own_participant, by=world.coord
        )
        assert first.pk == trajectory.pk
        v1 = services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        v2 = services.agreement_save(trajectory=trajectory, by=world.coord, data=AGREEMENT)
        assert v1.pk == v2.pk
        s1 = services.agreement_sign(
            trajectory=trajectory,
            party="buddy",
            signed_name="Bram Buddyman",
            shown_hash=v1.document_hash,
            by=world.buddy_user,
        )
        s2 = services.agreement_sign(
            trajectory=trajectory,
            party="buddy",
            signed_name="Bram Buddyman",
            shown_hash=v1.document_hash,
            by=world.buddy_user,
        )
        assert s1.pk == s2.pk and AgreementSignature.objects.filter(version=v1).count() == 1
        sign_all(world, trajectory)
        trajectory.refresh_from_db()
        assert trajectory.status == Trajectory.Status.ACTIVE
        for to_status in ("paused", "paused", "active", "active"):
            services.trajectory_set_status(
                trajectory=trajectory, to_status=to_status, by=world.coord, reason="Vakantie"
            )
        changes = list(
            StatusChange.objects.filter(trajectory=trajectory).values_list("to_status", flat=True)
        )
        assert changes == ["starting", "active", "paused", "active"]
        data = {"kind": "visit", "note": "Samen gewandeld."}
        e1 = services.journal_add(trajectory=trajectory, by=world.buddy_user, data=dict(data))
        e2 = services.journal_add(trajectory=trajectory, by=world.buddy_user, data=dict(data))
        assert e1.pk == e2.pk and JournalEntry.objects.filter(trajectory=trajectory).count() == 1
        g1 = services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Fietsen")
        g2 = services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Fietsen")
        assert g1.pk == g2.pk and Goal.objects.filter(trajectory=trajectory).count() == 1
        services.goal_set_level(goal=g1, by=world.buddy_user, level=2)
        services.goal_set_level(goal=g1, by=world.buddy_user, level=2)
        assert GoalLevelChange.objects.filter(goal=g1).count() == 2
        t1 = services.role_task_add(
            trajectory=trajectory, by=world.coord, description="Wandelen", owner="buddy"
        )
        t2 = services.role_task_add(
            trajectory=trajectory, by=world.coord, description="Wandelen", owner="buddy"
        )
        assert t1.pk == t2.pk and RoleTask.objects.filter(trajectory=trajectory).count() == 1
        services.role_task_remove(task=t1, by=world.coord)
        services.role_task_remove(task=t1, by=world.coord)
        assert not RoleTask.objects.filter(trajectory=trajectory).exists()
        k1 = services.task_kind_save(
            project=world.project, by=world.coord, name="Koken", belongs_to="buddy"
        )
        k2 = services.task_kind_save(
            project=world.project, by=world.coord, name="koken", belongs_to="buddy"
        )
        assert k1.pk == k2.pk
        services.task_kinds_seed(project=world.project)
        services.task_kinds_seed(project=world.project)
        assert TaskKind.objects.filter(project=world.project, preset="money").count() == 1
        t1 = services.agreement_template_save(
            project=world.project, by=world.coord, data={"purpose": "Samen"}
        )
        t2 = services.agreement_template_save(
            project=world.project, by=world.coord, data={"purpose": "Samen"}
        )
        assert t1.pk == t2.pk


def test_one_open_trajectory_per_pair_is_a_database_rule(world, trajectory):
    from django.db import IntegrityError, transaction

    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.create(
            project=world.project,
            buddy=world.buddy,
            participant=world.own_participant,
            started_on=timezone.localdate(),
        )


def test_a_double_click_on_pause_through_the_page_pauses_once(world, client_for, trajectory):
    with scopes_disabled():
        Trajectory.objects.filter(pk=trajectory.pk).update(status="active")
    client = client_for(world.coord)
    for _ in range(2):
        response = client.post(
            url(world, trajectory, "status/"), {"to_status": "paused", "reason": "Ziek"}
        )
        assert response.status_code == 302
    with scopes_disabled():
        assert StatusChange.objects.filter(trajectory=trajectory, to_status="paused").count() == 1


# --- Reading never writes; reading is audited by the selector --------------------------


def test_opening_the_kinds_of_tasks_writes_nothing_and_changing_a_preset_seeds(world, client_for):
    client = client_for(world.coord)
    address = f"/p/{world.project.code}/task-kinds/"
    response = client.get(address)
    assert response.status_code == 200 and 'value="preset:money"' in response.content.decode()
    with scopes_disabled():
        assert not TaskKind.objects.filter(project=world.project).exists()
    assert client.post(address, {"kind": "preset:money", "belongs_to": "anyone"}).status_code == 302
    with scopes_disabled():
        assert TaskKind.objects.get(project=world.project, preset="money").belongs_to == "anyone"
        assert TaskKind.objects.filter(project=world.project).count() == 8


def test_the_role_division_page_is_audited_in_plain_words(world, client_for, trajectory):
    from buddynet.core import audit_labels

    client_for(world.buddy_user).get(url(world, trajectory, "roles/"))
    client_for(world.buddy_user).get(url(world, trajectory, "goals/"))
    client_for(world.buddy_user).get(api(world, trajectory))
    with scopes_disabled():
        actions = set(
            AuditEntry.unscoped.filter(object_id=trajectory.pk).values_list("action", "via")
        )
    assert ("role_division.viewed", "web") in actions
    assert ("goals.viewed", "web") in actions
    assert ("trajectory.viewed", "api") in actions
    for action, _via in actions:
        assert audit_labels.label_for(action) != action


# --- Dates -----------------------------------------------------------------------------


def test_dates_are_bounded_in_the_forms_and_the_api(world, client_for, trajectory):
    client = client_for(world.buddy_user)
    response = client.post(
        url(world, trajectory, "journal/new/"),
        {"on": "9999-12-31", "kind": "visit", "duration_minutes": "60", "visibility": "team"},
    )
    assert response.status_code == 400 and "9999-12-31" in response.content.decode()
    old = (timezone.localdate() - timedelta(days=365 * 3)).isoformat()
    with scopes_disabled():
        Trajectory.objects.filter(pk=trajectory.pk).update(
            started_on=timezone.localdate() - timedelta(days=365 * 4)
        )
    answer = client.post(
        api(world, trajectory, "/journal"),
        {"kind": "visit", "on": old},
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"
    with scopes_disabled():
        goal = services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Fietsen")
    response = client.post(
        url(world, trajectory, "goals/"), {"goal": str(goal.code), "level": "2", "on": "9999-01-01"}
    )
    assert response.status_code == 400


def test_one_bad_row_never_breaks_a_page(world, client_for, trajectory):
    with scopes_disabled():
        goal = services.goal_add(trajectory=trajectory, by=world.buddy_user, title="Fietsen")
        GoalLevelChange.objects.create(
            project=world.project, goal=goal, level=3, on=date(9999, 12, 31)
        )
        Trajectory.objects.filter(pk=trajectory.pk).update(
            last_contact_on=date(9999, 12, 31), status="active"
        )
        other = start(
            buddy=f.BuddyFactory(project=world.project),
            participant=f.ParticipantFactory(project=world.project, last_name=""),
            by=world.coord,
        )
        Trajectory.objects.filter(pk=other.pk).update(started_on=date(1, 1, 1))
    client = client_for(world.coord)
    for address in (
        f"/p/{world.project.code}/trajectories/",
        url(world, trajectory),
        url(world, trajectory, "goals/"),
        url(world, other),
        "/",
    ):
        assert client.get(address).status_code == 200, address


# --- Quiet trajectories: one rule -----------------------------------------------------


def test_the_quiet_rule_lives_in_the_trajectories_selectors(world, trajectory):
    today = timezone.localdate()
    with scopes_disabled():
        Trajectory.objects.filter(pk=trajectory.pk).update(started_on=today - timedelta(days=30))
        quiet = list(selectors.trajectories_quiet(project_ids=[world.project.pk], today=today))
        assert [t.pk for t in quiet] == [trajectory.pk]
        assert (today - quiet[0].last_logged).days == 30
        trajectory.refresh_from_db()
        assert selectors.quiet_for(trajectory, today=today) == 30
        previous = list(selectors._quiet_limits)
        try:
            selectors.register_quiet_limits(lambda ids: dict.fromkeys(ids, 60))
            assert selectors.quiet_for(trajectory, today=today) is None
            assert not selectors.trajectories_quiet(project_ids=[world.project.pk], today=today)
        finally:
            selectors._quiet_limits[:] = previous


# --- Panels for the people's files -----------------------------------------------------


def test_file_panels_show_the_current_trajectory_to_coordinators(world, trajectory):
    with scopes_disabled():
        coordinator = access_for_user(world.coord)
        buddy_access = access_for_user(world.buddy_user)
        panel = panels.participant_file_panel(
            participant=world.own_participant, access=coordinator, user=world.coord
        )
        assert panel["template"] == "trajectories/_file_panel.html"
        assert panel["current"].pk == trajectory.pk
        rendered = render_to_string(panel["template"], {"panel": {"context": panel}})
        assert "Bram Buddyman" in rendered and str(trajectory.code) in rendered
        panel = panels.buddy_file_panel(buddy=world.buddy, access=coordinator, user=world.coord)
        assert panel["current"].pk == trajectory.pk
        rendered = render_to_string(panel["template"], {"panel": {"context": panel}})
        assert "Fatma Zelfzicht" in rendered
        # The buddy, on their own file, sees the trajectory they are part of, with the
        # participant's first name only.
        own = panels.buddy_file_panel(buddy=world.buddy, access=buddy_access, user=world.buddy_user)
        rendered = render_to_string(own["template"], {"panel": {"context": own}})
        assert "Fatma" in rendered and "Zelfzicht" not in rendered
        stranger = f.BuddyFactory(project=world.project)
        assert (
            panels.buddy_file_panel(buddy=stranger, access=buddy_access, user=world.buddy_user)
            is None
        )
        nobody = f.BuddyFactory(project=world.project)
        empty = panels.buddy_file_panel(buddy=nobody, access=coordinator, user=world.coord)
        assert empty["current"] is None and empty["rows"] == []
