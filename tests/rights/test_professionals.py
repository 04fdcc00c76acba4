"""Professionals acting in their role (DPA 2018 Sch 2 Pt 3 para 17): withholding their identity needs a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights.exemptions import PROFESSIONAL_IN_ROLE_SOURCE, professional_redaction_refusal


@pytest.mark.parametrize(
    ("reason", "redacted", "refused", "words"),
    [
        # Para 17: disclosure "is reasonable", so a bare para 16 redaction has nothing to stand on.
        ("", "Pat Lee", True, "record why it is withheld"),
        ("   \n ", "Pat Lee", True, "record why it is withheld"),
        # The reason is printed in the schedule the requester reads: it must not give away what is redacted.
        ("Pat Lee's safety: threats made (S3 P3 para11)", "Pat Lee", True, "without the name"),
        ("The duty social worker received threats; serious harm opinion of 3 March", "Pat Lee", False, ""),
        ("Not about them in their role: a neighbour who is also a nurse", "Pat Lee", False, ""),
    ],
)
def test_a_professional_in_role_is_redacted_only_with_a_printable_reason(
    reason: str, redacted: str, refused: bool, words: str
) -> None:
    problem = professional_redaction_refusal(name="Pat Lee", reason=reason, redacted_text=redacted)
    assert (problem is not None) is refused
    if refused:
        assert problem is not None and words in problem


def test_the_refusal_cites_paragraph_17() -> None:
    problem = professional_redaction_refusal(name="Pat Lee", reason="")
    assert problem is not None and PROFESSIONAL_IN_ROLE_SOURCE in problem
    assert PROFESSIONAL_IN_ROLE_SOURCE == "DPA 2018 Schedule 2 Part 3 paragraph 17"


@given(reason=st.text(alphabet=st.sampled_from(" \t\n"), max_size=10))
def test_blank_reasons_never_pass(reason: str) -> None:
    assert professional_redaction_refusal(name="Pat Lee", reason=reason) is not None


@given(reason=st.text(alphabet=st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=40))
def test_a_reason_that_does_not_repeat_the_name_passes(reason: str) -> None:
    if "zq" in reason:  # the name below, folded
        return
    assert professional_redaction_refusal(name="Zq", reason=reason, redacted_text="Zq") is None
