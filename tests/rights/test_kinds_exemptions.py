"""The rights, how each applies under public task, the exemption catalogue, and the statute's purity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rights import EXEMPTIONS, RIGHTS, Applicability, Exemption, RightInfo, RightKind, exemption

PROJECT_ROOT = Path(__file__).resolve().parents[2]

EXEMPTION_KEYS = [
    "third_party",
    "serious_harm_health",
    "serious_harm_social_work",
    "serious_harm_education",
    "expectations_and_wishes",
    "child_abuse",
    "crime",
    "legal_privilege",
    "confidential_reference",
    "not_personal_data",
    "court_report_health",
    "court_report_social_work",
    "court_report_education",
    "adoption_records",
    "parental_order_records",
    "special_educational_needs",
]


@pytest.mark.parametrize("kind", list(RightKind))
def test_every_right_has_its_info(kind: RightKind) -> None:
    info = RIGHTS[kind]
    assert isinstance(info, RightInfo)
    assert info.kind is kind
    assert info.title
    assert info.article.startswith("UK GDPR Article")
    assert info.public_task_explanation
    assert kind.label == info.title


def test_the_catalogue_has_exactly_the_rights() -> None:
    assert set(RIGHTS) == set(RightKind)
    assert len(RightKind) == 8


def test_portability_does_not_apply_under_public_task() -> None:
    info = RIGHTS[RightKind.PORTABILITY]
    assert info.public_task is Applicability.DOES_NOT_APPLY
    assert "20(3)" in info.public_task_explanation


def test_erasure_is_limited_by_article_17_3_b() -> None:
    info = RIGHTS[RightKind.ERASURE]
    assert info.public_task is Applicability.LIMITED
    assert "17(3)(b)" in info.public_task_explanation


def test_objection_applies_under_article_21_1() -> None:
    info = RIGHTS[RightKind.OBJECTION]
    assert info.public_task is Applicability.APPLIES
    assert "21(1)" in info.public_task_explanation


@pytest.mark.parametrize("kind", [RightKind.ACCESS, RightKind.RECTIFICATION, RightKind.RESTRICTION])
def test_other_rights_apply_in_full(kind: RightKind) -> None:
    assert RIGHTS[kind].public_task is Applicability.APPLIES


@pytest.mark.parametrize("key", EXEMPTION_KEYS)
def test_every_exemption_in_the_issue_exists(key: str) -> None:
    item = exemption(key)
    assert isinstance(item, Exemption)
    assert item is EXEMPTIONS[key]
    assert item.key == key
    assert item.code
    assert item.title
    assert item.source.startswith(("DPA 2018", "UK GDPR"))
    assert item.explanation


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("third_party", "S2 P3 para16"),
        ("child_abuse", "S3 P5 para21"),
        ("crime", "S2 P1 para2"),
        ("legal_privilege", "S2 P4 para19"),
        ("confidential_reference", "S2 P4 para24"),
        ("serious_harm_health", "S3 P2 para5"),
        # DPA 2018 Sch 3 Pt 3: para 7 defines the test, para 9 courts, para 10 expectations, para 11 serious harm.
        ("serious_harm_social_work", "S3 P3 para11"),
        ("serious_harm_education", "S3 P4 para19"),
        ("expectations_and_wishes", "S3 P2 para4"),
        # DPA 2018 Sch 3 paras 3, 9, 18: reports and evidence given to a court (health, social work, education).
        ("court_report_health", "S3 P2 para3"),
        ("court_report_social_work", "S3 P3 para9"),
        ("court_report_education", "S3 P4 para18"),
        # DPA 2018 Sch 4: para 3 adoption records and reports, para 4 special educational needs, para 5 parental orders.
        ("adoption_records", "S4 para3"),
        ("special_educational_needs", "S4 para4"),
        ("parental_order_records", "S4 para5"),
    ],
)
def test_codes_follow_the_digest(key: str, code: str) -> None:
    assert exemption(key).code == code


@pytest.mark.parametrize(
    ("key", "source"),
    [
        ("court_report_health", "DPA 2018 Schedule 3 Part 2 paragraph 3"),
        ("court_report_social_work", "DPA 2018 Schedule 3 Part 3 paragraph 9"),
        ("court_report_education", "DPA 2018 Schedule 3 Part 4 paragraph 18"),
        ("adoption_records", "DPA 2018 Schedule 4 paragraph 3"),
        ("special_educational_needs", "DPA 2018 Schedule 4 paragraph 4"),
        ("parental_order_records", "DPA 2018 Schedule 4 paragraph 5"),
    ],
)
def test_the_new_exemptions_cite_their_paragraph(key: str, source: str) -> None:
    assert exemption(key).source == source
    assert not exemption(key).needs_professional_opinion  # a court's rules or an enactment decide, not an opinion


def test_the_social_work_test_is_prejudice_to_social_work_because_of_serious_harm() -> None:
    # DPA 2018 Sch 3 Pt 3 para 7(2): "would be likely to prejudice carrying out social work, because it would be
    # likely to cause serious harm to the physical or mental health of the data subject or another individual".
    text = exemption("serious_harm_social_work").explanation
    assert "would be likely to prejudice the carrying out of social work" in text
    assert "because it would be likely to cause serious harm" in text
    assert "7(2)" in exemption("serious_harm_social_work").source


def test_automated_decisions_cite_articles_22a_to_22d_not_the_replaced_article_22() -> None:
    # Data (Use and Access) Act 2025 s.80 substituted Articles 22A-22D for Article 22.
    info = RIGHTS[RightKind.AUTOMATED_DECISION_MAKING]
    assert info.article == "UK GDPR Articles 22A to 22D"
    for article in ("22A", "22B", "22C"):
        assert f"Article {article}" in info.public_task_explanation
    assert "meaningful human involvement" in info.public_task_explanation
    assert "Article 22 " not in info.public_task_explanation and "Article 22," not in info.public_task_explanation


def test_codes_are_unique() -> None:
    codes = [item.code for item in EXEMPTIONS.values()]
    assert len(codes) == len(set(codes))


def test_health_serious_harm_needs_a_professional_opinion() -> None:
    # DPA 2018 Sch 3 Pt 2: the appropriate health professional's opinion is needed.
    assert exemption("serious_harm_health").needs_professional_opinion is True
    assert exemption("third_party").needs_professional_opinion is False


def test_an_unknown_exemption_is_a_helpful_key_error() -> None:
    with pytest.raises(KeyError) as caught:
        exemption("nope")
    message = str(caught.value)
    assert "'nope'" in message
    assert "third_party" in message
    assert "not_personal_data" in message


def test_rights_imports_no_django() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rights; assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
