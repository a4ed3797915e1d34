"""Demo expenses (called by seed-demo after the people and trajectories exist): a year
of weekly claims of the buddies with a trajectory (a flat-rate day for the visit, now and
then the kilometres by car or bicycle), approved and paid up to last month in one
payment per project; the recent ones wait for approval. Each project has its payer
account, two insurance policies and one declared incident."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.trajectories.models import Trajectory

from . import services
from .models import (
    Claim,
    Incident,
    IncidentStep,
    InsurancePolicy,
    NamedListEntry,
    PayeeAccount,
    PaymentBatch,
)

PER_PROJECT = 15  # buddies with claims per project (the demo stays quick at any scale)
TOWNS = ["Gent", "Aalst", "Lokeren", "Dendermonde", "Wetteren", "Merelbeke", "Deinze"]


def belgian_iban(number: int) -> str:
    """A valid Belgian IBAN for a demo account number (national and IBAN check digits)."""
    base = 539_0000000 + number % 10_000_000
    check = base % 97 or 97
    bban = f"{base:010d}{check:02d}"
    digits = int(bban + "111400")  # "BE" = 11 14, then "00"
    return f"BE{98 - digits % 97:02d}{bban}"


def _claims_for(buddy, trajectory, *, rng, start: date, today: date, car_rate, bike_rate):
    rows = []
    day = start + timedelta(days=rng.randrange(7))
    amount = Decimal(rng.choice(["15.00", "20.00", "25.00"]))
    home, away = rng.sample(TOWNS, 2)
    km = Decimal(rng.randrange(40, 180)) / 10
    while day <= today:
        # A weekly visit: the flat day, and sometimes the journey there and back.
        visit = {
            "project": buddy.project,
            "buddy": buddy,
            "trajectory": trajectory,
            "on": day,
            "status": Claim.Status.APPROVED if day < today - timedelta(days=30) else "submitted",
        }
        rows.append(
            Claim(**visit, kind=Claim.Kind.FLAT_DAY, amount=amount, note="Wekelijks bezoek")
        )
        if rng.random() < 0.3:
            bike = rng.random() < 0.4
            rate = bike_rate if bike else car_rate
            rows.append(
                Claim(
                    **visit,
                    kind=Claim.Kind.KM_BICYCLE if bike else Claim.Kind.KM_CAR,
                    kilometres=km * 2,
                    km_rate=rate,
                    amount=(km * 2 * rate).quantize(Decimal("0.01")),
                    from_town=home,
                    to_town=away,
                )
            )
        day += timedelta(days=7)
    return rows


def seed_extra(*, projects, users, rng, today, progress) -> None:
    coordinator = users["coordinator"]
    start = date(today.year, 1, 1)
    try:
        car_rate = services.km_rate_for("car", today)
        bike_rate = services.km_rate_for("bicycle", today)
    except services.ExpenseError:
        progress("expenses: no figures for this year yet, no demo claims")
        return
    total = 0
    with translation.override("nl"), scopes_disabled():
        for number, project in enumerate(projects):
            services.settings_save(
                project=project,
                by=coordinator,
                data={"payer_name": project.organisation.name[:70], "iban": belgian_iban(number)},
            )
            for cover, insurer in (("liability", "Ethias"), ("accidents", "P&V")):
                policy = services.policy_save(
                    project=project,
                    by=coordinator,
                    data={
                        "cover": cover,
                        "insurer": insurer,
                        "number": f"{rng.randrange(10, 99)}.{rng.randrange(100000, 999999)}",
                        "starts_on": date(today.year - 2, 1, 1),
                    },
                )
            services.incident_declare(
                project=project,
                by=coordinator,
                data={
                    "policy": policy,
                    "happened_on": today - timedelta(days=40),
                    "who": "Een vrijwilliger",
                    "what": "Gevallen met de fiets op weg naar een bezoek; pols gekneusd.",
                },
            )
            trajectories = list(
                Trajectory.objects.filter(project=project)
                .select_related("buddy", "project")
                .order_by("pk")[:PER_PROJECT]
            )
            rows = []
            seen: set[int] = set()
            for i, trajectory in enumerate(trajectories):
                buddy = trajectory.buddy
                if buddy.pk in seen:
                    continue  # one weekly visit per buddy: the year stays under the ceiling
                seen.add(buddy.pk)
                PayeeAccount.objects.get_or_create(
                    buddy=buddy,
                    defaults={
                        "project": project,
                        "holder": buddy.full_name[:70],
                        "iban": belgian_iban(1000 + 100 * number + i),
                    },
                )
                services.system_set(
                    buddy=buddy, year=today.year, system="flat", raised_ceiling=False, by=None
                )
                rows += _claims_for(
                    buddy,
                    trajectory,
                    rng=rng,
                    start=start,
                    today=today,
                    car_rate=car_rate,
                    bike_rate=bike_rate,
                )
            Claim.objects.bulk_create(rows, batch_size=1000)
            total += len(rows)
            if any(r.status == Claim.Status.APPROVED for r in rows):
                services.batch_make(
                    project=project, by=coordinator, execution_date=today - timedelta(days=25)
                )
    progress(f"expenses: {total} claims, paid up to last month")


def delete_extra(*, projects) -> None:
    """The demo's expenses go with the demo (a real project with a named list younger
    than seven years cannot be deleted: the list protects it)."""
    with scopes_disabled():
        IncidentStep.objects.filter(project__in=projects).delete()
        Incident.objects.filter(project__in=projects).delete()
        InsurancePolicy.objects.filter(project__in=projects).delete()
        NamedListEntry.objects.filter(project__in=projects).delete()
        Claim.objects.filter(project__in=projects).delete()
        PaymentBatch.objects.filter(project__in=projects).delete()
