"""The demo has follow-up to show: overdue items, a quiet trajectory, an open signal with
a first aftercare step, a closed trajectory with exit conversations."""

from __future__ import annotations

from datetime import timedelta

from django_scopes import scopes_disabled

from buddynet.accounts.models import User
from buddynet.followup import clock, dashboard, selectors
from buddynet.followup.models import Closure, ExitConversation, FollowUp, Signal
from buddynet.site import demo
from buddynet.tenancy.access import access_for_user
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


def test_demo_buddy_sees_a_next_conversation_within_six_weeks(db):
    """The demo left the oldest conversation of each other running trajectory open,
    which held that series back: the demo buddy's dashboard showed their first phone
    call of July ("zaterdag 25 juli") as their next conversation. Now the next one is
    a working day within about six weeks, and no series is stuck months in the past."""
    today = clock.today()
    demo.seed_demo(scale=60, today=today)
    with scopes_disabled():
        user = User.objects.get(email="buddy@demo.buddynet.be")
        (panel,) = dashboard.personal_panels(user=user, access=access_for_user(user))
        (row,) = [r for r in panel["rows"] if r["role"] == "buddy"]
        due = clock.local_date(row["next"].due_at)
        assert today <= due <= today + timedelta(days=45)
        assert clock.is_working_day(due) and not row["next_overdue"]
        project_ids = list(Project.objects.values_list("pk", flat=True))
        overdue = selectors.followups_due(project_ids=project_ids)
        assert overdue and all(r.days_overdue <= 45 for r in overdue)
