"""What a participant consents to: one purpose at a time, each with its legal basis.

The registry is code, so every project explains the same things in the same words; the
decisions themselves are ``ConsentRecord`` rows (append-only, latest one counts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SUPPORT = "support"
KEEP_IN_TOUCH = "keep_in_touch"
SHARE_WITH_REFERRER = "share_with_referrer"
SPECIAL_CATEGORY = "special_category"
IMPACT = "impact_measurement"
HANDOVER = "warm_handover"
TRANSFER = "project_transfer"
MESSAGES = "messages_with_buddy"
FAMILY_PLAN = "family_plan"

# The legal basis of most purposes (the others name theirs).
CONSENT = _("Your consent (GDPR article 6.1.a)")


@dataclass(frozen=True)
class Purpose:
    key: str
    title: Promise
    what: Promise
    why: Promise
    retention: Promise
    shared_with: Promise
    legal_basis: Promise = field(default=CONSENT, kw_only=True)
    if_withdrawn: Promise
    required_for_waiting_list: bool = False
    # How many months the records this purpose covers are kept after the file closes
    # (what ``retention`` promises, as a number): the default of the project's retention
    # settings (``privacy.retention``). None: not counted from the file's closing.
    kept_months_after_close: int | None = None
    # The apps whose processing this purpose covers: each must register an effect
    # (``register_effect``) that stops it when the consent is withdrawn. A test walks
    # every purpose x every app, so a new app cannot forget.
    stops_in: tuple[str, ...] = field(default=())


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        key=SUPPORT,
        title=_("Support by a buddy"),
        what=_("Your name, how to reach you, your town, your help request and the intake."),
        why=_("To find a buddy who fits you and to follow up your time with the buddy."),
        retention=_(
            "While you are in the project and two years after. Then we remove your name "
            "and keep only anonymous figures."
        ),
        shared_with=_(
            "The coordinators of this project. After a match your buddy gets what they "
            "need to meet you: your first name and your help request."
        ),
        kept_months_after_close=24,
        if_withdrawn=_(
            "We stop looking for a buddy. You leave the waiting list and your file is closed."
        ),
        required_for_waiting_list=True,
        stops_in=("participants", "matching", "trajectories", "followup"),
    ),
    Purpose(
        key=KEEP_IN_TOUCH,
        title=_("Contact while you wait"),
        what=_("Your phone number or e-mail address and notes of our calls."),
        why=_("To call you every few weeks while you wait, so you know where you stand."),
        retention=_("While you are on the waiting list."),
        shared_with=_("The coordinators of this project."),
        if_withdrawn=_("We no longer call you while you wait. You keep your place."),
        stops_in=("participants",),
    ),
    Purpose(
        key=SHARE_WITH_REFERRER,
        title=_("Share your progress with the person who referred you"),
        what=_("Whether you are on the waiting list, have a buddy, or have left."),
        why=_("So the social worker who referred you can follow up their own help."),
        retention=_("While you are in the project."),
        shared_with=_("The professional who referred you."),
        if_withdrawn=_("The person who referred you no longer sees how it is going."),
        stops_in=("participants", "trajectories", "followup"),
    ),
    Purpose(
        key=SPECIAL_CATEGORY,
        title=_("Health and origin"),
        what=_("What you tell us about your health, origin or culture. Always optional."),
        why=_("To find a buddy who understands your situation."),
        retention=_("While you are in the project, or until you ask us to remove it."),
        shared_with=_("Only the coordinators of this project. Never your buddy."),
        legal_basis=_("Your explicit consent (GDPR article 9.2.a)"),
        if_withdrawn=_("We delete this information at once."),
        stops_in=("participants",),
    ),
    Purpose(
        key=IMPACT,
        title=_("Impact measurement"),
        what=_(
            "Your answers to short questionnaires about loneliness and how you feel, at "
            "the start, halfway and at the end."
        ),
        why=_(
            "To see whether the project helps, and to show the project's funders and the "
            "learning network figures about groups of people, never about you alone."
        ),
        retention=_(
            "While you are in the project and two years after. Then only anonymous figures remain."
        ),
        shared_with=_(
            "The coordinators of this project read your answers. Others only see figures "
            "about at least five people together. Never your buddy."
        ),
        kept_months_after_close=24,
        legal_basis=_("Your explicit consent (GDPR articles 6.1.a and 9.2.a)"),
        if_withdrawn=_(
            "We no longer ask you to fill in questionnaires, your link stops working and "
            "your answers are left out of every figure."
        ),
        stops_in=("impact",),
    ),
    Purpose(
        key=HANDOVER,
        title=_("Passing you on to another service"),
        what=_(
            "For each service you agree to, only the details ticked with you, chosen "
            "from: your first name, your last name, your phone number, your e-mail "
            "address, your town, the languages you speak, the size of your household, "
            "your help request, and a short note from the coordinator about what you "
            "ask. Your buddy's first name when the buddy comes to the first meeting."
        ),
        why=_(
            "So the service (a family coach, the CAW, the OCMW, debt counselling, ...) "
            "can contact you and meet you together with your buddy and the coordinator."
        ),
        retention=_(
            "The service reads these details through a personal link that stops after "
            "30 days or when the hand-over ends. The project keeps a note of the "
            "hand-over while you are in the project."
        ),
        shared_with=_(
            "The contact person of the service you chose, and the coordinators of this project."
        ),
        if_withdrawn=_(
            "The service's link stops working at once and it no longer sees your "
            "details. The hand-over stops."
        ),
        stops_in=("community",),
    ),
    Purpose(
        key=TRANSFER,
        title=_("Moving to another project of the network"),
        what=_(
            "Your file (name, how to reach you, town, languages, help request, intake "
            "and contact notes) and the date you joined the waiting list."
        ),
        why=_(
            "So another buddy project of the same network can offer you a buddy, "
            "keeping your place counted from the date you first joined."
        ),
        retention=_("Until the other project accepts or declines the offer."),
        shared_with=_("The coordinators of the other project."),
        if_withdrawn=_("An offer to another project that is not yet answered is taken back."),
        stops_in=("community",),
    ),
    Purpose(
        key=MESSAGES,
        title=_("Messages with your buddy in buddynet"),
        what=_(
            "The messages, photos and documents you and your buddy send each other in "
            "buddynet, and when they were read."
        ),
        why=_(
            "So you and your buddy can make appointments without giving each other your "
            "phone number or e-mail address."
        ),
        retention=_("While your time with the buddy lasts and one year after."),
        shared_with=_(
            "Your buddy. The coordinators only if the project's rules say so; the "
            "conversation then tells you so."
        ),
        kept_months_after_close=12,
        if_withdrawn=_(
            "The conversation with your buddy closes at once: nobody can write in it any more."
        ),
        stops_in=("contact",),
    ),
    Purpose(
        key=FAMILY_PLAN,
        title=_("One family, one plan"),
        what=_(
            "Your family's plan: what goes well, what worries you, your goals in your own "
            "words, who does what and by when, and the talks about the plan."
        ),
        why=_(
            "So your family, your buddy and the people who help you work from one plan, "
            "and everyone knows who does what."
        ),
        retention=_("While the plan runs and two years after. Then it is removed."),
        shared_with=_(
            "The coordinators of this project. Your buddy and other helpers only see the "
            "parts of the plan you allow each of them."
        ),
        kept_months_after_close=24,
        if_withdrawn=_(
            "Your helpers no longer see the plan, at once. Nobody changes it any more. "
            "You can still read it yourself."
        ),
        stops_in=("plans",),
    ),
)


def purpose_title(key: str) -> str:
    """The title of the purpose ``key`` in the active language (the key itself for a
    purpose no longer in the registry)."""
    found = next((p for p in PURPOSES if p.key == key), None)
    return str(found.title) if found else key


BY_KEY = {purpose.key: purpose for purpose in PURPOSES}


# --- What a withdrawal stops, app by app --------------------------------------------


@dataclass(frozen=True)
class Effect:
    """One app's reaction to a withdrawn purpose: ``apply(participant=, by=, via=)``
    runs inside the withdrawal's transaction; ``describes`` says what it stops (shown
    to coordinators on the consent page and checked by the consent test)."""

    purpose: str
    app: str
    describes: Promise
    apply: Callable[..., None]


_EFFECTS: dict[str, list[Effect]] = {}


def register_effect(purpose: str, *, app: str, describes: Promise):
    """Decorator: ``@register_effect(SUPPORT, app="matching", describes=_("..."))`` on a
    function ``(*, participant, by, via) -> None``. Register from the app's ``ready()``
    (import the module that holds it)."""
    if purpose not in BY_KEY:
        raise ValueError(f"Unknown consent purpose {purpose!r}.")

    def decorator(func: Callable[..., None]) -> Callable[..., None]:
        effects = _EFFECTS.setdefault(purpose, [])
        effects[:] = [e for e in effects if e.app != app or e.apply.__name__ != func.__name__]
        effects.append(Effect(purpose=purpose, app=app, describes=describes, apply=func))
        return func

    return decorator


def effects_for(purpose: str) -> tuple[Effect, ...]:
    return tuple(_EFFECTS.get(purpose, ()))


def apply_withdrawal(*, participant, purpose: str, by, via: str = "web") -> None:
    """Stop everything ``purpose`` covers, in every app that registered an effect."""
    for effect in effects_for(purpose):
        effect.apply(participant=participant, by=by, via=via)
