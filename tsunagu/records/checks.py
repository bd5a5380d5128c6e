"""`manage.py check --deploy`: the attachment directory is the service's alone."""

from __future__ import annotations

import os
import stat
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def private_media_is_private(**kwargs: Any) -> list[CheckMessage]:
    root = str(settings.PRIVATE_MEDIA_ROOT)
    if not os.path.isdir(root):
        return []
    mode = stat.S_IMODE(os.stat(root).st_mode)
    if mode & 0o077:
        return [
            Warning(
                f"TSUNAGU_PRIVATE_MEDIA_ROOT ({root}) has mode {mode:o}; attachments need 700.",
                hint="Run `python manage.py encrypt_attachments`, which also sets the modes.",
                id="tsunagu.W013",
            )
        ]
    return []
