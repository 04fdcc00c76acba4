"""The pack's inputs, read from the database: what the requester may see, and every string they must not.

Neither-confirm-nor-deny follows disclosure.selectors: an NCND document is left out altogether (not in
the pack, the schedule or any count); an NCND redaction is still removed, but silently (no box, no
label, no count). Documents withheld in full are listed in the schedule with their exemption.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from core.text import address_lines
from disclosure.models import Document, Judgement, PageWord, Redaction, RedactionKind, SourceKind, ThirdParty
from disclosure.pack.inputs import (
    Addressee,
    BoxRedaction,
    FindRedaction,
    HeldInformation,
    LawfulBasis,
    LayerWord,
    Organisation,
    PackDocument,
    PackInputs,
    PagedContent,
    Purpose,
    SearchSummary,
    Secret,
    SpanRedaction,
    TextContent,
    WithheldDocument,
)
from disclosure.selectors import (
    professional_reasons,
    professionals_in_role,
    redaction_counts_for_requester,
    requester_visible_documents,
    search_record_run,
)
from requests_app.models import RightsRequest
from requests_app.services.letters import wants_easy_read
from reviews.models import DataShare
from reviews.selectors import confirmed_sources, what_we_hold
from rights import EXEMPTIONS


def _sort_key(document: Document) -> tuple[bool, dt.date, int]:
    return (document.document_date is None, document.document_date or dt.date.min, document.pk)


def _code(key: str) -> str:
    return EXEMPTIONS[key].code


def _hidden_redactions(document: Document) -> set[int]:
    return {flag.redaction_id for flag in document.ncnd_flags.all() if flag.redaction_id is not None}


def _source(document: Document) -> Path | bytes:
    try:
        return Path(document.original.path)
    except NotImplementedError:  # storage without local paths: read it now
        with document.original.open("rb") as handle:
            data: bytes = handle.read()
        return data


def _paged(
    document: Document, redactions: list[Redaction], hidden: set[int], ocr_words: tuple[LayerWord, ...]
) -> PagedContent:
    boxes: list[BoxRedaction] = []
    finds: list[FindRedaction] = []
    for redaction in redactions:
        silent = redaction.pk in hidden
        code = _code(redaction.exemption)
        for box in redaction.boxes.all():
            boxes.append(
                BoxRedaction(
                    page=box.page, x0=box.x0, top=box.top, x1=box.x1, bottom=box.bottom, code=code, silent=silent
                )
            )
        if document.has_text_layer:
            for words in dict.fromkeys(w for w in (redaction.text, redaction.phrase) if w.strip()):
                finds.append(FindRedaction(text=words, code=code, silent=silent))
    sizes = tuple(
        (float(page.get("width") or 0), float(page.get("height") or 0))
        for page in sorted(document.pages, key=lambda p: int(p.get("number", 0)))
    )
    return PagedContent(
        source=_source(document),
        format="image" if document.source_kind == SourceKind.SCAN_IMAGE else "pdf",
        page_count=document.page_count,
        sha256=document.sha256,
        boxes=tuple(boxes),
        finds=tuple(finds),
        page_sizes=sizes or None,
        words=ocr_words,
    )


def _ocr_words(documents: list[Document]) -> dict[int, tuple[LayerWord, ...]]:
    """What OCR read on each paged document's image-only pages (the pack keeps only the words outside every box),
    by document, in one query for them all: the same order per document as one query each gave."""
    found: dict[int, list[LayerWord]] = {}
    rows = PageWord.objects.filter(document__in=[d.pk for d in documents if d.has_pages]).values_list(
        "document_id", "page", "text", "x0", "top", "x1", "bottom"
    )
    for document_id, page, text, x0, top, x1, bottom in rows:
        found.setdefault(document_id, []).append(LayerWord(page, text, x0, top, x1, bottom))
    return {document_id: tuple(words) for document_id, words in found.items()}


def _text(document: Document, redactions: list[Redaction], hidden: set[int]) -> TextContent:
    spans = tuple(
        SpanRedaction(start=r.start, end=r.end, code=_code(r.exemption), silent=r.pk in hidden)
        for r in redactions
        if r.kind == RedactionKind.SPAN and r.start is not None and r.end is not None
    )
    return TextContent(text=document.text, spans=spans)


def _secrets_of(document: Document, redactions: list[Redaction]) -> list[Secret]:
    secrets: list[Secret] = []
    for redaction in redactions:
        label = f"redaction {redaction.pk} in document {document.pk}"
        texts = [redaction.text, redaction.phrase]
        if document.is_text and redaction.start is not None and redaction.end is not None:
            texts.append(document.text[redaction.start : redaction.end])
        for text in dict.fromkeys(t.strip() for t in texts if t and t.strip()):
            secrets.append(Secret(label=label, text=text))
    return secrets


def _staff_names(request: RightsRequest, documents: list[Document], extra: list[User | None]) -> tuple[str, ...]:
    """Everyone on the team who touched the case: their names must not reach the PDF's metadata (one query)."""
    ids = {request.assigned_to_id, *(user.pk for user in extra if user is not None)}
    for document in documents:
        ids.update((document.created_by_id, document.reviewed_by_id))
        ids.update(redaction.created_by_id for redaction in document.redactions.all())
    names: set[str] = {d.imported_reviewer for d in documents if d.imported_reviewer}  # a case file's named reviewer
    for user in User.objects.filter(pk__in=[i for i in ids if i is not None]):
        names.update(n for n in (user.get_full_name().strip(), user.get_username()) if n)
    return tuple(sorted(names))


