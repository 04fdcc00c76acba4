"""Backing up a whole installation (database and private files) and restoring it into an empty one.

A backup is a folder: the database (`database.sqlite3` from SQLite's online backup API, or `database.pgdump`
from `pg_dump --format=custom`), the private files under `files/` (a copy of MEDIA_ROOT), and `manifest.json`
naming every file with its size and SHA-256, the application's version and migrations, the database vendor
and the time. The database is copied first and the files after it, so every file a row names is in the
copy (a file added meanwhile is copied too, and harms nothing).

A restore checks the whole folder against its manifest, the database vendor, the migrations and that the
installation is empty before it changes anything; it copies every file to a staging folder beside
MEDIA_ROOT (checking each checksum again as it copies), restores the database, and only then moves the
files into place. Each run is logged (there is no installation-wide audit table to write to).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from simple_history.models import registered_models

from rights import ApplicationError

logger = logging.getLogger(__name__)

FORMAT = "rights-desk-backup/1"
MANIFEST = "manifest.json"
FILES_FOLDER = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
PG_SECONDS = 6 * 60 * 60  # a bound on pg_dump / pg_restore, far beyond any partnership's database


class BackupError(ApplicationError):
    """A backup or restore refused or failed; the installation (and an existing backup) is unchanged."""


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    vendor: str
    files: int  # private files, not counting the database
    total_bytes: int
    pending_migrations: tuple[str, ...] = ()  # after a restore: migrations the code has that the backup had not


def backup_create(*, out: Path, actor: str) -> BackupSummary:
    """Write a consistent copy of the database and the private files to OUT (new, or an empty folder)."""
    vendor = _vendor()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"--out: {out} exists and is not an empty folder; choose a new folder", field="out")
    created = not out.exists()
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        out.chmod(0o700)  # personal data about children: readable by this account only
        entries = [_dump_database(vendor, out)]
        migrations = _applied_migrations()
        entries.extend(_copy_private_files(Path(settings.MEDIA_ROOT), out / FILES_FOLDER))
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "created_by": actor,
            "app": {"name": "rights-desk", "version": _app_version(), "migrations": migrations},
            "database": {"vendor": vendor, "file": DATABASE_FILES[vendor]},
            "media": {"folder": FILES_FOLDER},
            "files": entries,
        }
        manifest_path = out / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        manifest_path.chmod(0o600)
    except BaseException:
        _remove_partial_backup(out, created=created)
        raise
    summary = BackupSummary(
        folder=out,
        vendor=vendor,
        files=len(entries) - 1,
        total_bytes=sum(entry["size"] for entry in entries),
    )
    logger.warning(
        "backup written: %s (%s database, %d private files, %d bytes) by %s",
        out,
        vendor,
        summary.files,
        summary.total_bytes,
        actor,
    )
    return summary


def backup_restore(*, source: Path, actor: str) -> BackupSummary:
    """Bring a backup back into this installation, which must be empty; every checksum is checked first."""
    vendor = _vendor()
    if connection.in_atomic_block:
        raise BackupError("a restore cannot run inside a database transaction")
    manifest = _read_manifest(source)
    entries = _verify_folder(source, manifest)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this backup is of a {manifest['database']['vendor']} database and this installation uses {vendor}: "
            "restore it into an installation configured with the same kind of database",
            field="database",
        )
    pending = _check_migrations(manifest)
    _check_installation_empty()
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(path.is_file() or path.is_symlink() for path in media_root.rglob("*")):
        raise BackupError(
            f"MEDIA_ROOT ({media_root}) already holds files: restore only into an empty installation",
            field="MEDIA_ROOT",
        )

    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = media_root.parent / f".{media_root.name}.restoring-{uuid.uuid4().hex[:12]}"
    staging.mkdir(mode=0o700)
    try:
        for entry in entries:
            _copy_checked(source / entry["path"], staging / entry["path"], entry)
        _restore_database(vendor, staging / manifest["database"]["file"])
        staged_files = staging / FILES_FOLDER
        staged_files.mkdir(exist_ok=True)
        if media_root.exists():
            shutil.rmtree(media_root)  # checked above: folders only, no file
        staged_files.rename(media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = BackupSummary(
        folder=source,
        vendor=vendor,
        files=len(entries) - 1,
        total_bytes=sum(entry["size"] for entry in entries),
        pending_migrations=pending,
    )
    logger.warning(
        "backup restored: %s of %s (%s database, %d private files) by %s",
        source,
        manifest["created_at"],
        vendor,
        summary.files,
        actor,
    )
    return summary


# --- the database ---------------------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def _dump_database(vendor: str, out: Path) -> dict[str, Any]:
    target = out / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # SQLite's online backup: a consistent copy while others write
        finally:
            copy.close()
    else:
        _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
    target.chmod(0o600)
    return _entry(target, out)


def _restore_database(vendor: str, staged: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)  # the same online copy, reversed: the live database becomes it
        finally:
            backup.close()
    else:
        # One transaction: a failure leaves the database as it was. --clean drops what `migrate` made first.
        _run_pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",  # pg_restore ignores PGDATABASE
            str(staged),
        )


def _run_pg(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the configured database; its password goes by environment, never argv."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} was not found on the PATH: install PostgreSQL's client programs")
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    connection.close()  # pg_restore --clean drops tables: hold no session open on them meanwhile
    try:
        finished = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [executable, *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{program} did not finish within {PG_SECONDS // 3600} hours") from None
    if finished.returncode != 0:
        detail = " ".join(finished.stderr.split())[:500]
        raise BackupError(f"{program} failed (exit {finished.returncode}): {detail}")


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _check_migrations(manifest: dict[str, Any]) -> tuple[str, ...]:
    """Refuse a backup from a newer version; return the migrations this code has and the backup had not."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {(app, name) for app, names in manifest["app"]["migrations"].items() for name in names}
    unknown = sorted(in_backup - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"this backup was taken by a newer version of Rights Desk ({manifest['app']['version']}; migrations "
            f"this code does not have: {names}): restore it with that version or later",
            field="migrations",
        )
    return tuple(sorted(f"{app}.{name}" for app, name in known - in_backup))


