"""`make run`'s embedded broker: kombu's filesystem transport, folders made on start, results beside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'results': settings.CELERY_RESULT_BACKEND, "
    "'options': getattr(settings, 'CELERY_BROKER_TRANSPORT_OPTIONS', None)}))"
)


def _settings_with(env: dict[str, str]) -> dict[str, object]:
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    run_env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env})
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", PRINT],
        capture_output=True,
        text=True,
        check=True,
        env=run_env,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_filesystem_broker_gets_its_folders_and_a_file_result_backend(tmp_path: Path) -> None:
    folder = tmp_path / "broker"
    found = _settings_with({"CELERY_BROKER_URL": "filesystem://", "CELERY_FILESYSTEM_DIR": str(folder)})
    assert found["eager"] is False  # tasks go to the worker, not run inside the web request
    assert found["results"] == f"file://{folder / 'results'}"
    assert found["options"] == {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }
    assert all((folder / part).is_dir() for part in ("queue", "processed", "results"))


def test_without_a_broker_tasks_stay_eager_for_the_tests(tmp_path: Path) -> None:
    found = _settings_with({"CELERY_FILESYSTEM_DIR": str(tmp_path / "unused")})
    assert found["eager"] is True and found["results"] is None and found["options"] is None
    assert not (tmp_path / "unused").exists()
