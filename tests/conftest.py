"""Shared fixtures: personas in two networks (healthchecks' Alice/Bob/Charlie idea)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# Test settings: buddynet.settings_test (pyproject), fast hashing and an immediate queue.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API

import pytest
from django_scopes import scopes_disabled

from buddynet.core import audit_labels
from buddynet.core.models import AuditEntry
from tests import factories as f

# Every audit action written while the tests run (see _audit_actions_written).
WRITTEN_ACTIONS: set[str] = set()


@pytest.fixture(scope="session", autouse=True)
def _audit_actions_written():
    """Record each action AuditEntry.record writes during the whole run; at the end,
    pytest_sessionfinish fails the run if one has no plain words in a LABELS dict.
    (tests/core/test_audit_labels.py finds the actions in the source.)"""
    original = AuditEntry.record.__func__

    def record(cls, action, *args, **kwargs):
        WRITTEN_ACTIONS.add(action)
        return original(cls, action, *args, **kwargs)

    AuditEntry.record = classmethod(record)
    yield
    AuditEntry.record = classmethod(original)


# CI (``.ci/run``) runs the suite on SQLite and on PostgreSQL side by side on two cores.
# A test marked ``one_database`` checks nothing that depends on the database (the static
# files' manifest, HTML against axe, page widths, the translation catalogue, pure
# computation): the PostgreSQL run leaves it to the SQLite run when CI says so. Any other
# run (``make test`` on either database) runs it.
ONE_DATABASE_ELSEWHERE = os.environ.get("BUDDYNET_ONE_DATABASE_TESTS") == "elsewhere"


def pytest_collection_modifyitems(config, items):
    if not ONE_DATABASE_ELSEWHERE:
        return
    skip = pytest.mark.skip(reason="one_database: run by CI's SQLite suite")
    for item in items:
        if item.get_closest_marker("one_database"):
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    missing = sorted(a for a in WRITTEN_ACTIONS if a not in audit_labels.LABELS)
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"Audit actions written during the tests without plain words in a LABELS "
                f"dict: {missing}",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@dataclass
class World:
    network: object
    other_network: object
    project: object  # project A, in network
    sibling: object  # another project in the same network
    other: object  # project B, in other_network
    netco: object
    coord: object
    prof: object
    buddy_user: object
    participant_user: object
    other_coord: object
    superuser: object
    buddy: object
    participant: object  # in A, referred by prof
    own_participant: object  # in A, the participant_user's own record
    other_buddy: object
    other_participant: object  # in B, referred by prof (who has no role in B)
    extra: dict = field(default_factory=dict)
    officer: object = None  # the privacy officer of project A

    def once(self, key: str, factory):
        """An extra object, made on first use and then reused (for access-matrix rows
        of later features that need objects of their own)."""
        if key not in self.extra:
            with scopes_disabled():
                self.extra[key] = factory(self)
        return self.extra[key]

    def user(self, role: str):
        return {
            "anonymous": None,
            "network_coordinator": self.netco,
            "project_coordinator": self.coord,
            "professional": self.prof,
            "buddy": self.buddy_user,
            "participant": self.participant_user,
            "other_coordinator": self.other_coord,
            "superuser": self.superuser,
            "privacy_officer": self.officer,
        }[role]


ROLES = [
    "anonymous",
    "network_coordinator",
    "project_coordinator",
    "professional",
    "buddy",
    "participant",
    "other_coordinator",
    "superuser",
    "privacy_officer",
]


def build_world(tag: str = "") -> World:
    """The personas. ``tag`` makes a second, independent world in the same database
    (e-mail addresses are unique): ``build_world("2")`` gives ``coord2@example.be``."""

    def email(name: str) -> str:
        return f"{name}{tag}@example.be"

    with scopes_disabled():
        network = f.NetworkFactory(name="Netwerk A")
        other_network = f.NetworkFactory(name="Netwerk B")
        project = f.ProjectFactory(organisation__network=network, name="Project A")
        sibling = f.ProjectFactory(organisation__network=network, name="Project A2")
        other = f.ProjectFactory(organisation__network=other_network, name="Project B")
        netco = f.UserFactory(email=email("netco"))
        f.MembershipFactory(user=netco, role="network_coordinator", network=network, project=None)
        coord = f.member(project, "project_coordinator", email=email("coord"))
        prof = f.member(project, "professional", email=email("prof"))
        buddy_user = f.member(project, "buddy", email=email("buddy"))
        participant_user = f.member(project, "participant", email=email("deelnemer"))
        other_coord = f.member(other, "project_coordinator", email=email("coordb"))
        superuser = f.UserFactory(email=email("root"), is_superuser=True, is_staff=True)
        officer = f.member(project, "privacy_officer", email=email("privacy"))
        return World(
            network=network,
            other_network=other_network,
            project=project,
            sibling=sibling,
            other=other,
            netco=netco,
            coord=coord,
            prof=prof,
            buddy_user=buddy_user,
            participant_user=participant_user,
            other_coord=other_coord,
            superuser=superuser,
            officer=officer,
            buddy=f.BuddyFactory(
                project=project, user=buddy_user, first_name="Bram", last_name="Buddyman"
            ),
            participant=f.ParticipantFactory(
                project=project, referred_by=prof, first_name="Pieter", last_name="Verwezen"
            ),
            own_participant=f.ParticipantFactory(
                project=project, user=participant_user, first_name="Fatma", last_name="Zelfzicht"
            ),
            other_buddy=f.BuddyFactory(project=other, first_name="Otto", last_name="Anderbuddy"),
            other_participant=f.ParticipantFactory(
                project=other, referred_by=prof, first_name="Olga", last_name="Andersproject"
            ),
        )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(client):
    """Log the test client in as a user (or stay anonymous with None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return login
