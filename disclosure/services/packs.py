"""Making a disclosure pack: queue it, render it (in chunks, on as many workers as there are), verify it.

A pack is queued by `pack_request` and made by the Celery tasks in disclosure.tasks, which call the
steps below: `pack_plan`, `pack_render_chunk` (one per chunk, in parallel), `pack_assemble`,
`pack_verify_whole` and `pack_verify_pages` (in parallel), `pack_complete`. `pack_render` runs every
step in this process (eager Celery, the command line). Each step re-reads the records and refuses to go
on if they no longer give the inputs the pack was queued with. Rendering never holds a transaction:
each change of state is its own short transaction with history and an event row.

Only a verified pack can ever be released (disclosure.services.delivery); a failed one keeps its
report and checksum but not its file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from core.tasks import task_send
from disclosure.models import PACK_IN_PROGRESS, Pack, PackStatus
from disclosure.pack import chunks as chunking
from disclosure.pack import render, verify
from disclosure.pack.build import build_inputs
from disclosure.pack.chunks import ChunkResult
from disclosure.pack.inputs import PackInputs, PagedContent, TextContent
from disclosure.pack.painted import painted_boxes
from disclosure.pack.redact import SpanError, merge_spans
from disclosure.services.common import WORKERS, log_event, require_access_request
from requests_app.models import RightsRequest, Status
from rights import ApplicationError

logger = logging.getLogger(__name__)

# The request must be signed off before its real pack is made; a preview can be made at any time.
RELEASABLE_REQUEST_STATUSES = frozenset({Status.APPROVED, Status.DISCLOSED})
WORK_ROOT = "disclosure/packs/work"
VERIFY_PAGES = 100  # pages per verification task
RENDER_FROM, RENDER_TO = 5, 85
# Worth a retry: the database or the broker was briefly away. Anything else fails the pack.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, ConnectionError, TimeoutError)


class PackChanged(Exception):
    """The records no longer give the inputs the pack was queued with."""


# Queueing ------------------------------------------------------------------------------------------


def pack_request(
    *,
    request: RightsRequest,
    by: User | None,
    preview: bool = False,
    today: dt.date | None = None,
    enqueue: bool = True,
) -> Pack:
    """Queue a pack (or a preview) for rendering; the task starts once this transaction commits.

    enqueue=False leaves it queued for the caller to render in-process (the command line).
    """
    require_role(by, *WORKERS, action="make a disclosure pack")
    require_access_request(request)
    today = today or timezone.localdate()
    packs_fail_stalled()  # a pack whose render died no longer blocks a new one
    with transaction.atomic():
        locked = (
            RightsRequest.objects.select_for_update(of=("self",))
            .select_related("subject", "requester")
            .get(pk=request.pk)
        )
        if not preview and locked.status not in RELEASABLE_REQUEST_STATUSES:
            raise ApplicationError(
                f"{locked.reference} is {Status(locked.status).label.lower()}: the pack can only be made once the "
                "request is approved. Make a preview instead: it is watermarked and can never be released."
            )
        if Pack.objects.filter(request=locked, status__in=PACK_IN_PROGRESS, preview=preview).exists():
            raise ApplicationError(
                f"A {'preview' if preview else 'pack'} for {locked.reference} is already being made: wait for it to "
                "finish, or ask a Manager to cancel it."
            )
        inputs = build_inputs(locked, preview=preview, letter_date=today, by=by)
        check_inputs(inputs)
        pack = Pack(
            request=locked,
            preview=preview,
            inputs_hash=inputs.fingerprint(),
            addressee_name=inputs.addressee.name,
            address=inputs.addressee.address_text,
            letter_date=today,
            created_by=by,
            progress_message="Waiting to start",
        )
        pack.full_clean()
        record_change(pack, "Preview queued" if preview else "Pack queued")
        pack.save()
        log_event(
            request=locked,
            action="pack_queued",
            detail=f"{'Preview' if preview else 'Pack'} {pack.pk} queued: {len(inputs.documents)} documents.",
            by=by,
        )
        pack_id = pack.pk
        if enqueue:
            transaction.on_commit(lambda: _enqueue(pack_id))
    return pack


def _enqueue(pack_id: int) -> None:
    result = task_send("disclosure.tasks.render_pack", pack_id=pack_id)
    with transaction.atomic():  # kept for tracing the task in the worker's logs; not history
        pack = _lock(pack_id)
        pack.task_id = str(result.id or "")[:200]
        pack.skip_history_when_saving = True  # type: ignore[attr-defined]
        pack.save(update_fields=["task_id"])


def check_inputs(inputs: PackInputs) -> None:
    """Refuse, before anything is queued, inputs that cannot make a pack (in plain words)."""
    for document in inputs.documents:
        content = document.content
        if isinstance(content, TextContent):
            try:
                merge_spans(len(content.text), content.spans)
            except SpanError:
                raise ApplicationError(
                    f"A redaction in document {document.number} (“{document.title}”) no longer fits its text: "
                    "remove it and mark it again."
                ) from None
        elif isinstance(content, PagedContent):
            if isinstance(content.source, Path) and not content.source.is_file():
                raise ApplicationError(
                    f"The file of document {document.number} (“{document.title}”) is missing from storage."
                )
            if content.page_count < 1:
                raise ApplicationError(f"Document {document.number} (“{document.title}”) has no pages.")


# State changes (each its own short transaction) -------------------------------------------------------


def _lock(pack_id: int) -> Pack:
    return Pack.objects.select_for_update(of=("self",)).select_related("request").get(pk=pack_id)


def _begin(pack_id: int) -> Pack | None:
    """queued -> rendering; a pack already rendering carries on (a retried task); a finished one is left alone."""
    with transaction.atomic():
        pack = _lock(pack_id)
        if pack.status == PackStatus.RENDERING:
            return pack
        if pack.status != PackStatus.QUEUED:
            return None
        pack.status = PackStatus.RENDERING
        pack.progress = 1
        pack.progress_message = "Starting"
        pack.heartbeat_at = timezone.now()
        record_change(pack, "Rendering started")
        pack.save()
        return pack


def _progress(pack_id: int, percent: int, message: str) -> bool:
    """Progress and the heartbeat (when rendering last said it was alive) are not history: saved without a history
    row, and never backwards. False when the pack is no longer rendering (cancelled, or failed by the sweep): the
    caller stops and leaves no file behind."""
    with transaction.atomic():
        pack = _lock(pack_id)
        if pack.status != PackStatus.RENDERING:
            return False
        pack.progress = max(pack.progress, min(99, percent))
        pack.progress_message = message[:200]
        pack.heartbeat_at = timezone.now()
        pack.skip_history_when_saving = True  # type: ignore[attr-defined]
        pack.save(update_fields=["progress", "progress_message", "heartbeat_at"])
    return True


class PackCancelled(Exception):
    """Raised inside a render when the pack stopped being rendered (cancelled or stalled): stop, keep nothing."""


def _still_rendering(pack_id: int, percent: int, message: str) -> None:
    if not _progress(pack_id, percent, message):
        raise PackCancelled


def pack_cancel(*, pack: Pack, by: User, reason: str = "") -> Pack:
    """Stop a pack being made (a Manager): it is failed with who stopped it, and its work files are removed. The
    render checks between pages and parts, and stops cleanly; nothing it was writing is kept."""
    require_role(by, roles.MANAGER, action="cancel a pack being made")
    if pack.status not in PACK_IN_PROGRESS:
        raise ApplicationError("This pack is not being made, so there is nothing to cancel.")
    who = by.get_full_name() or by.get_username()
    why = f": {reason.strip()}" if reason.strip() else ""
    return pack_fail(pack_id=pack.pk, reason=f"Cancelled by {who}{why}. Make it again when ready.")


def packs_fail_stalled(*, now: dt.datetime | None = None) -> int:
    """Fail every pack whose rendering has been silent longer than PACK_STALL_MINUTES (its worker died, say), so
    it no longer blocks a new one, and remove its work files. Idempotent: a failed pack is left alone."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=settings.PACK_STALL_MINUTES)
    stalled = Pack.objects.filter(status__in=sorted(PACK_IN_PROGRESS)).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
    )
    failed = 0
    for pack_id in stalled.values_list("pk", flat=True):
        pack = pack_fail(
            pack_id=pack_id,
            reason=f"Making the pack stopped: nothing was heard from it for over {settings.PACK_STALL_MINUTES} "
            "minutes. Make it again.",
            only_before=limit,
        )
        failed += pack.status == PackStatus.FAILED
    return failed


