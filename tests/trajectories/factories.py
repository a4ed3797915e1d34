"""Trajectories for tests: one that is "theirs" for the world's buddy, participant and
professional personas, and one in the other project."""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.trajectories import services
from buddynet.trajectories.models import JournalEntry, Trajectory
from tests.factories import share_with_referrer

AGREEMENT = {"purpose": "Samen de stad leren kennen.", "meeting_frequency": "elke week"}


def start(*, buddy, participant, by, professional=None) -> Trajectory:
    with scopes_disabled():
        trajectory = services.trajectory_start(buddy=buddy, participant=participant, by=by)
        if professional is not None:
            trajectory.professional = professional
            trajectory.save(update_fields=["professional"])
        if trajectory.professional_id:
            share_with_referrer(participant, by=by)
        return Trajectory.objects.select_related(
            "buddy", "participant", "professional", "project__organisation"
        ).get(pk=trajectory.pk)


def own_trajectory(w) -> Trajectory:
    """Buddy Bram with Fatma (the participant persona), shared with the professional.
    The follow-up rows make the same one under the same key."""
    return w.once(
        "trajectory",
        lambda w: start(
            buddy=w.buddy, participant=w.own_participant, by=w.coord, professional=w.prof
        ),
    )


def other_trajectory(w) -> Trajectory:
    return w.once(
        "other_trajectory",
        lambda w: start(buddy=w.other_buddy, participant=w.other_participant, by=w.other_coord),
    )


def with_agreement(w, trajectory, by):
    """A small frozen version made directly (like the information note's rows): its text
    holds no catalogue strings, so the i18n test sees only the page around it."""

    def make(w):
        from buddynet.trajectories.models import Agreement, AgreementVersion

        agreement = Agreement.objects.create(
            project=trajectory.project, trajectory=trajectory, purpose=AGREEMENT["purpose"]
        )
        text = f"Afsprakenkader\n\nDoel\n{AGREEMENT['purpose']}"
        return AgreementVersion.objects.create(
            project=trajectory.project,
            agreement=agreement,
            number=1,
            text=text,
            document_hash=services.document_hash(text),
            parties=services.required_parties(trajectory),
            created_by=by,
        )

    return w.once(f"version-{trajectory.pk}", make)


def journal_entries(w, trajectory, author):
    """One entry of each visibility."""

    def make(w):
        return {
            v: services.journal_add(
                trajectory=trajectory,
                by=author,
                data={"kind": "visit", "note": f"Notitie {v}", "visibility": v},
            )
            for v in JournalEntry.Visibility.values
        }

    return w.once(f"journal-{trajectory.pk}", make)
