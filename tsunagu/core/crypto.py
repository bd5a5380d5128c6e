"""AES-GCM for what Tsunagu keeps at rest: each attachment, and each backup archive.

Keys come from the environment as base64 of 32 random bytes; a variable may hold several,
separated by commas or spaces: the first encrypts, every one of them decrypts (rotation).  Every
ciphertext starts with a header naming its key by id (8 bytes of a hash of the key, never the
key), so a file written under an old key still opens after the new one is put first.

- `seal`/`unseal`: one file as one AES-GCM message (attachments are at most 10 MB, so the whole
  file is held in memory once), a random 96-bit nonce, and associated data that binds the
  ciphertext to where it belongs (its storage name): moved or swapped, it no longer opens.
- `StreamWriter`/`StreamReader`: a backup as a sequence of 1 MiB AES-GCM chunks (the STREAM
  construction: a random nonce prefix, the chunk counter and a last-chunk flag in each nonce),
  so archives of any size are written and read without holding them, and a reordered,
  repeated or truncated archive is refused.

Nothing here reads Django settings: callers pass the keys, so the settings module can use
`parse_keys` and `derived_key` while it loads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import struct
from collections.abc import Sequence
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
KEY_ID_BYTES = 8
NONCE_BYTES = 12
TAG_BYTES = 16

FILE_MAGIC = b"TSGF\x01"  # an attachment sealed by `seal`, format 1
STREAM_MAGIC = b"TSGB\x01"  # a backup written by StreamWriter, format 1
STREAM_CHUNK = 1024 * 1024
STREAM_PREFIX_BYTES = 7  # + 4 bytes of counter + 1 byte last flag = the 12-byte nonce


class SealError(Exception):
    """A ciphertext that cannot be opened: not sealed, sealed under a key we do not hold,
    changed, truncated, or moved to another place."""


def parse_keys(value: str, *, variable: str) -> tuple[bytes, ...]:
    """The keys in `value` (base64 of 32 bytes each, comma or space separated), first first.
    Raises ValueError with a message naming `variable` but never showing a key."""
    keys: list[bytes] = []
    for position, item in enumerate(re.split(r"[\s,]+", value.strip()), start=1):
        if not item:
            continue
        try:
            key = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            try:
                key = base64.b64decode(item, altchars=b"-_", validate=True)  # URL-safe
            except (binascii.Error, ValueError):
                raise ValueError(f"{variable}: key {position} is not base64.") from None
        if len(key) != KEY_BYTES:
            raise ValueError(
                f"{variable}: key {position} is {len(key)} bytes; it must be {KEY_BYTES} "
                '(generate one with: python -c "import os, base64; '
                'print(base64.b64encode(os.urandom(32)).decode())")'
            )
        if key in keys:
            raise ValueError(f"{variable}: key {position} is listed twice.")
        keys.append(key)
    return tuple(keys)


def derived_key(secret: str, purpose: str) -> bytes:
    """A key derived from the (demo) secret key, for demo and test runs only."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=b"tsunagu demo key: " + purpose.encode(),
    )
    return hkdf.derive(secret.encode())


def key_id(key: bytes) -> bytes:
    """Names a key in a header without revealing anything usable about it."""
    return hashlib.sha256(b"tsunagu key id\x00" + key).digest()[:KEY_ID_BYTES]


def _key_for(kid: bytes, keys: Sequence[bytes]) -> bytes:
    for key in keys:
        if key_id(key) == kid:
            return key
    raise SealError(f"sealed under key id {kid.hex()}, which is not configured")


# --- One file ---------------------------------------------------------------------------------


def seal(plaintext: bytes, *, keys: Sequence[bytes], context: bytes) -> bytes:
    """`plaintext` encrypted under the first key, bound to `context` (e.g. its storage name)."""
    if not keys:
        raise SealError("no key configured")
    key = keys[0]
    nonce = os.urandom(NONCE_BYTES)
    header = FILE_MAGIC + key_id(key) + nonce
    return header + AESGCM(key).encrypt(nonce, plaintext, header + context)


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(FILE_MAGIC)


