"""AES-GCM at rest: keys from the environment, sealed files bound to their place, and the
chunked stream of backups refusing any change, reordering or truncation."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tsunagu.core import crypto

KEY_A = os.urandom(32)
KEY_B = os.urandom(32)


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_keys_parse_first_first_and_refuse_bad_ones_without_showing_them():
    assert crypto.parse_keys(f" {b64(KEY_A)}, {b64(KEY_B)} ", variable="K") == (KEY_A, KEY_B)
    assert crypto.parse_keys("", variable="K") == ()
    short = b64(os.urandom(16))
    with pytest.raises(ValueError, match="K: key 1 is 16 bytes") as info:
        crypto.parse_keys(short, variable="K")
    assert short not in str(info.value)
    with pytest.raises(ValueError, match="not base64"):
        crypto.parse_keys("not*base64*at*all", variable="K")
    with pytest.raises(ValueError, match="listed twice"):
        crypto.parse_keys(f"{b64(KEY_A)},{b64(KEY_A)}", variable="K")


def test_a_sealed_file_opens_only_with_its_key_and_in_its_place():
    sealed = crypto.seal(b"%PDF-1.4 secret", keys=(KEY_A,), context=b"attachments/x.pdf")
    assert b"secret" not in sealed
    assert crypto.sealed_key_id(sealed) == crypto.key_id(KEY_A)
    # Rotation: a new key first, the old one still listed, opens the old file.
    assert (
        crypto.unseal(sealed, keys=(KEY_B, KEY_A), context=b"attachments/x.pdf")
        == b"%PDF-1.4 secret"
    )
    with pytest.raises(crypto.SealError, match="not configured"):
        crypto.unseal(sealed, keys=(KEY_B,), context=b"attachments/x.pdf")
    with pytest.raises(crypto.SealError, match="not in the place"):
        crypto.unseal(sealed, keys=(KEY_A,), context=b"attachments/y.pdf")
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(crypto.SealError):
        crypto.unseal(bytes(flipped), keys=(KEY_A,), context=b"attachments/x.pdf")
    with pytest.raises(crypto.SealError, match="not an encrypted file"):
        crypto.unseal(b"%PDF-1.4 plaintext", keys=(KEY_A,), context=b"attachments/x.pdf")
    # Two seals of the same bytes differ (random nonce).
    again = crypto.seal(b"%PDF-1.4 secret", keys=(KEY_A,), context=b"attachments/x.pdf")
    assert again != sealed


def _stream(data: bytes, keys=(KEY_A,)) -> bytes:
    out = io.BytesIO()
    writer = crypto.StreamWriter(out, keys=keys)
    for start in range(0, len(data), 300_000):  # writes that straddle chunk boundaries
        writer.write(data[start : start + 300_000])
    writer.close()
    return out.getvalue()


def _read(blob: bytes, keys=(KEY_A,)) -> bytes:
    return crypto.StreamReader(io.BytesIO(blob), keys=keys).read()


@pytest.mark.parametrize("size", [0, 1, crypto.STREAM_CHUNK, 2 * crypto.STREAM_CHUNK + 5])
def test_the_stream_round_trips_at_chunk_boundaries(size):
    data = os.urandom(size)
    blob = _stream(data)
    assert _read(blob) == data
    assert _read(blob, keys=(KEY_B, KEY_A)) == data


def test_the_stream_refuses_truncation_reordering_and_changes():
    data = os.urandom(3 * crypto.STREAM_CHUNK + 10)
    blob = _stream(data)
    header = len(crypto.STREAM_MAGIC) + crypto.KEY_ID_BYTES + crypto.STREAM_PREFIX_BYTES
    sealed_chunk = crypto.STREAM_CHUNK + crypto.TAG_BYTES
    chunks = [
        blob[header + i : header + i + sealed_chunk]
        for i in range(0, 4 * sealed_chunk, sealed_chunk)
    ]
    truncated = blob[: header + 2 * sealed_chunk]  # cut at a chunk boundary
    reordered = blob[:header] + chunks[1] + chunks[0] + chunks[2] + chunks[3]
    changed = bytearray(blob)
    changed[header + 10] ^= 1
    for bad in (truncated, reordered, bytes(changed)):
        with pytest.raises(crypto.SealError):
            _read(bad)
    with pytest.raises(crypto.SealError, match="not configured"):
        _read(blob, keys=(KEY_B,))


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("TSUNAGU_", "PYTEST", "DJANGO_"))
    }
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "tsunagu.settings",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "tsunagu.example.jp",
        }
    )
    base.update(env)
    return subprocess.run(  # our own interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup()"],
        env=base,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        timeout=120,
        check=False,
    )


def test_outside_demo_mode_a_missing_or_bad_file_key_stops_the_start():
    missing = _start({})
    assert missing.returncode != 0
    assert "TSUNAGU_FILE_KEY must be set outside demo mode" in missing.stderr
    bad = _start({"TSUNAGU_FILE_KEY": b64(os.urandom(20))})
    assert bad.returncode != 0
    assert "TSUNAGU_FILE_KEY: key 1 is 20 bytes" in bad.stderr
    good = _start({"TSUNAGU_FILE_KEY": b64(KEY_A)})
    assert good.returncode == 0, good.stderr
