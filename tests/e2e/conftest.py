"""End-to-end fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium comes from Debian (/usr/bin/chromium), never from `playwright install`. When it is missing the set-up
installs it with apt-get if it runs as root; otherwise every test here is skipped with the reason printed.
Screenshots of each page visited go to tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a thread with a
# running loop unless told it is safe. Only these tests need it: the browser fixture sets it while a browser is
# open and puts it back afterwards, so the rest of the suite keeps Django's check.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_LOCK = Path(tempfile.gettempdir()) / "rights-desk-chromium-install.lock"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Generous: CI runs these beside PDF-heavy tests on two cores, where a page can take seconds to come back.
TIMEOUT_MS = 60_000
PASSWORD = "correct horse battery staple"  # tests/factories.UserFactory's password


def _ensure_chromium() -> str | None:
    """None when Chromium is there (installing it with apt-get as root if need be), else why it is not.

    The suite runs in several processes and more than one may need Chromium at once: they take turns on a lock
    file, and the one that comes second finds it installed (two apt-gets at once fail on dpkg's own lock).
    """
    if CHROMIUM.exists():
        return None
    with INSTALL_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _install_chromium()


def _install_chromium() -> str | None:
    if CHROMIUM.exists():
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            ["apt-get", "-o", "DPkg::Lock::Timeout=300", "update"],
            ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends", "chromium"],
        ):
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                return f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}"
        if CHROMIUM.exists():
            return None
        return "apt-get installed chromium but /usr/bin/chromium is still missing"
    return "/usr/bin/chromium is missing and this is not root, so it cannot be installed with apt-get"


@pytest.fixture
def browser() -> Iterator[Any]:
    """Chromium for one test, started after the test's database is set up and closed before it is torn down.

    Playwright's sync API runs its event loop in a greenlet of the test thread, and Django keeps a separate
    database connection for code running under it. A browser that outlived one test (a module-scoped fixture)
    would be running when pytest-django restores and flushes the database for the next test: the flush would
    then miss the serialized-rollback set-up, recreate content types and permissions, and break every later
    test that restores the database (they would fail on duplicate content types).
    """
    reason = _ensure_chromium()
    if reason:
        print(f"\nSKIPPING end-to-end tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    saved = os.environ.get(ASYNC_UNSAFE)
    os.environ.setdefault(ASYNC_UNSAFE, "true")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        connections.close_all()  # the connection the test body used under Playwright's loop: no session left open
        playwright.stop()
        if saved is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = saved


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def login(context: Any, base_url: str, username: str) -> Any:
    """A new page in `context`, signed in as `username` through the real login page and a TOTP code computed
    here: the first time through enrolment (the key read off the page), later through the code page."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not sign in: {page.inner_text('main')[:500]}"
    if "/two-factor/enrol/" in page.url:
        # First sign-in: the key the page shows goes into "the app", which here is this test computing the code.
        page.fill("#id_token", totp_code(page.inner_text("#totp-secret")))
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/two-factor/recovery-codes/" in page.url, f"{username} could not enrol: {page.inner_text('main')[:500]}"
        page.click("text=Continue")
        page.wait_for_load_state()
    elif "/two-factor/verify/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        # django-otp refuses a code from a time step it has already accepted (no replay): the same user signing in
        # twice within one step waits for the next code, as a person would.
        while (int(time.time()) - device.t0) // device.step <= device.last_t:
            time.sleep(1)
        page.fill("#id_token", totp_code(base64.b32encode(device.bin_key).decode()))
        page.click("button[type=submit]")
        page.wait_for_load_state()
    assert "/two-factor/" not in page.url, f"{username} failed the second factor: {page.inner_text('main')[:500]}"
    return page


def totp_code(secret: str) -> str:
    """The code an authenticator app holding this base32 key shows now (RFC 6238, as django-otp checks it)."""
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


AXE = Path(settings.BASE_DIR) / "build" / "frontend" / "vendor" / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
BLOCKING = {"serious", "critical"}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern: a script
    # tag would be refused by the policy, as it should be.
    page.evaluate(f"() => {{ {AXE.read_text(encoding='utf-8')}\n}}")
    result = page.evaluate("async (options) => await axe.run(document, options)", AXE_OPTIONS)
    return [v for v in (_without_design_system_reveals(v) for v in result["violations"]) if v["nodes"]]


def _attributes(check: dict[str, Any]) -> list[Any]:
    """The attributes an aria-allowed-attr check names: a list, or {"values": [...]} in newer axe-core."""
    data = check.get("data") or []
    return list(data.get("values") or []) if isinstance(data, dict) else list(data)


def _without_design_system_reveals(violation: dict[str, Any]) -> dict[str, Any]:
    """GOV.UK Frontend's conditional radios set aria-expanded on the radio that shows a question (its Radios
    component does it, deliberately, so screen readers announce the reveal); axe's aria-allowed-attr counts that
    against the radio role. Only that one attribute on those radios is let through: anything else still fails."""
    if violation.get("id") != "aria-allowed-attr":
        return violation
    kept = []
    for node in violation.get("nodes", []):
        html = str(node.get("html", ""))
        found = [str(item) for check in node.get("any", []) + node.get("all", []) for item in _attributes(check)]
        reveal = "govuk-radios__input" in html and "aria-controls=" in html
        if reveal and found and all(item.startswith("aria-expanded") for item in found):
            continue
        kept.append(node)
    return {**violation, "nodes": kept}


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])][:5]
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} -> {json.dumps(targets)}")
    return "\n".join(lines)


