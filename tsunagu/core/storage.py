from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Files that must never be reachable by URL: served only by views that check access."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
