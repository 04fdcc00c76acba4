"""The state machines: the full state x step table per kind, the protected status, and the generated diagrams."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_fsm import can_proceed

from requests_app.models import MACHINES, RightsRequest, Status, machine_for
from requests_app.models.machines import AccessRequest, ErasureRequest
from rights import RightKind

S = Status
PAUSED = "back to where it paused"
STAYS = "stays"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "state-machines.md"

# The table the law and the issue ask for, written out by hand: step -> (from, to).
# A move missing here but present in the code (or the other way round) fails the test.
BEFORE_WORK = [S.RECEIVED, S.AWAITING_IDENTITY]
ACCESS = {
    "request_identity": ([S.RECEIVED], S.AWAITING_IDENTITY),
    "start_work": (BEFORE_WORK, S.IN_PROGRESS),
    "gather_records": ([S.IN_PROGRESS], S.GATHERING_RECORDS),
    "begin_review": ([S.GATHERING_RECORDS], S.IN_REVIEW),
    "submit_for_sign_off": ([S.IN_REVIEW], S.AWAITING_SIGN_OFF),
    "send_back": ([S.AWAITING_SIGN_OFF], S.IN_REVIEW),
    "approve": ([S.AWAITING_SIGN_OFF], S.APPROVED),
    "reopen_review": ([S.APPROVED], S.IN_REVIEW),
    "disclose": ([S.APPROVED], S.DISCLOSED),
    "ask_clarification": ([S.IN_PROGRESS, S.GATHERING_RECORDS], S.AWAITING_CLARIFICATION),
    "clarification_answered": ([S.AWAITING_CLARIFICATION], PAUSED),
    "extend": (
        [S.IN_PROGRESS, S.GATHERING_RECORDS, S.IN_REVIEW, S.AWAITING_SIGN_OFF, S.AWAITING_CLARIFICATION],
        STAYS,
    ),
    "refuse": ([*BEFORE_WORK, S.IN_PROGRESS, S.GATHERING_RECORDS, S.IN_REVIEW, S.AWAITING_SIGN_OFF], S.REFUSED),
    # UK GDPR Art 12(5)(a), 15(3): a fee instead of refusing, or for further copies; the clock waits (Art 12A).
    "ask_fee": ([*BEFORE_WORK, S.IN_PROGRESS, S.GATHERING_RECORDS, S.IN_REVIEW, S.AWAITING_SIGN_OFF], S.AWAITING_FEE),
    "fee_paid": ([S.AWAITING_FEE], PAUSED),
    "waive_fee": ([S.AWAITING_FEE], PAUSED),
    "withdraw": (
        [
            *BEFORE_WORK,
            S.AWAITING_FEE,
            S.AWAITING_CLARIFICATION,
            S.IN_PROGRESS,
            S.GATHERING_RECORDS,
            S.IN_REVIEW,
            S.AWAITING_SIGN_OFF,
            S.APPROVED,
        ],
        S.WITHDRAWN,
    ),
    "close": ([S.DISCLOSED, S.REFUSED], S.CLOSED),
}
ASSESSED = {
    "request_identity": ([S.RECEIVED], S.AWAITING_IDENTITY),
    "start_work": (BEFORE_WORK, S.ASSESSING),
    "ask_clarification": ([S.ASSESSING], S.AWAITING_CLARIFICATION),
    "clarification_answered": ([S.AWAITING_CLARIFICATION], PAUSED),
    "extend": ([S.ASSESSING, S.AWAITING_CLARIFICATION], STAYS),
    "refuse": ([*BEFORE_WORK, S.ASSESSING], S.REFUSED),
    "ask_fee": ([*BEFORE_WORK, S.ASSESSING], S.AWAITING_FEE),
    "fee_paid": ([S.AWAITING_FEE], PAUSED),
    "waive_fee": ([S.AWAITING_FEE], PAUSED),
    "withdraw": ([*BEFORE_WORK, S.ASSESSING, S.AWAITING_CLARIFICATION, S.AWAITING_FEE], S.WITHDRAWN),
}
RECTIFICATION = {
    **ASSESSED,
    "restrict_processing": ([S.ASSESSING], STAYS),
    "rectify": ([S.ASSESSING], S.RECTIFIED),
    "decline": ([S.ASSESSING], S.REFUSED),
    "add_supplementary_statement": ([S.REFUSED], STAYS),
    "notify_recipients": ([S.RECTIFIED], S.RECIPIENTS_NOTIFIED),
    "close": ([S.RECIPIENTS_NOTIFIED, S.REFUSED], S.CLOSED),
}
ERASURE = {
    **ASSESSED,
    "erase": ([S.ASSESSING], S.ERASED),
    "decline": ([S.ASSESSING], S.REFUSED),
    "notify_recipients": ([S.ERASED], S.RECIPIENTS_NOTIFIED),
    "close": ([S.RECIPIENTS_NOTIFIED, S.REFUSED], S.CLOSED),
}
RESTRICTION = {
    **ASSESSED,
    "restrict": ([S.ASSESSING], S.RESTRICTED),
    "decline": ([S.ASSESSING], S.REFUSED),
    "notify_recipients": ([S.RESTRICTED], STAYS),
    "give_lift_notice": ([S.RESTRICTED], STAYS),
    "lift": ([S.RESTRICTED], S.LIFTED),
    "close": ([S.LIFTED, S.REFUSED], S.CLOSED),
}
OBJECTION = {
    **ASSESSED,
    "restrict_processing": ([S.ASSESSING], STAYS),
    "uphold": ([S.ASSESSING], S.UPHELD),
    "reject": ([S.ASSESSING], S.REJECTED),
    "close": ([S.UPHELD, S.REJECTED, S.REFUSED], S.CLOSED),
}
ANSWERED = {
    "request_identity": ([S.RECEIVED], S.AWAITING_IDENTITY),
    "start_work": (BEFORE_WORK, S.IN_PROGRESS),
    "answer": ([S.IN_PROGRESS], S.ANSWERED),
    "refuse": ([*BEFORE_WORK, S.IN_PROGRESS], S.REFUSED),
    "ask_fee": ([*BEFORE_WORK, S.IN_PROGRESS], S.AWAITING_FEE),
    "fee_paid": ([S.AWAITING_FEE], PAUSED),
    "waive_fee": ([S.AWAITING_FEE], PAUSED),
    "withdraw": ([*BEFORE_WORK, S.IN_PROGRESS, S.AWAITING_FEE], S.WITHDRAWN),
    "close": ([S.ANSWERED, S.REFUSED], S.CLOSED),
}
EXPECTED: dict[str, dict[str, tuple[list[Status], str]]] = {
    RightKind.ACCESS: ACCESS,
    RightKind.RECTIFICATION: RECTIFICATION,
    RightKind.ERASURE: ERASURE,
    RightKind.RESTRICTION: RESTRICTION,
    RightKind.OBJECTION: OBJECTION,
    RightKind.PORTABILITY: ANSWERED,
    RightKind.AUTOMATED_DECISION_MAKING: ANSWERED,
    RightKind.INFORM: ANSWERED,
}


def _moves_from(kind: str, status: str) -> dict[str, str]:
    """What the code allows from a status: step name -> where it leads (ignoring conditions and roles)."""
    machine = MACHINES[kind]
    field = machine._meta.get_field("status")
    moves: dict[str, str] = {}
    for name, method in field.transitions[machine].items():  # type: ignore[attr-defined]
        fsm_transition = method._django_fsm.get_transition(status)
        if fsm_transition is None:
            continue
        target = fsm_transition.target
        moves[name] = STAYS if target is None else str(target) if isinstance(target, str) else PAUSED
    return moves


def _expected_from(kind: str, status: str) -> dict[str, str]:
    return {
        name: str(target)
        for name, (sources, target) in EXPECTED[kind].items()
        if status in [str(source) for source in sources]
    }


@pytest.mark.parametrize("status", [s.value for s in Status])
@pytest.mark.parametrize("kind", [k.value for k in RightKind])
def test_state_by_step_table(kind: str, status: str) -> None:
    """Every step from every status, for every kind: the code allows exactly the moves in the table."""
    assert _moves_from(kind, status) == _expected_from(kind, status)


def test_every_kind_has_a_machine_and_each_step_in_the_table_exists() -> None:
    assert set(MACHINES) == {k.value for k in RightKind}
    for kind, steps in EXPECTED.items():
        field = MACHINES[kind]._meta.get_field("status")
        assert set(field.transitions[MACHINES[kind]]) == set(steps), kind  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", [k.value for k in RightKind])
def test_finished_requests_go_nowhere(kind: str) -> None:
    assert _moves_from(kind, Status.CLOSED) == {}
    assert _moves_from(kind, Status.WITHDRAWN) == {}


@pytest.mark.parametrize("kind", [k.value for k in RightKind])
def test_every_open_state_of_a_kind_can_be_left(kind: str) -> None:
    """No dead ends: every status a machine can reach has a way on (or is finished)."""
    reachable = {str(t) for _, t in EXPECTED[kind].values() if t not in (STAYS, PAUSED)} | {S.RECEIVED.value}
    for status in reachable - {S.CLOSED.value, S.WITHDRAWN.value}:
        assert _moves_from(kind, status), f"{kind}: {status} is a dead end"


def test_status_cannot_be_assigned_directly() -> None:
    request = AccessRequest(kind="access")
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        request.status = Status.APPROVED  # type: ignore[assignment]


def test_machine_for_picks_the_kinds_machine_without_a_query() -> None:
    request = RightsRequest(kind="erasure")
    machine = machine_for(request)  # no django_db mark: a query here would raise
    assert type(machine) is ErasureRequest
    assert machine is request


@pytest.mark.parametrize(("paused_from", "can_resume"), [("in_progress", True), ("approved", False), ("", False)])
def test_clarification_resumes_only_to_a_state_it_could_pause_from(paused_from: str, can_resume: bool) -> None:
    request = AccessRequest(kind="access", status=Status.AWAITING_CLARIFICATION, paused_from=paused_from)
    assert can_proceed(request.clarification_answered) is can_resume


def test_steps_are_not_on_the_plain_model() -> None:
    """A request must be taken through its kind's machine; the concrete model has no steps at all."""
    assert RightsRequest._meta.get_field("status").transitions[RightsRequest] == {}  # type: ignore[attr-defined]


