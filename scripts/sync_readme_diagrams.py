#!/usr/bin/env python3
"""Copy the state-machine diagrams generated from the code (docs/state-machines.md) into the README.

Run `python manage.py machine_diagram --write docs/state-machines.md` first (or `make diagrams`);
tests fail when the README, the docs file and the code disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- state-machines:start -->", "<!-- state-machines:end -->"


def readme_section(docs: str) -> str:
    """Each kind's heading and its Mermaid diagram, in the docs file's order."""
    parts: list[str] = []
    for heading, diagram in re.findall(r"^## (.+?)\n.*?(```mermaid\n.*?```)", docs, flags=re.S | re.M):
        parts.append(f"#### {heading}\n\n{diagram}\n")
    return "\n".join(parts)


def synced(readme: str, docs: str) -> str:
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{readme_section(docs)}{END}{after}"


if __name__ == "__main__":
    readme_path = ROOT / "README.md"
    new = synced(readme_path.read_text(), (ROOT / "docs" / "state-machines.md").read_text())
    if "--check" in sys.argv:
        sys.exit(0 if new == readme_path.read_text() else "README diagrams are out of date: run make diagrams")
    readme_path.write_text(new)
