"""The buddy's own dashboard says what they still have to do themselves."""

from __future__ import annotations

from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.volunteers.models import InformationNote


def test_buddy_dashboard_lists_what_to_do_and_links_the_profile(world, client_for):
    client = client_for(world.buddy_user)
    body = client.get("/").content.decode()
    profile = f"/p/{world.project.code}/me/buddy/"
    assert f'href="{profile}"' in body
    assert f'href="{profile}information-note/"' in body  # not signed yet
    with scopes_disabled():
        InformationNote.objects.create(
            project=world.project,
            buddy=world.buddy,
            text="Informatienota",
            document_hash="0" * 64,
            signed_name=world.buddy.full_name,
            signed_at=timezone.now(),
        )
    body = client.get("/").content.decode()
    assert f'href="{profile}information-note/"' not in body
    assert f'href="{profile}"' in body
