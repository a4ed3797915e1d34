"""The library: uploads checked (type, size, first bytes; WebVTT), files served through
the storage API with range requests (206, Content-Range, 416), buddies only buddy items."""

from __future__ import annotations

import pytest
from django.urls import reverse

from buddynet.network import services
from buddynet.network.media import parse_range
from tests.network import factories as nf

pytestmark = pytest.mark.django_db


def clip(world, **data):
    return nf.item(
        world.network,
        kind="clip",
        title="Grenzen aangeven",
        file=nf.clip_upload(),
        captions=nf.captions_upload(),
        **data,
    )


def file_url(item, name="network_item_file"):
    return reverse(name, kwargs={"network": item.network.code, "code": item.code})


def test_clip_upload_checks_the_first_bytes(world):
    with pytest.raises(services.NetworkError) as err:
        nf.item(world.network, kind="clip", file=nf.clip_upload(data=b"not a video at all"))
    assert err.value.field == "file"
    with pytest.raises(services.NetworkError):
        nf.item(world.network, kind="clip", file=nf.clip_upload(name="clip.exe"))


def test_clip_needs_a_file_or_link(world):
    with pytest.raises(services.NetworkError):
        nf.item(world.network, kind="clip")
    item = nf.item(world.network, kind="clip", link="https://example.org/clip")
    assert item.link


def test_captions_must_be_webvtt(world):
    with pytest.raises(services.NetworkError) as err:
        nf.item(
            world.network,
            kind="clip",
            file=nf.clip_upload(),
            captions=nf.captions_upload(b"1\n00:00:01,000 --> 00:00:02,000\nSRT\n"),
        )
    assert err.value.field == "captions"


def test_clip_too_large(world, monkeypatch):
    monkeypatch.setattr(services, "CLIP_MAX_BYTES", 100)
    with pytest.raises(services.NetworkError) as err:
        nf.item(world.network, kind="clip", file=nf.clip_upload())
    assert err.value.field == "file"


def test_whole_file_and_ranges(world, client_for):
    item = clip(world)
    client = client_for(world.coord)
    whole = client.get(file_url(item))
    body = b"".join(whole.streaming_content)
    assert whole.status_code == 200
    assert body == nf.MP4
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"

    part = client.get(file_url(item), HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(nf.MP4)}"
    assert part["Content-Length"] == "10"
    assert b"".join(part.streaming_content) == nf.MP4[10:20]

    tail = client.get(file_url(item), HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == nf.MP4[-5:]
    open_end = client.get(file_url(item), HTTP_RANGE="bytes=2000-")
    assert b"".join(open_end.streaming_content) == nf.MP4[2000:]

    beyond = client.get(file_url(item), HTTP_RANGE=f"bytes={len(nf.MP4)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(nf.MP4)}"


def test_parse_range():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=5-100", 10) == (5, 9)
    assert parse_range("bytes=-100", 10) == (0, 9)
    assert parse_range("bytes=0-1,5-6", 10) is None  # several ranges: the whole file
    assert parse_range("items=0-1", 10) is None
    assert parse_range("bytes=9-3", 10) == "416"
    assert parse_range("bytes=-0", 10) == "416"


def test_captions_served_as_vtt(world, client_for):
    item = clip(world)
    response = client_for(world.buddy_user).get(file_url(item, "network_item_captions"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    assert b"".join(response.streaming_content).startswith(b"WEBVTT")


def test_item_page_plays_with_captions(world, client_for):
    item = clip(world)
    page = client_for(world.coord).get(
        reverse("network_item", kwargs={"network": world.network.code, "code": item.code})
    )
    html = page.content.decode()
    assert "<video" in html and 'kind="captions"' in html
    assert file_url(item, "network_item_captions") in html


def test_buddy_cannot_reach_a_coordinators_item(world, client_for):
    item = clip(world, audience="coordinators")
    client = client_for(world.buddy_user)
    assert client.get(file_url(item)).status_code == 404
    other = clip(world, audience="buddies")
    assert client.get(file_url(other)).status_code == 200


def test_curator_adds_through_the_page(world, client_for):
    client = client_for(world.netco)
    url = reverse("network_item_add", kwargs={"network": world.network.code})
    data = {
        "kind": "clip",
        "title": "Werving",
        "language": "nl",
        "themes": ["recruitment"],
        "audience": "both",
        "file": nf.clip_upload(),
        "captions": nf.captions_upload(),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bad = client.post(url, {**data, "file": nf.clip_upload(data=b"nope"), "title": "Kept"})
    assert bad.status_code == 400
    assert "Kept" in bad.content.decode()
    # A project coordinator takes part but does not curate.
    assert client_for(world.coord).get(url).status_code == 403


def test_search_page_shows_matching_words(world, client_for):
    nf.item(world.network, title="De vrijwilliger", body="Een vrijwilliger helpt.")
    response = client_for(world.coord).get(
        reverse("network_library", kwargs={"network": world.network.code}),
        {"q": "vrijwilligers"},
    )
    assert "<mark>" in response.content.decode()
