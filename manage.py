#!/usr/bin/env python
from __future__ import annotations

import os
import sys

# The demo app (tsunagu/demo/) is installed only in demo mode; elsewhere its commands say why
# they are missing instead of Django's bare "Unknown command".
DEMO_COMMANDS = frozenset({"seed_demo", "seed_scale"})


def demo_app_missing() -> bool:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return "tsunagu.demo" not in settings.INSTALLED_APPS
    except ImproperlyConfigured:
        # Outside demo mode the settings want production secrets first; say what was meant.
        # In demo mode, Django reports the broken settings themselves.
        demo = os.environ.get("TSUNAGU_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}
        return not demo


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    if len(sys.argv) > 1 and sys.argv[1] in DEMO_COMMANDS and demo_app_missing():
        sys.stderr.write(
            f"{sys.argv[1]} はデモモード（環境変数 TSUNAGU_DEMO=1）でのみ実行できます。"
            "デモのデータは本番のデータベースには作りません。\n"
        )
        sys.exit(1)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
