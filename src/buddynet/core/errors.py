"""One error type for broken domain rules, shared by every app.

Services raise a subclass of :class:`ServiceError` (each app has its own, e.g.
``MatchingError``) when a rule is broken. The one service-form view
(:mod:`buddynet.core.formviews`) shows it on the form with what was typed kept (400);
the API's one exception handler (:mod:`buddynet.core.api`) answers it as JSON with a
machine code and the translated message. Nothing else needs a ``try``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class ServiceError(Exception):
    """A broken rule, in words for the person who broke it.

    ``code`` is a stable machine code for the API (``"invalid"`` unless told),
    ``field`` names the form field the message belongs to (``None``: the whole form),
    ``status`` is the HTTP status the API answers with (400; 409 for a conflict with
    what exists, 403 for something this person may not do).
    """

    default_code = "invalid"
    status = 400

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        field: str | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.field = field
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_validation_error(cls, exc: ValidationError) -> ServiceError:
        """A model's ``full_clean`` failed inside a service: the same rule, as ours."""
        field = None
        if hasattr(exc, "error_dict") and len(exc.error_dict) == 1:
            (field,) = exc.error_dict
            field = None if field == "__all__" else field
        return cls(" ".join(exc.messages), code="invalid", field=field)

    @classmethod
    def clean(cls, record: models.Model, **options: Any) -> None:
        """``record.full_clean(**options)``: the model's own rules (lengths, choices), a
        broken one as this error on the field it names."""
        try:
            record.full_clean(**options)
        except ValidationError as exc:
            raise cls.from_validation_error(exc) from exc

    @classmethod
    def refuse_unknown(cls, data: Iterable[str], allowed: Iterable[str], message: str) -> None:
        """Refuse the field names in ``data`` this service does not write: ``message``
        names them in its ``%(fields)s``."""
        unknown = set(data) - set(allowed)
        if unknown:
            raise cls(message % {"fields": ", ".join(sorted(unknown))})


class Conflict(ServiceError):
    """What was asked clashes with what exists (already done, changed meanwhile)."""

    default_code = "conflict"
    status = 409


class NotAllowed(ServiceError):
    """This person may not do this, here, now (the rule, not a missing permission)."""

    default_code = "not_allowed"
    status = 403
