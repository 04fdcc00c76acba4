"""Where the bench's synthetic data lives: a scratch database of its own, never the one the user works in.

By default a SQLite file under var/bench/; when DATABASE_URL names a PostgreSQL database, a separate
database beside it on the same server (``<name>_bench_<key>``). Either is named by a key of the
scale and of every migration on disk, so a second run with the same parameters and schema reuses the
data, and a new migration or another scale builds afresh. Each stage of the bench runs in a child
process whose DATABASE_URL is the scratch database, and refuses to start on any other.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

DATA_VERSION = 1  # bump when bench.data writes different rows
MARKER_ENV = "RIGHTS_DESK_BENCH_DATABASE"
SCRATCH_SUFFIX = "_bench_"


def bench_dir() -> Path:
    return Path(settings.BASE_DIR) / "var" / "bench"


def migration_names() -> list[str]:
    """Every migration on disk, as app.name (read from the files; no database needed)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


def cache_key(*, requests: int, history: int) -> str:
    """Names the data set: its scale, the bench's data version and the schema's migrations."""
    description = json.dumps(
        {"requests": requests, "history": history, "data": DATA_VERSION, "migrations": migration_names()},
        sort_keys=True,
    )
    return hashlib.sha256(description.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Scratch:
    """The scratch database of one data set."""

    url: str  # DATABASE_URL for the child processes
    name: str  # the NAME Django will see: a file path (SQLite) or a database name (PostgreSQL)
    vendor: str  # "sqlite" or "postgresql"
    ready_marker: Path  # present once the data set is complete

    @property
    def is_built(self) -> bool:
        if not self.ready_marker.is_file():
            return False
        return self.vendor != "sqlite" or Path(self.name).is_file()


def scratch_for(key: str, base_url: str | None = None) -> Scratch:
    """The scratch database for a data set: beside the user's PostgreSQL database, else a SQLite file."""
    base_url = base_url if base_url is not None else os.environ.get("DATABASE_URL", "")
    folder = bench_dir()
    scheme = urlsplit(base_url).scheme if base_url else ""
    if scheme in {"postgres", "postgresql", "pgsql", "postgis"}:
        parts = urlsplit(base_url)
        base_name = parts.path.lstrip("/") or "rightsdesk"
        name = f"{base_name[:40]}{SCRATCH_SUFFIX}{key}"
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
        return Scratch(url=url, name=name, vendor="postgresql", ready_marker=folder / f"{name}.ready")
    path = folder / f"bench-{key}.sqlite3"
    return Scratch(url=f"sqlite:///{path}", name=str(path), vendor="sqlite", ready_marker=folder / f"bench-{key}.ready")


def child_env(scratch: Scratch, *, broker: str = "") -> dict[str, str]:
    """The environment of a stage: the scratch database, production-like settings, no email, no broker."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": scratch.url,
            MARKER_ENV: scratch.name,
            "DEBUG": "0",  # as in production: no query log, no debug templates
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",  # the test client's host
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",  # no collectstatic needed
            "MEDIA_ROOT": str(bench_dir() / "files"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "CELERY_BROKER_URL": broker,  # empty: eager, so nothing reaches a real queue from bench data
            "CELERY_RESULT_BACKEND": broker,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def require_scratch() -> str:
    """Refuse to run a stage anywhere but in a scratch database the bench itself named."""
    expected = os.environ.get(MARKER_ENV, "")
    actual = str(connection.settings_dict["NAME"])
    if not expected or expected != actual:
        raise CommandError(
            "The bench's stages only run in its own scratch database: run `make bench` "
            "(or `manage.py bench`), which makes one and never touches your data.",
            returncode=2,
        )
    if connection.vendor == "sqlite":
        if not Path(actual).resolve().is_relative_to(bench_dir().resolve()):
            raise CommandError(f"{actual} is not a scratch database under {bench_dir()}.", returncode=2)
    elif SCRATCH_SUFFIX not in actual:
        raise CommandError(f"{actual} is not a scratch database (its name has no {SCRATCH_SUFFIX!r}).", returncode=2)
    return actual


def stale_sqlite_files(keep: Scratch) -> list[Path]:
    """Older SQLite data sets in var/bench (another scale or schema), to remove when a new one is built."""
    folder = bench_dir()
    if not folder.is_dir():
        return []
    keep_names = {Path(keep.name).name, keep.ready_marker.name}
    return sorted(
        path
        for pattern in ("bench-*.sqlite3", "bench-*.sqlite3-*", "bench-*.ready")
        for path in folder.glob(pattern)
        if path.name not in keep_names
    )