# The diagrams are generated from the code and cannot drift from it.


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("machine_diagram", *args, stdout=out)
    return out.getvalue()


def test_committed_diagrams_match_the_code() -> None:
    assert DOCS.read_text(encoding="utf-8") == _command(), (
        "docs/state-machines.md is out of date: run `python manage.py machine_diagram --write docs/state-machines.md`"
    )


def test_check_option_passes_on_the_committed_file_and_fails_on_a_stale_one(tmp_path: Path) -> None:
    assert "matches the code" in _command("--check", str(DOCS))
    stale = tmp_path / "stale.md"
    stale.write_text(DOCS.read_text(encoding="utf-8").replace("approve", "rubber_stamp"), encoding="utf-8")
    with pytest.raises(CommandError, match="does not match"):
        _command("--check", str(stale))
    with pytest.raises(CommandError, match="does not match"):
        _command("--check", str(tmp_path / "missing.md"))


def test_write_option_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "machines.md"
    _command("--write", str(target))
    assert target.read_text(encoding="utf-8") == _command()


def test_one_kinds_diagram_has_every_move_of_the_table() -> None:
    text = _command("--kind", "restriction")
    assert text.startswith("stateDiagram-v2\n")
    assert "    [*] --> received\n" in text
    assert "    restricted --> lifted : lift\n" in text
    assert "    assessing --> restricted : restrict\n" in text
    assert "    closed --> [*]\n" in text
    assert "gather_records" not in text  # an access step
    for name, (sources, target) in RESTRICTION.items():
        if target in (STAYS, PAUSED):
            continue
        for source in sources:
            assert f"    {source} --> {target} : {name}\n" in text


def test_document_has_a_section_and_diagram_per_kind() -> None:
    text = _command()
    assert text.startswith("<!-- Generated by `python manage.py machine_diagram")
    assert text.count("```mermaid\nstateDiagram-v2\n") == len(MACHINES)
    assert "| `extend`: Extend by two months |" in text
    assert "awaiting_clarification --> in_progress : clarification_answered" in text


def test_readme_draws_the_diagrams_generated_from_the_code() -> None:
    """The README's diagrams are the docs file's, which the test above ties to the code."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("sync_readme_diagrams", root / "scripts" / "sync_readme_diagrams.py")
    assert spec is not None and spec.loader is not None
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    readme = (root / "README.md").read_text()
    docs = (root / "docs" / "state-machines.md").read_text()
    assert readme.count("```mermaid") == docs.count("```mermaid") >= 8
    assert sync.synced(readme, docs) == readme