def _check_installation_empty() -> None:
    """Empty: no user account, and no row in any history table (every record a service writes leaves one).

    The rows migrations seed (roles, schedules, process profiles) have no history, so a freshly migrated
    installation counts as empty; a database with no tables at all is empty too.
    """
    tables = set(connection.introspection.table_names())
    user_model = get_user_model()
    if user_model._meta.db_table in tables and user_model._default_manager.exists():
        raise BackupError(
            "this installation already has user accounts: restore only into an empty installation "
            "(a new database, migrated or not, and an empty MEDIA_ROOT)",
        )
    for model in registered_models.values():
        history = model.history.model
        if history._meta.db_table in tables and history._default_manager.exists():
            raise BackupError(
                f"this installation already holds records ({model._meta.verbose_name_plural}): restore only "
                "into an empty installation (a new database, migrated or not, and an empty MEDIA_ROOT)",
            )


# --- the files ------------------------------------------------------------------------------------------------


def _copy_private_files(media_root: Path, target: Path) -> Iterator[dict[str, Any]]:
    target.mkdir(mode=0o700)
    if not media_root.is_dir():
        return
    for folder, dirnames, filenames in os.walk(media_root):  # symbolic links are not followed
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(folder) / filename
            if path.is_symlink():
                logger.warning("backup: skipped a symbolic link in MEDIA_ROOT: %s", path)
                continue
            copy = target / path.relative_to(media_root)
            copy.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            digest, size = _copy_hashing(path, copy)
            yield {"path": copy.relative_to(target.parent).as_posix(), "size": size, "sha256": digest}


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy SOURCE to TARGET (readable by this account only), returning the SHA-256 and size of what was copied."""
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as reading, os.fdopen(descriptor, "wb") as writing:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writing.write(chunk)
    return digest.hexdigest(), size


def _copy_checked(source: Path, target: Path, entry: dict[str, Any]) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest, size = _copy_hashing(source, target)
    if (digest, size) != (entry["sha256"], entry["size"]):
        raise BackupError(f"{entry['path']} changed while it was being restored; nothing was restored")


def _entry(path: Path, folder: Path) -> dict[str, Any]:
    digest, size = _hash(path)
    return {"path": path.relative_to(folder).as_posix(), "size": size, "sha256": digest}


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as reading:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _remove_partial_backup(out: Path, *, created: bool) -> None:
    if created:
        shutil.rmtree(out, ignore_errors=True)
    elif out.is_dir():
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


# --- the manifest ---------------------------------------------------------------------------------------------


def _read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not source.is_dir():
        raise BackupError(f"{source} is not a folder", field="source")
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: it is not a Rights Desk backup", field="manifest")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{MANIFEST} is not valid JSON: {error}", field="manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a {FORMAT} manifest", field="manifest")
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("vendor") not in DATABASE_FILES:
        raise BackupError(f"{MANIFEST}: database.vendor must be one of {sorted(DATABASE_FILES)}", field="manifest")
    if database.get("file") != DATABASE_FILES[database["vendor"]]:
        raise BackupError(f"{MANIFEST}: database.file must be {DATABASE_FILES[database['vendor']]}", field="manifest")
    app = manifest.get("app")
    if not isinstance(app, dict) or not isinstance(app.get("migrations"), dict):
        raise BackupError(f"{MANIFEST}: app.migrations is missing", field="manifest")
    if not all(isinstance(names, list) for names in app["migrations"].values()):
        raise BackupError(f"{MANIFEST}: app.migrations must map each app to a list of names", field="manifest")
    if not isinstance(manifest.get("files"), list):
        raise BackupError(f"{MANIFEST}: files must be a list", field="manifest")
    return manifest


def _verify_folder(source: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file the manifest names is there with its size and checksum, and there is no other file."""
    entries: list[dict[str, Any]] = []
    for number, entry in enumerate(manifest["files"]):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            raise BackupError(f"{MANIFEST}: files[{number}] needs a path, a size and a sha256", field="manifest")
        relative = PurePosixPath(entry["path"])
        inside = relative.parts[:1] == (FILES_FOLDER,) and len(relative.parts) > 1
        if (
            relative.is_absolute()
            or ".." in relative.parts
            or not (inside or entry["path"] == manifest["database"]["file"])
        ):
            raise BackupError(f"{MANIFEST}: files[{number}] names a path outside the backup: {entry['path']}")
        entries.append(entry)
    named = {entry["path"] for entry in entries}
    if manifest["database"]["file"] not in named:
        raise BackupError(f"{MANIFEST} does not list the database file {manifest['database']['file']}")
    if len(named) != len(entries):
        raise BackupError(f"{MANIFEST} lists a file twice")
    present = {path.relative_to(source).as_posix() for path in source.rglob("*") if path.is_file() or path.is_symlink()}
    present.discard(MANIFEST)
    extra = sorted(present - named)
    if extra:
        raise BackupError(f"the backup holds files its manifest does not list (added after the backup?): {extra[:5]}")
    for entry in entries:
        path = source / entry["path"]
        if path.is_symlink() or not path.is_file():
            raise BackupError(f"{entry['path']} is missing from the backup; nothing was restored")
        digest, size = _hash(path)
        if size != entry["size"] or digest != entry["sha256"]:
            raise BackupError(
                f"{entry['path']} does not match its checksum in {MANIFEST} (changed or damaged since the "
                "backup); nothing was restored"
            )
    return entries


def _app_version() -> str:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as reading:
        return str(tomllib.load(reading)["project"]["version"])
