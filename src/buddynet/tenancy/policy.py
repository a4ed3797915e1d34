"""The one place that decides what each role may do.

Views and API endpoints declare a named permission (``participants.view``); a user's
permissions in a project are the union over the memberships that reach that project.
Object-level rules (a referrer sees only the people they referred, a buddy only their
own file) live in the selectors, which take the acting user.
"""

from __future__ import annotations

from .models import Role

PROJECT_VIEW = "project.view"
PROJECT_CHANGE = "project.change"
PROJECT_VIEW_AUDIT = "project.view_audit"
BUDDIES_VIEW = "buddies.view"
BUDDIES_VIEW_CONTACT = "buddies.view_contact"
PARTICIPANTS_VIEW = "participants.view"
PARTICIPANTS_VIEW_REFERRED = "participants.view_referred"
PARTICIPANTS_VIEW_SENSITIVE = "participants.view_sensitive"
NETWORK_VIEW_AGGREGATES = "network.view_aggregates"
SELF_VIEW_BUDDY = "self.view_buddy_profile"
SELF_VIEW_PARTICIPANT = "self.view_participant_profile"
# Buddies: recruitment, screening, training, onboarding.
VACANCIES_MANAGE = "vacancies.manage"
BUDDIES_CHANGE = "buddies.change"
TRAINING_MANAGE = "training.manage"
BUDDIES_VIEW_POOL = "buddies.view_pool"
SELF_EDIT_BUDDY = "self.edit_buddy_profile"
# Participants: referral, intake, consent, waiting list.
PARTICIPANTS_REFER = "participants.refer"
PARTICIPANTS_CHANGE = "participants.change"
# Matching: ranking, global proposals, introductions, mutual interest.
MATCHING_MANAGE = "matching.manage"
MATCHING_RAISE_HAND = "matching.raise_hand"
MATCHING_ANSWER = "matching.answer"
# Trajectories: agreements, role division, journal, goals, closure. Which trajectory
# a buddy, participant or professional may see is decided in the selectors.
TRAJECTORIES_VIEW = "trajectories.view"
TRAJECTORIES_MANAGE = "trajectories.manage"
TRAJECTORIES_VIEW_OWN = "trajectories.view_own"
JOURNAL_WRITE = "trajectories.journal_write"
# Follow-up and boundaries.
FOLLOWUP_MANAGE = "followup.manage"
SIGNALS_RAISE = "signals.raise"
SIGNALS_HANDLE = "signals.handle"
# Impact: questionnaires before and after. Answers are read by coordinators only; a
# buddy and a professional never see them.
IMPACT_MANAGE = "impact.manage"
IMPACT_VIEW_OUTCOMES = "impact.view_outcomes"
# Expenses: a buddy files their own claims; coordinators approve, pay and keep the named
# list and the insurance; a network coordinator sees only totals.
EXPENSES_CLAIM = "expenses.claim"
EXPENSES_MANAGE = "expenses.manage"
EXPENSES_VIEW_TOTALS = "expenses.view_totals"
# The learning network's own space (library, playbooks, intervision, questions): decided
# per network from the roles a user holds in it (``network.selectors.space_for``).
NETWORK_SPACE_VIEW = "network.space_view"
NETWORK_CURATE = "network.curate"
NETWORK_TAKE_PART = "network.take_part"
# The community around a family: the network's social map (read and kept by the
# coordinators of its projects), warm hand-overs to services on it and transfers
# between the network's projects (a project's coordinators).
COMMUNITY_MAP_VIEW = "community.map_view"
COMMUNITY_MAP_EDIT = "community.map_edit"
COMMUNITY_HANDOVER = "community.handover"
# Messages inside buddynet (contact): a party writes in their own conversations; a
# coordinator keeps the project's conversations with buddies and participants and its
# messaging rules. Which conversation a person may read is decided in the selectors.
CONTACT_USE = "contact.use"
CONTACT_COORDINATE = "contact.coordinate"
# One family, one plan: coordinators make and keep the plans; the family, the buddy and
# the professionals take part in the plans that concern them, in the sections the
# family's consent allows them (decided in ``plans.selectors``).
PLANS_MANAGE = "plans.manage"
PLANS_TAKE_PART = "plans.take_part"
# Importing buddies and participants from a spreadsheet: the project's coordinators.
IMPORTS_RUN = "imports.run"
# The right of access and portability: a complete export of a participant's or a
# buddy's data, asked for and downloaded (once) by the project's coordinators.
PRIVACY_EXPORT = "privacy.export"
# Erasure (anonymisation) of a participant or a buddy, after a dry run: the project's
# coordinators.
PRIVACY_ERASE = "privacy.erase"
# The project's privacy oversight: the register of processing (art. 30), who opened
# which file (and the alert on many), the retention terms: the project's coordinators
# and its privacy officer (of the project, or of its whole network).
PRIVACY_OVERSEE = "privacy.oversee"
# Setting the retention terms and the lookup alert: the project's coordinators, who
# decide for the organisation. The privacy officer reads and advises; deciding what
# they then oversee would be a conflict of interest (GDPR art. 38(6)).
PRIVACY_SET_TERMS = "privacy.set_terms"
# The project's team: who works on it besides the buddies (its coordinators, referring
# professionals and privacy officer). The project's coordinators invite and remove them.
TEAM_MANAGE = "team.manage"

