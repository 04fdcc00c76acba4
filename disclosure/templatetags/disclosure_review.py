"""Template filters for the review pages: exemption codes and titles from the statute's catalogue."""

from __future__ import annotations

from django import template

from rights import EXEMPTIONS

register = template.Library()


@register.filter
def exemption_code(key: str) -> str:
    item = EXEMPTIONS.get(key)
    return item.code if item else key


@register.filter
def exemption_title(key: str) -> str:
    item = EXEMPTIONS.get(key)
    return item.title if item else key
