"""Expenses benchmark: a year of weekly claims for N buddies (default 20,000).

The buddies are spread over 10 organisations (one project each); every buddy files one
flat-rate claim a week for the year (52 claims), paid, so each claim has its row on the
named list. 5,000 more claims are approved and wait for payment. Measured, next to a
plain aggregate over the same rows in the same run:
- the named list of one organisation for the year (selector + XLSX), against a plain
  ``SUM(amount) GROUP BY buddy`` over that organisation's year;
- a payment batch of the 5,000 approved claims (SEPA file validated against the schema,
  the named-list rows, the claims marked paid; rolled back after each run), against a
  plain ``SUM(amount)`` over those 5,000 claims.

Usage: ``DATABASE_URL=postgres://... python bench/expenses.py [--buddies 20000]
[--repeat 3]``. Prints a table; copy it into BENCHMARKS.md. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ORGANISATIONS = 10
BATCH_CLAIMS = 5_000
YEAR = 2026


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buddies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("BUDDYNET_DATA_DIR", tempfile.mkdtemp(prefix="buddynet-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "buddynet.settings_test"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Sum
    from django_scopes import scopes_disabled

    from buddynet.expenses import payments, selectors, services
    from buddynet.expenses.models import Claim, NamedListEntry, PayeeAccount
    from buddynet.tenancy.access import access_for_user
    from tests import factories as f

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        started = time.perf_counter()
        network = f.NetworkFactory(name="Bench expenses")
        projects = [
            f.ProjectFactory(organisation__network=network, name=f"Bench {i}")
            for i in range(ORGANISATIONS)
        ]
        coord = f.member(projects[0], "project_coordinator", email="bench-exp@example.be")
        services.settings_save(
            project=projects[0],
            by=None,
            data={"payer_name": "Bench vzw", "iban": "BE71096123456769", "bic": ""},
        )
        from buddynet.volunteers.models import Buddy

        buddies = Buddy.objects.bulk_create(
            [
                Buddy(
                    project=projects[i % ORGANISATIONS],
                    first_name=f"Buddy{i}",
                    last_name="Bench",
                    status="active",
                )
                for i in range(args.buddies)
            ],
            batch_size=5000,
        )
        PayeeAccount.objects.bulk_create(
            [
                PayeeAccount(
                    project_id=b.project_id, buddy=b, holder=b.full_name, iban="BE68539007547034"
                )
                for b in buddies
            ],
            batch_size=5000,
        )
        mondays = [date(YEAR, 1, 5) + timedelta(days=7 * w) for w in range(52)]
        rows = []
        for b in buddies:
            for day in mondays:
                rows.append(
                    Claim(
                        project_id=b.project_id,
                        buddy=b,
                        on=day,
                        kind="flat_day",
                        amount=Decimal("20.00"),
                        status="paid",
                    )
                )
            if len(rows) >= 50_000:
                Claim.objects.bulk_create(rows, batch_size=10_000)
                rows = []
        Claim.objects.bulk_create(rows, batch_size=10_000)
        # The named list of the paid claims, by SQL (the batches that paid them are
        # not what is measured).
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO expenses_namedlistentry
                    (code, created_at, updated_at, project_id, organisation_name, year,
                     volunteer_name, volunteer_ref, "on", kind, amount, kilometres,
                     batch_number, keep_until, claim_id)
                SELECT gen_random_uuid(), now(), now(), c.project_id, 'Bench', %s,
                       b.first_name || ' ' || b.last_name, b.code, c."on", c.kind,
                       c.amount, c.kilometres, 0, %s, c.id
                FROM expenses_claim c JOIN volunteers_buddy b ON b.id = c.buddy_id
                WHERE c.project_id = ANY(%s)
                """,
                [YEAR, date(YEAR + 7, 12, 31), [p.pk for p in projects]],
            )
            cursor.execute("ANALYZE")
        # 5,000 approved claims in the first project, waiting for payment.
        first = [b for b in buddies if b.project_id == projects[0].pk]
        Claim.objects.bulk_create(
            [
                Claim(
                    project=projects[0],
                    buddy=first[i % len(first)],
                    on=date(YEAR, 12, 1),
                    kind="public_transport",
                    amount=Decimal("4.20"),
                    status="approved",
                )
                for i in range(BATCH_CLAIMS)
            ],
            batch_size=5000,
        )
        total_claims = Claim.objects.count()
        print(
            f"seeded {args.buddies} buddies, {total_claims} claims "
            f"in {time.perf_counter() - started:.1f} s"
        )

        access = access_for_user(coord)
        project = projects[0]
        org_projects = [project.pk]

        def plain_org():
            return list(
                Claim.objects.filter(project_id__in=org_projects, on__year=YEAR, status="paid")
                .values("buddy_id")
                .annotate(s=Sum("amount"))
            )

        def named_list():
            entries = selectors.named_list(access=access, project=project, year=YEAR)
            people = selectors.named_list_totals(entries)
            return len(entries), len(people), len(payments.named_list_xlsx(entries, year=YEAR))

        def plain_batch():
            return Claim.objects.filter(project=project, status="approved").aggregate(
                s=Sum("amount")
            )

        class Rollback(Exception):
            pass

        def batch():
            try:
                with transaction.atomic():
                    made = services.batch_make(
                        project=project, by=coord, execution_date=date(YEAR, 12, 5)
                    )
                    result = (made.claim_count, made.total, len(bytes(made.sepa)))
                    raise Rollback
            except Rollback:
                return result

        results = []
        for name, fn in (
            ("reference: SUM per buddy, 1 organisation's year", plain_org),
            ("named list, 1 organisation (selector + XLSX)", named_list),
            ("reference: SUM of the 5,000 approved claims", plain_batch),
            ("payment batch of 5,000 claims (SEPA + list)", batch),
        ):
            median, worst, result = timed(fn, args.repeat)
            results.append((name, median, worst, result))
        assert NamedListEntry.objects.filter(project=project).count() == len(first) * 52

    print(f"\n{args.buddies} buddies, {total_claims} claims, repeat {args.repeat}\n")
    print(f"| {'case':<50} | median ms |   max ms | x reference |")
    print(f"|{'-' * 52}|----------:|---------:|------------:|")
    reference = None
    for name, median, worst, _result in results:
        if name.startswith("reference"):
            reference = median
        factor = median / reference if reference else 1.0
        print(f"| {name:<50} | {median:9.1f} | {worst:8.1f} | {factor:11.1f} |")
    for name, _m, _w, result in results:
        summary = result if not isinstance(result, list) else f"{len(result)} rows"
        print(f"  {name}: {summary}")


if __name__ == "__main__":
    main()
