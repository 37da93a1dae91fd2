"""The `kuaiban` command: Django's management commands, e.g. `kuaiban pack validate FILE`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    # A machine configured for production has DJANGO_SECRET_KEY (and usually
    # DJANGO_SETTINGS_MODULE) in its environment; a developer's checkout has neither
    # and gets the development settings, with a key kept under var/.
    default = "kuaiban.settings" if os.environ.get("DJANGO_SECRET_KEY") else "kuaiban.settings_dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kuaiban", *(sys.argv[1:] if argv is None else argv)])
    return 0
