"""Files made from payments: the SEPA credit transfer (pain.001.001.03, by ``sepaxml``,
checked against the schema it ships), the bookkeeper's rows, and the XLSX workbooks of a
batch and of the named list."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

from .models import Claim, NamedListEntry, PayeeAccount, PaymentBatch

SEPA_SCHEMA = "pain.001.001.03"


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _sepa_text(text: str, limit: int) -> str:
    """The SEPA character set is Latin letters, digits and a few signs (sepaxml cleans
    accents); cut to the field's length."""
    return text[:limit]


def sepa_xml(*, settings, batch: PaymentBatch, claims: list[Claim], accounts) -> bytes:
    """One credit transfer per volunteer (their claims added up), validated on export."""
    from sepaxml import SepaTransfer

    config = {
        "name": _sepa_text(settings.payer_name, 70),
        "IBAN": settings.iban,
        "batch": True,
        "currency": "EUR",
    }
    if settings.bic:
        config["BIC"] = settings.bic
    transfer = SepaTransfer(config, schema=SEPA_SCHEMA, clean=True)
    per_buddy: dict[int, list[Claim]] = {}
    for claim in claims:
        per_buddy.setdefault(claim.buddy_id, []).append(claim)
    for buddy_id, rows in per_buddy.items():
        account = accounts[buddy_id]
        amount = sum((c.amount for c in rows), Decimal(0))
        years = sorted({c.on.year for c in rows})
        transfer.add_payment(
            {
                "name": _sepa_text(account.holder, 70),
                "IBAN": account.iban,
                "amount": cents(amount),
                "execution_date": batch.execution_date,
                "description": _sepa_text(
                    f"Vrijwilligersvergoeding {'/'.join(map(str, years))} #{batch.number}",
                    140,
                ),
                "endtoend_id": f"BN{batch.number}-{buddy_id}"[:35],
            }
        )
    batch.message_id = transfer.msg_id[:35]
    xml = transfer.export(validate=False, pretty_print=True)
    _validate_sepa(xml)
    return xml


@cache
def _sepa_schema():
    """The schema ``sepaxml`` ships, read once per process: ``export(validate=True)``
    parses the XSD again on every batch (about a second, most of a batch's time)."""
    import sepaxml
    import xmlschema

    folder = os.path.join(os.path.dirname(sepaxml.__file__), "schemas")
    return xmlschema.XMLSchema(os.path.join(folder, SEPA_SCHEMA + ".xsd"))


def _validate_sepa(xml: bytes) -> None:
    """The same check as ``sepaxml``'s own, with the same error, the schema cached."""
    import xmlschema
    from sepaxml.validation import ValidationError

    try:
        _sepa_schema().validate(xml.decode())
    except xmlschema.XMLSchemaValidationError as exc:
        raise ValidationError(
            "The output SEPA file contains validation errors. This is likely due to an "
            "illegal value in one of your input fields."
        ) from exc


def batch_rows(batch: PaymentBatch) -> Iterable[list]:
    claims = list(
        Claim.objects.filter(batch=batch).select_related("buddy").order_by("buddy_id", "on", "pk")
    )
    accounts = {
        a.buddy_id: a.iban
        for a in PayeeAccount.objects.filter(buddy_id__in={c.buddy_id for c in claims})
    }
    for c in claims:
        yield [
            c.buddy.full_name,
            accounts.get(c.buddy_id, ""),
            c.on.isoformat(),
            c.get_kind_display(),
            "" if c.kilometres is None else f"{c.kilometres}",
            f"{c.amount}",
        ]


def _workbook(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def batch_xlsx(batch: PaymentBatch) -> bytes:
    header = [_("volunteer"), _("IBAN"), _("date"), _("kind"), _("kilometres"), _("amount")]
    rows = (
        [r[0], r[1], r[2], r[3], float(r[4]) if r[4] else None, float(r[5])]
        for r in batch_rows(batch)
    )
    return _workbook(_("Payment %(number)s") % {"number": batch.number}, header, rows)


def named_list_xlsx(entries: list[NamedListEntry], *, year: int) -> bytes:
    header = [_("volunteer"), _("date"), _("kind"), _("kilometres"), _("amount")]
    # The kind's words once per kind, not once per row (a translation look-up each).
    kinds = {value: str(label) for value, label in Claim.Kind.choices}
    rows = (
        [
            e.volunteer_name,
            e.on,
            kinds.get(e.kind, e.kind),
            None if e.kilometres is None else float(e.kilometres),
            float(e.amount),
        ]
        for e in entries
    )
    return _workbook(_("Named list %(year)s") % {"year": year}, header, rows)
