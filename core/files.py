"""Private files written by a transaction: none is left behind when the transaction rolls back.

A service that writes a file for a row it saves (a letter's PDF, a scan) stores it with `file_store` inside
`files_removed_on_rollback()`, placed around its `transaction.atomic()`. If the block fails, every file stored
in it is deleted, since the rows that pointed at them were rolled back with it. If it succeeds inside another
such block, its files pass to that one, which may still fail. (A file stored with no such block around it
is kept; services that write files open one, and tests check a failed step leaves none.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

_local = threading.local()


def _open_blocks() -> list[list[tuple[Storage, str]]]:
    if not hasattr(_local, "blocks"):
        _local.blocks = []
    return _local.blocks  # type: ignore[no-any-return]


@contextmanager
def files_removed_on_rollback() -> Iterator[None]:
    """Delete the files stored inside this block if it fails; hand them to an enclosing block if it succeeds."""
    blocks = _open_blocks()
    blocks.append([])
    try:
        yield
    except BaseException:
        for storage, name in blocks.pop():
            file_discard(storage, name)
        raise
    written = blocks.pop()
    if blocks:
        blocks[-1].extend(written)


def file_store(file: FieldFile, name: str, data: bytes) -> None:
    """Write `data` to storage as the file of `file`'s row (the row is saved by the caller), removed on rollback."""
    file.save(name, ContentFile(data), save=False)
    blocks = _open_blocks()
    if blocks:
        blocks[-1].append((file.storage, file.name or name))


def file_discard(storage: Storage, name: str) -> None:
    """Remove a file whose row was never saved (or was rolled back)."""
    if not name:
        return
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - nothing more to do; the row is gone
        logger.exception("Could not remove the file of a row that was not saved: %s", name)
