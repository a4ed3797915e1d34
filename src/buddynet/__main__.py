"""The ``buddynet`` console command: Django's manage.py with the project's settings.

Commands may be written with dashes (``buddynet seed-demo``) or underscores.
"""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

from buddynet.datadir import ensure_data_dir


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddynet.settings")
    ensure_data_dir()

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
