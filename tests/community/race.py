"""What the race test (tests/test_concurrency.py) needs for the community forms: the
values a person would type or tick (``FORM_DATA``)."""

from __future__ import annotations


def _service(w, network_attr):
    # Imported here: the access rows import the matrix, which imports every app's rows.
    from tests.community.access_rows import _service as made

    return made(w, network_attr)


IMPORT = "name\tkind\tlanguages\tmunicipalities\nTaalcafe Gent\tlanguage classes\tnl\tGent\n"

FORM_DATA = {
    "community_service_add": lambda w: {"municipalities": "Gent, 9300"},
    "community_map_import": lambda w: {"pasted": IMPORT},
    # The coordinator ticks that the person agreed (the page shows what is shared).
    "community_handover_new": lambda w: {
        "consent": "on",
        "service": str(_service(w, "network").code),
    },
    "community_transfer_new": lambda w: {"consent": "on"},
}
