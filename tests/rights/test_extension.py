"""UK GDPR Art 12A (and DPA 2018 s.54(3A)): more time only for complexity or the number of requests."""

from __future__ import annotations

import pytest

from rights import ExtensionGround, extension_ground_statement, extension_refusal


@pytest.mark.parametrize(
    ("ground", "reason", "numerous_with", "refused_because"),
    [
        # The finding: "Complex: No" and the Manager extends anyway. Art 12A: only for complexity or number.
        ("", "Lots of work", [], "not recorded as complex"),
        ("busy", "The team is short-staffed", [], "not a ground the law allows"),  # workload is no ground (ICO)
        ("complex", " ", [], "Record why"),  # Art 12A: the notice states the reasons for the delay
        ("numerous", "Three requests in a week", [], "Name the other requests"),
        ("complex", "Records from six agencies, some on paper", [], None),
        ("numerous", "Three requests in a week", ["RR-2026-0001"], None),
        ("numerous", "Many", ["RR-2026-0001", "RR-2026-0002"], None),
    ],
)
def test_an_extension_needs_a_ground_the_law_allows(
    ground: str, reason: str, numerous_with: list[str], refused_because: str | None
) -> None:
    refusal = extension_refusal(ground=ground, reason=reason, numerous_with=numerous_with)
    if refused_because is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_because in refusal
        assert "Article 12A" in refusal


@pytest.mark.parametrize(
    ("ground", "numerous_with", "says"),
    [
        (ExtensionGround.COMPLEX, [], "Your request is complex."),
        (ExtensionGround.NUMEROUS, ["RR-2026-0001"], "our reference RR-2026-0001, as well as this one"),
        (ExtensionGround.NUMEROUS, ["RR-2026-0001", "RR-2026-0002"], "our references RR-2026-0001, RR-2026-0002"),
    ],
)
def test_the_notice_states_the_ground(ground: ExtensionGround, numerous_with: list[str], says: str) -> None:
    assert says in extension_ground_statement(ground=ground, reason="x", numerous_with=numerous_with)
