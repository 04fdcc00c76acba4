"""Settings fail safe without secrets, pass Django's deployment checks, and the site answers."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads, so a subprocess starts from none of them."""
    source = (PROJECT_ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"} <= names  # the pattern still finds them
    return names | {"DJANGO_SETTINGS_MODULE"}


def test_every_setting_from_the_environment_is_documented() -> None:
    """The README's configuration table and .env.example name every variable the settings read."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    names = _settings_variables() - {"DJANGO_SETTINGS_MODULE"}
    assert not {name for name in names if f"`{name}`" not in readme}, "missing from the README's table"
    assert not {name for name in names if not re.search(rf"^{name}=", example, re.M)}, "missing from .env.example"


def clean_env(**overrides: str) -> dict[str, str]:
    """os.environ without any settings variable (the test settings set some), plus `overrides`."""
    dropped = _settings_variables()
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed command with this interpreter
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # generous: a loaded CI machine can take a long while to start Django
        check=False,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({}, id="DEBUG and SECRET_KEY unset"),
        pytest.param({"DEBUG": "0"}, id="DEBUG=0, SECRET_KEY unset"),
        pytest.param({"DEBUG": "0", "SECRET_KEY": ""}, id="DEBUG=0, SECRET_KEY empty"),
    ],
)
def test_production_settings_refuse_to_start_without_a_secret_key(overrides: dict[str, str]) -> None:
    dotenv = PROJECT_ROOT / ".env"
    local = (
        set(re.findall(r"^\s*(?:export\s+)?([A-Z_]+)\s*=", dotenv.read_text(encoding="utf-8"), re.M))
        if dotenv.exists()
        else set()
    )
    if (local & {"SECRET_KEY", "DEBUG"}) - set(overrides):
        pytest.skip("a local .env sets SECRET_KEY or DEBUG, which the environment cannot unset")
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings", **overrides)
    result = run_python(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_manage_py_says_so_in_one_line_without_a_secret_key() -> None:
    if (PROJECT_ROOT / ".env").exists():
        pytest.skip("a local .env may set SECRET_KEY or DEBUG, which the environment cannot unset")
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0")
    result = run_python(["manage.py", "check"], env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Rights Desk cannot start: SECRET_KEY is not set. Set the SECRET_KEY environment variable "
        "(a long random string), or set DEBUG=1 for local development only."
    ]


def test_debug_settings_start_without_a_secret_key() -> None:
    """The contrast to the test above: only DEBUG may fall back to a local key."""
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
    result = run_python(["-c", "import django; django.setup()"], env)
    assert result.returncode == 0, result.stderr


def test_deploy_checks_pass_with_production_variables() -> None:
    secret_key = secrets.token_urlsafe(45)
    assert len(secret_key) == 60
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="rights.example.org",
    )
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/")
    login = reverse("login")
    assert login == "/login/"
    assertRedirects(response, f"{login}?next=/", fetch_redirect_response=False)


@pytest.mark.django_db
def test_sign_in_page_renders(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_time_zone_is_london_and_aware() -> None:
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True


def test_celery_runs_eagerly_without_a_broker() -> None:
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("CELERY_BROKER_URL is set (the suite's run with a real broker), so Celery is not eager")
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CELERY_BROKER_URL == ""


def test_celery_is_not_eager_with_a_broker() -> None:
    if not os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("CELERY_BROKER_URL is not set (the suite's run without a broker)")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
