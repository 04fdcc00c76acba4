"""Every page carries a strict Content-Security-Policy and a Permissions-Policy; pages are never cached."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_sends_a_strict_policy_whose_nonce_its_scripts_carry() -> None:
    client = Client()
    factories.sign_in(client, factories.manager())
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert nonce
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert scripts and all(f'nonce="{nonce.group(1)}"' in attrs for attrs in scripts), "every inline script"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "no-store, private"


def test_the_login_page_and_the_admin_carry_the_headers_too() -> None:
    for url in (reverse("login"), reverse("admin:login")):
        response = Client().get(url)
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response, url
        assert "no-store" in response["Cache-Control"], url
