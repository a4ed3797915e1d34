"""The published OpenAPI schema: every schema name means one thing.

django-ninja names a component after its Schema class; two classes of the same name in
different routers silently become one component (or ``Name``/``Name2``), so a client
reads the wrong shape. Schema classes must be unique by name across the whole API.
"""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema
from pydantic import BaseModel

from buddynet.api import api


def _schema_classes_by_name() -> dict[str, set[str]]:
    """Every ninja Schema class used by an operation's body, params or responses."""
    found: dict[str, set[str]] = defaultdict(set)
    visited: set[int] = set()

    def visit(annotation):
        if id(annotation) in visited:
            return
        visited.add(id(annotation))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if issubclass(annotation, Schema) and not annotation.__module__.startswith("ninja"):
                found[annotation.__name__].add(f"{annotation.__module__}.{annotation.__qualname__}")
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for arg in getattr(annotation, "__args__", ()) or ():
            visit(arg)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    visit(model)
                for model in getattr(operation, "models", []) or []:
                    visit(model)
    return found


def test_no_two_schema_classes_share_a_name():
    duplicates = {
        name: sorted(classes)
        for name, classes in _schema_classes_by_name().items()
        if len(classes) > 1
    }
    assert not duplicates, f"schema names used by more than one class: {duplicates}"


def test_the_openapi_schema_has_no_numbered_duplicates():
    names = set(api.get_openapi_schema()["components"]["schemas"])
    numbered = sorted(n for n in names if n[-1].isdigit() and n.rstrip("0123456789") in names)
    assert not numbered, f"ninja renamed clashing schemas: {numbered}"