class Checker:
    """Visit pages, run axe on each, and keep the serious and critical violations by page name."""

    def __init__(self, artifacts: Path) -> None:
        self.artifacts = artifacts
        self.failures: dict[str, list[dict[str, Any]]] = {}
        self.checked: list[str] = []

    def check(
        self, page: Any, name: str, url: str | None = None, expect_status: int | None = 200, *, prefix: str = "a11y-"
    ) -> None:
        if url is not None:
            response = page.goto(url)
            if expect_status is not None:
                assert response is not None and response.status == expect_status, f"{name}: {url} gave {response}"
        page.screenshot(path=str(self.artifacts / f"{prefix}{name}.png"), full_page=True)
        blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
        self.checked.append(name)
        if blocking:
            self.failures[name] = blocking

    def report(self) -> str:
        return "\n".join(f"{name}:\n{_describe(found)}" for name, found in self.failures.items())


def no_errors(page: Any, what: str) -> None:
    """The page shows no GOV.UK error summary: the action was accepted."""
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, f"{what} was refused: {summary.first.inner_text()}"


def take_step(page: Any, pk: int, name: str) -> None:
    """Press the request page's button for one step of the state machine: the check-your-answers page (sign-off
    and approval), or a link to the step's own form or straight to its summary, then "Confirm and …" on the
    summary (core.confirm); then the browser is back on the request page."""
    page.goto(re.sub(r"^(https?://[^/]+).*$", r"\1", page.url) + f"/requests/{pk}/")
    check = page.locator(f"a[href$='/disclosure/{pk}/check/']")
    if check.count() and name in {"submit_for_sign_off", "approve"}:
        check.first.click()
        page.wait_for_load_state()
        page.locator(f"form[action$='/steps/{name}/'] button[type=submit]").click()
    else:
        link = page.locator(f"a[href$='/steps/{name}/']")
        assert link.count(), f"The request page offers no '{name}' step: {page.inner_text('main')[:2000]}"
        link.first.click()
        page.wait_for_load_state()
        if not page.locator("#confirm-form").count():
            page.locator("#main-form button[type=submit]").last.click()
            page.wait_for_load_state()
            no_errors(page, f"The step '{name}'")
        page.locator("#confirm-form button[type=submit]").click()
    page.wait_for_load_state()
    no_errors(page, f"The step '{name}'")
    assert re.search(rf"/requests/{pk}/$", page.url), f"After '{name}' the browser is at {page.url}"