# Every permission the policy knows: the names above (``Can`` and ``access`` refuse others).
ALL_PERMISSIONS: frozenset[str] = frozenset(
    value for name, value in globals().items() if name.isupper() and isinstance(value, str)
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Network coordinators see every project of their network at a glance, in
    # aggregates: never a participant's or a buddy's identity.
    Role.NETWORK_COORDINATOR: frozenset(
        {
            PROJECT_VIEW,
            NETWORK_VIEW_AGGREGATES,
            EXPENSES_VIEW_TOTALS,
            NETWORK_SPACE_VIEW,
            NETWORK_CURATE,
            COMMUNITY_MAP_VIEW,
            COMMUNITY_MAP_EDIT,
        }
    ),
    Role.PROJECT_COORDINATOR: frozenset(
        {
            PROJECT_VIEW,
            PROJECT_CHANGE,
            PROJECT_VIEW_AUDIT,
            BUDDIES_VIEW,
            BUDDIES_VIEW_CONTACT,
            PARTICIPANTS_VIEW,
            PARTICIPANTS_VIEW_SENSITIVE,
            VACANCIES_MANAGE,
            BUDDIES_CHANGE,
            TRAINING_MANAGE,
            BUDDIES_VIEW_POOL,
            PARTICIPANTS_REFER,
            PARTICIPANTS_CHANGE,
            MATCHING_MANAGE,
            TRAJECTORIES_VIEW,
            TRAJECTORIES_MANAGE,
            JOURNAL_WRITE,
            FOLLOWUP_MANAGE,
            SIGNALS_RAISE,
            SIGNALS_HANDLE,
            IMPACT_MANAGE,
            IMPACT_VIEW_OUTCOMES,
            EXPENSES_MANAGE,
            EXPENSES_VIEW_TOTALS,
            NETWORK_SPACE_VIEW,
            NETWORK_TAKE_PART,
            COMMUNITY_MAP_VIEW,
            COMMUNITY_MAP_EDIT,
            COMMUNITY_HANDOVER,
            CONTACT_USE,
            CONTACT_COORDINATE,
            PLANS_MANAGE,
            IMPORTS_RUN,
            PRIVACY_EXPORT,
            PRIVACY_ERASE,
            PRIVACY_OVERSEE,
            PRIVACY_SET_TERMS,
            TEAM_MANAGE,
        }
    ),
    Role.PROFESSIONAL: frozenset(
        {
            PROJECT_VIEW,
            PARTICIPANTS_VIEW_REFERRED,
            PARTICIPANTS_REFER,
            TRAJECTORIES_VIEW_OWN,
            SIGNALS_RAISE,
            PLANS_TAKE_PART,
        }
    ),
    Role.BUDDY: frozenset(
        {
            PROJECT_VIEW,
            SELF_VIEW_BUDDY,
            SELF_EDIT_BUDDY,
            MATCHING_RAISE_HAND,
            MATCHING_ANSWER,
            TRAJECTORIES_VIEW_OWN,
            JOURNAL_WRITE,
            SIGNALS_RAISE,
            EXPENSES_CLAIM,
            NETWORK_SPACE_VIEW,
            CONTACT_USE,
            PLANS_TAKE_PART,
        }
    ),
    Role.PARTICIPANT: frozenset(
        {
            PROJECT_VIEW,
            SELF_VIEW_PARTICIPANT,
            MATCHING_ANSWER,
            TRAJECTORIES_VIEW_OWN,
            SIGNALS_RAISE,
            CONTACT_USE,
            PLANS_TAKE_PART,
        }
    ),  # The privacy officer ("privacyverantwoordelijke") oversees, and that is all: the
    # oversight pages show which file was opened by whom, never what a file holds (no
    # file, no export, no erasure: those stay with the coordinators who know the person).
    Role.PRIVACY_OFFICER: frozenset({PROJECT_VIEW, PRIVACY_OVERSEE}),
}

assert all(perms <= ALL_PERMISSIONS for perms in ROLE_PERMISSIONS.values())

NETWORK_SPACE_PERMISSIONS = frozenset({NETWORK_SPACE_VIEW, NETWORK_CURATE, NETWORK_TAKE_PART})

COORDINATOR_ROLES = frozenset({Role.PROJECT_COORDINATOR, Role.NETWORK_COORDINATOR})


def permissions_for_roles(roles) -> frozenset[str]:
    result: set[str] = set()
    for role in roles:
        result |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(result)


class Can:
    """What a template may ask about one project, by the policy's own names.

    ``{% if can.PARTICIPANTS_VIEW %}`` instead of ``{% if "participants.view" in
    perms_here %}``: a misspelt name raises instead of silently hiding a link (and
    ``tests/test_templates_permissions.py`` checks every name templates use).
    """

    __slots__ = ("_perms",)

    def __init__(self, perms: frozenset[str] | set[str]):
        self._perms = frozenset(perms)

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_") or not name.isupper():
            raise AttributeError(name)
        permission = globals().get(name)
        if not isinstance(permission, str) or permission not in ALL_PERMISSIONS:
            raise AttributeError(f"No permission named {name} in tenancy.policy.")
        return permission in self._perms

    def __contains__(self, permission: str) -> bool:
        return permission in self._perms

    def __iter__(self):
        return iter(self._perms)
