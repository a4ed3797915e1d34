"""The figures of the law for 2025 and 2026 (DOMAIN-FACTS "Expense allowance"), as dated
reference rows. Later years and quarters are added on the rates page, never in code."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "securex.be lex4you 2026 amounts; vlaanderenvrijwilligt.be/wetgeving/kostenvergoedingen/"

CEILINGS = [
    # valid_from, per day, per year, raised per year
    (date(2025, 1, 1), "42.31", "1692.51", None),
    (date(2026, 1, 1), "44.02", "1760.83", "3233.91"),
]
KM_RATES = [
    # vehicle, valid_from, euro per km
    ("car", date(2026, 1, 1), "0.4326"),
    ("bicycle", date(2026, 1, 1), "0.37"),
]


def seed(apps, schema_editor):
    Ceiling = apps.get_model("expenses", "AllowanceCeiling")
    Rate = apps.get_model("expenses", "KilometreRate")
    for valid_from, per_day, per_year, raised in CEILINGS:
        Ceiling.objects.get_or_create(
            valid_from=valid_from,
            defaults={
                "per_day": Decimal(per_day),
                "per_year": Decimal(per_year),
                "raised_per_year": Decimal(raised) if raised else None,
                "max_km_per_year": 2000,
                "source": SOURCE,
            },
        )
    for vehicle, valid_from, per_km in KM_RATES:
        Rate.objects.get_or_create(
            vehicle=vehicle,
            valid_from=valid_from,
            defaults={"per_km": Decimal(per_km), "source": SOURCE},
        )


class Migration(migrations.Migration):
    dependencies = [("expenses", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
