"""Synthetic case data for the bench: many open requests, their letters, clock and transition events, and
a given number of django-simple-history rows, written in bulk.

This is bench data, written straight into the tables (multi-row INSERTs with ids chosen here), not
through the services: the services would take hours for 100,000 requests, and the point is to time
the pages, not to make the data. It still looks like the real thing where the pages can tell: each
request's status is reachable by its kind's state machine, its transition events follow that path
with one history row per step, and every person, letter and event has its creation history row while
the history budget lasts. Every name is invented; nothing here is anyone's personal data.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.color import no_style
from django.db import connection, models, transaction

from core import roles
from requests_app.models import (
    FINISHED_STATUSES,
    MACHINES,
    ClockEvent,
    ClockEventKind,
    Letter,
    LetterDirection,
    LetterMethod,
    Person,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.search_key import search_key_for

BATCH = 5_000
SEED = 8
MANAGER_USERNAME = "bench-manager"
CASEWORKERS = 15
HEAVY_EVERY = 500  # one request in this many is a long-running case: many letters and a long history
HEAVY_LETTERS = 12
HEAVY_EXTRA_HISTORY = 30

KIND_WEIGHTS = {
    "access": 60,
    "erasure": 12,
    "rectification": 10,
    "objection": 5,
    "restriction": 4,
    "inform": 4,
    "portability": 3,
    "automated_decision_making": 2,
}
STATUS_WEIGHTS = {
    Status.RECEIVED: 10,
    Status.AWAITING_IDENTITY: 8,
    Status.AWAITING_CLARIFICATION: 4,
    Status.IN_PROGRESS: 20,
    Status.GATHERING_RECORDS: 15,
    Status.IN_REVIEW: 10,
    Status.AWAITING_SIGN_OFF: 5,
    Status.APPROVED: 3,
    Status.ASSESSING: 20,
}
OTHER_STATUS_WEIGHT = 4
WAITING = frozenset({Status.AWAITING_IDENTITY.value, Status.AWAITING_CLARIFICATION.value})
EVENT_DAY = {
    "identity_received": 0,
    "clarification_asked": 3,
    "extended": 20,
}  # days after the request arrived  # finished work not yet closed: disclosed, refused, erased, answered ...

FIRST_NAMES = (
    "Oliver", "Amelia", "Jayden", "Isla", "Kai", "Freya", "Harrison", "Maisie", "Riley", "Poppy", "Tyler",
    "Mason", "Evie", "Alfie", "Zara", "Ethan", "Ruby", "Leo", "Aaliyah", "Charlie", "Millie", "Noah", "Ava",
    "Jack", "Sienna", "Callum", "Grace", "Reece", "Imogen", "Chloe", "Daniel", "Shannon", "Liam", "Jade",
    "Aisha", "Connor", "Paige", "Nathan", "Sophie", "Kieran", "Bethany", "Declan", "Niamh", "Tariq", "Yasmin",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Hussain", "Khan", "Lewis", "Harris", "Hughes", "Edwards", "Murphy", "Kelly", "Byrne", "Nowak", "Begum",
    "Okafor", "Mensah", "Campbell", "Stewart", "Ahmed", "Ali", "Shaw", "Lloyd", "Doyle", "Barker", "Moss",
)  # fmt: skip
STREETS = ("Acre Lane", "Mill Street", "Station Road", "Chapel Walk", "Brook Close", "Park View", "Hatter Street")
TOWNS = ("Stockport", "Cheadle", "Marple", "Bramhall", "Hazel Grove", "Reddish", "Romiley")
SUMMARIES = (
    "All records held about my child by the partnership, including the review.",
    "Please correct my son's date of birth in your records.",
    "I want the report about my daughter deleted.",
    "Copies of the minutes of the meetings that discussed my family.",
    "Please stop using my information while my complaint is looked at.",
    "Everything the safeguarding review holds about me from 2019 to 2023.",
)


@dataclass(frozen=True)
class BuildResult:
    requests: int
    people: int
    letters: int
    clock_events: int
    transition_events: int
    history: int
    seconds: float


@dataclass(frozen=True)
class _Step:
    name: str
    source: str
    target: str


def status_paths() -> dict[str, dict[str, tuple[_Step, ...]]]:
    """For each kind and each open status its machine can reach, the shortest path of steps from received."""
    paths: dict[str, dict[str, tuple[_Step, ...]]] = {}
    finished = {s.value for s in FINISHED_STATUSES}
    for kind, machine in MACHINES.items():
        status_field: Any = machine._meta.get_field("status")
        edges: dict[str, list[_Step]] = {}
        for transition in status_field.get_all_transitions(machine):
            source, target = transition.source, transition.target
            if source in Status.values and target in Status.values and target != source:
                edges.setdefault(source, []).append(_Step(transition.name, source, target))
        found: dict[str, tuple[_Step, ...]] = {Status.RECEIVED.value: ()}
        queue = deque([Status.RECEIVED.value])
        while queue:
            status = queue.popleft()
            for step in sorted(edges.get(status, []), key=lambda s: (s.target, s.name)):
                if step.target not in found:
                    found[step.target] = (*found[status], step)
                    queue.append(step.target)
        paths[kind] = {status: path for status, path in found.items() if status not in finished}
    return paths


# Writing rows fast -------------------------------------------------------------------------------------


class _Table:
    """Multi-row INSERTs into one model's table with the columns given; every other column takes its default."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        rest = [f for name, f in fields.items() if name not in columns]
        for missing in rest:
            if not missing.null and not missing.has_default() and not missing.empty_strings_allowed:
                raise ValueError(f"{model.__name__}.{missing.attname} needs a value")
        self.model = model
        self.tail = tuple(_plain(f.get_default()) for f in rest)
        quote = connection.ops.quote_name
        names = [fields[c].column for c in columns] + [f.column for f in rest]
        target = f"{quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)})"
        self.head = f"INSERT INTO {target} VALUES "  # noqa: S608 - the model's own names
        self.copy = f"COPY {target} FROM STDIN"
        self.width = len(names)
        # SQLite allows 32,766 parameters a statement (3.32+); PostgreSQL 65,535.
        self.rows_per_statement = max(1, 30_000 // self.width)
        self.pending: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row + self.tail)

    def flush(self) -> None:
        if connection.vendor == "postgresql":
            self._copy()
            return
        with connection.cursor() as cursor:
            for start in range(0, len(self.pending), self.rows_per_statement):
                part = self.pending[start : start + self.rows_per_statement]
                placeholders = "(" + ", ".join(["%s"] * self.width) + ")"
                sql = self.head + ", ".join([placeholders] * len(part))
                cursor.execute(sql, [value for row in part for value in row])
        self.written += len(self.pending)
        self.pending = []

    def _copy(self) -> None:
        """PostgreSQL: COPY, many times faster than INSERT for this many rows (psycopg 3's copy protocol)."""
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor
            with raw.copy(self.copy) as copy:
                for row in self.pending:
                    copy.write_row(row)
        self.written += len(self.pending)
        self.pending = []


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, str) else value


