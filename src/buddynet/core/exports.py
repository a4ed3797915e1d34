"""Exports of a list page to CSV or Excel: the one way for every list.

A list view adds ``ExportMixin`` and says which columns it exports (``Column``: a
heading through gettext and a getter on one row). ``?export=csv`` or ``?export=xlsx`` on
the list's own address answers the download: the same filters from the query string,
the same selector (so the same scope), the full filtered set rather than one page, and
never more columns than the page shows. Each export is written in the project's history
(``list.exported``) with the list, the format, the filters and the number of rows.

CSV is written the way Belgian Excel opens it directly: UTF-8 with a BOM and ``;``
between fields. A cell starting with ``= + - @`` (or a tab or carriage return) gets a
leading apostrophe, so a name typed as ``=HYPERLINK(...)`` stays text in a spreadsheet
(CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
AUDIT_FILTER_LENGTH = 100


@dataclass(frozen=True)
class Column:
    """One exported column: its heading (translated when written) and its value."""

    label: Any
    value: Callable[[Any], Any]


def neutralise(text: str) -> str:
    """A text a spreadsheet would read as a formula, made plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _plain(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers and dates as they are, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)  # the getters say yes/no in words; a bare bool stays readable
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value if v not in (None, ""))
    return str(value)


def _csv_text(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _xlsx_cell(value: Any) -> Any:
    value = _plain(value)
    return neutralise(value) if isinstance(value, str) else value


def file_name(*, project_name: str, list_name: str, fmt: str, on: date | None = None) -> str:
    """``<project>-<list>-<date>.<fmt>``: only letters, digits and dashes."""
    on = on or timezone.localdate()
    parts = [slugify(project_name) or "buddynet", slugify(list_name) or "export", on.isoformat()]
    return "-".join(parts) + "." + fmt


def csv_bytes(columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(c.label)) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(c.value(row)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], *, title: str = "") -> bytes:
    # Imported here: openpyxl is only needed when someone downloads a spreadsheet.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headings = [str(c.label) for c in columns]
    body = [[_xlsx_cell(c.value(row)) for c in columns] for row in rows]
    widths = [len(h) for h in headings]
    for values in body:
        for i, value in enumerate(values):
            shown = 10 if isinstance(value, date) else len(str(value))
            widths[i] = max(widths[i], shown)

    book = Workbook(write_only=True)
    # A sheet title: at most 31 characters, none of []:*?/\
    sheet = book.create_sheet(
        title="".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Export"
    )
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    bold = Font(bold=True)
    header = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=neutralise(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in body:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_response(body, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    """A file a page hands out (a PDF, a receipt, a payment file): ``body`` as
    ``content_type``, saved as ``filename`` (``inline``: shown in the browser)."""
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def export_response(
    *,
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    project_name: str,
    list_name: str,
) -> HttpResponse:
    """The download of ``rows`` as CSV or XLSX (``fmt``), never cached."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format: {fmt}")
    if fmt == "csv":
        content = csv_bytes(columns, rows)
    else:
        content = xlsx_bytes(columns, rows, title=list_name)
    name = file_name(project_name=project_name, list_name=list_name, fmt=fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ExportMixin:
    """``?export=csv|xlsx`` on a project list page (after ``ProjectPermissionMixin``,
    which gives ``self.project``, ``self.access`` and ``can()``).

    Declare ``export_list`` (the list's code in the audit), ``export_title`` (its name,
    translated, in the file name) and ``export_columns()``; ``export_rows()`` gives the
    full filtered set (by default ``get_queryset()``, the page's own selector).
    ``export_permission`` (default: the page's ``permission``) says who may download:
    a list that shows a buddy their own records stays unexported for them by naming
    the coordinator's permission here. An unknown format shows the page, as an unknown
    filter does.
    """

    export_list: str = ""
    export_title: Any = ""
    export_permission: str | tuple[str, ...] = ""

    # Given by ProjectPermissionMixin and the view.
    project: Any
    access: Any
    request: Any
    permission: str | tuple[str, ...]
    can: Callable[[str], bool]

    def export_columns(self) -> list[Column]:
        raise NotImplementedError

    def export_rows(self) -> Iterable[Any]:
        return self.get_queryset()  # type: ignore[attr-defined]

    def may_export(self) -> bool:
        needed = self.export_permission or self.permission
        needed = (needed,) if isinstance(needed, str) else needed
        return any(self.can(p) for p in needed)

    def export_format(self) -> str | None:
        fmt = self.request.GET.get("export")
        return fmt if fmt in FORMATS else None

    def get(self, request, *args, **kwargs):
        fmt = self.export_format()
        if fmt is None:
            return super().get(request, *args, **kwargs)  # type: ignore[misc]
        if not self.may_export():
            raise PermissionDenied
        return self.export(fmt)

    def export(self, fmt: str) -> HttpResponse:
        rows = list(self.export_rows())
        filters = {
            key: value[:AUDIT_FILTER_LENGTH]
            for key, value in self.request.GET.items()
            if key not in ("export", "page") and value
        }
        self.project.log_action(
            "list.exported",
            user=self.request.user,
            data={"list": self.export_list, "format": fmt, "rows": len(rows), "filters": filters},
        )
        return export_response(
            fmt=fmt,
            columns=self.export_columns(),
            rows=rows,
            project_name=self.project.name,
            list_name=str(self.export_title),
        )

    def export_links(self) -> dict[str, str] | None:
        """``{"csv": "?…&export=csv", "xlsx": …}`` keeping the filters shown (not the
        page), or None when this user may not export."""
        if not self.may_export():
            return None
        kept = [
            (key, value)
            for key, values in self.request.GET.lists()
            if key not in ("export", "page")
            for value in values
        ]
        return {fmt: "?" + urlencode([*kept, ("export", fmt)]) for fmt in FORMATS}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["export_links"] = self.export_links()
        return context
