"""The matching demo data: something to see and do for every demo login."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from buddynet.accounts.models import User
from buddynet.matching.models import HandRaise, Introduction, MatchingProfile, Proposal, ProposalRun
from buddynet.site import demo
from buddynet.tenancy.models import Project

TODAY = date(2026, 11, 27)


def test_demo_has_a_finished_run_an_introduction_and_raised_hands(db, client):
    demo.seed_demo(scale=250, today=TODAY)
    first = Project.objects.get(name=demo.PROJECTS[0][1])
    with scopes_disabled():
        run = ProposalRun.objects.get(project=first)
        assert run.status == ProposalRun.Status.DONE
        pending = Proposal.objects.filter(run=run, status=Proposal.Status.PENDING)
        assert pending.count() == run.pairs_count >= 3
        intro = Introduction.objects.get(project=first)
        assert intro.status == Introduction.Status.HELD
        assert intro.buddy.user.email == f"buddy@{demo.DEMO_DOMAIN}"
        assert intro.participant.user.email == f"deelnemer@{demo.DEMO_DOMAIN}"
        assert HandRaise.objects.filter(project=first).count() == 3
        assert MatchingProfile.objects.filter(project=first, published=True).count() == 6
    for login in ("buddy", "deelnemer"):
        client.force_login(User.objects.get(email=f"{login}@{demo.DEMO_DOMAIN}"))
        page = client.get("/").content.decode()
        assert f"/me/introductions/{intro.code}/" in page, login
    client.force_login(User.objects.get(email=f"coordinator@{demo.DEMO_DOMAIN}"))
    page = client.get(f"/p/{first.code}/matching/runs/{run.code}/").content.decode()
    assert page.count("formaction=") == min(run.pairs_count, 50)
    demo.demo_delete()
    assert not demo.demo_exists()
