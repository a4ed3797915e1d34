"""Every audit action the code writes has plain words in the histories."""

from __future__ import annotations

import re
from pathlib import Path

from buddynet.core.audit_labels import LABELS

SRC = Path(__file__).resolve().parents[2] / "src" / "buddynet"
# The first argument of log_action(...) / AuditEntry.record(...) when it is a literal.
CALL = re.compile(r"""(?:log_action|AuditEntry\.record)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def actions_in_code() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(CALL.findall(path.read_text()))
    return found


def test_every_audit_action_has_a_label():
    actions = actions_in_code()
    assert len(actions) > 40
    missing = sorted(a for a in actions if a not in LABELS)
    assert not missing, f"audit actions without plain words in a LABELS dict: {missing}"
