#!/usr/bin/env python3
"""Install the front-end packages pinned in package-lock.json without needing Node.js.

A fresh machine has Python and the package registries but maybe no npm, so this fetches each
locked tarball from the npm registry, checks its integrity hash against the lock, unpacks it
into node_modules/, then builds GOV.UK Frontend's stylesheet for a service that is not on GOV.UK:
GOV.UK Frontend's guidance says such a service must not use the GDS Transport font (nor the crown),
so its @font-face rules are removed and Helvetica/Arial is used instead.
Idempotent: a package already unpacked at the locked version is not fetched again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
BUILD = ROOT / "build" / "frontend"
REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def _tarball_url(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def _verify(data: bytes, integrity: str, name: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        sys.exit(f"frontend: {name} does not match the integrity hash in package-lock.json")


def _unpack(data: bytes, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts[1:]  # every npm tarball has one top folder
            if not parts or ".." in parts or not (member.isfile() or member.isdir()):
                continue
            destination = target.joinpath(*parts)
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                destination.write_bytes(source.read())


def install() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for key, meta in lock["packages"].items():
        if not key.startswith("node_modules/"):
            continue
        name = key.removeprefix("node_modules/")
        target = NODE_MODULES / name
        manifest = target / "package.json"
        if manifest.exists() and json.loads(manifest.read_text()).get("version") == meta["version"]:
            continue
        url = meta.get("resolved") or _tarball_url(name, meta["version"])
        print(f"frontend: fetching {name} {meta['version']}")
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
        _verify(data, meta["integrity"], name)
        _unpack(data, target)


def build() -> None:
    source = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
    css = (source / "govuk-frontend.min.css").read_text()
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", "font-family:helvetica,arial,sans-serif")
    css = css.replace("font-family:GDS Transport", "font-family:helvetica,arial,sans-serif")
    css = css.replace("url(/assets/", "url(assets/")
    if "GDS Transport" in css:
        sys.exit("frontend: the GOV.UK stylesheet still names GDS Transport; update scripts/frontend.py")
    out = BUILD / "govuk"
    out.mkdir(parents=True, exist_ok=True)
    (out / "govuk-frontend.min.css").write_text(css)
    shutil.copy2(source / "govuk-frontend.min.js", out / "govuk-frontend.min.js")
    # No images are copied: the crown, crest and GOV.UK icons are for GOV.UK services alone.
    vendor = BUILD / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    shutil.copy2(NODE_MODULES / "chart.js" / "dist" / "chart.umd.min.js", vendor / "chart.umd.min.js")
    shutil.copy2(NODE_MODULES / "axe-core" / "axe.min.js", vendor / "axe.min.js")


if __name__ == "__main__":
    install()
    build()
    print("frontend: ready")
