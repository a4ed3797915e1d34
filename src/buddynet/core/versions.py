"""Per-project data versions, and what is cached under them.

Figures, dashboard panels and matching pools are cached under their projects' versions,
so they are exact: every write to a project's records moves the project's version in the
same transaction, and a cached value is only found under the version it was computed at.

How it stays exact, on PostgreSQL under concurrency and on SQLite:

- A write appends a row (project, kind, weight 1) to ``core.ProjectChange`` inside the
  writing transaction; a project's version of a kind is the sum of its rows' weights.
  Appending takes no lock another writer waits for (one counter row per project would
  queue every writer of a project behind the others until they commit, and could
  deadlock two services that lock the same rows in another order), and the rows become
  visible exactly when the change does.
- Versions only grow: each committed change adds at least one, and folding a project's
  rows into one (``_fold``, after a commit now and then) keeps the sum, or raises it when
  two fold at once. Two different states of a project never share a version.
- A reader reads the versions first and the data after, and stores what it computed under
  the version it read: the data are at least as new as their key. After a user's change
  commits, their next request reads the new version, so nobody sees a figure older than
  their own last change.
- A transaction that has changed a project and not committed yet sees what nobody else
  sees: for that project the cache is neither read nor written (``pending``).

What counts as a change: saving or deleting any record with a ``project`` key
(``connect``, at start-up, for every such model but the audit log), the project itself,
a change to a user's name (for the projects they have a role in),
and the queryset writes that send no signals: ``update``, ``bulk_create`` and
``bulk_update`` of ``ProjectRecordQuerySet`` (the scoped manager of
``core.models.ProjectRow``, which ``ProjectOwnedModel`` and ``HistoryStep`` extend). Every
change moves the ``DATA`` version; an app can also give a few models a kind of its own
(``track``: matching's buddy pool moves only with buddies, trajectories, proposals,
introductions, raised hands and the volunteer terms).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import OuterRef, Sum
from django.db.models.signals import post_delete, post_save

from . import bulk
from .queries import per_row

logger = logging.getLogger(__name__)

DATA = "data"
# A project's rows are folded into one after about one commit in this many.
FOLD_EVERY = 32
# Cached values carry their versions and the date in their keys; the timeout only bounds
# what an idle cache keeps.
TIMEOUT = 24 * 60 * 60

_EXTRA_KINDS: dict[type[models.Model], set[str]] = {}
_MISSING = object()
V = TypeVar("V")


# --- Which writes move a version --------------------------------------------------------


def track(kind: str, *tracked: type[models.Model]) -> None:
    """Changes to these models also move the project's version of ``kind``."""
    for model in tracked:
        _EXTRA_KINDS.setdefault(model, set()).add(kind)


def kinds_of(model: type[models.Model]) -> tuple[str, ...]:
    return (DATA, *sorted(_EXTRA_KINDS.get(model, ())))


def changed(model: type[models.Model], project_ids: Iterable[int | None]) -> None:
    """Records of ``model`` in these projects were written: move their versions."""
    bump(project_ids, kinds=kinds_of(model))


class ProjectRecordQuerySet(models.QuerySet):
    """A project's records: the writes that send no signals move the versions too (after
    the write, so a reader never finds a new version over old data)."""

    def _project_ids(self) -> set[int]:
        return set(self.order_by().values_list("project_id", flat=True).distinct())

    def update(self, **kwargs: Any) -> int:
        project_ids = self._project_ids()
        moved_to = kwargs.get("project_id", getattr(kwargs.get("project"), "pk", None))
        updated = super().update(**kwargs)
        if updated:
            changed(self.model, project_ids | {moved_to})
        return updated

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:  # a row whose project is its parent's takes it (core.models)
            if take_project := getattr(obj, "take_project", None):
                take_project()
        if bulk.copying() and not args and set(kwargs) <= {"batch_size"}:
            created = bulk.copy_create(self.model, objs)  # a large load (the demo seed)
        else:
            created = super().bulk_create(objs, *args, **kwargs)
        changed(self.model, {obj.project_id for obj in created})
        return created

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, *args, **kwargs)
        changed(self.model, {obj.project_id for obj in objs})
        return updated


ProjectRecordManager = models.Manager.from_queryset(ProjectRecordQuerySet)


NOT_PROJECT_DATA = frozenset({"core.AuditEntry", "core.ProjectChange", "tenancy.Membership"})


