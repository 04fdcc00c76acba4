"""The crawl: every role (and nobody signed in) follows every same-site link from `/`; no page may fail.

On the demo data plus one access request with documents, a third party and a preview pack, each role
starts at `/` and follows every same-site GET link it is shown (`<a href>`), a few pages of each URL
shape (the resolved URL name and the names of its query parameters), so every kind of page is seen
without visiting all of them. A 5xx answer or an exception fails the test, naming the URL and the role.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from pytest_django import Settings

from disclosure.models import Pack, PackStatus
from disclosure.services.packs import pack_request
from tests.factories import celery_eager, pack_case, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

PER_SHAPE = 10  # pages visited of each URL name and set of query parameters
PER_NAME = 20  # pages visited of each URL name, whatever its query
MAX_PAGES = 700  # per role: a runaway guard, never reached on the demo data
# Never followed: signing out ends the crawl's session; files served by WhiteNoise are not pages.
SKIP_PREFIXES = ("/logout/", "/static/")


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site_links(page_url: str, html: str) -> Iterator[str]:
    parser = LinkParser()
    parser.feed(html)
    for href in parser.hrefs:
        url, _ = urldefrag(urljoin("http://testserver" + page_url, href))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == "testserver":
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def shape_of(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    return name, ",".join(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def spread(candidates: list[str], room: int) -> list[str]:
    """Up to `room` of the candidates, spread evenly over the list (so not only the first rows of a table)."""
    if room <= 0:
        return []
    if len(candidates) <= room:
        return candidates
    step = len(candidates) / room
    return [candidates[int(i * step)] for i in range(room)]


def crawl(
    client: Client,
    role: str,
    *,
    start: str = "/",
    per_shape: int = PER_SHAPE,
    per_name: int = PER_NAME,
    max_pages: int = MAX_PAGES,
    skip: tuple[str, ...] = SKIP_PREFIXES,
    within: str = "/",
) -> tuple[list[str], Counter[str]]:
    """Follow links level by level from `/`; return the failures and the pages visited per URL name.

    The links found on one level are grouped by shape, and each shape's share is taken spread over them,
    so a list of sixty requests leads to requests in different states, not to its first rows only.
    """
    failures: list[str] = []
    shape_count: Counter[tuple[str, str]] = Counter()
    name_count: Counter[str] = Counter()
    seen: set[str] = {start}
    level: list[str] = [start]
    while level and sum(name_count.values()) < max_pages:
        found: dict[tuple[str, str], dict[str, None]] = {}
        for url in level:
            try:
                response = client.get(url)
            except Exception as exc:  # the failure the crawl exists to find: report it with the page and role
                failures.append(f"{role} GET {url}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 500:
                failures.append(f"{role} GET {url}: {response.status_code}")
                continue
            if response.status_code in (301, 302, 303, 307, 308):
                targets = [response["Location"]]
            elif "text/html" in response.get("Content-Type", "") and not response.streaming:
                targets = list(same_site_links(url, response.content.decode(errors="replace")))
            else:
                targets = []
            for target in targets:
                target, _ = urldefrag(urljoin("http://testserver" + url, target))
                parts = urlsplit(target)
                if parts.netloc not in ("", "testserver"):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target in seen or target.startswith(skip) or not target.startswith(within):
                    continue
                shape = shape_of(target)
                if shape is not None:
                    found.setdefault(shape, {})[target] = None
        level = []
        for shape, candidates in found.items():
            room = min(per_shape - shape_count[shape], per_name - name_count[shape[0]])
            for target in spread(list(candidates), room):
                seen.add(target)
                shape_count[shape] += 1
                name_count[shape[0]] += 1
                level.append(target)
    return failures, name_count


@pytest.fixture
def site(settings: Settings, django_capture_on_commit_callbacks) -> dict[str, User]:  # type: ignore[no-untyped-def]
    """The demo data, plus an approved access request with documents, a third party and a verified preview."""
    settings.DEBUG = True  # the demo command runs only with DEBUG on
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    settings.DEBUG = False
    users = {
        user.username: user for user in User.objects.filter(username__in=["manager", "caseworker", "reviewer", "admin"])
    }
    today = dt.date(2026, 3, 16)
    request = pack_case(manager_user=users["manager"], caseworker_user=users["caseworker"], today=today)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        preview = pack_request(request=request, by=users["caseworker"], preview=True, today=today)
    preview.refresh_from_db()
    assert preview.status == PackStatus.VERIFIED, preview.failure_reason
    assert Pack.objects.filter(preview=True).exists()
    return users


def test_no_page_fails_for_any_role(site: dict[str, User]) -> None:
    failures: list[str] = []
    visited: dict[str, Counter[str]] = {}
    for role in ("anonymous", "manager", "caseworker", "reviewer"):
        client = Client()
        if role != "anonymous":
            sign_in(client, site[role])
        found, visited[role] = crawl(client, role)
        failures.extend(found)
    assert not failures, "\n".join(failures)
    # The crawl reached the workspace, not only the sign-in page: each role saw many kinds of page.
    for role in ("manager", "caseworker", "reviewer"):
        assert len(visited[role]) >= 10, (role, sorted(visited[role]))
    assert "login" in visited["anonymous"]


def test_no_admin_page_fails(site: dict[str, User]) -> None:
    """The admin, crawled by the demo's admin (a Manager who is staff and superuser): every model's list, record,
    history and (refused) add and delete pages, a few of each, none failing. Signing out and the password change
    (a form that would end the session) are not followed."""
    client = Client()
    sign_in(client, site["admin"])
    failures, visited = crawl(
        client,
        "admin",
        start="/admin/",
        within="/admin/",
        per_shape=2,
        per_name=3,
        max_pages=2000,
        skip=(*SKIP_PREFIXES, "/admin/logout/", "/admin/password_change/"),
    )
    assert not failures, "\n".join(failures)
    # Most of the admin was crawled: list and record pages of many models.
    assert sum(1 for name in visited if name.endswith("_changelist")) >= 20, sorted(visited)
    assert sum(1 for name in visited if name.endswith("_change")) >= 10, sorted(visited)
