"""Private storage: attachments, encrypted at rest, reachable only through views that check
access.

Every file is sealed with AES-GCM under the first key of settings.FILE_KEYS
(TSUNAGU_FILE_KEY), bound to its storage name (`tsunagu.core.crypto`): a file copied or
renamed onto another attachment's name does not open.  Directories are created 0700 and files
0600.  `manage.py encrypt_attachments` seals files written before encryption existed and
re-seals old ones under a new first key.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField, Model
from django.db.models.fields.files import FieldFile
from django.utils.functional import cached_property

from tsunagu.core import crypto

logger = logging.getLogger(__name__)

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600

# The extension each allowed type is stored under (the type judged from the bytes).
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    # The person's voice notes (portal どう？, records.services.voice_note_check).
    "audio/webm": "webm",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
}


class UnreadableFile(Exception):
    """A stored file that cannot be served: not encrypted, sealed under a key that is not
    configured, changed, moved, or not the file its row describes."""


def extension_for(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")


def context_for(name: str) -> bytes:
    """The associated data of a stored file: its place in the storage."""
    return b"tsunagu private file\x00" + name.replace("\\", "/").encode()


class PrivateStorage(FileSystemStorage):
    """Files that must never be reachable by URL: served only by views that check access.

    The location follows settings.PRIVATE_MEDIA_ROOT at the time of use (tests override it).
    """

    def __init__(self) -> None:
        super().__init__(
            base_url=None,
            file_permissions_mode=FILE_MODE,
            directory_permissions_mode=DIRECTORY_MODE,
        )

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

    def _make_directory(self, directory: str) -> None:
        old_umask = os.umask(0o777 & ~DIRECTORY_MODE)
        try:
            os.makedirs(directory, DIRECTORY_MODE, exist_ok=True)
        finally:
            os.umask(old_umask)
        # The root too, whoever created it: nobody but the service account lists the files.
        os.chmod(self.location, DIRECTORY_MODE)

    def _save(self, name: str, content: File[Any]) -> str:
        """Seal the whole file (at most ATTACHMENT_MAX_BYTES) and write it 0600, never over
        an existing file."""
        plaintext = b"".join(content.chunks())
        while True:
            full_path = self.path(name)
            self._make_directory(os.path.dirname(full_path))
            name = name.replace("\\", "/")
            sealed = crypto.seal(plaintext, keys=settings.FILE_KEYS, context=context_for(name))
            try:
                descriptor = os.open(
                    full_path,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                    FILE_MODE,
                )
            except FileExistsError:
                name = self.get_available_name(name)
                continue
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(sealed)
            except BaseException:
                os.unlink(full_path)
                raise
            os.chmod(full_path, FILE_MODE)
            return name

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if mode != "rb":
            raise ValueError("Private files are opened for reading only.")
        with open(self.path(name), "rb") as handle:
            sealed = handle.read()
        try:
            plaintext = crypto.unseal(sealed, keys=settings.FILE_KEYS, context=context_for(name))
        except crypto.SealError as exc:
            raise UnreadableFile(f"{name}: {exc}") from None
        return File(io.BytesIO(plaintext), name=name)

    def read_sealed(self, name: str) -> bytes:
        """The stored bytes as they are on disk (for backups and re-encryption)."""
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def write_sealed(self, name: str, sealed: bytes, *, replace: bool = False) -> None:
        """Put bytes sealed for `name` in place, 0600, atomically (restore, re-encryption)."""
        full_path = self.path(name)
        self._make_directory(os.path.dirname(full_path))
        if not replace and os.path.exists(full_path):
            raise FileExistsError(full_path)
        temporary = f"{full_path}.tmp-{os.getpid()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, FILE_MODE)
            os.replace(temporary, full_path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


_private = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private


def open_checked(file: FieldFile, *, sha256: str) -> File[Any]:
    """The decrypted file of a row, checked against the SHA-256 the row recorded at upload.

    Raises FileNotFoundError when the file is missing and UnreadableFile when it cannot be
    decrypted or is not the file its row describes; both are logged for the operator.
    """
    try:
        handle = file.storage.open(file.name or "", "rb")
    except FileNotFoundError:
        logger.error("private file missing: %s", file.name)
        raise
    except UnreadableFile as exc:
        logger.error("private file unreadable: %s", exc)
        raise
    digest = hashlib.sha256()
    for chunk in handle.chunks():
        digest.update(chunk)
    if digest.hexdigest() != sha256:
        logger.error("private file does not match its row: %s", file.name)
        raise UnreadableFile(f"{file.name}: not the file its row describes")
    handle.seek(0)
    return handle


def private_file_fields() -> list[tuple[type[Model], FileField]]:
    """Every model field whose files live in the private storage (attachments of notes,
    meetings, ...), found through the app registry so that core names no app above it."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FileField) and isinstance(field.storage, PrivateStorage)
    ]
