"""Page timings: the dashboard, the list of requests (as it opens, and searched) and a request's page, each
fetched through Django's test client (the whole middleware stack) by a signed-in Manager.

A Manager sees every request, restricted ones included, so these are the heaviest versions of each page.
Each page is fetched a few times to warm up, then timed; the queries of every timed fetch are counted,
so a page whose queries grew with the data (or with the request shown) would show a range. Beside the
wall-clock time, the CPU time this process spent (Django, templates, and SQLite's own work when the
database is SQLite; PostgreSQL's work is in its server) is kept: on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import MANAGER_USERNAME, SURNAMES, sample_requests
from bench.figures import PageFigure, ProcessFigure
from requests_app.models import ClockEvent, Letter, Person, RightsRequest, TransitionEvent


@dataclass(frozen=True)
class Page:
    name: str
    urls: tuple[str, ...]  # fetched in turn


def history_rows() -> int:
    """Every django-simple-history row the case data has."""
    return sum(model.history.count() for model in (RightsRequest, Person, Letter, ClockEvent, TransitionEvent))


def pages_to_time(count: int) -> list[Page]:
    """The pages, each with the URLs it is fetched at (requests spread over the data set)."""
    list_url = reverse("request_list")
    searches = [f"{list_url}?q={name}" for name in SURNAMES[:10]]
    request_urls = [reverse("request_detail", args=[pk]) for pk in sample_requests(count)]
    return [
        Page("dashboard", (reverse("dashboard"),)),
        Page("list", (list_url,)),
        Page("list search", tuple(searches)),
        Page("request page", tuple(request_urls)),
    ]


def signed_in_client(username: str = MANAGER_USERNAME) -> Client:
    """A client signed in as staff are: the password's session, then a verified second factor (django-otp)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Bench authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_page(
    client: Client,
    page: Page,
    *,
    repeats: int,
    warmup: int,
    requests: int,
    history: int,
    clock: Callable[[], float] = time.perf_counter,
    cpu_clock: Callable[[], float] = time.process_time,
) -> PageFigure:
    """Fetch the page `warmup` times untimed, then `repeats` times timed, counting each fetch's queries."""
    if not page.urls:
        raise ValueError(f"No URL to fetch for {page.name}.")
    for number in range(warmup):
        _fetch(client, page.urls[number % len(page.urls)])
    samples: list[float] = []
    cpu: list[float] = []
    queries: list[int] = []
    for number in range(repeats):
        url = page.urls[number % len(page.urls)]
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = clock(), cpu_clock()
            _fetch(client, url)
            samples.append((clock() - started) * 1000)
            cpu.append((cpu_clock() - cpu_started) * 1000)
        queries.append(len(captured))
    return PageFigure(
        name=page.name,
        samples_ms=tuple(samples),
        cpu_ms=tuple(cpu),
        queries=tuple(queries),
        requests=requests,
        history=history,
    )


def _fetch(client: Client, url: str) -> None:
    response = client.get(url, secure=True)  # behind the proxy, every request arrives as HTTPS
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}, not 200.")
    response.content  # noqa: B018 - a streaming page is only rendered when read


def pages_benchmark(
    *, repeats: int, warmup: int, pages: Sequence[Page] | None = None
) -> list[PageFigure | ProcessFigure]:
    """Time every page as the bench's Manager; then this process's peak memory (run in a fresh process)."""
    client = signed_in_client()
    requests = RightsRequest.objects.count()
    history = history_rows()
    chosen = pages if pages is not None else pages_to_time(max(repeats, 30))
    found: list[PageFigure | ProcessFigure] = [
        time_page(client, page, repeats=repeats, warmup=warmup, requests=requests, history=history) for page in chosen
    ]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found.append(ProcessFigure(peak_mib=peak, pages_served=len(chosen) * (repeats + warmup)))
    return found
