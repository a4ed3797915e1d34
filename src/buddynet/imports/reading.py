"""Reading a spreadsheet: CSV (any delimiter Excel writes, UTF-8 or Windows-1252) and
XLSX (openpyxl, read-only), as a header row and the rows under it; and the values people
type in them: Belgian dates (31/12/2025, 31-12-2025, 1.2.2025), ISO dates and Excel's own
dates (a date cell or a day number)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
KINDS = ("csv", "xlsx")
XLSX_MAGIC = b"PK\x03\x04"


class SheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message is safe to show."""


def kind_of(name: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the file's name, checked against its first bytes."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        if not head.startswith(XLSX_MAGIC):
            raise SheetError(_("This file is not an Excel workbook (.xlsx)."))
        return "xlsx"
    if suffix in ("csv", "txt"):
        if b"\x00" in head:
            raise SheetError(_("This file is not a CSV text file."))
        return "csv"
    raise SheetError(_("Choose a CSV or an Excel (.xlsx) file."))


def _text(body: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("The CSV file's characters cannot be read; save it as UTF-8."))


def _csv_rows(body: bytes) -> Iterator[list]:
    text = _text(body)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(body: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(_("This Excel file cannot be opened.")) from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def read(body: bytes, kind: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header names and the rows with their number in the sheet (the header is row
    1); empty rows are skipped. Too many rows, or no header, is a ``SheetError``."""
    rows = _xlsx_rows(body) if kind == "xlsx" else _csv_rows(body)
    headers: list[str] | None = None
    found: list[tuple[int, list]] = []
    for number, row in enumerate(rows, start=1):
        if not any(cell not in (None, "") and str(cell).strip() for cell in row):
            continue
        if headers is None:
            headers = [str(cell or "").strip() for cell in row]
            continue
        found.append((number, row))
        if len(found) > MAX_ROWS:
            raise SheetError(
                _("The file has more than %(n)s rows; split it in parts.") % {"n": MAX_ROWS}
            )
    if not headers or not any(headers):
        raise SheetError(_("The file has no header row with the column names."))
    return headers, found


# --- Values --------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value) -> date:
    """A date as Belgians and spreadsheets write it; a ``ValueError`` otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's day numbers (1900 to 9999)
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip()
    if text.isdigit() and 4 < len(text) <= 6:
        return parse_date(int(text))
    text = text.split(" ")[0].split("T")[0]
    for separator in ("/", "-", "."):
        parts = text.split(separator)
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            continue
        if len(parts[0]) == 4:  # ISO: 2025-12-31
            year, month, day = (int(p) for p in parts)
        elif len(parts[2]) == 4:  # Belgian: day first
            day, month, year = (int(p) for p in parts)
        else:
            continue
        return date(year, month, day)
    raise ValueError(text)


def cell_text(value) -> str:
    """A cell as text: whole numbers without ".0" (a postcode or phone typed as number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()
