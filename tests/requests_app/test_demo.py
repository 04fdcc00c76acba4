"""`manage.py demo`: refused without DEBUG; every kind in every state of its machine; idempotent; demo users."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pytest_django import Settings

from core import roles
from requests_app.casefile import case_export, case_import
from requests_app.casefile.plan import statuses_of
from requests_app.models import WAITING_ON_REQUESTER, Letter, Notice, RightsRequest, Status, TransitionEvent
from rights import RightKind
from tests import factories


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ("requests_app", "auth", "disclosure")
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture(autouse=True)
def _sign_in_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kept demo password goes to a temporary folder, never the checkout's var/."""
    kept = tmp_path / "var" / "demo-sign-in.txt"
    monkeypatch.setattr("requests_app.management.commands.demo.demo_sign_in_file", lambda: kept)
    return kept


def run_demo(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_refused_when_debug_is_off(settings: Settings) -> None:
    settings.DEBUG = False
    before = model_counts()
    with pytest.raises(CommandError, match="only for a local demo: set DEBUG=1"):
        run_demo()
    with pytest.raises(CommandError):
        run_demo("--if-empty")
    assert model_counts() == before
    assert not User.objects.filter(username__in=["manager", "caseworker", "reviewer"]).exists()


@pytest.mark.django_db
def test_if_empty_does_nothing_when_a_request_exists(settings: Settings) -> None:
    settings.DEBUG = True
    factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 3))
    before = model_counts()
    out, _ = run_demo("--if-empty")
    assert "the demo data was not loaded" in out
    assert model_counts() == before
    assert not User.objects.filter(username="caseworker").exists()


@pytest.mark.django_db
def test_demo_loads_every_kind_in_every_state_and_is_idempotent(settings: Settings, tmp_path: Path) -> None:
    settings.DEBUG = True
    today = timezone.localdate()
    out, err = run_demo()
    assert err == ""
    assert "password" in out

    # Demo users, each in the group of their role, with the password printed once.
    password = out.split("password ", 1)[1].split()[0]
    for username, group in (
        ("manager", roles.MANAGER),
        ("caseworker", roles.CASEWORKER),
        ("reviewer", roles.REVIEWER),
    ):
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(password)

    requests = list(RightsRequest.objects.all())
    assert 40 <= len(requests) <= 100
    assert all(r.reference.startswith("RR-2026-9") for r in requests)
    for kind in RightKind:
        reached = {r.status for r in requests if r.kind == kind.value}
        # Every status but awaiting the fee, which a case file cannot bring in yet (it carries no fee facts).
        assert reached == set(statuses_of(kind.value)) - {Status.AWAITING_FEE.value}, kind

    # Due dates spread around today.
    open_requests = [r for r in requests if r.is_open]
    assert any(r.is_overdue(today) for r in requests)
    assert any(
        r.status not in WAITING_ON_REQUESTER and today <= r.due_date <= today + dt.timedelta(days=7)
        for r in open_requests
    )
    assert any(r.due_date > today + dt.timedelta(days=7) for r in open_requests)
    assert sum(r.status in WAITING_ON_REQUESTER for r in requests) >= 8
    assert any(r.extended for r in requests)
    assert any(r.is_restricted for r in requests)

    # People: parents, solicitors and deputies act for subjects; letters go both ways.
    roles_used = {r.representative_role for r in requests}
    assert {"self", "parent", "solicitor", "deputy"} <= roles_used
    assert all("Stockport" in r.subject.address for r in requests)
    assert Letter.objects.filter(direction="in").exists() and Letter.objects.filter(direction="out").exists()
    assert Letter.objects.exclude(file="").exists()  # a few letters rendered by the letters service
    # States were reached through the transition service, by the demo users.
    steps = TransitionEvent.objects.exclude(transition__in=["log", "import"])
    assert steps.filter(by__username="caseworker").exists()
    assert steps.filter(by__username="manager").exists()
    assert not steps.filter(by__isnull=True).exists()

    # The sweep ran once, so the notices are true; the sign-in is the last thing said.
    assert "Deadline sweep run once for the demo: requests checked:" in out
    assert Notice.objects.exists()
    assert out.strip().splitlines()[-1].startswith("Demo sign-in: manager, caseworker, reviewer or admin")
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password(password)

    # Running it again adds nothing, sets no new password, and says the same sign-in last.
    before = model_counts()
    out_again, _ = run_demo()
    assert "0 requests loaded, " in out_again
    assert out_again.strip().splitlines()[-1].endswith("(a local demo only; DEBUG on).")
    assert f"password {password}, authenticator-app key " in out_again.strip().splitlines()[-1]
    assert model_counts() == before
    assert User.objects.get(username="manager").check_password(password)

    # Every demo request exports to a case file that imports back to the same case file.
    for request in requests:
        exported = case_export(request=request)
        copy = {**exported, "reference": request.reference.replace("RR-2026-9", "RR-2026-8")}
        imported = case_import(data=copy, folder=tmp_path, today=today)
        assert imported.status == request.status
        assert imported.due_date == request.due_date, request.reference
        assert case_export(request=imported) == copy, request.reference


@pytest.mark.django_db
def test_new_password_resets_the_demo_users(settings: Settings) -> None:
    settings.DEBUG = True
    factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 3))
    for username, maker in (
        ("manager", factories.manager),
        ("caseworker", factories.caseworker),
        ("reviewer", factories.reviewer),
    ):
        maker(username)
    before = model_counts()
    out, _ = run_demo("--if-empty", "--new-password")
    assert "not loaded" in out  # --if-empty still wins: no demo requests are loaded
    password = out.split("password ", 1)[1].split()[0]
    for username in ("manager", "caseworker", "reviewer"):
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert not user.check_password("correct horse battery staple")
    assert model_counts()["requests_app.RightsRequest"] == before["requests_app.RightsRequest"] == 1
