"""`manage.py render_pack REF --out FILE [--preview]`: a preview at any time, the real pack only once approved."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from disclosure.models import Pack, PackStatus
from disclosure.pack.verify import WATERMARK
from requests_app.models import RightsRequest
from tests.factories import celery_eager, pack_case

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
OUTPUT = re.compile(r"^path=(?P<path>[^\t]+)\tpages=(?P<pages>\d+)\tsha256=(?P<sha>[0-9a-f]{64})$")


def run(*args: str) -> str:
    out = io.StringIO()
    with celery_eager():
        call_command("render_pack", *args, stdout=out)
    return out.getvalue().strip()


def test_a_preview_renders_before_approval_watermarked_on_every_page(staff: dict[str, User], tmp_path: Path) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    target = tmp_path / "preview.pdf"
    line = run(request.reference, "--out", str(target), "--preview", "--date", TODAY.isoformat())
    match = OUTPUT.match(line)
    assert match, line
    data = target.read_bytes()
    assert match["path"] == str(target.resolve())
    assert match["sha"] == hashlib.sha256(data).hexdigest()
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert int(match["pages"]) == len(pages)
    assert all(WATERMARK in (page.extract_text() or "") for page in pages)
    pack = Pack.objects.get()
    assert pack.preview and pack.status == PackStatus.VERIFIED and pack.created_by is None


def test_without_preview_an_unapproved_request_is_refused_with_exit_code_2(
    staff: dict[str, User], tmp_path: Path
) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    target = tmp_path / "pack.pdf"
    with pytest.raises(CommandError) as refused:
        run(request.reference, "--out", str(target))
    assert refused.value.returncode == 2
    assert "\n" not in str(refused.value) and "approved" in str(refused.value)
    assert not target.exists() and not Pack.objects.exists()


def test_an_approved_request_renders_and_the_same_inputs_give_the_same_file(
    staff: dict[str, User], tmp_path: Path
) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)
    first = OUTPUT.match(run(request.reference, "--out", str(tmp_path / "a.pdf"), "--date", TODAY.isoformat()))
    second = OUTPUT.match(run(request.reference, "--out", str(tmp_path / "b.pdf"), "--date", TODAY.isoformat()))
    assert first and second
    assert first["sha"] == second["sha"]
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert not any(WATERMARK in (p.extract_text() or "") for p in pypdf.PdfReader(tmp_path / "a.pdf").pages)
    assert RightsRequest.objects.get(pk=request.pk).status == "approved"  # rendering is not sending


def test_an_unknown_reference_or_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as unknown:
        run("RR-2026-9999", "--out", str(tmp_path / "x.pdf"))
    assert unknown.value.returncode == 2 and "no request RR-2026-9999" in str(unknown.value)
    with pytest.raises(CommandError) as folder:
        run("RR-2026-9999", "--out", str(tmp_path / "missing" / "x.pdf"))
    assert folder.value.returncode == 2
