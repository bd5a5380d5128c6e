from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Files that must never be reachable by URL: served only by views that check access.

    The location follows settings.PRIVATE_MEDIA_ROOT at the time of use (tests override it).
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @cached_property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
        else:
            super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]  # stubs list only Django's own settings


_private = PrivateStorage()


def private_storage() -> FileSystemStorage:
    return _private
