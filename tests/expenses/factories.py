"""Objects the expenses tests need: a buddy with an account, the project's payer."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from buddynet.expenses import services
from buddynet.expenses.models import Claim
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test receipt\n"


def figures() -> None:
    """The figures of the law for 2025 and 2026, as the data migration seeds them (a
    transactional test, such as the race test or a browser test, flushes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("buddynet.expenses.migrations.0002_figures_2025_2026").seed(apps, None)


def receipt(name: str = "ticket.png", data: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def buddy(project=None, *, by=None, benefit_status: str = "", **kwargs):
    figures()
    with scopes_disabled():
        project = project or f.ProjectFactory()
        b = f.BuddyFactory(project=project, benefit_status=benefit_status, **kwargs)
        services.payee_account_set(buddy=b, holder=b.full_name, iban="BE68 5390 0754 7034", by=by)
    return b


def payer(project, by=None):
    with scopes_disabled():
        return services.settings_save(
            project=project,
            by=by,
            data={"payer_name": "Buddywerking vzw", "iban": "BE71096123456769", "bic": ""},
        )


def flat(b, on, amount, *, by=None, activity="Bezoek") -> Claim:
    with scopes_disabled():
        return services.claim_submit(
            buddy=b, by=by, on=on, kind="flat_day", amount=Decimal(amount), activity=activity
        ).claim


def km(b, on, kilometres, *, by=None, kind="km_car") -> Claim:
    with scopes_disabled():
        return services.claim_submit(
            buddy=b,
            by=by,
            on=on,
            kind=kind,
            kilometres=Decimal(kilometres),
            activity="Bezoek",
            from_town="Gent",
            to_town="Aalst",
        ).claim


def ticket(b, on, amount="4.20", *, by=None) -> Claim:
    """A public-transport claim with its receipt (a real cost)."""
    with scopes_disabled():
        return services.claim_submit(
            buddy=b,
            by=by,
            on=on,
            kind="public_transport",
            amount=Decimal(amount),
            activity="Bezoek",
            receipt=receipt(),
        ).claim


def own_claim(w) -> Claim:
    """A claim of the buddy persona in project A, with a receipt (waiting for approval)."""
    from datetime import date

    figures()
    return w.once("expense_claim", lambda w: ticket(w.buddy, date(2026, 3, 4)))


def other_claim(w) -> Claim:
    from datetime import date

    figures()
    return w.once("expense_other_claim", lambda w: ticket(w.other_buddy, date(2026, 3, 4)))


def incident(w, *, other: bool = False):
    from datetime import date

    def make(w):
        project = w.other if other else w.project
        policy = services.policy_save(
            project=project,
            by=None,
            data={
                "cover": "liability",
                "insurer": "Ethias",
                "number": "45.123.456",
                "details": "Burgerlijke aansprakelijkheid vrijwilligers",
                "starts_on": date(2025, 1, 1),
                "ends_on": None,
            },
        )
        return services.incident_declare(
            project=project,
            by=None,
            data={
                "policy": policy,
                "happened_on": date(2026, 5, 4),
                "who": "Een vrijwilliger",
                "what": "Bril gebroken bij een uitstap.",
                "insurer_reference": "",
            },
        )

    return w.once("expense_incident_other" if other else "expense_incident", make)


def ready_to_pay(w, *, other: bool = False) -> None:
    """An approved claim of a buddy with an account, and the payer's account (project A,
    or B with ``other``)."""
    from datetime import date

    def make(w):
        project = w.other if other else w.project
        b = buddy(project)
        c = flat(b, date(2026, 2, 2), "30.00")
        payer(project)
        services.claims_decide(project=project, codes=[c.code], approve=True, by=None)
        return c

    w.once("expense_ready_to_pay_other" if other else "expense_ready_to_pay", make)


def batch(w, *, other: bool = False):
    from datetime import date

    def make(w):
        project = w.other if other else w.project
        by = w.other_coord if other else w.coord
        b = buddy(project)
        c = flat(b, date(2026, 2, 2), "30.00")
        payer(project)
        with scopes_disabled():
            services.claims_decide(project=project, codes=[c.code], approve=True, by=by)
            return services.batch_make(project=project, by=by, execution_date=date(2026, 3, 1))

    return w.once("expense_batch_other" if other else "expense_batch", make)
