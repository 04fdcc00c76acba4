"""Celery tasks that make disclosure packs: thin, each takes ids and calls one step of disclosure.services.packs.

render_pack plans the chunks and fans them out as a chord (one render_pack_chunk per chunk, on as
many workers as there are), then assemble_pack joins them and fans verification out the same way
(verify_pack_whole beside one verify_pack_pages per range), and complete_pack keeps the verdict.
In eager mode (no broker) render_pack runs every step in-process. Every step is idempotent (a chunk
already rendered is not rendered again; a finished pack is left alone); transient errors are retried
with backoff, and a task that runs out of retries fails its pack, so no pack is left "rendering".
"""

from __future__ import annotations

from typing import Any

from celery import Task, chord, group, shared_task

from disclosure.pack.verify import page_ranges
from disclosure.services import packs, reading

RETRY: dict[str, Any] = {
    "autoretry_for": packs.TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


class PackTask(Task[Any, Any]):
    """Fails the pack when the task has failed for good (retries used up, or an unexpected error)."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        pack_id = kwargs.get("pack_id") if kwargs else None
        if pack_id is not None:
            packs.pack_fail(
                pack_id=int(pack_id),
                reason=f"Rendering stopped after repeated errors ({type(exc).__name__}). Make the pack again.",
            )


@shared_task(base=PackTask, bind=True, **RETRY)
def render_pack(self: Task[Any, Any], pack_id: int) -> None:
    """Make the pack: in this process when eager, else as a chord of chunks."""
    if self.request.is_eager:
        packs.pack_render(pack_id=pack_id)
        return
    count = packs.pack_plan(pack_id=pack_id)
    if count is None:
        return
    if count == 0:
        assemble_pack.delay(pack_id=pack_id)
        return
    chord(group(render_pack_chunk.si(pack_id=pack_id, index=i) for i in range(count)))(
        assemble_pack.si(pack_id=pack_id)
    )


@shared_task(base=PackTask, bind=True, **RETRY)
def render_pack_chunk(self: Task[Any, Any], pack_id: int, index: int) -> None:
    packs.pack_render_chunk(pack_id=pack_id, index=index)


@shared_task(base=PackTask, bind=True, **RETRY)
def assemble_pack(self: Task[Any, Any], pack_id: int) -> None:
    """Join and stamp, then verify in parallel: the whole file once, the pages in ranges."""
    pages = packs.pack_assemble(pack_id=pack_id)
    if pages is None:
        return
    header = [verify_pack_whole.si(pack_id=pack_id)] + [
        verify_pack_pages.si(pack_id=pack_id, first=first, last=last)
        for first, last in page_ranges(pages, packs.VERIFY_PAGES)
    ]
    chord(group(header))(complete_pack.s(pack_id=pack_id))


@shared_task(base=PackTask, bind=True, **RETRY)
def verify_pack_whole(self: Task[Any, Any], pack_id: int) -> dict[str, Any] | None:
    return packs.pack_verify_whole(pack_id=pack_id)


@shared_task(base=PackTask, bind=True, **RETRY)
def verify_pack_pages(self: Task[Any, Any], pack_id: int, first: int, last: int) -> dict[str, Any] | None:
    return packs.pack_verify_pages(pack_id=pack_id, first=first, last=last)


@shared_task(base=PackTask, bind=True, **RETRY)
def complete_pack(self: Task[Any, Any], results: list[dict[str, Any] | None], pack_id: int) -> None:
    packs.pack_complete(pack_id=pack_id, whole=results[0] if results else None, parts=results[1:])


@shared_task(bind=True, acks_late=True, autoretry_for=packs.TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def read_document(self: Task[Any, Any], document_id: int) -> None:
    """OCR a document's image-only pages once, at upload; progress is on its DocumentReading (and the task state)."""

    def on_page(done: int, total: int) -> None:
        if not self.request.is_eager and self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    reading.document_read(document_id=document_id, on_page=on_page)


@shared_task(name="disclosure.fail_stalled_packs")
def fail_stalled_packs() -> int:
    """Every five minutes (django-celery-beat, scheduled by disclosure migration 0012): packs
    whose render has been silent past PACK_STALL_MINUTES are failed and their work files removed."""
    return packs.packs_fail_stalled()


@shared_task(acks_late=True)
def convert_return_file(return_file_id: int) -> str:
    """Convert one file an agency returned to PDF (LibreOffice for Word and Excel); its status is on the file."""
    from disclosure.services.returns import return_file_convert  # the conversion loads LibreOffice helpers

    return str(return_file_convert(return_file_id=return_file_id).status)
