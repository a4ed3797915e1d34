"""The demo has follow-up to show: overdue items, a quiet trajectory, an open signal with
a first aftercare step, a closed trajectory with exit conversations."""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.core import demo
from buddynet.followup import clock, selectors
from buddynet.followup.models import Closure, ExitConversation, FollowUp, Signal
from buddynet.tenancy.models import Project


def test_demo_follow_up(db):
    demo.seed_demo(scale=60, today=clock.today())
    with scopes_disabled():
        project_ids = list(Project.objects.values_list("pk", flat=True))
        assert FollowUp.objects.filter(done_at__isnull=False).exists()
        due = selectors.followups_due(project_ids=project_ids)
        assert any(row.state == "overdue" for row in due)
        signal = Signal.objects.get()
        assert signal.stage == "acknowledged" and signal.steps.count() == 1
        closure = Closure.objects.get()
        assert closure.trajectory.status == "closed"
        assert ExitConversation.objects.filter(closure=closure).count() >= 2
        assert selectors.inactive_trajectories(project_ids=project_ids)
        demo.demo_delete()
        assert not FollowUp.objects.exists() and not Signal.objects.exists()
