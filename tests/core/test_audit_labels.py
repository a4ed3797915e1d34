"""Every audit action the code writes has plain words in the histories.

Two checks, because neither alone sees everything:
- statically (here): every ``log_action(...)`` / ``AuditEntry.record(...)`` call in the
  source, with its action resolved whatever way it is written: a literal, a module
  constant (``audit.ROLE_DIVISION_VIEWED``), a class attribute read through ``self``
  (``audit_action = "..."``), or a parameter of a helper that passes it on (then every
  call of that helper is resolved the same way). An action the test cannot resolve (an
  f-string, a computed name) fails: write actions as constants;
- at run time (``tests/conftest.py``): every action recorded while the tests run.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from buddynet.core.audit_labels import LABELS

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "buddynet"
WRITERS = {"log_action", "record"}  # obj.log_action(action, ...), AuditEntry.record(action, ...)

# The source read as text: nothing of the database.
pytestmark = pytest.mark.one_database


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def _parse_all() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    }


def _walk_with_scope(tree: ast.Module):
    """Every call node with the functions (innermost last) and the class it is in."""

    def visit(node, functions, classdef):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, (*functions, child), classdef)
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, (), child)
            else:
                if isinstance(child, ast.Call):
                    yield child, functions, classdef
                yield from visit(child, functions, classdef)

    yield from visit(tree, (), None)


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if position < len(call.args):
        return call.args[position]
    return None


def _parameter(function, name: str) -> tuple[int, str] | None:
    """(position for a positional call, name) of a parameter of ``function``, or None."""
    args = function.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    if positional and positional[0] in {"self", "cls"}:
        positional = positional[1:]
    if name in positional:
        return positional.index(name), name
    if name in [a.arg for a in args.kwonlyargs]:
        return 10_000, name  # keyword-only: never positional
    return None


def _class_attribute_values(trees, attribute: str) -> set[str] | None:
    """Every string literal assigned to ``attribute`` in a class body, anywhere."""
    values: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for statement in node.body:
                targets = []
                if isinstance(statement, ast.Assign):
                    targets, value = statement.targets, statement.value
                elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                    targets, value = [statement.target], statement.value
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == attribute:
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            values.add(value.value)
                        else:
                            return None
    return values or None


def _resolve_in_module(path: Path, node: ast.expr) -> str | None:
    """A module-level name or dotted attribute (``audit.VIEWED``, ``Action.VIEWED``)."""
    if not isinstance(node, ast.Name | ast.Attribute):
        return None
    module = importlib.import_module(_module_name(path))
    try:
        value = eval(compile(ast.Expression(node), str(path), "eval"), vars(module))  # noqa: S307
    except (NameError, AttributeError):
        return None
    return str(value) if isinstance(value, str) else None


def _resolve(node, path, functions, classdef, trees, pending) -> set[str] | None:
    """The actions ``node`` can be, or None when it cannot be resolved. A parameter of an
    enclosing helper is queued in ``pending`` (its callers are resolved) and gives {}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    # A helper's parameter passed on (also from a closure): resolve every call of it.
    if isinstance(node, ast.Name):
        for function in reversed(functions):
            passed = _parameter(function, node.id)
            if passed is not None:
                pending.append((function.name, *passed))
                return set()
    # self.audit_action: the values classes give that attribute.
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"self", "cls"}
        and classdef is not None
    ):
        return _class_attribute_values(trees, node.attr)
    value = _resolve_in_module(path, node)
    return None if value is None else {value}


def actions_in_code() -> tuple[set[str], list[str]]:
    """(every action the code can write, the calls whose action cannot be resolved)."""
    trees = _parse_all()
    calls: dict[Path, list[tuple[ast.Call, object, object]]] = {
        path: list(_walk_with_scope(tree)) for path, tree in trees.items()
    }
    found: set[str] = set()
    unresolved: list[str] = []
    # (callee name, parameter position, parameter name) whose argument is an action.
    pending = [(writer, 0, "action") for writer in WRITERS]
    done: set[tuple[str, int, str]] = set()
    while pending:
        callee, position, parameter = pending.pop()
        if (callee, position, parameter) in done:
            continue
        done.add((callee, position, parameter))
        for path, scoped in calls.items():
            for call, functions, classdef in scoped:
                if _callee_name(call) != callee:
                    continue
                node = _argument(call, position, parameter)
                if node is None:
                    continue
                where = f"{path.relative_to(SRC)}:{call.lineno}"
                # A conditional picks one of several actions: resolve each.
                options = [node]
                while any(isinstance(o, ast.IfExp) for o in options):
                    options = [
                        part
                        for o in options
                        for part in ((o.body, o.orelse) if isinstance(o, ast.IfExp) else (o,))
                    ]
                for option in options:
                    value = _resolve(option, path, functions, classdef, trees, pending)
                    if value is None:
                        unresolved.append(f"{where}: {ast.unparse(option)}")
                    else:
                        found |= value
    return found, unresolved


def test_every_audit_action_the_code_can_write_is_resolvable():
    _found, unresolved = actions_in_code()
    assert unresolved == [], (
        "audit actions the test cannot resolve; write them as literals or module "
        f"constants: {unresolved}"
    )


def test_every_audit_action_has_a_label():
    actions, _unresolved = actions_in_code()
    assert len(actions) > 40
    # Actions built from constants and class attributes are found too.
    assert {"role_division.viewed", "trajectory.viewed", "account.password.changed"} <= actions
    missing = sorted(a for a in actions if a not in LABELS)
    assert not missing, f"audit actions without plain words in a LABELS dict: {missing}"
