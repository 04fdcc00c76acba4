"""Top-level keys of the case file owned by higher layers (the disclosure app's "documents")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from requests_app.casefile.keys import CORE_KEYS
from requests_app.models import RightsRequest

ValidateSection = Callable[[Any, Path], list[str]]
ImportSection = Callable[[RightsRequest, Any, Path, User | None], None]
ExportSection = Callable[[RightsRequest], Any | None]
WriteFiles = Callable[[RightsRequest, Path], list[Path]]


@dataclass(frozen=True)
class Section:
    key: str
    validate: ValidateSection
    import_: ImportSection
    export: ExportSection
    write_files: WriteFiles | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(
    key: str,
    *,
    validate: ValidateSection,
    import_: ImportSection,
    export: ExportSection,
    write_files: WriteFiles | None = None,
) -> None:
    """Let a higher layer own a top-level key of the case file (call it from the AppConfig's ready()).

    `validate(value, folder)` returns errors already prefixed with their field path (for example
    "documents[0].file: no such file"), reads files relative to `folder`, and writes nothing.
    `import_(request, value, folder, by)` runs inside the import's transaction, after the request,
    letters, clock and evidence are written and before the status is reached, so conditions the
    layer registered on steps can see what it imported; it refuses with rights.ApplicationError.
    `export(request)` returns the value, or None to leave the key out.
    `write_files(request, folder)`, if given, writes the files the exported value names (relative
    paths) into `folder`, beside the case file (`export_case REF --out FILE`), and returns their paths.
    Registering a key again replaces the earlier registration.
    """
    if key in CORE_KEYS:
        raise ValueError(f"{key!r} is a core key of the case format and cannot be registered as a section")
    _SECTIONS[key] = Section(key=key, validate=validate, import_=import_, export=export, write_files=write_files)


def unregister_section(key: str) -> None:
    """Remove a section (for tests)."""
    _SECTIONS.pop(key, None)


def registered_sections() -> list[Section]:
    """The sections, sorted by key: the order an export writes them, after the core keys."""
    return [_SECTIONS[key] for key in sorted(_SECTIONS)]
