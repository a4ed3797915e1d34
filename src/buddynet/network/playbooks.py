"""What a playbook carries: the pieces of a project's working method that exist as
settings today, how to read them (a snapshot) and how to write them into another
project (adoption), piece by piece.

A piece is one settings record (``volunteer_terms``, ``agreement_template``,
``followup_cadence``, ``matching_weights``, ``impact_plan``) or one row of a list
(``task_kind:<preset or name>``, ``training_module:<title>``). Nothing about people is
ever read: only the project's own settings.

Adopting compares three hashes per piece (``plan``): the source's values now, the
source's values the adopter last took (``AdoptedPiece.source_hash``) and the adopter's
copy right after taking them (``AdoptedPiece.copy_hash``). A copy the adopter changed
since is never overwritten unless they say "take over" for that piece.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from buddynet.followup.models import Cadence
from buddynet.impact.models import ImpactPlan
from buddynet.matching.models import MatchingSettings
from buddynet.trajectories.models import AgreementTemplate, TaskKind
from buddynet.volunteers.models import TrainingModule, VolunteerTerms

from .models import AdoptedPiece

# One record per project: (model, fields copied). Fields that only make sense for the
# source (its insurer's policy number, its contact person) are not copied.
SINGLE = {
    "volunteer_terms": (
        VolunteerTerms,
        tuple(f for f in VolunteerTerms.FIELDS if f not in VolunteerTerms.OWN_PARTICULARS),
    ),
    "agreement_template": (AgreementTemplate, AgreementTemplate.SECTION_FIELDS),
    "followup_cadence": (Cadence, Cadence.SETTING_FIELDS),
    "matching_weights": (
        MatchingSettings,
        (*MatchingSettings.WEIGHT_FIELDS, "participant_max_km"),
    ),
    "impact_plan": (ImpactPlan, ("instruments", "mid_after_months", "link_valid_days")),
}
# Rows of a list: (model, fields copied, the field (or function) that names a row).
LISTS = {
    "task_kind": (TaskKind, ("name", "preset", "belongs_to")),
    "training_module": (
        TrainingModule,
        ("title", "description", "hours", "required_before_matching", "refresh_months"),
    ),
}
LABELS = {
    "volunteer_terms": _("Volunteer terms"),
    "agreement_template": _("Agreement template"),
    "followup_cadence": _("Follow-up cadence"),
    "matching_weights": _("Matching weights"),
    "impact_plan": _("Impact questionnaires"),
    "task_kind": _("Task kind"),
    "training_module": _("Training module"),
}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def values_of(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def digest(values: dict | None) -> str:
    if values is None:
        return ""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _row_key(kind: str, obj) -> str:
    if kind == "task_kind":
        return obj.preset or obj.name
    return obj.title


def snapshot(project) -> dict:
    """The project's working method as plain JSON: ``{piece: values}``."""
    result: dict[str, dict] = {}
    with scopes_disabled():
        for piece, (model, fields) in SINGLE.items():
            obj = model.objects.filter(project_id=project.pk).first()
            if obj is not None:
                result[piece] = values_of(obj, fields)
        for kind, (model, fields) in LISTS.items():
            for obj in model.objects.filter(project_id=project.pk).order_by("pk"):
                result[f"{kind}:{_row_key(kind, obj)}"] = values_of(obj, fields)
    return result


def label(piece: str) -> str:
    kind, _sep, key = piece.partition(":")
    if kind == "task_kind" and key in TaskKind.PRESETS:
        key = str(TaskKind.PRESETS[key])
    base = str(LABELS.get(kind, kind))
    return f"{base}: {key}" if key else base


def _current(project, piece: str):
    """The adopter's own record for a piece (None when it has none)."""
    kind, _sep, key = piece.partition(":")
    if kind in SINGLE:
        return SINGLE[kind][0].objects.filter(project_id=project.pk).first()
    model: Any = LISTS[kind][0]
    rows = model.objects.filter(project_id=project.pk)
    if kind == "task_kind":
        return rows.filter(preset=key).first() or rows.filter(preset="", name=key).first()
    return rows.filter(title=key).first()


def _fields(piece: str):
    kind = piece.partition(":")[0]
    return (SINGLE.get(kind) or LISTS[kind])[1]


@dataclass
class Step:
    """What adopting does with one piece."""

    piece: str
    action: str  # create | same | update | kept | conflict
    source: dict
    mine: dict | None

    @property
    def label(self) -> str:
        return label(self.piece)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, the adopter's value, the playbook's value) for fields that differ."""
        mine = self.mine or {}
        return [(k, mine.get(k), v) for k, v in self.source.items() if mine.get(k) != v]


def plan(*, project, playbook, version) -> list[Step]:
    """What adopting ``version`` into ``project`` would do, piece by piece."""
    with scopes_disabled():
        adopted = {
            a.piece: a for a in AdoptedPiece.objects.filter(project=project, playbook=playbook)
        }
        steps = []
        for piece, source in version.snapshot.items():
            if piece.partition(":")[0] not in SINGLE | LISTS:
                continue
            obj = _current(project, piece)
            mine = values_of(obj, _fields(piece)) if obj is not None else None
            previous = adopted.get(piece)
            if mine is None:
                action = "create"
            elif digest(mine) == digest(source):
                action = "same"
            elif previous is None:
                action = "conflict"
            elif previous.source_hash == digest(source):
                action = "kept"
            elif digest(mine) == previous.copy_hash:
                action = "update"
            else:
                action = "conflict"
            steps.append(Step(piece, action, source, mine))
    return steps


def write(project, piece: str, values: dict) -> dict:
    """Write ``values`` into the project's own record for ``piece`` (made if missing);
    return the record's values after."""
    kind = piece.partition(":")[0]
    with scopes_disabled():
        obj = _current(project, piece)
        if obj is None:
            model = (SINGLE.get(kind) or LISTS[kind])[0]
            obj = model(project=project)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        obj.refresh_from_db()
        return values_of(obj, _fields(piece))


def mine_now(project, piece: str) -> dict | None:
    with scopes_disabled():
        obj = _current(project, piece)
        return values_of(obj, _fields(piece)) if obj is not None else None
