"""One encrypted archive holding the whole instance, and its restore into an empty one.

The archive is a tar, encrypted as a stream of AES-GCM chunks under the first key of
TSUNAGU_BACKUP_KEY (`tsunagu.core.crypto.StreamWriter`), written 0600 with a `.sha256` file
beside it.  Inside, in this order:

- `db/NNN-app.model.jsonl.gz`: every row of every model, in dependency order, with its own
  primary key (Django's `jsonl` serializer; loads into SQLite or PostgreSQL alike).  Left out:
  sessions (everybody signs in again) and the search index, which the database's triggers
  rebuild as the rows go in.  Content types and permissions are included with their ids, and
  replace the ones `migrate` made, so every reference to them still holds;
- `files/<name>`: each private file exactly as stored, still sealed with the file key (the
  backup key alone does not open an attachment);
- `manifest.json`: format, time, database, applied migrations, rows per model, the audit chain
  head, and the SHA-256 of every other member.

Everything is read in one snapshot (REPEATABLE READ on PostgreSQL; SQLite's write lock), so the
rows, the files they name and the chain head agree.  Each table is compressed in memory before
it goes into the tar (a table of a city's size is some tens of MB compressed); nothing is
written to disk unencrypted.

`restore` refuses an instance with any data or any private file, reads the archive twice --
first to check every chunk, every member's checksum and the manifest, then to load -- and loads
in one transaction that ends with `audit_verify` and a comparison of the chain head with the
manifest's: a restore either yields the instance that was backed up, with a valid chain, or
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tsunagu.audit import chain
from tsunagu.core import crypto
from tsunagu.core.storage import private_file_fields, private_storage

FORMAT = "tsunagu-backup/1"
MANIFEST = "manifest.json"
# Not in the archive: sessions end with a restore; the search index is rebuilt by triggers.
EXCLUDED = {"sessions.session", "search.searchdocument"}
# Filled by `migrate` in an empty instance (post_migrate, data migrations): the archive's rows
# replace them, with the ids every other row refers to.
REPLACED = (
    "auth.permission",
    "contenttypes.contenttype",
    "directory.taxonomyterm",
    "search.synonym",
)
SUFFIX = ".tsunagu-backup"
BATCH = 500


class BackupError(Exception):
    """Why a backup or a restore was refused, in a sentence for the operator."""


@dataclass
class Manifest:
    created_at: str
    database: str
    migrations: list[str]
    counts: dict[str, int]
    audit_head: list[Any] | None
    members: dict[str, str] = field(default_factory=dict)  # path -> SHA-256
    files: list[str] = field(default_factory=list)
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"not a {FORMAT} archive")
        return cls(**data)


@dataclass(frozen=True)
class Written:
    path: Path
    sha256: str
    manifest: Manifest


def backed_up_models() -> list[type[models.Model]]:
    """Concrete models, each after the models its foreign keys point to.

    The order matters beyond constraints (which are deferred to the commit): the search
    index's triggers read the referenced row as each row goes in (an assessment section's
    document needs its assessment), so a referenced table must be loaded first.  A cycle of
    references is broken where it closes.
    """
    chosen = [
        model
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and model._meta.label_lower not in EXCLUDED
    ]
    included = set(chosen)
    ordered: list[type[models.Model]] = []
    state: dict[type[models.Model], str] = {}

    def visit(model: type[models.Model]) -> None:
        if state.get(model):
            return  # done, or on the current path (a cycle)
        state[model] = "visiting"
        for model_field in model._meta.concrete_fields:
            target = model_field.related_model if model_field.is_relation else None
            if isinstance(target, type) and target in included and target is not model:
                visit(target)
        state[model] = "done"
        ordered.append(model)

    for model in chosen:
        visit(model)
    return ordered


def applied_migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Backup -----------------------------------------------------------------------------------


class _HashingFile(io.RawIOBase):
    """Writes through to `out`, hashing what passes (the archive's outer checksum)."""

    def __init__(self, out: BinaryIO) -> None:
        super().__init__()
        self.out = out
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.digest.update(data)
        self.out.write(data)
        return len(data)


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes and times to milliseconds (ECMA-262); a backup keeps
    the microseconds, or every audit row's hash (which covers its time) would break."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump(model: type[models.Model]) -> tuple[bytes, int]:
    count = 0

    def counted(rows: Iterator[models.Model]) -> Iterator[models.Model]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed:
        text = io.TextIOWrapper(compressed, encoding="utf-8")
        rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
        serializers.serialize("jsonl", counted(rows), stream=text, cls=_ExactEncoder)
        text.flush()
        text.detach()
    return buffer.getvalue(), count


def _add(archive: tarfile.TarFile, name: str, data: bytes, manifest: Manifest | None) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = 0
    archive.addfile(info, io.BytesIO(data))
    if manifest is not None:
        manifest.members[name] = _sha256(data)


@contextmanager
def _snapshot() -> Iterator[None]:
    """A transaction in which every read sees the same moment (SQLite: its write lock)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def write_backup(directory: Path, *, keys: Sequence[bytes], log: Callable[[str], None]) -> Written:
    """Write one archive into `directory` (made 0700 if new) and its `.sha256` beside it."""
    if not keys:
        raise BackupError("TSUNAGU_BACKUP_KEY is not set.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = directory / f"tsunagu-{stamp}{SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    storage = private_storage()
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            hashing = _HashingFile(raw)
            encrypted = crypto.StreamWriter(hashing, keys=keys)  # type: ignore[arg-type]  # a binary writer
            with _snapshot():
                head = chain.head()
                manifest = Manifest(
                    created_at=timezone.now().isoformat(),
                    database=connection.vendor,
                    migrations=applied_migrations(),
                    counts={},
                    audit_head=list(head) if head else None,
                )
                with tarfile.open(fileobj=encrypted, mode="w|") as archive:
                    for position, model in enumerate(backed_up_models()):
                        data, count = _dump(model)
                        label = model._meta.label_lower
                        manifest.counts[label] = count
                        _add(archive, f"db/{position:03d}-{label}.jsonl.gz", data, manifest)
                        log(f"{label}: {count}")
                    for model, file_field in private_file_fields():
                        names = (
                            model._base_manager.exclude(**{file_field.name: ""})
                            .order_by("pk")
                            .values_list(file_field.name, flat=True)
                        )
                        for name in names.iterator(chunk_size=2000):
                            try:
                                sealed = storage.read_sealed(name)
                            except FileNotFoundError:
                                raise BackupError(f"the file of a row is missing: {name}") from None
                            _add(archive, f"files/{name}", sealed, manifest)
                            manifest.files.append(name)
                    log(f"files: {len(manifest.files)}")
                    _add(archive, MANIFEST, manifest.to_json(), None)
            encrypted.close()
            raw.flush()
            os.fsync(raw.fileno())
        digest = hashing.digest.hexdigest()
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    checksum = final.with_name(final.name + ".sha256")
    descriptor = os.open(checksum, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(f"{digest}  {final.name}\n")  # the format `sha256sum -c` reads
    return Written(path=final, sha256=digest, manifest=manifest)


# --- Restore ----------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def check_outer_checksum(path: Path) -> str | None:
    """Compare the archive with its `.sha256` file, if it has one; the archive's digest."""
    sidecar = path.with_name(path.name + ".sha256")
    digest = file_sha256(path)
    if sidecar.exists():
        expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
        if expected != digest:
            raise BackupError(f"{path.name} does not match {sidecar.name}.")
        return digest
    return None


def _members(path: Path, keys: Sequence[bytes]) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    with open(path, "rb") as raw:
        try:
            reader = crypto.StreamReader(raw, keys=keys)
        except crypto.SealError as exc:
            raise BackupError(f"cannot open the archive: {exc}") from None
        buffered = io.BufferedReader(reader, buffer_size=1024 * 1024)
        try:
            with tarfile.open(fileobj=buffered, mode="r|") as archive:
                for info in archive:
                    if not info.isfile():
                        raise BackupError(f"unexpected member {info.name}")
                    handle = archive.extractfile(info)
                    assert handle is not None  # noqa: S101  # a regular file always has one
                    yield info, handle
        except crypto.SealError as exc:
            raise BackupError(f"the archive is damaged or was changed: {exc}") from None
        except tarfile.TarError as exc:
            raise BackupError(f"the archive is not a readable tar: {exc}") from None


def read_manifest(path: Path, keys: Sequence[bytes]) -> Manifest:
    """First pass: decrypt everything, check each member against the manifest, and check that
    TSUNAGU_FILE_KEY holds the key of every file (they would not open otherwise)."""
    seen: dict[str, str] = {}
    manifest: Manifest | None = None
    known = {crypto.key_id(key) for key in settings.FILE_KEYS}
    unknown: set[str] = set()
    for info, handle in _members(path, keys):
        data = handle.read()
        if info.name == MANIFEST:
            manifest = Manifest.from_json(data)
            continue
        seen[info.name] = _sha256(data)
        if info.name.startswith("files/"):
            kid = crypto.sealed_key_id(data)
            if kid not in known:
                unknown.add(kid.hex() if kid else "not encrypted")
    if manifest is None:
        raise BackupError("the archive has no manifest (it was cut short)")
    if seen != manifest.members:
        differing = sorted(set(seen) ^ set(manifest.members)) or sorted(
            name for name in seen if seen[name] != manifest.members[name]
        )
        raise BackupError(f"members do not match the manifest: {differing[:3]}")
    if unknown:
        raise BackupError(
            "files are sealed under keys TSUNAGU_FILE_KEY does not hold (key ids "
            f"{', '.join(sorted(unknown))}): set the file key of the backed-up instance first."
        )
    return manifest


def instance_problems() -> list[str]:
    """Why this instance is not empty (the tables `migrate` fills itself do not count)."""
    problems = [
        f"{model._meta.label_lower} has rows"
        for model in backed_up_models()
        if model._meta.label_lower not in REPLACED and model._base_manager.exists()
    ]
    root = Path(private_storage().location)
    if root.exists() and any(p.is_file() for p in root.rglob("*")):
        problems.append(f"{root} holds files")
    return problems


def _load(member: IO[bytes], counts: dict[str, int]) -> set[type[models.Model]]:
    """Insert the rows of one table.  Insert only, bypassing each model's save(): the audit
    log's rows go in with their stored hashes, and its triggers (no UPDATE, no DELETE) never
    fire on an insert.  Rows go in by the hundred, except those with many-to-many data or a
    parent table, which Django saves one by one."""
    loaded: set[type[models.Model]] = set()
    text = io.TextIOWrapper(gzip.GzipFile(fileobj=member, mode="rb"), encoding="utf-8")
    batch: list[models.Model] = []

    def insert_batch() -> None:
        # What Model.save_base(raw=True) does for one row, for many: the stored values as they
        # are (bulk_create would stamp auto_now fields with the time of the restore).
        if not batch:
            return
        model = type(batch[0])
        fields = list(model._meta.local_concrete_fields)
        size = connection.ops.bulk_batch_size(fields, batch) or len(batch)
        for start in range(0, len(batch), size):
            model._base_manager._insert(  # type: ignore[attr-defined]  # Model._do_insert's way in
                batch[start : start + size], fields=fields, using=connection.alias, raw=True
            )
        batch.clear()

    for item in serializers.deserialize("jsonl", text):
        row = item.object
        model = type(row)
        loaded.add(model)
        counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + 1
        if row._meta.parents or any((item.m2m_data or {}).values()):
            insert_batch()
            item.save(force_insert=True)
            continue
        if batch and type(batch[0]) is not model:
            insert_batch()
        batch.append(row)
        if len(batch) >= BATCH:
            insert_batch()
    insert_batch()
    return loaded


def restore_archive(
    path: Path, *, manifest: Manifest, keys: Sequence[bytes], log: Callable[[str], None]
) -> None:
    """Second pass: load rows and files in one transaction; verify the audit chain in it."""
    storage = private_storage()
    written: list[str] = []
    counts: dict[str, int] = {}
    loaded: set[type[models.Model]] = set()
    try:
        with transaction.atomic():
            for label in REPLACED:
                # Nothing refers to them yet in an empty instance.
                apps.get_model(label)._base_manager.all().delete()
            for info, handle in _members(path, keys):
                if info.name.startswith("db/"):
                    loaded |= _load(handle, counts)
                elif info.name.startswith("files/"):
                    name = info.name.removeprefix("files/")
                    if name not in manifest.files:
                        raise BackupError(f"a file the manifest does not list: {name}")
                    data = handle.read()
                    if _sha256(data) != manifest.members[info.name]:
                        raise BackupError(f"{info.name} changed between the two readings")
                    storage.write_sealed(name, data)
                    written.append(name)
            ContentType.objects.clear_cache()
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
                    cursor.execute(sql)
            connection.check_constraints()
            expected = {label: n for label, n in manifest.counts.items() if n}
            if counts != expected:
                raise BackupError(f"rows loaded differ from the manifest: {counts} != {expected}")
            log(f"rows: {sum(counts.values())}, files: {len(written)}")
            _verify_chain(manifest, log)
    except BaseException:
        for name in written:
            Path(storage.path(name)).unlink(missing_ok=True)
        raise


def _verify_chain(manifest: Manifest, log: Callable[[str], None]) -> None:
    """`audit_verify` on the loaded rows (it raises CommandError on a broken link), with the
    manifest's head expected; the loaded head must be exactly that one."""
    expected = (
        (int(manifest.audit_head[0]), str(manifest.audit_head[1])) if manifest.audit_head else None
    )
    out = io.StringIO()
    if expected:
        call_command("audit_verify", expect_head=f"{expected[0]}:{expected[1]}", stdout=out)
    else:
        call_command("audit_verify", stdout=out)
    log(out.getvalue().strip())
    if chain.head() != expected:
        raise BackupError(f"the audit chain head {chain.head()} is not the manifest's {expected}")
