"""How the agenda scales: queries, time and query plans on a large generated network.

    .venv/bin/python benchmarks/agenda.py [--runs 20] [--plans] [--startup 11]

Generates, in a throw-away data directory (SQLite, unless COFFEECHAT_DATABASE_URL is set),
one network of 100 contacts and one of 10,000 contacts, 2,000 organisations, 5,000
conversations and 50,000 messages, then prints the number of SQL queries `agenda()` makes for
each, the median time of `agenda()` over --runs runs, and with --plans the query plan of every
query (EXPLAIN QUERY PLAN on SQLite). With --startup N it also times the whole command
`coffeechat today --json`, interpreter start included, N times on the demo network.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

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


def generate(
    owner,
    *,
    contacts: int,
    organizations: int,
    conversations: int,
    messages: int,
    now: datetime,
    seed: int = 7,
) -> None:
    """A network in a realistic mix of states, written with bulk_create."""
    from coffeechat.agenda.models import AgendaMark, MarkAction
    from coffeechat.contacts.models import Contact, Organization
    from coffeechat.conversations.models import (
        ChosenQuestion,
        Conversation,
        Reschedule,
        Takeaway,
    )
    from coffeechat.outreach.models import Message

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
    states = rng.choices(list(STATE_MIX), weights=list(STATE_MIX.values()), k=conversations)
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
            row.requested_at = ago(10, 700)
            row.replied_at = row.requested_at + timedelta(days=1)
            row.held_at = row.scheduled_for = row.requested_at + timedelta(days=8)
            row.thanked_at = row.closed_at = row.held_at + timedelta(hours=20)
            row.notes = "- What I heard."
        elif state in ("no_reply", "declined", "cancelled"):
            row.requested_at = ago(15, 700)
            row.closed_at = row.requested_at + timedelta(days=14)
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
            notes.append(message(contact, talk, "nudge", talk.requested_at + timedelta(days=9)))
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
        notes.append(message(talk.contact, None, kind, ago(0, 700), draft=draft))
    Message.objects.bulk_create(notes[:messages], batch_size=2000)

    asked = {contact.pk for contact in talked_to}
    prospects = [p for p in people if p.pk not in asked]
    takeaways, questions, moves = [], [], []
    for talk in talks:
        if talk.held_at:
            for n in range(rng.randint(0, 3)):
                referral = rng.random() < 0.15 and prospects
                takeaways.append(
                    Takeaway(
                        owner=owner,
                        conversation=talk,
                        kind="referral" if referral else rng.choice(("insight", "advice", "gap")),
                        text=f"Takeaway {n}.",
                        referral_contact=rng.choice(prospects) if referral else None,
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


def measure(owner, now: datetime, runs: int) -> tuple[int, float, float, int, list[str]]:
    """(queries, median seconds, median CPU seconds, items, SQL of each query) for one
    owner's agenda; on a shared machine the CPU time moves less with the load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coffeechat.agenda.rules import agenda

    agenda(owner=owner, now=now)
    with CaptureQueriesContext(connection) as captured:
        result = agenda(owner=owner, now=now)
        result.as_json()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        agenda(owner=owner, now=now).as_json()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    sql = [query["sql"] for query in captured.captured_queries]
    return len(sql), statistics.median(times), statistics.median(cpu), len(result.items), sql


def plans(sql: list[str]) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        print("(query plans are printed on SQLite only)")
        return
    scans = 0
    with connection.cursor() as cursor:
        for n, query in enumerate(sql, 1):
            cursor.execute("EXPLAIN QUERY PLAN " + query)
            print(f"\n{n}. {' '.join(query.split())[:150]}…")
            for row in cursor.fetchall():
                print(f"   {row[-1]}")
                scans += row[-1].startswith("SCAN")
    print(f"\n{scans} of the plans' steps read a whole table")


def startup(runs: int) -> None:
    """`coffeechat today --json` on the demo network in a fresh data directory, timed as a
    user would: the whole command, interpreter start included."""
    command = Path(sys.executable).with_name("coffeechat")
    home = tempfile.mkdtemp(prefix="coffeechat-bench-today-")
    env = {**os.environ, "COFFEECHAT_HOME": home}
    env.pop("COFFEECHAT_DATABASE_URL", None)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plans", action="store_true", help="print the query plans too")
    parser.add_argument(
        "--startup", type=int, default=0, metavar="N", help="time `coffeechat today --json` N times"
    )
    args = parser.parse_args()
    made = setup()
    try:
        # A throw-away data directory goes as a whole; elsewhere the users are deleted.
        run(args, delete_users=made is None)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)
    if args.startup:
        startup(args.startup)


def run(args: argparse.Namespace, *, delete_users: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    sizes = {
        "100 contacts": dict(contacts=100, organizations=20, conversations=50, messages=500),
        "10,000 contacts": dict(
            contacts=10_000, organizations=2_000, conversations=5_000, messages=50_000
        ),
    }
    print(f"database: {connection.vendor}, {args.runs} runs each")
    results = {}
    # Deleting a user deletes everything they own.
    owners = []
    try:
        for label, size in sizes.items():
            owner = get_user_model().objects.create_user(f"agenda-bench-{uuid.uuid4().hex[:12]}")
            owners.append(owner)
            start = time.perf_counter()
            generate(owner, now=now, **size)
            made = time.perf_counter() - start
            queries, median, cpu, items, sql = measure(owner, now, args.runs)
            results[label] = sql
            print(
                f"{label:>16}: {queries} queries, median {median * 1000:.1f} ms "
                f"(cpu {cpu * 1000:.1f} ms), {items} items shown "
                f"(network generated in {made:.1f} s)"
            )
        if args.plans:
            plans(results["10,000 contacts"])
    finally:
        for owner in owners if delete_users else ():
            owner.delete()


if __name__ == "__main__":
    main()