def pack_fail(*, pack_id: int, reason: str, only_before: dt.datetime | None = None) -> Pack:
    """Mark a pack failed (it can then never be released), with the reason, and drop its work files.
    `only_before`: leave it alone if it beat its heart since (the sweep's check, under the lock)."""
    with transaction.atomic():
        pack = _lock(pack_id)
        if pack.status not in PACK_IN_PROGRESS:
            return pack
        if only_before is not None and (pack.heartbeat_at or pack.created_at) >= only_before:
            return pack
        pack.status = PackStatus.FAILED
        pack.failure_reason = reason
        pack.progress = 100
        pack.progress_message = "Failed"
        pack.rendered_at = timezone.now()
        record_change(pack, "Failed")
        pack.save()
        log_event(request=pack.request, action="pack_failed", detail=f"Pack {pack.pk}: {reason}", by=None)
    _drop_work(pack_id)
    return pack


def _inputs_for(pack: Pack) -> PackInputs:
    """The inputs, read again; refused if they are not the ones the pack was queued with."""
    if pack.letter_date is None:
        raise PackChanged("The pack has no letter date.")
    request = RightsRequest.objects.select_related("subject", "requester", "assigned_to").get(pk=pack.request_id)
    inputs = build_inputs(request, preview=pack.preview, letter_date=pack.letter_date, by=pack.created_by)
    if inputs.fingerprint() != pack.inputs_hash:
        raise PackChanged(
            "The records or redactions changed after the pack was queued, so it was not finished. Make it again."
        )
    return inputs


