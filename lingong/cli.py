"""The ``lingong`` command: ``lingong serve``, ``lingong demo``, ``lingong worker``, ``lingong import`` …

Every subcommand is a Django management command, so ``lingong help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lingong.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["lingong", *(args or ["help"])])


if __name__ == "__main__":
    main()
