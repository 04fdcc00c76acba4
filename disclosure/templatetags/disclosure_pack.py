"""The disclosure pack panel for a request's pages: the latest pack and preview, with their progress.

Use: ``{% load disclosure_pack %}{% pack_panel rr %}`` (one query, whatever the number of packs).
"""

from __future__ import annotations

from typing import Any

from django import template

from disclosure.pack.selectors import latest_packs
from requests_app.models import RightsRequest

register = template.Library()


@register.inclusion_tag("disclosure/pack/_panel.html")
def pack_panel(rr: RightsRequest) -> dict[str, Any]:
    pack, preview = latest_packs(rr)
    return {"rr": rr, "latest_pack": pack, "latest_preview": preview}