# Work files, shared by every worker through the default (private) storage ----------------------------


def _work(pack: Pack) -> str:
    return f"{WORK_ROOT}/{pack.pk}/{pack.inputs_hash[:16]}"


@contextlib.contextmanager
def _local(name: str) -> Iterator[Path]:
    """A stored file as a local path (the file itself on a disk storage, else a temporary copy)."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy, default_storage.open(name, "rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def _store(name: str, path: Path) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as handle:
        saved = default_storage.save(name, File(handle))
    if saved != name:  # pragma: no cover - only if two workers raced on the same chunk
        default_storage.delete(saved)


def _store_bytes(name: str, data: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(data))


def _store_json(name: str, value: dict[str, Any]) -> None:
    _store_bytes(name, json.dumps(value, sort_keys=True).encode())


def _read_json(name: str) -> dict[str, Any]:
    with default_storage.open(name, "rb") as handle:
        value: dict[str, Any] = json.loads(handle.read())
    return value


def _drop_work(pack_id: int) -> None:
    root = f"{WORK_ROOT}/{pack_id}"
    try:
        folders, _ = default_storage.listdir(root)
    except (FileNotFoundError, NotImplementedError):
        return
    for folder in folders:
        _, files = default_storage.listdir(f"{root}/{folder}")
        for name in files:
            default_storage.delete(f"{root}/{folder}/{name}")


# The steps -----------------------------------------------------------------------------------------

Step = TypeVar("Step", bound=Callable[..., Any])


def _step(function: Step) -> Step:
    """A step that fails the pack, rather than raising, when the records changed or rendering broke.

    Transient errors (database, broker) are raised for the task to retry; a task that runs out of
    retries fails the pack itself (disclosure.tasks).
    """

    @functools.wraps(function)
    def run(*args: Any, pack_id: int, **kwargs: Any) -> Any:
        try:
            return function(*args, pack_id=pack_id, **kwargs)
        except PackChanged as changed:
            pack_fail(pack_id=pack_id, reason=str(changed))
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            logger.exception("Pack %s: %s failed", pack_id, function.__name__)
            pack_fail(pack_id=pack_id, reason=f"Rendering failed ({type(error).__name__}). Make the pack again.")
        return None

    return run  # type: ignore[return-value]


@_step
def pack_plan(*, pack_id: int) -> int | None:
    """Start rendering; the number of chunks to render (None: nothing to do, or the pack has failed)."""
    pack = _begin(pack_id)
    if pack is None:
        return None
    try:
        inputs = _inputs_for(pack)
    except PackChanged as changed:
        pack_fail(pack_id=pack_id, reason=str(changed))
        return None
    planned = chunking.plan(inputs)
    # Planned once per pack: each chunk task reads its piece of the plan instead of planning the whole pack again.
    _store_json(f"{_work(pack)}/plan.json", {"chunks": [chunk.as_json() for chunk in planned]})
    count = len(planned)
    _progress(pack_id, RENDER_FROM, f"Rendering {count} part{'s' if count != 1 else ''}")
    return count


def _planned(pack: Pack, inputs: PackInputs) -> list[chunking.Chunk]:
    """The plan written when rendering began (the inputs are checked unchanged since), or made again if it is gone."""
    name = f"{_work(pack)}/plan.json"
    if default_storage.exists(name):
        return [chunking.Chunk.from_json(item) for item in _read_json(name)["chunks"]]
    return chunking.plan(inputs)


@_step
def pack_render_chunk(*, pack_id: int, index: int) -> None:
    """Render one chunk into the work folder (done already: nothing to do)."""
    pack = Pack.objects.get(pk=pack_id)
    if pack.status != PackStatus.RENDERING:
        return
    work = _work(pack)
    if default_storage.exists(f"{work}/chunk-{index:05d}.json"):
        return
    inputs = _inputs_for(pack)
    planned = _planned(pack, inputs)
    data, result = render.render_chunk(inputs, planned[index])
    _store_bytes(f"{work}/chunk-{index:05d}.pdf", data)
    _store_json(f"{work}/chunk-{index:05d}.json", result.as_json())  # written last: its presence means "done"
    done = sum(1 for name in default_storage.listdir(work)[1] if name.endswith(".json") and name.startswith("chunk-"))
    if not _progress(
        pack_id,
        RENDER_FROM + (RENDER_TO - RENDER_FROM) * done // max(1, len(planned)),
        f"Rendered part {done} of {len(planned)}",
    ):
        _drop_work(pack_id)  # cancelled while this part was drawn: keep nothing of it


@_step
def pack_assemble(*, pack_id: int) -> int | None:
    """Join the chunks with the front matter, number and stamp the pages; the page count (None: nothing to do)."""
    pack = Pack.objects.get(pk=pack_id)
    if pack.status != PackStatus.RENDERING:
        return None
    inputs = _inputs_for(pack)
    work = _work(pack)
    planned = _planned(pack, inputs)
    results = [ChunkResult.from_json(_read_json(f"{work}/chunk-{c.index:05d}.json")) for c in planned]
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(_local(f"{work}/chunk-{c.index:05d}.pdf")) for c in planned]
        with tempfile.TemporaryDirectory(prefix="pack-") as folder:
            out = Path(folder) / "pack.pdf"
            try:
                rendered = render.assemble(
                    inputs, files, results, out, progress=lambda p, m: _still_rendering(pack_id, p, m)
                )
            except PackCancelled:
                _drop_work(pack_id)
                return None
            _store(f"{work}/assembled.pdf", out)
    if not _progress(pack_id, 92, "Checking the pack for any redacted words"):
        _drop_work(pack_id)
        return None
    return rendered.pages


@_step
def pack_verify_whole(*, pack_id: int) -> dict[str, Any] | None:
    """The whole-file half of verification: metadata, every object and stream, the raw bytes."""
    pack = Pack.objects.get(pk=pack_id)
    inputs = _inputs_for(pack)
    with _local(f"{_work(pack)}/assembled.pdf") as path:
        return verify.verify_whole(path, secrets=inputs.secrets, staff_names=inputs.staff_names)


@_step
def pack_verify_pages(*, pack_id: int, first: int, last: int) -> dict[str, Any] | None:
    """The page half of verification for pages first..last: text by two libraries, and the furniture."""
    pack = Pack.objects.get(pk=pack_id)
    inputs = _inputs_for(pack)
    with _local(f"{_work(pack)}/assembled.pdf") as path:
        return verify.verify_pages(
            path,
            secrets=inputs.secrets,
            reference=inputs.reference,
            preview=inputs.preview,
            first=first,
            last=last,
            boxes=painted_boxes(inputs),
        )


@_step
def pack_complete(*, pack_id: int, whole: dict[str, Any] | None, parts: Sequence[dict[str, Any] | None]) -> Pack | None:
    """Keep the report; a clean pack becomes verified with its file, a pack with any hit fails without it."""
    pack = Pack.objects.get(pk=pack_id)
    if pack.status != PackStatus.RENDERING:
        return pack
    if whole is None or any(part is None for part in parts):
        return pack_fail(pack_id=pack_id, reason="Verification did not finish. Make the pack again.")
    report = verify.combine(
        whole,
        [p for p in parts if p is not None],
        reference=pack.request.reference,
        preview=pack.preview,
        expected_boxes=painted_boxes(_inputs_for(pack)),
    )
    with _local(f"{_work(pack)}/assembled.pdf") as path:
        return _finish(pack_id, path, report)


def _finish(pack_id: int, path: Path, report: dict[str, Any]) -> Pack:
    stored: str | None = None
    try:
        with transaction.atomic():
            pack = _lock(pack_id)
            if pack.status != PackStatus.RENDERING:
                return pack
            pack.verification = report
            pack.sha256 = str(report["sha256"])
            pack.size_bytes = int(report["size_bytes"])
            pack.page_count = int(report["page_count"])
            pack.rendered_at = timezone.now()
            pack.progress = 100
            if report["ok"]:
                with path.open("rb") as handle:
                    pack.file.save(f"pack-{pack.pk}.pdf", File(handle), save=False)
                stored = pack.file.name
                pack.status = PackStatus.VERIFIED
                pack.progress_message = f"Verified: {pack.page_count} pages, no redacted words found"
                action, detail = "pack_verified", f"{pack.page_count} pages, SHA-256 {pack.sha256}."
            else:
                pack.status = PackStatus.FAILED
                pack.failure_reason = failure_summary(report)
                pack.progress_message = "Failed verification"
                action, detail = "pack_failed", pack.failure_reason
            pack.full_clean()
            record_change(pack, "Verified" if report["ok"] else "Failed verification")
            pack.save()
            log_event(request=pack.request, action=action, detail=f"Pack {pack.pk}: {detail}", by=None)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    _drop_work(pack_id)
    return pack


def failure_summary(report: dict[str, Any]) -> str:
    """The hits in plain words (labels and places only: the report never holds the redacted words)."""
    lines: list[str] = []
    for check in report.get("checks", []):
        if check.get("ok"):
            continue
        for hit in check.get("hits", [])[:10]:
            if "secret" in hit:
                lines.append(f"{check['name']} ({check['library']}): {hit['secret']} found at {hit['where']}.")
            else:
                lines.append(f"{check['name']}: {hit.get('problem', 'problem')}.")
    head = "The pack failed verification and will not be released."
    return head + (" " + " ".join(lines[:20]) if lines else "")


def pack_render(*, pack_id: int) -> Pack:
    """Every step in this process: eager Celery, the command line, or a pack of one chunk."""
    count = pack_plan(pack_id=pack_id)
    for index in range(count or 0):
        pack_render_chunk(pack_id=pack_id, index=index)
    pages = pack_assemble(pack_id=pack_id) if count is not None else None
    if pages is not None:
        whole = pack_verify_whole(pack_id=pack_id)
        parts = [
            pack_verify_pages(pack_id=pack_id, first=first, last=last)
            for first, last in verify.page_ranges(pages, VERIFY_PAGES)
        ]
        pack_complete(pack_id=pack_id, whole=whole, parts=parts)
    return Pack.objects.get(pk=pack_id)
