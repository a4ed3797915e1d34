"""The demo has conversations to show: pairs about their next visit, the demo buddy and
participant with their coordinators; project one lets coordinators read pairs."""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.contact.models import ContactSettings, Conversation, Message
from buddynet.core import clock
from buddynet.site import demo


def test_demo_conversations(db, client):
    demo.seed_demo(scale=60, today=clock.today())
    with scopes_disabled():
        assert Conversation.objects.filter(kind="pair").count() >= 3
        assert Message.objects.count() > 20
        assert Conversation.objects.filter(kind="buddy_coordinator").exists()
        assert Conversation.objects.filter(kind="participant_coordinator").exists()
        assert ContactSettings.objects.filter(coordinators_read_pairs=True).count() == 1
        from buddynet.accounts.models import User

        buddy = User.objects.get(email=f"buddy@{demo.DEMO_DOMAIN}")
    client.force_login(buddy, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get("/messages/")
    assert page.status_code == 200
    assert "Your coordinators" in page.content.decode() or "coördinatoren" in page.content.decode()
    with scopes_disabled():
        demo.demo_delete()
        assert not Conversation.objects.exists()
