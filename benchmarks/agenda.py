"""How the agenda scales: queries, time and query plans on large generated networks.

    .venv/bin/python benchmarks/agenda.py [--runs 20] [--rules] [--no-busy] [--plans]
                                          [--startup 11] [--other-users N]
                                          [--databases sqlite,postgresql]

Runs on SQLite and on PostgreSQL in turn and sets their figures side by side (see
`side_by_side.py`; `--databases sqlite` for one). On each it generates one user's network and
times their agenda on it twice: just after generation, which ends as every bulk write of the
app ends (`statistics_refresh`: an import, a restore and the demo analyse what they wrote),
and after analysing again. With --without-statistics the first timing comes before that
refresh, when PostgreSQL knows nothing of the new rows. Each network has a long history and a
present:

- the history is closed conversations spread over the last two years: thanked, no reply,
  declined, cancelled. A referral from a conversation more than 60 days old was followed up
  (its person has been asked since); only recent referrals name people not asked yet;
- the present is the pipeline one person carries, whatever the size of the history: about
  30 requests waiting (a few of them answered, with no time set yet), 8 bookings in the next
  two weeks, 3 conversations held in the last few days, one no-show and 20 people planned. A
  network with fewer than 150 conversations gets a present smaller in proportion.

Three networks: "100 contacts" (50 conversations, 500 messages); "10,000 contacts" (2,000
organisations, 5,000 conversations, 50,000 messages); and "10,000 contacts, busy", the same
size with every state in proportion, as if the present grew with the history: some 2,000
items due, a stress case beyond anyone's week (--no-busy leaves it out).

For each it prints the number of SQL queries `agenda()` makes, the median time of
`agenda().as_json()` over --runs runs and the number of items shown; the baseline: the same
SQL run straight through the database driver, and how many times that the agenda takes (a
ratio that moves less than either time on a shared machine) and its slowest query (the median
of that query alone); then the Today page as
a server serves it (a logged-in GET of "/" through Django's test client): its queries and
median time. --rules adds the number of items of each rule. --plans prints the query plan of
every query on the 10,000-contact network (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL). With --startup N
it also times the whole command `coffeechat today --json`, interpreter start included, N
times on the demo network.

With --other-users N, N other users are given a 10,000-contact network each first, as on a
server a career centre shares: each query should read the measured user's rows only, and take
as long as it does alone.

It ends with a line for each target missed, and exits with status 1 if any was: no more
queries at 10,000 contacts than at 100, medians under 50 ms for the agenda and the
page at 10,000 contacts, no query over 5 ms there, and under a second for the command.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import side_by_side

Mix = Literal["realistic", "busy"]

# The busy mix: every state in proportion to the network, the present included.
STATE_MIX = {
    "thanked": 36,
    "no_reply": 14,
    "declined": 10,
    "requested": 13,
    "replied": 3,
    "scheduled": 6,
    "held": 3,
    "cancelled": 3,
    "no_show": 1,
    "planned": 11,
}

# The realistic mix: the present is one person's pipeline, whatever the network's size
# ("replied": a request answered yes, with no time set yet)...
PRESENT = {"requested": 24, "replied": 6, "scheduled": 8, "held": 3, "no_show": 1, "planned": 20}
# ...scaled down in proportion in a network with fewer conversations than this...
PRESENT_FULL_AT = 150
# ...and every other conversation is history, closed, in these proportions ("missed": a
# booking they did not come to, closed as cancelled rather than booked again).
HISTORY_MIX = {"thanked": 55, "no_reply": 20, "declined": 15, "cancelled": 7, "missed": 3}
HISTORY_DAYS = 700
# A referral older than this has been followed up: its person has been asked since.
REFERRAL_FOLLOWED_UP_AFTER = timedelta(days=60)

# The targets, for the 10,000-contact network and the command.
TIME_TARGET = 0.050
QUERY_TARGET = 0.005
STARTUP_TARGET = 1.0

SMALL = dict(contacts=100, organizations=20, conversations=50, messages=500)
LARGE = dict(contacts=10_000, organizations=2_000, conversations=5_000, messages=50_000)


def setup() -> str | None:
    """Django on a throw-away data directory; returns it, to be removed at the end."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    made = None
    if not os.environ.get("COFFEECHAT_HOME"):
        made = os.environ["COFFEECHAT_HOME"] = tempfile.mkdtemp(prefix="coffeechat-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return made


def present_and_history(mix: Mix, conversations: int, rng: random.Random) -> list[str]:
    """What each conversation is, in random order: a state, or "replied" (a request answered
    yes) or "missed" (a no-show, closed)."""
    if mix == "busy":
        return rng.choices(list(STATE_MIX), weights=list(STATE_MIX.values()), k=conversations)
    scale = min(1.0, conversations / PRESENT_FULL_AT)
    states = [state for state, count in PRESENT.items() for _ in range(round(count * scale))]
    states += rng.choices(
        list(HISTORY_MIX), weights=list(HISTORY_MIX.values()), k=conversations - len(states)
    )
    rng.shuffle(states)
    return states


def generate(
    owner,
    *,
    contacts: int,
    organizations: int,
    conversations: int,
    messages: int,
    now: datetime,
    mix: Mix = "realistic",
    seed: int = 7,
    refresh: bool = True,
) -> None:
    """A network written with bulk_create: a long history and one person's present, or with
    mix="busy" every state in proportion. It ends as the app's bulk writes end, with
    `statistics_refresh`; with refresh=False it leaves the database without statistics."""
    from django.db.models import OuterRef, Subquery

    from coffeechat.agenda.models import AgendaMark, MarkAction
    from coffeechat.contacts.models import Contact, Organization
    from coffeechat.conversations.models import (
        ChosenQuestion,
        Conversation,
        Reschedule,
        Takeaway,
    )
    from coffeechat.outreach.models import Message

    if mix not in ("realistic", "busy"):
        raise ValueError(f"unknown mix {mix!r}")
    rng = random.Random(seed)

    def ago(low: float, high: float) -> datetime:
        return now - timedelta(days=rng.uniform(low, high))

    orgs = Organization.objects.bulk_create(
        Organization(
            owner=owner,
            name=f"Organisation {n:05d}",
            research_notes="What they do." if n % 3 == 0 else "",
        )
        for n in range(organizations)
    )
    people = Contact.objects.bulk_create(
        (
            Contact(
                owner=owner,
                name=f"Person {n:05d}",
                first_name="Person",
                last_name=f"{n:05d}",
                organization=rng.choice(orgs) if rng.random() < 0.85 else None,
                priority=rng.choice((1, 2, 2, 3)),
                do_not_contact=rng.random() < 0.01,
                cadence_days=rng.choice((None,) * 8 + (30, 60)),
                research_notes="Notes." if rng.random() < 0.3 else "",
            )
            for n in range(contacts)
        ),
        batch_size=1000,
    )
    talked_to = rng.sample(people, conversations)
    states = present_and_history(mix, conversations, rng)
    rows = []
    for contact, state in zip(talked_to, states, strict=True):
        row = Conversation(owner=owner, contact=contact, state=state)
        if state == "replied":
            row.state = "requested"
            row.requested_at = ago(2, 20)
            row.replied_at = row.requested_at + timedelta(days=rng.uniform(0.2, 1.5))
        elif state == "requested":
            row.requested_at = ago(0, 25)
        elif state in ("scheduled", "held", "no_show"):
            row.requested_at = ago(10, 40)
            row.replied_at = row.requested_at + timedelta(days=1)
            row.scheduled_for = (
                now + timedelta(days=rng.uniform(-2, 14)) if state == "scheduled" else ago(0, 5)
            )
            row.held_at = row.scheduled_for if state == "held" else None
            row.notes = "- What I heard." if state == "held" and rng.random() < 0.5 else ""
        elif state == "thanked":
            row.requested_at = ago(10, HISTORY_DAYS)
            row.replied_at = row.requested_at + timedelta(days=1)
            row.held_at = row.scheduled_for = row.requested_at + timedelta(days=8)
            row.thanked_at = row.closed_at = row.held_at + timedelta(hours=20)
            row.notes = "- What I heard."
        elif state in ("no_reply", "declined", "cancelled"):
            row.requested_at = ago(15, HISTORY_DAYS)
            row.closed_at = row.requested_at + timedelta(days=14)
        elif state == "missed":
            row.state = "cancelled"
            row.requested_at = ago(15, HISTORY_DAYS)
            row.replied_at = row.requested_at + timedelta(days=1)
            row.scheduled_for = row.requested_at + timedelta(days=8)
            row.closed_at = row.scheduled_for + timedelta(days=3)
        rows.append(row)
    talks = Conversation.objects.bulk_create(rows, batch_size=1000)

    def message(contact, conversation, kind, at, *, incoming=False, outcome="", draft=False):
        return Message(
            owner=owner,
            contact=contact,
            conversation=conversation,
            kind=kind,
            direction="in" if incoming else "out",
            status="draft" if draft else "received" if incoming else "sent",
            reply_outcome=outcome,
            body="Hello.",
            sent_at=None if incoming or draft else at,
            received_at=at if incoming else None,
        )

    notes = []
    for talk in talks:
        contact, state = talk.contact, talk.state
        if talk.requested_at:
            notes.append(message(contact, talk, "request", talk.requested_at))
        if state == "no_reply" or (state == "requested" and rng.random() < 0.3):
            # A nudge goes to a request still unanswered, and none is sent in the future.
            nudged = talk.requested_at + timedelta(days=9)
            if not talk.replied_at and nudged <= now:
                notes.append(message(contact, talk, "nudge", nudged))
        if talk.replied_at:
            outcome = "declined" if state == "declined" else "accepted"
            notes.append(
                message(contact, talk, "reply", talk.replied_at, incoming=True, outcome=outcome)
            )
            if talk.scheduled_for and rng.random() < 0.8:
                confirmed = talk.replied_at + timedelta(hours=2)
                notes.append(message(contact, talk, "confirmation", confirmed))
        if talk.thanked_at:
            notes.append(message(contact, talk, "thank_you", talk.thanked_at))
    thanked = [t for t in talks if t.thanked_at]
    while len(notes) < messages:
        talk = rng.choice(thanked)
        kind = rng.choice(("keep_in_touch", "keep_in_touch", "other"))
        draft = rng.random() < 0.05
        notes.append(message(talk.contact, None, kind, ago(0, HISTORY_DAYS), draft=draft))
    Message.objects.bulk_create(notes[:messages], batch_size=2000)

    asked = {contact.pk for contact in talked_to}
    prospects = [p for p in people if p.pk not in asked]
    requests = sorted((t for t in talks if t.requested_at), key=lambda t: t.requested_at)
    requested_at = [t.requested_at for t in requests]

    def referred(talk: Conversation) -> Contact | None:
        """Who a referral from this conversation names. In the realistic mix an old referral
        was followed up: it names someone asked after the conversation, or at least asked."""
        if mix == "realistic" and talk.held_at < now - REFERRAL_FOLLOWED_UP_AFTER:
            after = bisect.bisect_right(requested_at, talk.held_at)
            if after == len(requests):
                after = 0
            return requests[rng.randrange(after, len(requests))].contact if requests else None
        return rng.choice(prospects) if prospects else None

    takeaways, questions, moves = [], [], []
    for talk in talks:
        if talk.held_at:
            for n in range(rng.randint(0, 3)):
                referral = referred(talk) if rng.random() < 0.15 else None
                takeaways.append(
                    Takeaway(
                        owner=owner,
                        conversation=talk,
                        kind="referral" if referral else rng.choice(("insight", "advice", "gap")),
                        text=f"Takeaway {n}.",
                        referral_contact=referral,
                        may_use_name=rng.random() < 0.5,
                    )
                )
        if talk.state == "scheduled":
            questions += [
                ChosenQuestion(
                    owner=owner, conversation=talk, category="advice", text="Why?", position=n
                )
                for n in range(rng.randint(0, 4))
            ]
            if rng.random() < 0.1:
                moves.append(
                    Reschedule(
                        owner=owner,
                        conversation=talk,
                        previous_start=talk.scheduled_for - timedelta(days=1),
                        new_start=talk.scheduled_for,
                    )
                )
    Takeaway.objects.bulk_create(takeaways, batch_size=1000)
    # Saving stamps the takeaways with the time of the run: date them to their conversation.
    held_at = Conversation.objects.filter(pk=OuterRef("conversation_id")).values("held_at")
    Takeaway.objects.filter(owner=owner).update(created_at=Subquery(held_at))
    ChosenQuestion.objects.bulk_create(questions, batch_size=1000)
    Reschedule.objects.bulk_create(moves, batch_size=1000)
    AgendaMark.objects.bulk_create(
        AgendaMark(
            owner=owner,
            item_key=f"thank_you:conversation:{talk.pk}",
            action=MarkAction.SNOOZE,
            until=now + timedelta(days=1),
        )
        for talk in talks[: max(1, conversations // 100)]
    )
    if refresh:
        # As every bulk write of the app ends (an import, a restore, the demo).
        from coffeechat.lib.owned import owned_models
        from coffeechat.lib.statistics import statistics_refresh

        statistics_refresh(owned_models())


@dataclass(frozen=True)
class Figures:
    """One owner's agenda: its queries (and their SQL), median wall and CPU seconds, and the
    rule of each item shown; the median seconds the same SQL takes run directly on the
    database connection (the baseline); then the Today page, without the SQL."""

    queries: int
    median: float
    cpu: float
    rules: Counter[str]
    sql: list[str]
    database: float
    slowest: tuple[float, str]
    page_queries: int
    page_median: float
    page_cpu: float

    @property
    def items(self) -> int:
        return self.rules.total()


def measure(owner, now: datetime, runs: int) -> Figures:
    """The agenda of one owner, timed; on a shared machine the CPU time moves less with the
    load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coffeechat.agenda.rules import agenda

    agenda(owner=owner, now=now)
    statements: list[tuple[str, Any]] = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(keep):
        result = agenda(owner=owner, now=now)
        result.as_json()
    # Read now: a request (the page's, below) empties the log the capture reads from.
    sql = [query["sql"] for query in captured.captured_queries]
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        agenda(owner=owner, now=now).as_json()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    page_queries, page_median, page_cpu = measure_page(owner, runs)
    each = each_query(statements, runs)
    return Figures(
        queries=len(sql),
        median=statistics.median(times),
        cpu=statistics.median(cpu),
        rules=Counter(item.rule for item in result.items),
        sql=sql,
        database=database_only(statements, runs),
        slowest=max(zip(each, sql, strict=True)),
        page_queries=page_queries,
        page_median=page_median,
        page_cpu=page_cpu,
    )


def _driver_statements(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """`statements` as the database driver takes them: on SQLite with its own placeholders
    (Django's cursor rewrites each query on every run); on PostgreSQL as they are."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return statements
    return [
        (re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%"), params) for sql, params in statements
    ]


def _driver_cursor() -> Any:
    """A cursor of the database driver that reads rows as `Prepared` queries read them: on
    PostgreSQL with the driver's own parser of timestamps rather than Django's, written in
    Python, which the app does not use for them."""
    from django.db import connection

    from coffeechat.lib.prepared import driver_timestamps

    cursor = connection.connection.cursor()
    if connection.vendor == "postgresql":
        driver_timestamps(cursor, connection)
    return cursor


def database_only(statements: list[tuple[str, Any]], runs: int) -> float:
    """Median seconds to run `statements` (SQL and values, as the agenda sent them: on
    PostgreSQL each is prepared on the server from its second run, as the app's are) and
    fetch every row straight through the database driver: what the agenda would cost were
    turning rows into items free. On PostgreSQL they are all sent in one pipeline, each
    on a cursor of its own, then read, and planned once for any values: the app sends most
    of them so, and the values captured need no answer to wait for. A machine's speed moves
    both; their ratio moves less."""
    from django.db import connection

    from coffeechat.lib.prepared import together

    statements = _driver_statements(statements)
    cursors = [_driver_cursor() for _ in statements]
    times = []
    try:
        # On PostgreSQL one pipeline for every run, planned as the app plans: each run's
        # statements are sent, then the first read sends them to the server at once.
        with together():
            for _ in range(runs):
                start = time.perf_counter()
                if connection.vendor == "postgresql":
                    for cursor, (sql, params) in zip(cursors, statements, strict=True):
                        cursor.execute(sql, params)
                    for cursor in cursors:
                        cursor.fetchall()
                else:
                    for cursor, (sql, params) in zip(cursors, statements, strict=True):
                        cursor.execute(sql, params)
                        cursor.fetchall()
                times.append(time.perf_counter() - start)
    finally:
        for cursor in cursors:
            cursor.close()
    return statistics.median(times)


def each_query(statements: list[tuple[str, Any]], runs: int) -> list[float]:
    """The median seconds of each of `statements` alone, run as `database_only` runs them."""
    from coffeechat.lib.prepared import together

    medians = []
    cursor = _driver_cursor()
    try:
        with together():  # planned as the app plans; each read waits for its statement
            for sql, params in _driver_statements(statements):
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    cursor.execute(sql, params)
                    cursor.fetchall()
                    times.append(time.perf_counter() - start)
                medians.append(statistics.median(times))
    finally:
        cursor.close()
    return medians


def measure_page(owner, runs: int) -> tuple[int, float, float]:
    """(queries, median seconds, median CPU seconds) of the Today page as a server serves it
    to the logged-in owner: middleware, session, view and template, without the network."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(owner)

    def get() -> None:
        response = client.get("/", HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise RuntimeError(f"the Today page answered {response.status_code}")

    get()
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = len(captured.captured_queries)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        get()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return queries, statistics.median(times), statistics.median(cpu)


def plans(sql: list[str]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planning and execution time of each query, and whether its plan was compiled to
        # machine code (a "JIT:" section): compiling takes milliseconds, longer than most of
        # these queries run.
        planning = execution = 0.0
        compiled = 0
        with connection.cursor() as cursor:
            for n, query in enumerate(sql, 1):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SETTINGS, TIMING OFF) " + query)
                print(f"\n{n}. {' '.join(query.split())[:150]}…")
                for (row,) in cursor.fetchall():
                    print(f"   {row}")
                    if row.startswith("Planning Time:"):
                        planning += float(row.split()[2])
                    elif row.startswith("Execution Time:"):
                        execution += float(row.split()[2])
                    compiled += row.strip() == "JIT:"
        print(
            f"\nplanning {planning:.1f} ms, execution {execution:.1f} ms in all; "
            f"{compiled} of the {len(sql)} plans compiled to machine code (JIT)"
        )
        return
    scans = 0
    with connection.cursor() as cursor:
        for n, query in enumerate(sql, 1):
            cursor.execute("EXPLAIN QUERY PLAN " + query)
            print(f"\n{n}. {' '.join(query.split())[:150]}…")
            for row in cursor.fetchall():
                print(f"   {row[-1]}")
                # A list of ids given to a query (json_each) is read whole, as it should be.
                scans += row[-1].startswith("SCAN") and "json_each" not in row[-1]
    print(f"\n{scans} of the plans' steps read a whole table")


def startup(runs: int) -> float:
    """`coffeechat today --json` on the demo network in a fresh data directory, timed as a
    user would: the whole command, interpreter start included."""
    command = Path(sys.executable).with_name("coffeechat")
    home = tempfile.mkdtemp(prefix="coffeechat-bench-today-")
    env = {**os.environ, "COFFEECHAT_HOME": home}
    env.pop("COFFEECHAT_DATABASE_URL", None)
    # Python keeps compiled modules in __pycache__ (pip compiles an installed package's);
    # a development shell may turn that off, which would time compiling coffeechat too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        subprocess.run([command, "demo"], env=env, check=True, capture_output=True)
        subprocess.run([command, "today", "--json"], env=env, check=True, capture_output=True)
        times, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([command, "today", "--json"], env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"coffeechat today --json ({runs} runs on the demo network): "
        f"best {min(times):.2f} s, median {statistics.median(times):.2f} s "
        f"(cpu best {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s)"
    )
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rules", action="store_true", help="print the items of each rule")
    parser.add_argument(
        "--no-busy", action="store_true", help="leave out the busy 10,000-contact network"
    )
    parser.add_argument(
        "--plans", action="store_true", help="print the query plans (10,000 contacts) too"
    )
    parser.add_argument(
        "--startup", type=int, default=0, metavar="N", help="time `coffeechat today --json` N times"
    )
    parser.add_argument(
        "--without-statistics",
        action="store_true",
        help="time each network first as written, before the statistics refresh bulk writes end with",
    )
    parser.add_argument(
        "--other-users",
        type=int,
        default=0,
        metavar="N",
        help="first give N other users a 10,000-contact network each, as on a shared server",
    )
    side_by_side.add_argument(parser)
    args = parser.parse_args()
    status = side_by_side.run_each(args)
    if status is not None:
        sys.exit(status)
    made = setup()
    try:
        # A throw-away data directory goes as a whole; elsewhere the users are deleted.
        missed = run(args, delete_users=made is None)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)
    if args.startup and startup(args.startup) >= STARTUP_TARGET:
        missed.append(f"`coffeechat today --json` median under {STARTUP_TARGET:.0f} s")
    for target in missed:
        print(f"missed: {target}")
    sys.exit(1 if missed else 0)


def run(args: argparse.Namespace, *, delete_users: bool) -> list[str]:
    """Measures each network; returns the targets missed."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    networks: dict[str, tuple[dict[str, int], Mix]] = {
        "100 contacts": (SMALL, "realistic"),
        "10,000 contacts": (LARGE, "realistic"),
    }
    if not args.no_busy:
        networks["10,000 contacts, busy"] = (LARGE, "busy")
    from coffeechat.lib.owned import owned_models
    from coffeechat.lib.statistics import statistics_refresh

    width = max(map(len, networks))
    print(f"database: {connection.vendor}, {args.runs} runs each")
    figures: dict[str, float | int] = {}
    results: dict[str, Figures] = {}
    # Deleting a user deletes everything they own.
    owners = []
    try:
        if args.other_users:
            start = time.perf_counter()
            for n in range(args.other_users):
                other = get_user_model().objects.create_user(f"agenda-bench-other-{n}")
                owners.append(other)
                generate(other, now=now, seed=100 + n, refresh=False, **LARGE)
            statistics_refresh(owned_models())
            made = time.perf_counter() - start
            print(f"other users: {args.other_users} networks of 10,000 contacts in {made:.1f} s")
        for label, (size, mix) in networks.items():
            owner = get_user_model().objects.create_user(f"agenda-bench-{uuid.uuid4().hex[:12]}")
            owners.append(owner)
            start = time.perf_counter()
            generate(owner, now=now, mix=mix, refresh=not args.without_statistics, **size)
            made = time.perf_counter() - start
            print(f"{label:>{width}}: network generated in {made:.1f} s")
            moments = ["just generated", "after analysis"]
            if args.without_statistics:
                moments[0] = "without statistics"
            for moment in moments:
                if moment == "after analysis":
                    statistics_refresh(owned_models())
                found = results[label] = measure(owner, now, args.runs)
                report(label, moment, found, width, figures)
            if args.rules:
                rules = ", ".join(f"{rule} {n}" for rule, n in found.rules.most_common())
                print(f"{'':>{width}}  rules: {rules or 'none'}")
        if args.plans:
            plans(results["10,000 contacts"].sql)
    finally:
        for owner in owners if delete_users else ():
            owner.delete()
    side_by_side.record(figures)
    return missed_targets(results["100 contacts"], results["10,000 contacts"])


def report(
    label: str, moment: str, found: Figures, width: int, figures: dict[str, float | int]
) -> None:
    """Prints one network's figures and keeps them for the side-by-side table."""
    print(
        f"{'':>{width}}  {moment}: {found.queries} queries, median {found.median * 1000:.1f} ms "
        f"(cpu {found.cpu * 1000:.1f} ms), {found.items} items shown"
    )
    print(
        f"{'':>{width}}    the same SQL alone: median {found.database * 1000:.1f} ms; "
        f"agenda() takes {found.median / found.database:.1f}× that"
    )
    seconds, query = found.slowest
    print(
        f"{'':>{width}}    slowest query: median {seconds * 1000:.2f} ms, "
        f"{' '.join(query.split())[:90]}…"
    )
    print(
        f"{'':>{width}}    Today page: {found.page_queries} queries, "
        f"median {found.page_median * 1000:.1f} ms (cpu {found.page_cpu * 1000:.1f} ms)"
    )
    figures[f"{label}, {moment}: agenda() queries"] = found.queries
    figures[f"{label}, {moment}: agenda() median ms"] = found.median * 1000
    figures[f"{label}, {moment}: its SQL alone, median ms"] = found.database * 1000
    figures[f"{label}, {moment}: Today page median ms"] = found.page_median * 1000
    figures[f"{label}, {moment}: slowest query, median ms"] = found.slowest[0] * 1000


def missed_targets(small: Figures, large: Figures) -> list[str]:
    """The contract: no more queries for 10,000 contacts than for 100, and medians under
    TIME_TARGET for the agenda and the page. The busy network is a stress case, not a target."""
    missed = []
    if large.queries > small.queries or large.page_queries > small.page_queries:
        missed.append("no more queries at 10,000 contacts than at 100")
    if large.median >= TIME_TARGET:
        missed.append(f"agenda() median under {TIME_TARGET * 1000:.0f} ms at 10,000 contacts")
    if large.page_median >= TIME_TARGET:
        missed.append(f"Today page median under {TIME_TARGET * 1000:.0f} ms at 10,000 contacts")
    if large.slowest[0] >= QUERY_TARGET:
        missed.append(f"every query under {QUERY_TARGET * 1000:.0f} ms at 10,000 contacts")
    return missed


if __name__ == "__main__":
    main()
