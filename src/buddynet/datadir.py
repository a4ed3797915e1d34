"""Where buddynet keeps its files, and making that place ready.

Importing the settings has no side effects: the settings only compute these paths.
``ensure_data_dir()`` creates the folders and the generated secret key; the ``buddynet``
command and the WSGI entry point call it before Django starts. No Django imports here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    """``BUDDYNET_DATA_DIR``, else ``var/`` in the current folder."""
    return Path(os.environ.get("BUDDYNET_DATA_DIR") or Path.cwd() / "var")


def static_root() -> Path:
    """``BUDDYNET_STATIC_ROOT``, else ``static/`` in the data folder."""
    return Path(os.environ.get("BUDDYNET_STATIC_ROOT") or data_dir() / "static")


def secret_key_file() -> Path:
    return data_dir() / "secret_key"


def ensure_data_dir() -> None:
    """Create the data and static folders and, when no ``BUDDYNET_SECRET_KEY`` is set,
    a generated secret key readable by us only. Safe to call from several processes."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    static_root().mkdir(parents=True, exist_ok=True)
    if os.environ.get("BUDDYNET_SECRET_KEY"):
        return
    key_file = secret_key_file()
    if key_file.exists():
        return
    # Write a complete file under a private name, then link it into place: another
    # process never reads a half-written key, and the first one to link wins.
    temporary = folder / f".secret_key.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(64))
    try:
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
    finally:
        temporary.unlink()