def sealed_key_id(blob: bytes) -> bytes | None:
    if not is_sealed(blob):
        return None
    return blob[len(FILE_MAGIC) : len(FILE_MAGIC) + KEY_ID_BYTES]


def unseal(blob: bytes, *, keys: Sequence[bytes], context: bytes) -> bytes:
    header_end = len(FILE_MAGIC) + KEY_ID_BYTES + NONCE_BYTES
    if not is_sealed(blob) or len(blob) < header_end + TAG_BYTES:
        raise SealError("not an encrypted file")
    header = blob[:header_end]
    kid = header[len(FILE_MAGIC) : len(FILE_MAGIC) + KEY_ID_BYTES]
    nonce = header[len(FILE_MAGIC) + KEY_ID_BYTES :]
    try:
        return AESGCM(_key_for(kid, keys)).decrypt(nonce, blob[header_end:], header + context)
    except InvalidTag:
        raise SealError("changed, or not in the place it was written for") from None


# --- A stream of chunks (backups) -------------------------------------------------------------


def _chunk_nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class StreamWriter(io.RawIOBase):
    """Writes what it is given to `out` as encrypted chunks; `close()` writes the last one.

    Usable as the file object of `tarfile.open(mode="w|")`.  Closing it does not close `out`.
    """

    def __init__(self, out: BinaryIO, *, keys: Sequence[bytes]) -> None:
        super().__init__()
        if not keys:
            raise SealError("no key configured")
        self._out = out
        self._aead = AESGCM(keys[0])
        self._prefix = os.urandom(STREAM_PREFIX_BYTES)
        self._header = STREAM_MAGIC + key_id(keys[0]) + self._prefix
        self._counter = 0
        self._buffer = bytearray()
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]  # RawIOBase types the buffer protocol more loosely
        self._buffer += data
        # Keep at least one byte back: the last chunk must be written by close(), flagged.
        while len(self._buffer) > STREAM_CHUNK:
            self._emit(bytes(self._buffer[:STREAM_CHUNK]), last=False)
            del self._buffer[:STREAM_CHUNK]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        if self._counter >= 2**32:
            raise SealError("stream too long")
        nonce = _chunk_nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, chunk, self._header))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class StreamReader(io.RawIOBase):
    """Reads the plaintext of a stream written by StreamWriter, verifying every chunk.

    A changed, reordered or truncated stream raises SealError when the reader reaches it.
    """

    def __init__(self, source: BinaryIO, *, keys: Sequence[bytes]) -> None:
        super().__init__()
        header = source.read(len(STREAM_MAGIC) + KEY_ID_BYTES + STREAM_PREFIX_BYTES)
        if not header.startswith(STREAM_MAGIC) or len(header) < len(STREAM_MAGIC) + 15:
            raise SealError("not an encrypted backup")
        kid = header[len(STREAM_MAGIC) : len(STREAM_MAGIC) + KEY_ID_BYTES]
        self._aead = AESGCM(_key_for(kid, keys))
        self._prefix = header[-STREAM_PREFIX_BYTES:]
        self._header = header
        self._source = source
        self._counter = 0
        self._pending = source.read(STREAM_CHUNK + TAG_BYTES)
        self._plain = b""
        self._offset = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        following = self._source.read(STREAM_CHUNK + TAG_BYTES)
        last = not following
        nonce = _chunk_nonce(self._prefix, self._counter, last)
        try:
            self._plain = self._aead.decrypt(nonce, self._pending, self._header)
            self._offset = 0
        except InvalidTag:
            raise SealError("the backup is changed or truncated") from None
        self._counter += 1
        self._pending = following
        self._done = last

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # a writable buffer
        while self._offset >= len(self._plain) and not self._done:
            self._next_chunk()
        size = min(len(buffer), len(self._plain) - self._offset)
        buffer[:size] = self._plain[self._offset : self._offset + size]
        self._offset += size
        return size
