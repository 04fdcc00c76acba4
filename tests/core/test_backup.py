"""`manage.py backup` and `manage.py restore`: a round trip gives back the same cases and files; a tampered,
incomplete or foreign backup, a non-empty target and a used folder are refused with nothing changed."""

from __future__ import annotations

import json
import logging
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pytest_django import Settings

from core.backup import DATABASE_FILES, FORMAT
from requests_app.models import Person, RightsRequest
from tests import factories

# A restore replaces the whole database: no test transaction; the rows migrations made (role groups, the beat
# schedule) are put back afterwards for the tests that follow in this process.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def needs(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"runs on {vendor} only (this run's database is {connection.vendor}; see .ci/run for both)")


def export(reference: str, folder: Path) -> dict[str, bytes]:
    """`export_case --out`: the case JSON and its documents' originals, by name."""
    call_command("export_case", reference, "--out", str(folder / "case.json"), stdout=StringIO())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def files_under(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def backup(out: Path) -> str:
    stdout = StringIO()
    call_command("backup", "--out", str(out), stdout=stdout)
    return stdout.getvalue()


def restore(source: Path) -> str:
    stdout = StringIO()
    call_command("restore", str(source), stdout=stdout)
    return stdout.getvalue()


def wipe(settings: Settings, tmp_path: Path) -> Path:
    """An empty installation: every table emptied (the schema stays, as after `migrate`) and a new MEDIA_ROOT."""
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "empty-installation-files"
    assert not User.objects.exists() and not RightsRequest.objects.exists()
    return settings.MEDIA_ROOT


def a_small_installation(staff: dict[str, User]) -> Path:
    """A request (its acknowledgement letter is a private file) and one more private file in a sub-folder."""
    from django.conf import settings

    factories.make_request(by=staff["manager"])
    extra = Path(settings.MEDIA_ROOT) / "scans" / "2026" / "note.txt"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_bytes(b"a private note about a child")
    return Path(settings.MEDIA_ROOT)


def test_sqlite_round_trip_gives_back_the_same_case_and_files(
    staff: dict[str, User], settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    needs("sqlite")
    case = factories.pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"])
    before = export(case.reference, tmp_path / "export-before")
    assert any(name.startswith("files/") for name in before), "the case should carry document originals"
    media_before = files_under(Path(settings.MEDIA_ROOT))
    assert len(media_before) >= 3

    caplog.set_level(logging.INFO, logger="core.backup")
    out = tmp_path / "backup"
    said = backup(out)
    assert f"Backed up the sqlite database and {len(media_before)} private files" in said

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == FORMAT
    assert manifest["database"] == {"vendor": "sqlite", "file": DATABASE_FILES["sqlite"]}
    assert manifest["app"]["version"] and "0001_initial" in manifest["app"]["migrations"]["requests_app"]
    assert manifest["created_at"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == {"database.sqlite3", *(f"files/{name}" for name in media_before)}
    for name, data in media_before.items():
        assert listed[f"files/{name}"]["size"] == len(data)
        assert (out / "files" / name).read_bytes() == data
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "database.sqlite3").stat().st_mode) == 0o600
    assert any("backup written" in record.getMessage() for record in caplog.records)

    media_root = wipe(settings, tmp_path)
    said = restore(out)
    assert "Restored the sqlite database" in said
    assert any("backup restored" in record.getMessage() for record in caplog.records)

    assert export(case.reference, tmp_path / "export-after") == before
    assert files_under(media_root) == media_before
    assert User.objects.filter(username="caseworker").exists()


def test_postgresql_round_trip_of_the_demo_gives_back_every_case(
    staff: dict[str, User], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI's PostgreSQL phase: a backup of the demo (pg_dump) restored into an empty database (pg_restore)."""
    needs("postgresql")
    monkeypatch.setattr(
        "requests_app.management.commands.demo.demo_sign_in_file", lambda: tmp_path / "var" / "demo-sign-in.txt"
    )
    settings.DEBUG = True  # the demo loads only with DEBUG on
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    settings.DEBUG = False
    case = factories.pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"])
    references = sorted(RightsRequest.objects.values_list("reference", flat=True))
    assert case.reference in references and len(references) > 10
    before = {reference: export(reference, tmp_path / "before" / reference) for reference in references}
    media_before = files_under(Path(settings.MEDIA_ROOT))

    out = tmp_path / "backup"
    assert "Backed up the postgresql database" in backup(out)
    assert json.loads((out / "manifest.json").read_text())["database"]["vendor"] == "postgresql"
    assert (out / "database.pgdump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    media_root = wipe(settings, tmp_path)
    restore(out)

    assert sorted(RightsRequest.objects.values_list("reference", flat=True)) == references
    after = {reference: export(reference, tmp_path / "after" / reference) for reference in references}
    assert after == before
    assert files_under(media_root) == media_before


def test_backup_refuses_a_folder_that_is_not_empty(staff: dict[str, User], tmp_path: Path) -> None:
    a_small_installation(staff)
    out = tmp_path / "used"
    out.mkdir()
    (out / "earlier.txt").write_text("an earlier backup's file")
    with pytest.raises(CommandError, match="exists and is not an empty folder") as refused:
        backup(out)
    assert refused.value.returncode == 2
    assert [path.name for path in out.iterdir()] == ["earlier.txt"]


def test_backup_into_an_empty_folder_is_allowed(staff: dict[str, User], tmp_path: Path) -> None:
    a_small_installation(staff)
    out = tmp_path / "ready"
    out.mkdir()
    backup(out)
    assert (out / "manifest.json").is_file()


def tamper_private_file(out: Path) -> str:
    target = out / "files" / "scans" / "2026" / "note.txt"
    target.write_bytes(b"a private note about a chilD")  # same size, one byte changed
    return "files/scans/2026/note.txt does not match its checksum"


def tamper_database(out: Path) -> str:
    database = next(path for path in out.iterdir() if path.name.startswith("database."))
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    return f"{database.name} does not match its checksum"


def remove_a_file(out: Path) -> str:
    (out / "files" / "scans" / "2026" / "note.txt").unlink()
    return "files/scans/2026/note.txt is missing from the backup"


def add_a_file(out: Path) -> str:
    (out / "files" / "planted.html").write_text("<script>alert(1)</script>")
    return "files its manifest does not list"


def break_the_manifest(out: Path) -> str:
    (out / "manifest.json").write_text("{not json")
    return "manifest.json is not valid JSON"


def a_path_outside(out: Path) -> str:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"][-1]["path"] = "files/../../outside.txt"
    (out / "manifest.json").write_text(json.dumps(manifest))
    return "names a path outside the backup"


def from_a_newer_version(out: Path) -> str:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["app"]["migrations"]["requests_app"].append("9999_from_the_future")
    (out / "manifest.json").write_text(json.dumps(manifest))
    return "taken by a newer version of Rights Desk"


def from_another_database(out: Path) -> str:
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = json.loads((out / "manifest.json").read_text())
    database = manifest["database"]["file"]
    (out / database).rename(out / DATABASE_FILES[other])
    manifest["database"] = {"vendor": other, "file": DATABASE_FILES[other]}
    for entry in manifest["files"]:
        if entry["path"] == database:
            entry["path"] = DATABASE_FILES[other]
    (out / "manifest.json").write_text(json.dumps(manifest))
    return f"this backup is of a {other} database and this installation uses {connection.vendor}"


@pytest.mark.parametrize(
    "spoil",
    [
        tamper_private_file,
        tamper_database,
        remove_a_file,
        add_a_file,
        break_the_manifest,
        a_path_outside,
        from_a_newer_version,
        from_another_database,
    ],
)
def test_a_spoilt_backup_is_refused_and_nothing_is_changed(
    spoil: object, staff: dict[str, User], settings: Settings, tmp_path: Path
) -> None:
    a_small_installation(staff)
    out = tmp_path / "backup"
    backup(out)
    message = spoil(out)  # type: ignore[operator]
    media_root = wipe(settings, tmp_path)
    with pytest.raises(CommandError, match=message) as refused:
        restore(out)
    assert refused.value.returncode == 2
    assert not User.objects.exists() and not RightsRequest.objects.exists()
    assert files_under(media_root) == {}
    assert not any(path.name.startswith(f".{media_root.name}.restoring") for path in media_root.parent.iterdir())


def test_restore_refuses_an_installation_that_is_in_use(
    staff: dict[str, User], settings: Settings, tmp_path: Path
) -> None:
    media_root = a_small_installation(staff)
    out = tmp_path / "backup"
    backup(out)
    request = RightsRequest.objects.get()
    media_before = files_under(media_root)
    with pytest.raises(CommandError, match="already has user accounts: restore only into an empty installation"):
        restore(out)
    assert list(RightsRequest.objects.values_list("pk", "reference")) == [(request.pk, request.reference)]
    assert files_under(media_root) == media_before


def test_restore_refuses_records_without_users_and_files_in_media_root(
    staff: dict[str, User], settings: Settings, tmp_path: Path
) -> None:
    """Empty means no user, no recorded row and no private file: each alone is refused."""
    a_small_installation(staff)
    out = tmp_path / "backup"
    backup(out)
    media_root = wipe(settings, tmp_path)
    person = factories.PersonFactory()  # a record, with its history row, and no user account
    with pytest.raises(CommandError, match="already holds records"):
        restore(out)
    assert list(Person.objects.values_list("pk", flat=True)) == [person.pk]

    media_root = wipe(settings, tmp_path)
    (media_root / "left-over").mkdir(parents=True)
    (media_root / "left-over" / "letter.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(CommandError, match=r"MEDIA_ROOT .* already holds files"):
        restore(out)
    assert not User.objects.exists()
    assert files_under(media_root) == {"left-over/letter.pdf": b"%PDF-1.7"}


def test_restore_of_a_folder_without_a_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "not-a-backup").mkdir()
    with pytest.raises(CommandError, match=r"has no manifest\.json: it is not a Rights Desk backup"):
        restore(tmp_path / "not-a-backup")
