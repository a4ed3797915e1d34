"""What every API router shares: one exception handler, one pagination, one lazy page.

- ``install_exception_handlers(api)``: a broken rule (``ServiceError``) answers its
  status (400, 403 or 409) with ``{"detail": <translated message>, "code": <machine
  code>}``; not found → 404; no permission → 403; a unique constraint hit by a repeated
  request → 409; anything unexpected → a JSON 500 (never Django's HTML page).
- ``Pagination``: page numbers bounded (a huge ``?page=`` answers 422, not a 500),
  the page size from ``settings.NINJA_PAGINATION_PER_PAGE``. An endpoint pages its
  list with ``@router.read(path, list[Out], permission, paged=True)``
  (``tenancy.api.ProjectRouter``), which applies it.
- ``LazyPage(queryset, build)``: a sliceable list that builds output rows only for the
  page being shown; ``LazyPage(queryset, build_page=...)`` builds a page's rows
  together (what is computed per page, e.g. the places on the waiting list).
- ``PersonOut``: the fields every list of people starts with (buddies, participants).
- ``schema_of(dataclass, ...)``: an output schema with the fields a selector's dataclass
  already declares, so the shape is written once.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any, get_type_hints

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from pydantic import create_model

from .errors import ServiceError

logger = logging.getLogger("buddynet.api")

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    """The body of every 4xx/5xx answer."""

    detail: str
    code: str


class PersonOut(Schema):
    """The fields a row of people starts with: who, where their file stands, where they live."""

    code: uuid.UUID
    first_name: str
    last_name: str
    status: str
    town: str
    postcode: str


def schema_of(
    source: type, name: str, *, doc: str, module: str, exclude: Collection[str] = (), **types: Any
) -> type[Schema]:
    """An output schema with the fields of the dataclass ``source``, in its order and with
    its types. ``exclude`` leaves fields out (never shown); ``types`` gives a field the
    type the API shows (e.g. a related object's code instead of the object)."""
    hints = get_type_hints(source)
    fields: dict[str, Any] = {
        f.name: (types.get(f.name, hints[f.name]), ...)
        for f in dataclasses.fields(source)
        if f.name not in exclude
    }
    return create_model(name, __base__=Schema, __doc__=doc, __module__=module, **fields)


class Pagination(PageNumberPagination):
    """Page numbers with bounds: ``?page=10**30`` is a 422 with a reason, not a crash."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)


class LazyPage(Sequence):
    """A queryset seen through ``build``: counted in the database, converted per slice.

    ``build`` converts one row; or ``build_page`` converts the rows of a page together
    (for what is computed per page, like places in a line)."""

    def __init__(
        self,
        queryset,
        build: Callable[[Any], Any] | None = None,
        *,
        build_page: Callable[[list], list] | None = None,
    ):
        if (build is None) == (build_page is None):
            raise TypeError("LazyPage needs build or build_page (one of them).")
        self.queryset = queryset
        self.build_page = build_page or (lambda rows: [build(row) for row in rows])

    def __len__(self) -> int:
        return self.queryset.count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item):
        if isinstance(item, slice):
            return self.build_page(list(self.queryset[item]))
        return self.build_page([self.queryset[item]])[0]


def error_body(message: str, code: str) -> dict:
    return {"detail": str(message), "code": code}


def install_exception_handlers(api) -> None:
    """Register the one mapping from exceptions to JSON answers on a ``NinjaAPI``."""

    def respond(request, message, code, status):
        return api.create_response(request, error_body(message, code), status=status)

    @api.exception_handler(ServiceError)
    def _service_error(request, exc: ServiceError):
        return respond(request, exc.message, exc.code, exc.status)

    @api.exception_handler(ValidationError)
    def _model_rule(request, exc: ValidationError):
        return respond(request, " ".join(exc.messages), "invalid", 400)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return respond(request, _("You do not have permission to do this."), "forbidden", 403)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return respond(request, _("Not found."), "not_found", 404)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return respond(request, _("Log in or send an API token."), "unauthenticated", 401)

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return respond(request, str(exc), "error", exc.status_code)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc):
        body = error_body(_("The request is not valid."), "invalid_request")
        body["errors"] = exc.errors
        return api.create_response(request, body, status=422)

    @api.exception_handler(IntegrityError)
    def _duplicate(request, exc):
        # A repeated or simultaneous request met a unique constraint: it already exists.
        logger.info("API write refused by a constraint: %s", exc)
        return respond(request, _("This was already done."), "conflict", 409)

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        logger.exception("API error on %s", request.path)
        return respond(request, _("Something went wrong on our side."), "server_error", 500)
