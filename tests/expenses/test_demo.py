"""The demo has expenses to show: a year of weekly claims within the rules, paid up to
last month (with a named list), recent ones waiting; policies and an incident."""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.expenses.models import Claim, Incident, NamedListEntry, PaymentBatch
from buddynet.site import demo
from tests.expenses.factories import figures


def test_demo_expenses(db):
    figures()
    demo.seed_demo(scale=60, today=clock.today())
    with scopes_disabled():
        assert Claim.objects.filter(status="paid").count() > 100
        assert Claim.objects.filter(status="submitted").exists()
        batch = PaymentBatch.objects.first()
        assert batch is not None and b"<CtrlSum>" in bytes(batch.sepa)
        assert NamedListEntry.objects.count() == Claim.objects.filter(status="paid").count()
        assert Incident.objects.exists()
        demo.demo_delete()
        assert not Claim.objects.exists()
