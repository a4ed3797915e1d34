"""A suggested distance between two towns, from the bundled municipality coordinates
(``core.geo``): the straight line times a road factor, rounded to 0.1 km. Only a
suggestion: the volunteer changes it to the real distance."""

from __future__ import annotations

from decimal import Decimal

from buddynet.core import geo

# Roads are about a third longer than the straight line between two Belgian towns.
ROAD_FACTOR = 1.3


def find(town: str):
    found = geo.search(town, limit=1) if town.strip() else []
    return found[0] if found else None


def suggest_km(from_town: str, to_town: str) -> Decimal | None:
    start, end = find(from_town), find(to_town)
    if start is None or end is None:
        return None
    km = geo.haversine_km(start.latitude, start.longitude, end.latitude, end.longitude)
    return Decimal(str(round(km * ROAD_FACTOR, 1)))


def towns(language: str) -> dict[str, list[float]]:
    """Every municipality's name (in the reader's language) → its coordinate, for the
    claim form's suggestion in the browser."""
    return {
        geo.display_name(m, language): [round(m.latitude, 4), round(m.longitude, 4)]
        for m in geo.municipalities()
    }
