"""Packs that cannot get stuck: a heartbeat while rendering, the sweep of silent ones, and a Manager's cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from disclosure.models import Pack, PackStatus
from disclosure.services import packs
from disclosure.tasks import fail_stalled_packs
from requests_app.models import RightsRequest
from rights import ApplicationError
from tests.factories import pack_case, sign_in

TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def approved(staff: dict[str, User]) -> RightsRequest:
    return pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)


def queued(rr: RightsRequest, by: User) -> Pack:
    return packs.pack_request(request=rr, by=by, today=TODAY, enqueue=False)


def work_files(pack: Pack) -> list[str]:
    root = f"{packs.WORK_ROOT}/{pack.pk}"
    try:
        folders, files = default_storage.listdir(root)
    except FileNotFoundError:
        return []
    found = list(files)
    for folder in folders:
        found += default_storage.listdir(f"{root}/{folder}")[1]
    return found


def test_rendering_beats_its_heart_as_it_goes(staff: dict[str, User], approved: RightsRequest) -> None:
    pack = queued(approved, staff["caseworker"])
    assert pack.heartbeat_at is None
    count = packs.pack_plan(pack_id=pack.pk)
    assert count
    first = Pack.objects.get(pk=pack.pk).heartbeat_at
    assert first is not None
    packs.pack_render_chunk(pack_id=pack.pk, index=0)
    after = Pack.objects.get(pk=pack.pk)
    assert after.heartbeat_at is not None and after.heartbeat_at >= first
    assert after.progress > 1 and "Rendered part 1" in after.progress_message
    assert not after.history.filter(progress_message__startswith="Rendered part").exists()  # progress is not history


def test_the_sweep_fails_a_silent_pack_once_and_frees_the_request(
    staff: dict[str, User], approved: RightsRequest, settings: Settings
) -> None:
    settings.PACK_STALL_MINUTES = 30
    pack = queued(approved, staff["caseworker"])
    packs.pack_plan(pack_id=pack.pk)
    assert work_files(pack)  # the plan is on disk
    assert fail_stalled_packs.apply().get() == 0  # alive: left alone
    Pack.objects.filter(pk=pack.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=31))
    assert fail_stalled_packs.apply().get() == 1
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert pack.failure_reason == (
        "Making the pack stopped: nothing was heard from it for over 30 minutes. Make it again."
    )
    assert work_files(pack) == []
    assert packs.packs_fail_stalled() == 0  # idempotent
    assert pack.history.filter(status=PackStatus.FAILED).count() == 1
    # And a new pack can be made at once (it was blocked while the dead one was "rendering").
    again = queued(approved, staff["caseworker"])
    assert again.status == PackStatus.QUEUED


def test_a_queued_pack_that_never_started_is_swept_by_its_age(
    staff: dict[str, User], approved: RightsRequest, settings: Settings
) -> None:
    settings.PACK_STALL_MINUTES = 30
    pack = queued(approved, staff["caseworker"])
    Pack.objects.filter(pk=pack.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert packs.packs_fail_stalled() == 1
    # A new request for a pack sweeps first, so a dead one never blocks it.
    fresh = queued(approved, staff["caseworker"])
    Pack.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert queued(approved, staff["caseworker"]).status == PackStatus.QUEUED
    assert Pack.objects.get(pk=fresh.pk).status == PackStatus.FAILED


def test_a_manager_cancels_and_the_render_stops_cleanly_leaving_no_file(
    staff: dict[str, User], approved: RightsRequest
) -> None:
    pack = queued(approved, staff["caseworker"])
    count = packs.pack_plan(pack_id=pack.pk) or 0
    packs.pack_render_chunk(pack_id=pack.pk, index=0)
    with pytest.raises(ApplicationError, match="Only a manager"):
        packs.pack_cancel(pack=pack, by=staff["caseworker"])
    packs.pack_cancel(pack=pack, by=staff["manager"], reason="Wrong letter date")
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED and pack.failure_reason.startswith("Cancelled by")
    assert "Wrong letter date" in pack.failure_reason
    for index in range(1, count):  # the remaining parts' tasks still arrive: they do nothing
        packs.pack_render_chunk(pack_id=pack.pk, index=index)
    assert packs.pack_assemble(pack_id=pack.pk) is None
    assert work_files(pack) == [] and not pack.file
    with pytest.raises(ApplicationError, match="nothing to cancel"):
        packs.pack_cancel(pack=pack, by=staff["manager"])


def test_a_cancel_while_the_pages_are_joined_stops_between_pages(
    staff: dict[str, User], approved: RightsRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = queued(approved, staff["caseworker"])
    count = packs.pack_plan(pack_id=pack.pk) or 0
    for index in range(count):
        packs.pack_render_chunk(pack_id=pack.pk, index=index)

    def cancelled_midway(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        packs.pack_cancel(pack=Pack.objects.get(pk=pack.pk), by=staff["manager"])
        progress(86, "Writing the covering letter and schedule")  # the render's next check
        raise AssertionError("the render went on after it was cancelled")

    monkeypatch.setattr(packs.render, "assemble", cancelled_midway)
    assert packs.pack_assemble(pack_id=pack.pk) is None
    assert work_files(pack) == []
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.FAILED


def test_the_cancel_button_is_a_managers(staff: dict[str, User], approved: RightsRequest) -> None:
    pack = queued(approved, staff["caseworker"])
    url = reverse("disclosure:pack_cancel", args=[approved.pk, pack.pk])
    status = reverse("disclosure:pack", args=[approved.pk, pack.pk])
    worker, boss = Client(), Client()
    sign_in(worker, staff["caseworker"])
    sign_in(boss, staff["manager"])
    assert "Cancel making this pack" not in worker.get(status).content.decode()
    assert worker.post(url).status_code == 302
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.QUEUED
    assert "Cancel making this pack" in boss.get(status).content.decode()
    assert boss.post(url).status_code == 302
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.FAILED
    assert "Make it again" in boss.get(status).content.decode()
