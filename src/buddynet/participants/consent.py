"""What a participant consents to: one purpose at a time, each with its legal basis.

The registry is code, so every project explains the same things in the same words; the
decisions themselves are ``ConsentRecord`` rows (append-only, latest one counts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SUPPORT = "support"
KEEP_IN_TOUCH = "keep_in_touch"
SHARE_WITH_REFERRER = "share_with_referrer"
SPECIAL_CATEGORY = "special_category"


@dataclass(frozen=True)
class Purpose:
    key: str
    title: Promise
    what: Promise
    why: Promise
    retention: Promise
    shared_with: Promise
    legal_basis: Promise
    if_withdrawn: Promise
    required_for_waiting_list: bool = False


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
        legal_basis=_("Your consent (GDPR article 6.1.a)"),
        if_withdrawn=_(
            "We stop looking for a buddy. You leave the waiting list and your file is closed."
        ),
        required_for_waiting_list=True,
    ),
    Purpose(
        key=KEEP_IN_TOUCH,
        title=_("Contact while you wait"),
        what=_("Your phone number or e-mail address and notes of our calls."),
        why=_("To call you every few weeks while you wait, so you know where you stand."),
        retention=_("While you are on the waiting list."),
        shared_with=_("The coordinators of this project."),
        legal_basis=_("Your consent (GDPR article 6.1.a)"),
        if_withdrawn=_("We no longer call you while you wait. You keep your place."),
    ),
    Purpose(
        key=SHARE_WITH_REFERRER,
        title=_("Share your progress with the person who referred you"),
        what=_("Whether you are on the waiting list, have a buddy, or have left."),
        why=_("So the social worker who referred you can follow up their own help."),
        retention=_("While you are in the project."),
        shared_with=_("The professional who referred you."),
        legal_basis=_("Your consent (GDPR article 6.1.a)"),
        if_withdrawn=_("The person who referred you no longer sees how it is going."),
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
    ),
)

BY_KEY = {purpose.key: purpose for purpose in PURPOSES}