def _project_key(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("project")
    except Exception:  # FieldDoesNotExist, or a reverse relation
        return False
    related = getattr(field, "related_model", None)
    return (
        getattr(field, "concrete", False)
        and related is not None
        and related._meta.label == "tenancy.Project"
    )


def _saved(sender, instance, **kwargs) -> None:
    changed(sender, [instance.project_id])


def _project_saved(sender, instance, **kwargs) -> None:
    changed(sender, [instance.pk])


# What of a user shows on the cached panels of the projects they have a role in.
USER_SHOWN = frozenset({"first_name", "last_name", "email"})


def _user_saved(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    """A user's name shows on cached panels (who is responsible, who referred): a change
    to it moves the versions of the projects the user has a role in, so those panels
    show the new name from the next request on. A save of other fields only (a log-in
    saves ``last_login``) moves nothing."""
    if created or (update_fields is not None and not USER_SHOWN & set(update_fields)):
        return
    Membership = _model("tenancy", "Membership")
    bump(
        Membership.objects.filter(user=instance, project__isnull=False).values_list(
            "project_id", flat=True
        )
    )


def connect() -> None:
    """Connect the receivers (``CoreConfig.ready``): every model with a ``project`` key,
    except the audit log (reads write it), the change rows themselves and the memberships
    (roles are part of what a cached panel is keyed by, not a project's data); and the
    users, whose names the panels show (``_user_saved``)."""
    for model in apps.get_models():
        label = model._meta.label
        if label == "tenancy.Project":
            post_save.connect(_project_saved, sender=model, dispatch_uid="versions.project")
        elif label not in NOT_PROJECT_DATA and _project_key(model):
            post_save.connect(_saved, sender=model, dispatch_uid=f"versions.save.{label}")
            post_delete.connect(_saved, sender=model, dispatch_uid=f"versions.delete.{label}")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="versions.user")


# --- Moving and reading versions --------------------------------------------------------


def _model(app_label: str, name: str) -> Any:
    """A model by name, as ``ProjectOwnedModel``'s key names ``tenancy.Project``: the
    change rows and the projects, without core importing a higher layer (or its own
    models, which import this module)."""
    return apps.get_model(app_label, name)


class _Pending:
    """Marks a project changed (for a kind) by the transaction in progress; after the
    commit it folds the project's rows now and then."""

    def __init__(self, project_id: int, kind: str, row_id: int | None) -> None:
        self.project_id = project_id
        self.kind = kind
        self.row_id = row_id

    def __call__(self) -> None:
        _after_commit(self.project_id, self.kind, self.row_id)


def _markers() -> Iterable[tuple[set, _Pending]]:
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        sids, func = entry[0], entry[1]
        if isinstance(func, _Pending):
            yield sids, func


def _already_moved(project_id: int, kind: str) -> bool:
    """This transaction has moved the version already, in a part of it that still stands
    (a marker left by a rolled-back savepoint is gone with it)."""
    if not connection.in_atomic_block:
        return False
    open_now = set(connection.savepoint_ids)
    return any(
        m.project_id == project_id and m.kind == kind and sids <= open_now for sids, m in _markers()
    )


def pending(project_id: int, kind: str = DATA) -> bool:
    """This transaction changed the project and has not committed: use no cache for it."""
    if not connection.in_atomic_block:
        return False
    return any(m.project_id == project_id and m.kind == kind for _sids, m in _markers())


def bump(project_ids: Iterable[int | None], *, kinds: Iterable[str] = (DATA,)) -> None:
    """Move the versions of these projects (once per transaction and kind)."""
    ProjectChange = _model("core", "ProjectChange")

    kinds = tuple(kinds)
    todo = [
        (pid, kind)
        for pid in sorted({pid for pid in project_ids if pid is not None})
        for kind in kinds
        if not _already_moved(pid, kind)
    ]
    if not todo:
        return
    rows = ProjectChange.objects.bulk_create(
        [ProjectChange(project_id=pid, kind=kind) for pid, kind in todo]
    )
    for row in rows:
        if connection.in_atomic_block:
            transaction.on_commit(_Pending(row.project_id, row.kind, row.pk), robust=True)
        else:
            _after_commit(row.project_id, row.kind, row.pk)


def _after_commit(project_id: int, kind: str, row_id: int | None) -> None:
    if row_id is not None and row_id % FOLD_EVERY == 0:
        _fold(project_id, kind)


def _fold(project_id: int, kind: str) -> None:
    """One row for a project's kind instead of many, with the same sum (two folding at
    once can only raise it, which is harmless: a version never comes back)."""
    ProjectChange = _model("core", "ProjectChange")

    with transaction.atomic():
        rows = list(
            ProjectChange.objects.filter(project_id=project_id, kind=kind).values_list(
                "pk", "weight"
            )
        )
        if len(rows) < 2:
            return
        ProjectChange.objects.filter(pk__in=[pk for pk, _weight in rows]).delete()
        ProjectChange.objects.create(
            project_id=project_id, kind=kind, weight=sum(w for _pk, w in rows)
        )


def current(project_ids: Iterable[int], kind: str = DATA) -> dict[int, tuple[str, int] | None]:
    """Per project: its code and version of ``kind`` (one query), or None where this
    transaction has changed the project (no cache for it). A project that does not exist
    is left out."""
    Project = _model("tenancy", "Project")
    ProjectChange = _model("core", "ProjectChange")

    ids = set(project_ids)
    result: dict[int, tuple[str, int] | None] = {pid: None for pid in ids if pending(pid, kind)}
    ask = ids - set(result)
    if ask:
        changes = ProjectChange.objects.filter(project=OuterRef("pk"), kind=kind)
        rows = Project.objects.filter(pk__in=ask).values_list(
            "pk", "code", per_row(changes, "project", Sum("weight"))
        )
        for pid, code, version in rows:
            result[pid] = (str(code), int(version))
    return result


# --- Cached values ----------------------------------------------------------------------


def _key(name: str, versions: Iterable[tuple[str, int]], parts: tuple) -> str:
    digest = hashlib.sha256(repr((sorted(versions), parts)).encode()).hexdigest()[:40]
    return f"buddynet:v1:{name}:{digest}"


def _get_many(keys: list[str]) -> dict[str, Any]:
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:
        logger.exception("cache read failed")
        return {}


def _set_many(values: dict[str, Any]) -> None:
    if not values:
        return
    try:
        cache.set_many(values, timeout=TIMEOUT)
    except Exception:
        logger.exception("cache write failed")


Versions = dict[int, "tuple[str, int] | None"]


def per_project(
    name: str,
    project_ids: Iterable[int],
    compute: Callable[[list[int]], dict[int, V]],
    *,
    kind: str = DATA,
    parts: tuple = (),
    known: Versions | None = None,
) -> dict[int, V]:
    """A value per project, each cached under its project's version (and ``parts``, e.g.
    the date): ``compute(ids)`` runs once, for the projects not found. Two queries when
    all are found (the versions, unless ``known`` has them from ``current``; the cache, if
    it is the database)."""
    ids = sorted(set(project_ids))
    versions = _versions(ids, kind, known)
    keys = {pid: _key(name, [v], parts) for pid, v in versions.items() if v is not None}
    found = _get_many(list(keys.values()))
    result = {pid: found[key][0] for pid, key in keys.items() if key in found}
    missing = [pid for pid in ids if pid not in result]
    if missing:
        fresh = compute(missing)
        result.update({pid: fresh[pid] for pid in missing})
        _set_many({keys[pid]: (fresh[pid],) for pid in missing if pid in keys})
    return result


def for_projects(
    computes: Mapping[str, Callable[[], Any]],
    project_ids: Iterable[int],
    *,
    kind: str = DATA,
    parts: tuple = (),
    known: Versions | None = None,
) -> dict[str, Any]:
    """Values over several projects (one per name in ``computes``), each cached under all
    their versions and ``parts``; the missing ones are computed. The same queries as
    ``per_project``."""
    ids = sorted(set(project_ids))
    versions = _versions(ids, kind, known)
    if len(versions) != len(ids) or any(v is None for v in versions.values()):
        return {name: compute() for name, compute in computes.items()}
    mine = [v for v in versions.values() if v is not None]
    keys = {name: _key(name, mine, parts) for name in computes}
    found = _get_many(list(keys.values()))
    result = {name: found[key][0] for name, key in keys.items() if key in found}
    fresh = {name: compute() for name, compute in computes.items() if name not in result}
    _set_many({keys[name]: (value,) for name, value in fresh.items()})
    return {name: result[name] if name in result else fresh[name] for name in computes}


def _versions(ids: list[int], kind: str, known: Versions | None) -> Versions:
    if known is not None and all(pid in known for pid in ids):
        return {pid: known[pid] for pid in ids}
    return current(ids, kind)
