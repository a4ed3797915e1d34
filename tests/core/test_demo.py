"""The demo network: realistic, deterministic, one login per role, and it scales."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command
from django_scopes import scopes_disabled

from buddynet.accounts.models import User
from buddynet.participants.models import Participant
from buddynet.site import demo
from buddynet.tenancy.access import access_for_user
from buddynet.tenancy.models import Organisation, Project, Role
from buddynet.volunteers.models import Buddy

TODAY = date(2026, 11, 27)


def _people():
    with scopes_disabled():
        return (
            list(Participant.objects.order_by("pk").values_list("first_name", "last_name", "town")),
            list(Buddy.objects.order_by("pk").values_list("first_name", "last_name", "postcode")),
        )


def test_demo_network_shape(db):
    demo.seed_demo(scale=250, today=TODAY)
    assert Organisation.objects.count() == 3
    assert Project.objects.count() == 5
    assert len(set(Project.objects.values_list("target_group", flat=True))) == 5
    with scopes_disabled():
        assert Participant.objects.count() == 250
        assert Buddy.objects.count() == 50
        for project in Project.objects.all():
            assert Participant.objects.filter(project=project).count() > 10
            assert Buddy.objects.filter(project=project).exists()
        # Flemish towns with their real postcodes, from the bundled municipality list.
        gent = Participant.objects.filter(town="Gent").first()
        assert gent is not None and gent.postcode.startswith("9")
        statuses = set(Participant.objects.values_list("status", flat=True))
        assert statuses == set(Participant.Status.values)


def test_same_seed_same_people(db):
    demo.seed_demo(scale=60, seed=7, today=TODAY)
    first = _people()
    demo.demo_delete()
    assert not demo.demo_exists()
    demo.seed_demo(scale=60, seed=7, today=TODAY)
    assert _people() == first
    demo.demo_delete()
    demo.seed_demo(scale=60, seed=8, today=TODAY)
    assert _people() != first


def test_one_login_per_role_with_the_printed_password(db, client):
    demo.seed_demo(scale=40, today=TODAY)
    expected_roles = {
        f"netwerk@{demo.DEMO_DOMAIN}": Role.NETWORK_COORDINATOR,
        f"coordinator@{demo.DEMO_DOMAIN}": Role.PROJECT_COORDINATOR,
        f"doorverwijzer@{demo.DEMO_DOMAIN}": Role.PROFESSIONAL,
        f"buddy@{demo.DEMO_DOMAIN}": Role.BUDDY,
        f"deelnemer@{demo.DEMO_DOMAIN}": Role.PARTICIPANT,
        f"privacy@{demo.DEMO_DOMAIN}": Role.PRIVACY_OFFICER,
    }
    for email, role in expected_roles.items():
        user = User.objects.get(email=email)
        assert role in access_for_user(user).roles
        response = client.post("/accounts/login/", {"login": email, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200, email
        client.logout()
    assert User.objects.get(email=f"admin@{demo.DEMO_DOMAIN}").is_superuser
    # The demo participant and buddy are linked to a record of their own.
    with scopes_disabled():
        assert Participant.objects.filter(user__email=f"deelnemer@{demo.DEMO_DOMAIN}").count() == 1
        assert Buddy.objects.filter(user__email=f"buddy@{demo.DEMO_DOMAIN}").count() == 1
        referred = Participant.objects.filter(
            referred_by__email=f"doorverwijzer@{demo.DEMO_DOMAIN}"
        )
        assert referred.exists()


def test_command_is_idempotent_and_prints_the_logins(db):
    out = StringIO()
    call_command("seed_demo", "--scale", "30", stdout=out)
    call_command("seed_demo", "--scale", "30", stdout=out)
    text = out.getvalue()
    assert "already loaded" in text
    assert f"coordinator@{demo.DEMO_DOMAIN}" in text and demo.DEMO_PASSWORD in text
    assert Project.objects.count() == 5


def test_scale_generates_large_sets(db):
    demo.seed_demo(scale=6000, today=TODAY)
    with scopes_disabled():
        assert Participant.objects.count() == 6000
        assert Buddy.objects.count() == 1200