def held_information(request: RightsRequest, *, today: dt.date) -> HeldInformation:
    """The Art 15(1) information from what is held: narrowed to the records the subject search confirmed
    for this request, or, when none are, what the partnership holds in general. Names, never counts."""
    record_ids = [record.pk for record in confirmed_sources(request.reference)]
    about_subject = bool(record_ids)
    table = what_we_hold(today=today, record_ids=record_ids if about_subject else None)
    if about_subject:
        # The processes with a review that holds one of the subject's records.
        processes = [p for p in table.processes if p.in_progress + p.concluded_holding + p.destroyed]
        sources = table.agencies
        shared = DataShare.objects.filter(record_id__in=record_ids).values_list("agency__name", flat=True)
        recipients = sorted({*(a.name for a in table.agencies), *shared})
    else:
        processes = table.processes
        sources = [a for a in table.agencies if a.submissions_held]
        recipients = [a.name for a in table.agencies]
    shown = {p.label for p in processes}
    return HeldInformation(
        about_subject=about_subject,
        purposes=tuple(Purpose(process=p.label, purpose=p.purpose) for p in processes),
        lawful_bases=tuple(
            LawfulBasis(b.title, b.explanation, tuple(label for label in b.processes if label in shown))
            for b in table.lawful_basis
            if shown.intersection(b.processes)
        ),
        categories=tuple(c.label for c in table.categories if c.total),
        recipients=tuple(recipients),
        retention=table.retention,
        sources=tuple(f"{a.name} ({a.kind})" for a in sources),
        supplied=tuple(s.label for s in table.sources if s.total),
    )


def search_summary(request: RightsRequest) -> SearchSummary | None:
    """The request's search record (its latest kept search) as the Art 15 page prints it; None before any."""
    run = search_record_run(request)
    if run is None or not run.scope_recorded:
        return None
    terms = ["name"]
    if run.previous_name_list:
        terms.append("previous names")
    if run.date_of_birth:
        terms.append("date of birth")
    if run.address.strip():
        terms.append("address")
    return SearchSummary(
        searched_on=timezone.localtime(run.run_at).date(),
        holdings_and_agencies=run.holdings_and_agencies,
        terms=tuple(terms),
        date_from=run.date_from,
        date_to=run.date_to,
    )


def build_inputs(request: RightsRequest, *, preview: bool, letter_date: dt.date, by: User | None = None) -> PackInputs:
    """Everything the pack is made from, as plain data; the same records give the same inputs."""
    documents = sorted(requester_visible_documents(request), key=_sort_key)
    professionals = professionals_in_role(request)
    ocr_words = _ocr_words(documents)
    included: list[PackDocument] = []
    withheld: list[WithheldDocument] = []
    secrets: list[Secret] = []
    for document in documents:
        redactions = list(document.redactions.all())
        secrets += _secrets_of(document, redactions)
        agency = document.agency.name if document.agency else ""
        if document.is_withheld_in_full:
            withheld.append(
                WithheldDocument(
                    title=document.title,
                    agency=agency,
                    date=document.document_date,
                    code=_code(document.withheld_exemption),
                )
            )
            continue
        hidden = _hidden_redactions(document)
        content = (
            _paged(document, redactions, hidden, ocr_words.get(document.pk, ()))
            if document.has_pages
            else _text(document, redactions, hidden)
        )
        counts = redaction_counts_for_requester(document)
        included.append(
            PackDocument(
                number=len(included) + 1,
                title=document.title,
                agency=agency,
                date=document.document_date,
                content=content,
                redaction_counts=tuple((_code(key), count) for key, count in counts.items()),
                professional_reasons=professional_reasons(document, professionals),
            )
        )

    addressee = request.addressee
    own_names = {addressee.full_name.strip().casefold(), request.subject.full_name.strip().casefold()}
    parties = ThirdParty.objects.filter(request=request, reasonable_to_disclose=Judgement.NO).order_by("pk")
    for party in parties:
        for spelling in party.spellings:  # every spelling recorded for them
            if spelling.casefold() not in own_names:  # the requester's own name is no secret from them
                secrets.append(Secret(label=f"third party {party.pk} (not reasonable to disclose)", text=spelling))

    return PackInputs(
        reference=request.reference,
        letter_date=letter_date,
        received=request.received,
        organisation=Organisation.from_settings(settings.ORGANISATION),
        addressee=Addressee(name=addressee.full_name, address=tuple(address_lines(addressee.address))),
        subject_name=request.subject.full_name,
        on_behalf=request.requester_id is not None,
        documents=tuple(included),
        held=dataclasses.replace(
            held_information(request, today=letter_date),
            enclosed_from=tuple(sorted({d.agency for d in included if d.agency})),
            search=search_summary(request),
        ),
        withheld=tuple(withheld),
        secrets=tuple(sorted(set(secrets), key=lambda s: (s.label, s.text))),
        preview=preview,
        easy_read=wants_easy_read(request, today=letter_date),
        staff_names=_staff_names(request, documents, [by]),
    )
