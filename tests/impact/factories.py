"""Objects the impact tests and access rows need."""

from __future__ import annotations

from datetime import timedelta

from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.impact import services
from buddynet.impact.models import Measurement
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.trajectories.services import trajectory_start
from tests import factories as f


def give_consent(participant, *, by, given: bool = True) -> None:
    with scopes_disabled():
        participant_services.consent_record(
            participant=participant, purpose=consent.IMPACT, given=given, by=by
        )


def who5(value: int) -> dict[str, int]:
    return dict.fromkeys("12345", value)


def start(buddy, participant, by, *, started_on=None):
    """A trajectory of a participant who consented: start and mid-point get planned."""
    give_consent(participant, by=by)
    with scopes_disabled():
        return trajectory_start(buddy=buddy, participant=participant, by=by, started_on=started_on)


def measurement(trajectory, moment: str = "baseline") -> Measurement:
    with scopes_disabled():
        found = Measurement.objects.filter(trajectory=trajectory, moment=moment).first()
        if found is None:
            found = Measurement.objects.create(
                project_id=trajectory.project_id,
                trajectory=trajectory,
                participant_id=trajectory.participant_id,
                moment=moment,
                due_on=clock.today(),
                instruments=["djg6", "who5"],
            )
        return found


DJG6_NONE = {"3": "nee", "9": "nee", "10": "nee", "4": "ja", "7": "ja", "8": "ja"}
DJG6_SOME = {"3": "ja", "9": "ja", "10": "nee", "4": "nee", "7": "ja", "8": "ja"}  # total 3


def enter(trajectory, moment, *, who5_value: int, djg6=None, by=None):
    with scopes_disabled():
        return services.answers_enter(
            measurement=measurement(trajectory, moment),
            answers={"who5": who5(who5_value), "djg6": djg6 or DJG6_SOME},
            entered_by="coordinator",
            by=by,
        )


def measured_people(project, by, count: int, *, before: int = 2, after: int = 3):
    """``count`` people in ``project`` measured at the start and at closure."""
    trajectories = []
    for i in range(count):
        with scopes_disabled():
            buddy = f.BuddyFactory(project=project, first_name=f"B{i}")
            participant = f.ParticipantFactory(project=project, first_name=f"P{i}")
        t = start(buddy, participant, by, started_on=clock.today() - timedelta(days=200))
        enter(t, "baseline", who5_value=before, by=by)
        enter(t, "closure", who5_value=after, djg6=DJG6_NONE, by=by)
        trajectories.append(t)
    return trajectories


def report_run(project, by, *, status: str = "done", **fields):
    """A funder report run (``impact.reports``); a done one has small stand-in files in
    the storage (the real build is tested in test_reports)."""
    from django.core.files.base import ContentFile

    from buddynet.impact.models import ReportRun

    today = clock.today()
    with scopes_disabled():
        run = ReportRun.objects.create(
            project=project,
            date_from=fields.pop("date_from", today - timedelta(days=365)),
            date_to=fields.pop("date_to", today),
            status=status,
            progress=100 if status == "done" else 0,
            requested_by=by,
            **fields,
        )
        if status == "done":
            run.pdf.save("impact.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=False)
            run.xlsx.save("impact.xlsx", ContentFile(b"PK stand-in"), save=False)
            run.save()
        return run


# --- The project's own questionnaires ---------------------------------------------------

SCALE = {
    "kind": "scale",
    "low_nl": "lukt niet alleen",
    "high_nl": "lukt helemaal alleen",
    "higher_is_better": True,
}


def own_questionnaire(project, by, *questions: dict, name: str = "Zelfredzaamheid"):
    """An own questionnaire with ``questions`` (the service's data, ``text_nl`` and
    ``kind`` at least); returns ``(questionnaire, [questions])``."""
    with scopes_disabled():
        questionnaire = services.own_questionnaire_create(project=project, name=name, by=by)
        made = [
            services.own_question_add(questionnaire=questionnaire, data=data, by=by)
            for data in questions
        ]
    return questionnaire, made


def ask_own(trajectory, questionnaire, moment: str) -> Measurement:
    """The trajectory's measurement at ``moment``, asking ``questionnaire`` too."""
    found = measurement(trajectory, moment)
    with scopes_disabled():
        Measurement.objects.filter(pk=found.pk).update(own_questionnaires=[questionnaire.pk])
        found.refresh_from_db()
    return found


def enter_own(trajectory, moment: str, questionnaire, own: dict, *, by):
    """Fill in a moment (built-ins at fixed answers) with ``own`` (question pk → answer)."""
    found = ask_own(trajectory, questionnaire, moment)
    with scopes_disabled():
        return services.answers_enter(
            measurement=found,
            answers={"who5": who5(3), "djg6": DJG6_SOME},
            entered_by="coordinator",
            by=by,
            own=own,
        )


def own_pairs(project, by, questionnaire, pairs: list[tuple[dict, dict]]):
    """One person per ``(start answers, closure answers)``, measured at both moments."""
    trajectories = []
    for i, (before, after) in enumerate(pairs):
        with scopes_disabled():
            buddy = f.BuddyFactory(project=project, first_name=f"OB{i}")
            participant = f.ParticipantFactory(project=project, first_name=f"OP{i}")
        t = start(buddy, participant, by, started_on=clock.today() - timedelta(days=200))
        enter_own(t, "baseline", questionnaire, before, by=by)
        enter_own(t, "closure", questionnaire, after, by=by)
        trajectories.append(t)
    return trajectories
