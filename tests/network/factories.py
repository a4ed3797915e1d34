"""Objects the network tests and access rows need."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.network import services
from buddynet.network.models import Event, Intervision, LibraryItem, NewsItem, Question

# A tiny "MP4": the ftyp box is what the upload check looks at.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWelkom bij de vrijwilligers\n"


def clip_upload(name: str = "clip.mp4", data: bytes = MP4, content_type="video/mp4"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def captions_upload(data: bytes = VTT):
    return SimpleUploadedFile("ondertitels.vtt", data, content_type="text/vtt")


def item(network, by=None, **data) -> LibraryItem:
    values = {
        "kind": "article",
        "title": "Vrijwilligers werven in de wijk",
        "summary": "Hoe een project nieuwe buddy's vindt.",
        "body": "Een vrijwilliger vind je via mond-aan-mondreclame en lokale verenigingen.",
        "language": "nl",
        "themes": ["recruitment"],
        "audience": "both",
    }
    values.update(data)
    file = values.pop("file", None)
    captions = values.pop("captions", None)
    return services.library_item_add(
        network=network, by=by, data=values, file=file, captions=captions
    )


def intervision(network, by, *, days: int = 7, **data) -> Intervision:
    values = {
        "title": "Intervisie grenzen",
        "starts_at": timezone.now() + timedelta(days=days),
        "place": "Antwerpen, zaal 2",
        "max_size": 8,
    }
    values.update(data)
    return services.intervision_plan(network=network, by=by, data=values)


def past(session: Intervision, days: int = 1) -> Intervision:
    Intervision.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(days=days)
    )
    session.refresh_from_db()
    return session


def question(network, project, by, **data) -> Question:
    values = {
        "title": "Hoe houden jullie de wachtlijst warm?",
        "body": "",
        "themes": [],
        "notify": "each",
    }
    values.update(data)
    with scopes_disabled():
        return services.question_ask(network=network, project=project, by=by, data=values)


def event(network, by, *, days: int = 14, **data) -> Event:
    values = {
        "kind": "study_morning",
        "title": "Studievoormiddag eenzaamheid",
        "description": "Met getuigenissen van buddy's.",
        "starts_at": timezone.now() + timedelta(days=days),
        "minutes": 180,
        "place": "Brussel, Vlaams Huis",
        "capacity": 30,
        "audience": "both",
    }
    values.update(data)
    return services.event_plan(network=network, by=by, data=values)


def news(network, by, **data) -> NewsItem:
    values = {
        "title": "Nieuwe subsidieronde",
        "body": "De oproep opent in maart.",
        "audience": "both",
    }
    values.update(data)
    return services.news_post(network=network, by=by, data=values)