def _day(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _moment(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _next_id(model: type[models.Model], column: str = "id") -> int:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {table}")  # noqa: S608 - our own names
        row = cursor.fetchone()
    return int(row[0] or 0) + 1 if row else 1


# The people who work the cases --------------------------------------------------------------------------


def bench_team() -> tuple[User, list[User]]:
    """The Manager the pages are timed as, and the caseworkers the requests are assigned to (no usable password)."""
    unusable = make_password(None)
    manager, _ = User.objects.get_or_create(
        username=MANAGER_USERNAME, defaults={"first_name": "Bench", "last_name": "Manager", "password": unusable}
    )
    manager.groups.add(Group.objects.get_or_create(name=roles.MANAGER)[0])
    workers = []
    group = Group.objects.get_or_create(name=roles.CASEWORKER)[0]
    for number in range(1, CASEWORKERS + 1):
        user, _ = User.objects.get_or_create(
            username=f"bench-caseworker-{number:02d}",
            defaults={
                "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
                "last_name": SURNAMES[(number * 7) % len(SURNAMES)],
                "password": unusable,
            },
        )
        user.groups.add(group)
        workers.append(user)
    return manager, workers


# The data set ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """What one request will have, drawn up front so that the history budget can be shared out."""

    kind: str
    status: str
    steps: int
    requester: bool
    letters: int
    events: tuple[str, ...]  # clock events, in order
    heavy: bool

    @property
    def own_history(self) -> int:
        """The request's own history rows: logged, then one per step."""
        return 1 + self.steps

    @property
    def others(self) -> int:
        """Objects with a creation history row of their own: people, letters, events, transition events."""
        return 1 + int(self.requester) + self.letters + len(self.events) + 1 + self.steps


def _plans(requests: int, rng: random.Random, paths: dict[str, dict[str, tuple[_Step, ...]]]) -> list[_Plan]:
    kinds = [k for k in KIND_WEIGHTS if k in paths]
    kind_weights = [KIND_WEIGHTS[k] for k in kinds]
    status_choices = {
        kind: (list(paths[kind]), [STATUS_WEIGHTS.get(Status(s), OTHER_STATUS_WEIGHT) for s in paths[kind]])
        for kind in kinds
    }
    plans = []
    for number in range(requests):
        kind = rng.choices(kinds, kind_weights)[0]
        statuses, weights = status_choices[kind]
        status = rng.choices(statuses, weights)[0]
        heavy = number % HEAVY_EVERY == HEAVY_EVERY - 1
        events: list[str] = []
        if status != Status.AWAITING_IDENTITY and rng.random() < 0.7:
            events.append(ClockEventKind.IDENTITY_RECEIVED.value)
        if status == Status.AWAITING_CLARIFICATION or rng.random() < 0.04:
            events.append(ClockEventKind.CLARIFICATION_ASKED.value)
        if kind == "access" and status not in WAITING and rng.random() < 0.08:
            events.append(ClockEventKind.EXTENDED.value)
        plans.append(
            _Plan(
                kind=kind,
                status=status,
                steps=len(paths[kind][status]),
                requester=rng.random() < 0.4,
                letters=HEAVY_LETTERS if heavy else rng.choice((1, 1, 2, 2, 2, 3)),
                events=tuple(events),
                heavy=heavy,
            )
        )
    return plans


class _Share:
    """Hands out `given` of `total` chances evenly (an error-diffusion count, so exactly `given` in all)."""

    def __init__(self, given: int, total: int) -> None:
        self.ratio = given / total if total else 0.0
        self.owed = 0.0

    def take(self) -> bool:
        self.owed += self.ratio
        if self.owed >= 1.0 - 1e-9:
            self.owed -= 1.0
            return True
        return False


def dataset_build(
    *,
    requests: int,
    history: int,
    today: dt.date,
    seed: int = SEED,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Write `requests` open requests with their people, letters and events, and about `history` history rows."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    rng = random.Random(seed)  # noqa: S311 - invented data, reproducible on purpose
    manager, workers = bench_team()
    staff = [*workers, manager]
    paths = status_paths()
    plans = _plans(requests, rng, paths)

    # The history budget: every request's own path first, then one creation row per other object while it
    # lasts, then further changes to the requests (reassignments), long-running cases first.
    own = sum(plan.own_history + (HEAVY_EXTRA_HISTORY if plan.heavy else 0) for plan in plans)
    others_total = sum(plan.others for plan in plans)
    spare = max(0, history - own)
    share = _Share(min(spare, others_total), others_total)
    extra_total = max(0, spare - others_total)
    extra_each, extra_remainder = divmod(extra_total, max(1, requests))

    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # a scratch database: durability is not the point while it is built
            cursor.execute("PRAGMA synchronous = OFF")

    models_with_history: list[type[models.Model]] = [Person, RightsRequest, Letter, ClockEvent, TransitionEvent]
    ids = {model: _next_id(model) for model in models_with_history}
    history_ids = {model: _next_id(_history_model(model), "history_id") for model in models_with_history}

    people = _Table(Person, PERSON_COLUMNS)
    rights = _Table(RightsRequest, REQUEST_COLUMNS)
    letters = _Table(Letter, LETTER_COLUMNS)
    clocks = _Table(ClockEvent, CLOCK_COLUMNS)
    transitions = _Table(TransitionEvent, TRANSITION_COLUMNS)
    history_tables = {
        Person: _Table(_history_model(Person), [*PERSON_COLUMNS, *HISTORY_COLUMNS]),
        RightsRequest: _Table(_history_model(RightsRequest), [*REQUEST_HISTORY_COLUMNS, *HISTORY_COLUMNS]),
        Letter: _Table(_history_model(Letter), [*LETTER_COLUMNS, *HISTORY_COLUMNS]),
        ClockEvent: _Table(_history_model(ClockEvent), [*CLOCK_HISTORY_COLUMNS, *HISTORY_COLUMNS]),
        TransitionEvent: _Table(_history_model(TransitionEvent), [*TRANSITION_HISTORY_COLUMNS, *HISTORY_COLUMNS]),
    }
    tables = [people, rights, letters, clocks, transitions, *history_tables.values()]

    def hist(model: type[models.Model], row: tuple[Any, ...], at: dt.datetime, reason: str, kind: str, by: int) -> None:
        history_tables[model].add((*row, history_ids[model], _moment(at), reason, kind, by))
        history_ids[model] += 1

    def created(model: type[models.Model], row: tuple[Any, ...], at: dt.datetime, by: int) -> None:
        if share.take():
            hist(model, row, at, "", "+", by)

    for number, plan in enumerate(plans):
        if number and number % 20_000 == 0:
            say(f"  {number} requests written")
        received = today - dt.timedelta(days=rng.randint(0, 75))
        logged_at = dt.datetime.combine(received, dt.time(9, 0), tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randint(0, 480)
        )
        clerk = rng.choice(staff).pk

        # The data subject, and a parent acting for them in two requests in five.
        subject_id = ids[Person]
        ids[Person] += 1
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        subject_row = (
            subject_id,
            f"{first} {surname}",
            f"{first} {rng.choice(SURNAMES)}" if rng.random() < 0.1 else "",
            _day(dt.date(rng.randint(2006, 2022), rng.randint(1, 12), rng.randint(1, 28))),
            f"{rng.randint(1, 200)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
            "",
            "",
            _moment(logged_at),
        )
        people.add(subject_row)
        created(Person, subject_row, logged_at, clerk)
        requester_id = None
        if plan.requester:
            requester_id = ids[Person]
            ids[Person] += 1
            parent = rng.choice(FIRST_NAMES)
            requester_row = (
                requester_id,
                f"{parent} {surname}",
                "",
                None,
                subject_row[4],
                f"{parent.lower()}.{surname.lower()}@example.com",
                f"07700 9{rng.randint(0, 99999):05d}",
                _moment(logged_at),
            )
            people.add(requester_row)
            created(Person, requester_row, logged_at, clerk)

        request_id = ids[RightsRequest]
        ids[RightsRequest] += 1
        extended = ClockEventKind.EXTENDED.value in plan.events
        first_month = received + relativedelta(months=1)
        due = received + relativedelta(months=3 if extended else 1)
        assigned = None if rng.random() < 0.12 else (manager.pk if rng.random() < 0.03 else rng.choice(workers).pk)
        waiting = plan.status in WAITING
        verified = None if plan.status == Status.AWAITING_IDENTITY else logged_at + dt.timedelta(days=rng.randint(0, 5))
        restricted = rng.random() < 0.03
        base: list[Any] = [
            request_id,
            f"RR-{received.year}-{request_id:06d}",
            plan.kind,
            rng.choice(("letter", "letter", "email", "web", "phone")),
            _day(received),
            rng.choice(SUMMARIES),
            subject_id,
            requester_id,
            "parent" if requester_id else "self",
            "parental_responsibility" if requester_id else "",
            assigned,
            Status.RECEIVED.value,
            _day(due),
            _day(first_month),
            None if waiting else _day(received),
            extended,
            _moment(verified) if verified else None,
            restricted,
            "Staff member's own case" if restricted else "",
        ]
        created_at = _moment(logged_at)

        # Along the kind's state machine to the planned status: a transition event and a history row per step.
        moment = logged_at
        hist(RightsRequest, (*base, created_at), moment, "Logged from the incoming letter", "+", clerk)
        log_row = (
            ids[TransitionEvent],
            request_id,
            "log",
            Status.RECEIVED.value,
            Status.RECEIVED.value,
            clerk,
            created_at,
            "",
        )
        transitions.add(log_row)
        created(TransitionEvent, _transition_history(log_row), moment, clerk)
        ids[TransitionEvent] += 1
        for step in paths[plan.kind][plan.status]:
            moment += dt.timedelta(days=rng.randint(0, 3), minutes=rng.randint(5, 300))
            actor = assigned or clerk
            base[STATUS_INDEX] = step.target
            hist(RightsRequest, (*base, created_at), moment, step.name.replace("_", " ").capitalize(), "~", actor)
            row = (ids[TransitionEvent], request_id, step.name, step.source, step.target, actor, _moment(moment), "")
            transitions.add(row)
            created(TransitionEvent, _transition_history(row), moment, actor)
            ids[TransitionEvent] += 1
        # Further changes within the budget (reassignments): the timeline shows each as a field change.
        extra = extra_each + (1 if number < extra_remainder else 0) + (HEAVY_EXTRA_HISTORY if plan.heavy else 0)
        for _ in range(extra):
            moment += dt.timedelta(hours=rng.randint(1, 30))
            base[ASSIGNED_INDEX] = rng.choice(workers).pk
            hist(RightsRequest, (*base, created_at), moment, "Reassigned", "~", manager.pk)
        names = [subject_row[1], subject_row[2], *([requester_row[1]] if requester_id else [])]
        rights.add((*base, plan.steps + extra, created_at, _moment(moment), search_key_for(n for n in names if n)))

        # Letters: the request itself, then acknowledgements and replies; a long case has many.
        first_letter = None
        for index in range(plan.letters):
            incoming = index == 0 or rng.random() < 0.3
            at = logged_at + dt.timedelta(days=index)
            letter: tuple[Any, ...] = (
                ids[Letter],
                request_id,
                LetterDirection.IN.value if incoming else LetterDirection.OUT.value,
                _day(received + dt.timedelta(days=index * rng.randint(1, 4))),
                rng.choice((LetterMethod.POST.value, LetterMethod.EMAIL.value)),
                subject_row[1] if incoming else "The requester",
                "The request" if index == 0 else ("Reply from the requester" if incoming else "Our letter"),
                clerk,
                _moment(at),
            )
            first_letter = first_letter or ids[Letter]
            ids[Letter] += 1
            letters.add(letter)
            created(Letter, letter, at, clerk)

        # Clock events: identity received, a clarification asked, the extension.
        for event in plan.events:
            day = received + dt.timedelta(days=EVENT_DAY[event])
            clock: tuple[Any, ...] = (
                ids[ClockEvent],
                request_id,
                event,
                _day(day),
                "Recorded from the letter",
                first_letter,
                clerk,
                created_at,
            )
            ids[ClockEvent] += 1
            clocks.add(clock)
            created(
                ClockEvent,
                (clock[0], event, clock[3], clock[4], created_at, request_id, first_letter, clerk),
                logged_at,
                clerk,
            )

        if number % BATCH == BATCH - 1:
            _flush(tables)
    _flush(tables)
    _reset_sequences(models_with_history)
    say("  analysing the tables")
    with connection.cursor() as cursor:
        # As a long-lived database would be: statistics gathered, and on PostgreSQL the visibility map set by
        # (auto)vacuum, so that counts can be answered from indexes alone.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return BuildResult(
        requests=rights.written,
        people=people.written,
        letters=letters.written,
        clock_events=clocks.written,
        transition_events=transitions.written,
        history=sum(t.written for t in history_tables.values()),
        seconds=time.perf_counter() - started,
    )


def _history_model(model: type[models.Model]) -> type[models.Model]:
    history: Any = model.history  # type: ignore[attr-defined]
    found: type[models.Model] = history.model
    return found


def _transition_history(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A TransitionEvent row in its history table's column order."""
    event_id, request_id, name, source, target, by, at, reason = row
    return (event_id, name, source, target, at, reason, request_id, by)


PERSON_COLUMNS = ["id", "full_name", "previous_names", "date_of_birth", "address", "email", "phone", "created_at"]
REQUEST_COLUMNS = [
    "id", "reference", "kind", "channel", "received", "summary", "subject_id", "requester_id",
    "representative_role", "authority", "assigned_to_id", "status", "due_date", "first_month_due",
    "clock_started", "extended", "identity_verified_at", "is_restricted", "restricted_reason",
    "version", "created_at", "updated_at", "search_key",
]  # fmt: skip
ASSIGNED_INDEX = REQUEST_COLUMNS.index("assigned_to_id")
STATUS_INDEX = REQUEST_COLUMNS.index("status")
REQUEST_HISTORY_COLUMNS = [*REQUEST_COLUMNS[: REQUEST_COLUMNS.index("version")], "created_at"]
LETTER_COLUMNS = [
    "id",
    "request_id",
    "direction",
    "date",
    "method",
    "addressee",
    "summary",
    "created_by_id",
    "created_at",
]
CLOCK_COLUMNS = ["id", "request_id", "event", "date", "reason", "letter_id", "recorded_by_id", "created_at"]
CLOCK_HISTORY_COLUMNS = ["id", "event", "date", "reason", "created_at", "request_id", "letter_id", "recorded_by_id"]
TRANSITION_COLUMNS = ["id", "request_id", "transition", "from_status", "to_status", "by_id", "at", "reason"]
TRANSITION_HISTORY_COLUMNS = ["id", "transition", "from_status", "to_status", "at", "reason", "request_id", "by_id"]
HISTORY_COLUMNS = ["history_id", "history_date", "history_change_reason", "history_type", "history_user_id"]


def _flush(tables: Iterable[_Table]) -> None:
    with transaction.atomic():
        for table in tables:
            table.flush()


def _reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """Ids were chosen here: tell PostgreSQL's sequences (SQLite needs nothing)."""
    history_models = [m.history.model for m in model_list]  # type: ignore[attr-defined]
    statements = connection.ops.sequence_reset_sql(no_style(), [*model_list, *history_models])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def sample_requests(count: int) -> list[int]:
    """Requests spread over the data set for the request page: mostly ordinary ones, a third long-running."""
    total = RightsRequest.objects.count()
    if total == 0:
        return []
    heavy = [pk for pk in range(HEAVY_EVERY, total + 1, HEAVY_EVERY)][: max(1, count // 3)]
    step = max(1, total // max(1, count - len(heavy)))
    ordinary = list(range(1, total + 1, step))[: count - len(heavy)]
    first = RightsRequest.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    wanted = sorted({first - 1 + pk for pk in heavy + ordinary})
    return list(RightsRequest.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
