"""Why a pair scores what it scores, in plain language, and why a near miss is not a match.

A score's breakdown is stored with each proposal as plain JSON (`breakdown_of`), so it can
be shown later in whatever language the reader uses (`reasons`, `failure_text`).

Sensitive criteria (life experience: it can reveal health, addiction or migration) are
shown only to people who may see special-category data (``participants.view_sensitive``,
i.e. staff); others see that the criterion counted, not what it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from buddynet.core.choices import LANGUAGES, SLOTS
from buddynet.participants.models import Participant

from . import engine, vocabulary

CRITERION_LABELS = {
    "distance": gettext_lazy("Distance"),
    "availability": gettext_lazy("Time"),
    "interests": gettext_lazy("Interests"),
    "skills": gettext_lazy("Help with"),
    "language": gettext_lazy("Language"),
    "age": gettext_lazy("Age"),
    "life_experience": gettext_lazy("Life experience"),
    "preferences": gettext_lazy("Wishes"),
    "waiting": gettext_lazy("Waiting"),
    "mutual_interest": gettext_lazy("Raised hand"),
}
assert tuple(CRITERION_LABELS) == engine.CRITERIA
SENSITIVE = frozenset({"life_experience"})
LEVELS = {
    1: gettext_lazy("basic level"),
    2: gettext_lazy("conversational level"),
    3: gettext_lazy("fluent"),
}


def _km(value: float) -> str:
    """3.4 km → "3,4"; 5.0 → "5"; 34.4 → "34" (in the page's number format)"""
    shown = round(value, 1) if value < 10 else round(value)
    if shown == int(shown):
        shown = int(shown)
    return number_format(shown, use_l10n=True)


def _names(codes, table) -> str:
    names = dict(table)
    return ", ".join(str(names.get(code, code)) for code in codes)


def _topics(codes) -> str:
    return ", ".join(str(vocabulary.topic_label(code)) for code in codes)


def _wishes(participant: engine.Participant, buddy: engine.Buddy, year: int) -> tuple[int, int]:
    """("would like" wishes met, wishes) on both sides, as the engine counts them"""
    p_group = engine.age_group(participant.birth_year, year)
    b_group = engine.age_group(buddy.birth_year, year)
    met = wishes = 0
    for pref, value in (
        (participant.gender_pref, buddy.gender or None),
        (participant.age_pref, b_group),
        (buddy.gender_pref, participant.gender or None),
        (buddy.age_pref, p_group),
    ):
        if pref is not None and pref.strength == "would_like" and pref.values:
            wishes += 1
            met += value in pref.values
    return met, wishes


def breakdown_of(
    why: engine.Explanation, participant: engine.Participant, buddy: engine.Buddy, year: int
) -> dict:
    """The explanation as plain JSON, with what the sentences need"""
    met, wishes = _wishes(participant, buddy, year)
    gap = None
    if participant.birth_year is not None and buddy.birth_year is not None:
        gap = abs(participant.birth_year - buddy.birth_year)
    levels = [min(participant.level(c), buddy.level(c)) for c in why.shared_languages]
    return {
        "score": round(why.score, 4),
        "criteria": {
            c.name: {
                "value": round(c.value, 4),
                "weight": round(c.weight, 4),
                "points": round(c.points, 4),
            }
            for c in why.criteria
        },
        "distance_km": round(why.distance_km, 2),
        "limit_km": min(participant.max_km, buddy.max_km),
        "languages": list(why.shared_languages),
        "level": max(levels, default=0),
        "slots": list(why.shared_slots),
        "interests": list(why.shared_interests),
        "needs_met": list(why.matched_needs),
        "needs": sorted(participant.needs),
        "experience": list(why.shared_experience),
        "experience_wanted": sorted(participant.experience_wanted),
        "age_gap": gap,
        "wishes_met": met,
        "wishes": wishes,
        "waiting_days": participant.waiting_days,
        "urgency": participant.urgency,
        "hand": buddy.id in participant.hands,
        "failures": [
            {"code": f.code, "value": f.value, "limit": f.limit, "message": f.message}
            for f in why.failures
        ],
    }


@dataclass(frozen=True)
class Reason:
    name: str
    label: str
    text: str
    points: float
    weight: float
    value: float
    hidden: bool = False


def _criterion_text(name: str, b: dict) -> str:
    if name == "distance":
        if b["distance_km"] < 0.05:  # homes are placed per municipality
            return _("live in the same municipality (at most %(limit)s km)") % {
                "limit": _km(b["limit_km"])
            }
        return _("%(km)s km apart (at most %(limit)s km)") % {
            "km": _km(b["distance_km"]),
            "limit": _km(b["limit_km"]),
        }
    if name == "availability":
        if not b["slots"]:
            return _("no moment in common")
        slots = _names(b["slots"], SLOTS)
        if (get_language() or "").startswith("nl"):
            slots = slots.lower()  # "woensdag namiddag": no capitals inside a Dutch sentence
        return ngettext(
            "%(n)d moment in common: %(slots)s",
            "%(n)d moments in common: %(slots)s",
            len(b["slots"]),
        ) % {"n": len(b["slots"]), "slots": slots}
    if name == "interests":
        if not b["interests"]:
            return _("no shared interests")
        return _("both like %(interests)s") % {"interests": ", ".join(b["interests"])}
    if name == "skills":
        if not b["needs"]:
            return _("no help topics recorded")
        if not b["needs_met"]:
            return _("none of the topics asked (%(topics)s)") % {"topics": _topics(b["needs"])}
        return _("can help with %(topics)s (%(met)d of %(n)d topics)") % {
            "topics": _topics(b["needs_met"]),
            "met": len(b["needs_met"]),
            "n": len(b["needs"]),
        }
    if name == "language":
        if not b["languages"]:
            return _("no shared language")
        return _("speak %(languages)s together (%(level)s)") % {
            "languages": _names(b["languages"], LANGUAGES),
            "level": LEVELS.get(b["level"], ""),
        }
    if name == "age":
        if b["age_gap"] is None:
            return _("an age is not known")
        return ngettext("%(n)d year apart in age", "%(n)d years apart in age", b["age_gap"]) % {
            "n": b["age_gap"]
        }
    if name == "life_experience":
        if not b["experience_wanted"]:
            return _("no life experience asked for")
        if not b["experience"]:
            return _("not the life experience asked for (%(kinds)s)") % {
                "kinds": _topics(b["experience_wanted"])
            }
        return _("has life experience with %(kinds)s") % {"kinds": _topics(b["experience"])}
    if name == "preferences":
        if not b["wishes"]:
            return _("no wishes about each other")
        return _("%(met)d of %(n)d wishes met") % {"met": b["wishes_met"], "n": b["wishes"]}
    if name == "waiting":
        urgency = Participant.Urgency(b["urgency"]).label if b["urgency"] else ""
        return ngettext(
            "waiting %(days)d day, urgency: %(urgency)s",
            "waiting %(days)d days, urgency: %(urgency)s",
            b["waiting_days"],
        ) % {"days": b["waiting_days"], "urgency": urgency}
    if name == "mutual_interest":
        return _("raised a hand on this help request") if b["hand"] else _("no raised hand")
    return ""


def reasons(breakdown: dict, *, show_sensitive: bool) -> list[Reason]:
    """One sentence per criterion that counts (weight > 0), the most points first"""
    out = []
    for name in engine.CRITERIA:
        c = breakdown.get("criteria", {}).get(name)
        if c is None or c["weight"] <= 0:
            continue
        hidden = name in SENSITIVE and not show_sensitive
        text = _("visible to coordinators only") if hidden else _criterion_text(name, breakdown)
        out.append(
            Reason(
                name=name,
                label=str(CRITERION_LABELS[name]),
                text=text,
                points=c["points"],
                weight=c["weight"],
                value=c["value"],
                hidden=hidden,
            )
        )
    out.sort(key=lambda r: -r.points)
    return out


def failure_text(failure: dict, *, show_sensitive: bool, status_label: str = "") -> str:
    """A failed hard constraint in words: what follows "would fit, but" """
    code = failure["code"]
    if code == "distance":
        return _("lives %(km)s km away (at most %(limit)s km)") % {
            "km": _km(failure["value"] or 0),
            "limit": _km(failure["limit"] or 0),
        }
    texts = {
        "language": _("shares no language"),
        "availability": _("has no moment in common"),
        "capacity": _("the buddy has no place left"),
        "not_ready": _("the buddy is not ready to match yet (%(status)s)")
        % {"status": status_label or _("not ready")},
        "participant_preference": _("a wish the participant marked 'must' is not met"),
        "buddy_preference": _("a wish the buddy marked 'must' is not met"),
        "safeguarding": _("minors are involved and the buddy has no valid record check"),
        "excluded": _("this pair said no before or ended badly"),
    }
    if code in ("participant_preference", "buddy_preference") and not show_sensitive:
        return _("a wish marked 'must' is not met")
    return texts.get(code, failure.get("message", code))


def would_fit_but(failure: dict, *, show_sensitive: bool, status_label: str = "") -> str:
    """ "Would fit, but lives 34 km away (at most 10 km)" """
    return _("Would fit, but %(reason)s") % {
        "reason": failure_text(failure, show_sensitive=show_sensitive, status_label=status_label)
    }
