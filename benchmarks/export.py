"""Exporting 30,000 contacts: how long the JSON, CSV and vCard exports take.

    .venv/bin/python benchmarks/export.py [--contacts 30000] [--runs 3]
                                          [--databases sqlite,postgresql]

On SQLite and on PostgreSQL in turn (side by side at the end; see `side_by_side.py`), it
makes a throw-away data directory and database and a throw-away user, deleted at the end,
fills it in bulk with contacts, organisations, tags, conversations and messages, and times
each export written to a file. The target is under 2 seconds for each.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import side_by_side

TARGET_SECONDS = 2.0
FIRST = ["Ada", "Grace", "Tomasz", "Chloé", "Ines", "Daniel", "Aisha", "Oliver", "Nadia", "Léa"]
LAST = ["Lovelace", "Hopper", "Wróbel", "Martin", "Carvalho", "Achebe", "Rahman", "Nasser"]
WORDS = "research design service climate data team product talk paper project city map".split()


def _setup(home: str) -> None:
    os.environ["COFFEECHAT_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(owner, count: int, seed: int = 1) -> None:
    """`count` contacts with a realistic spread of details, written in bulk."""
    from coffeechat.contacts.models import Contact, Organization, Source, Tag
    from coffeechat.conversations.models import Conversation, State
    from coffeechat.outreach.models import Message, MessageKind, MessageStatus

    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    orgs = Organization.objects.bulk_create(
        Organization(owner=owner, name=f"Organisation {i}", industry=rng.choice(WORDS))
        for i in range(max(1, count // 10))
    )
    tags = Tag.objects.bulk_create(Tag(owner=owner, name=f"tag-{i}") for i in range(20))
    contacts: list = []  # saved, with their ids
    batch: list = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        batch.append(
            Contact(
                owner=owner,
                name=f"{first} {last} {i}",
                first_name=first,
                last_name=f"{last} {i}",
                email=f"person{i}@example.org",
                other_emails=[f"p{i}@home.example"] if i % 3 == 0 else [],
                phone=f"+44 20 7946 {i % 10000:04d}" if i % 2 else "",
                linkedin_url=f"https://www.linkedin.com/in/person-{i}",
                organization=rng.choice(orgs),
                title=_sentence(rng, 3),
                location="London, UK",
                time_zone="Europe/London",
                source=rng.choice(Source.values),
                connection_note=_sentence(rng, 12),
                their_work=_sentence(rng, 20),
                research_notes=_sentence(rng, 40) + "\n" + _sentence(rng, 20),
                referred_by=rng.choice(contacts) if contacts and i % 10 == 0 else None,
                connected_on=(start + timedelta(days=i % 700)).date(),
            )
        )
        if len(batch) == 5000 or i == count - 1:
            contacts += Contact.objects.bulk_create(batch)
            batch = []
    through = Contact.tags.through
    through.objects.bulk_create(
        through(contact_id=c.pk, tag_id=t.pk)
        for c in contacts
        for t in rng.sample(tags, rng.randint(0, 3))
    )
    conversations = Conversation.objects.bulk_create(
        Conversation(
            owner=owner,
            contact=c,
            state=State.HELD,
            requested_at=start,
            held_at=start + timedelta(days=9),
            notes=_sentence(rng, 60),
        )
        for c in contacts[: count // 6]
    )
    Message.objects.bulk_create(
        Message(
            owner=owner,
            contact=conversation.contact,
            conversation=conversation,
            kind=kind,
            status=MessageStatus.SENT,
            subject="Fifteen minutes of your time?",
            body=_sentence(rng, 80),
            sent_at=start,
        )
        for conversation in conversations
        for kind in (MessageKind.REQUEST, MessageKind.THANK_YOU)
    )


def _time(export, owner, path: Path, runs: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU seconds of `runs` exports to `path`, and the file's size."""
    walls, cpus = [], []
    for _ in range(runs):
        with open(path, "wb") as out:
            wall, cpu = time.perf_counter(), time.process_time()
            export(owner=owner, stream=out)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3, help="report the median of this many")
    side_by_side.add_argument(parser)
    args = parser.parse_args()
    status = side_by_side.run_each(args)
    if status is not None:
        return status
    home = tempfile.mkdtemp(prefix="coffeechat-bench-")
    figures: dict[str, float] = {}
    try:
        _setup(home)
        from django.contrib.auth import get_user_model
        from django.db import connection

        from coffeechat.contacts.models import Contact
        from coffeechat.conversations.models import Conversation
        from coffeechat.outreach.models import Message
        from coffeechat.portability.exporters import export_csv, export_json, export_vcard

        owner = get_user_model().objects.create_user(f"bench-{os.getpid()}")
        try:
            began = time.perf_counter()
            generate(owner, args.contacts)
            print(
                f"Generated {Contact.objects.filter(owner=owner).count():,} contacts, "
                f"{Conversation.objects.filter(owner=owner).count():,} conversations and "
                f"{Message.objects.filter(owner=owner).count():,} messages "
                f"on {connection.vendor} in {time.perf_counter() - began:.1f} s."
            )
            print(f"{'export':<8}{'wall s':>8}{'CPU s':>8}{'size':>10}  (median of {args.runs})")
            slow = False
            for name, export, suffix in [
                ("json", export_json, "json"),
                ("csv", export_csv, "csv"),
                ("vcard", export_vcard, "vcf"),
            ]:
                path = Path(home) / f"export.{suffix}"
                wall, cpu, size = _time(export, owner, path, args.runs)
                slow |= wall >= TARGET_SECONDS
                figures[f"export {name} s"] = wall
                print(f"{name:<8}{wall:>8.2f}{cpu:>8.2f}{size / 1e6:>7.1f} MB")
            side_by_side.record(figures)
        finally:
            owner.delete()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
