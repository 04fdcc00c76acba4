"""The load figure: gunicorn with two workers serving signed-in staff at once, on loopback.

The bench's scratch database (PostgreSQL when DATABASE_URL is one) is served by `gunicorn config.wsgi` started
here; `clients` threads, each a member of staff with a signed-in, second-factor-verified session of its own,
fetch the dashboard, the list, a name search and a request's page in turn for `seconds`, each over its own
keep-alive connection. Every answer that is not a 200 is an error. The clients run on the same machine as the
server (two cores here), so the figure is a floor of what the service does, not a ceiling.
"""

from __future__ import annotations

import http.client
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from bench.data import MANAGER_USERNAME, SURNAMES, sample_requests
from bench.figures import LoadFigure
from bench.pages import signed_in_client

START_SECONDS = 60.0  # gunicorn's workers import Django and connect: a loaded machine takes a while


@dataclass
class Tally:
    samples_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, error: str | None) -> None:
        with self.lock:
            self.samples_ms.append(ms)
            if error is not None:
                self.errors.append(error)


def load_urls(count: int = 30) -> list[str]:
    """The pages staff use most, in the order a client goes round them."""
    list_url = reverse("request_list")
    requests = [reverse("request_detail", args=[pk]) for pk in sample_requests(count)]
    searches = [f"{list_url}?q={name}" for name in SURNAMES[:10]]
    urls: list[str] = []
    for number, request_url in enumerate(requests or [list_url]):
        urls += [reverse("dashboard"), list_url, searches[number % len(searches)], request_url]
    return urls


def staff_cookies(clients: int) -> list[str]:
    """One signed-in, verified session per client (the bench's Manager, who sees every request)."""
    if not User.objects.filter(username=MANAGER_USERNAME).exists():
        raise RuntimeError(f"The bench's Manager {MANAGER_USERNAME!r} is missing: build the data set first.")
    cookies = []
    for _ in range(clients):
        client = signed_in_client()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env() -> dict[str, str]:
    """The stage's own environment (the scratch database), served over plain HTTP on loopback."""
    env = dict(os.environ)
    env.update(
        {
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    return env


def start_gunicorn(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",
    ]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
        command, cwd=Path(settings.BASE_DIR), env=server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_until_serving(server: subprocess.Popen[bytes], port: int, cookie: str, url: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise RuntimeError(f"gunicorn stopped (exit status {server.returncode}): {stderr[-800:]}")
        try:
            status = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=30), url, cookie)
        except OSError as error:
            last = str(error)
            time.sleep(0.5)
            continue
        if status == 200:
            return
        raise RuntimeError(f"gunicorn answered {url} with {status}, not 200: is the session signed in?")
    raise RuntimeError(f"gunicorn did not answer within {START_SECONDS:.0f} s ({last}).")


def fetch(connection: http.client.HTTPConnection, url: str, cookie: str) -> int:
    connection.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    return response.status


def client_loop(port: int, cookie: str, urls: Sequence[str], start: int, stop_at: float, tally: Tally) -> None:
    """One member of staff going round the pages until the time is up (a bounded loop: it ends at stop_at)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for url in itertools.islice(itertools.cycle(urls), start, None):
        if time.monotonic() >= stop_at:
            break
        began = time.perf_counter()
        error: str | None = None
        try:
            status = fetch(connection, url, cookie)
            if status != 200:
                error = f"{url} answered {status}"
        except (OSError, http.client.HTTPException) as failure:
            error = f"{url}: {failure}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        tally.add((time.perf_counter() - began) * 1000, error)
    connection.close()


def load_benchmark(*, clients: int, seconds: float, workers: int = 2) -> LoadFigure:
    """`clients` signed-in staff for `seconds` against gunicorn with `workers` workers: p95 and errors."""
    urls = load_urls()
    cookies = staff_cookies(clients)
    port = free_port()
    server = start_gunicorn(port, workers)
    try:
        wait_until_serving(server, port, cookies[0], urls[0])
        tally = Tally()
        stop_at = time.monotonic() + seconds
        threads = [
            threading.Thread(target=client_loop, args=(port, cookie, urls, number * 3, stop_at, tally), daemon=True)
            for number, cookie in enumerate(cookies)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return LoadFigure(
        clients=clients,
        seconds=round(elapsed, 1),
        workers=workers,
        samples_ms=tuple(tally.samples_ms),
        errors=len(tally.errors),
        first_errors=tuple(tally.errors[:3]),
        database=settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    )
