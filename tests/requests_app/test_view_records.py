"""Every object-level read is recorded: a walk of the URL map finds no GET page of a request without the
decorator, and the pages the penetration test found silent now write a view row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from requests_app.models import RequestView
from tests import factories

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def allowed_methods(view: Callable[..., Any]) -> set[str]:
    """The methods Django's require_* decorators let through (all of them when there is none)."""
    current: Any = view
    while current is not None:
        for cell in getattr(current, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple) and value and set(value) <= HTTP_METHODS:
                return set(value)
        current = getattr(current, "__wrapped__", None)
    return set(HTTP_METHODS)


def is_recorded(view: Callable[..., Any]) -> bool:
    current: Any = view
    while current is not None:
        if getattr(current, "records_view", False):
            return True
        current = getattr(current, "__wrapped__", None)
    return False


def object_pages() -> list[tuple[str, URLPattern]]:
    """GET pages addressed by a request's pk (or a letter's or evidence's): where a request's data is read."""
    found = []
    for route, pattern in patterns(get_resolver()):
        if "<int:pk>" not in route or not route.startswith(("requests/", "disclosure/", "letters/", "evidence/")):
            continue
        if "GET" in allowed_methods(pattern.callback):
            found.append((route, pattern))
    return found


def test_the_walk_finds_the_pages_the_penetration_test_named() -> None:
    routes = {route for route, _ in object_pages()}
    for expected in (
        "disclosure/<int:pk>/documents/<int:document_id>/pages/<int:number>/image.png",
        "disclosure/<int:pk>/packs/",
        "disclosure/<int:pk>/packs/<int:pack_id>/",
        "disclosure/<int:pk>/third-parties/<int:third_party_id>/",
        "disclosure/<int:pk>/documents/<int:document_id>/details/",
    ):
        assert any(route.startswith(expected.split("<int:number>")[0]) for route in routes), expected


def test_every_object_page_records_its_view() -> None:
    silent = [route for route, pattern in object_pages() if not is_recorded(pattern.callback)]
    assert not silent, f"object pages that write no view row: {silent}"


@pytest.mark.django_db
def test_the_pages_found_silent_now_write_a_view_row() -> None:
    manager = factories.manager()
    case = factories.pack_case(manager_user=manager, caseworker_user=factories.caseworker(), approve=False)
    document = case.documents.filter(page_count__gt=0).exclude(original="").first()
    party = case.third_parties.first()
    assert document is not None and party is not None
    client = Client()
    factories.sign_in(client, manager)
    urls = [
        reverse("disclosure:page_image", args=[case.pk, document.pk, 1]),
        reverse("disclosure:page_image", args=[case.pk, document.pk, 1]) + "?boxes=0",
        reverse("disclosure:third_party", args=[case.pk, party.pk]),
        reverse("disclosure:document_edit", args=[case.pk, document.pk]),
        reverse("disclosure:packs", args=[case.pk]),
    ]
    for url in urls:
        before = RequestView.objects.filter(request=case, user=manager).count()
        assert client.get(url).status_code == 200, url
        assert RequestView.objects.filter(request=case, user=manager).count() == before + 1, url
