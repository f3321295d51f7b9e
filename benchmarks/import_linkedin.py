"""Importing a LinkedIn export of 30,000 connections, against plain sqlite3 doing the same.

    .venv/bin/python benchmarks/import_linkedin.py [--rows 30000] [--runs 3] [--seed 1]
                                                   [--databases sqlite,postgresql]

On SQLite and on PostgreSQL in turn (side by side at the end; see `side_by_side.py`), it
makes a throw-away data directory and database, writes a Connections.csv
the way LinkedIn does (a "Notes:" preamble, a byte-order mark, CRLF line ends, accents and
emoji, credentials after names, mostly empty e-mails, 2,000 companies), and times:

- the baseline: Python's csv module and sqlite3 reading the same rows into equivalent tables
  (same columns and indexes) with executemany, in one transaction; on PostgreSQL, psycopg's
  COPY into such tables in a schema of their own;
- `coffeechat import`'s work: parse_file + import_contacts into an empty database;
- the same file imported again, when everybody in it is already known.

Each run starts from the freshly migrated, empty database; the medians of the runs are shown,
with the CPU time beside the wall-clock time (on a busy machine the CPU time says more).

Targets: each import under 3 seconds, the first within 10x the baseline, peak memory under
300 MB (the whole process's peak resident size, Django included).
"""

import argparse
import csv
import io
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import side_by_side

TARGET_SECONDS = 3.0
TARGET_RATIO = 10.0
TARGET_MEGABYTES = 300

FIRST = (
    "Ada Grace Tomasz Chloé Inès Daniel Aisha Oliver Nadia Léa José Zoë Søren Ngozi Mei Priya "
    "Mohammed Olga Björn Anaïs Kenji Fatima Lucía Emeka Hannah Raj Sofía Yusuf Ana Chen"
).split()
LAST = (
    "Lovelace Hopper Wróbel Martin Carvalho Achebe Rahman Nasser Müller García Nguyen Okafor "
    "Dubois-Lefèvre Ångström O'Neil Kowalski Smith Johnson Tanaka Rossi Haddad Novák Silva "
    "Fernández Andersson Papadopoulos Cohen Singh Kim Moreau"
).split()
DECORATIONS = ["", "", "", "", "", "", ", PhD", " MBA", ", CFA", " 🚀", " (she/her)", " ✨"]
COMPANY_WORDS = (
    "Analytical Northwind Contoso Fabrikam Tailspin Litware Proseware Wingtip Adatum Fourth "
    "Coffee Lucerne Margie Trey Woodgrove Alpine Blue Yonder Relecloud Humongous Wide World "
    "Graphic Design Institute School Fine Art Southridge Video Consolidated Messenger"
).split()
COMPANY_ENDINGS = ["", " Ltd", " Inc.", " GmbH", ", Inc.", " & Co.", " SA", " Labs", " Group"]
POSITIONS = (
    "Software Engineer|Senior Product Manager|UX Researcher|Data Scientist|Head of People|"
    "Analyst, Credit Risk|Director of Research|Founder & CEO|Student|Consultant|Designer|"
    "Policy Advisor|Marketing Lead|Nurse Practitioner|Teacher|Recruiter|Mathematician"
).split("|")
NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]


def generate_connections(rows: int, seed: int = 1, companies: int = 2000) -> bytes:
    rng = random.Random(seed)
    names = set()
    while len(names) < companies:
        words = " ".join(rng.sample(COMPANY_WORDS, rng.choice((1, 2, 2, 3))))
        names.add(words + rng.choice(COMPANY_ENDINGS))
    company_names = sorted(names)
    out = io.StringIO(newline="")
    out.write(NOTES)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    start = date(2012, 1, 1)
    for i in range(rows):
        first = rng.choice(FIRST)
        last = rng.choice(LAST) + rng.choice(DECORATIONS)
        slug = f"{first}-{last}".lower().replace(" ", "-")
        slug = "".join(c for c in slug if c.isascii() and (c.isalnum() or c == "-")).strip("-")
        email = f"{slug}.{i}@example.org" if rng.random() < 0.05 else ""
        connected = start + timedelta(days=rng.randrange(4700))
        writer.writerow(
            [
                first,
                last,
                f"https://www.linkedin.com/in/{slug}-{i:x}",
                email,
                rng.choice(company_names) if rng.random() < 0.93 else "",
                rng.choice(POSITIONS) if rng.random() < 0.95 else "",
                connected.strftime("%d %b %Y"),
            ]
        )
        if i % 5000 == 4999:
            writer.writerow([""] * len(HEADER))  # spreadsheets leave rows of commas behind
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


BASELINE_SCHEMA = """
CREATE TABLE organization (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER NOT NULL, name VARCHAR(200) NOT NULL,
    website VARCHAR(200) NOT NULL DEFAULT '', industry VARCHAR(200) NOT NULL DEFAULT '',
    research_notes TEXT NOT NULL DEFAULT '', created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL);
CREATE UNIQUE INDEX organization_unique_name ON organization (owner_id, lower(name));
CREATE TABLE contact (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER NOT NULL, name VARCHAR(200) NOT NULL,
    first_name VARCHAR(100) NOT NULL, last_name VARCHAR(100) NOT NULL,
    email VARCHAR(254) NOT NULL, other_emails TEXT NOT NULL, phone VARCHAR(50) NOT NULL,
    linkedin_url VARCHAR(300) NOT NULL, organization_id INTEGER NULL REFERENCES organization (id),
    title VARCHAR(200) NOT NULL, location VARCHAR(200) NOT NULL DEFAULT '',
    time_zone VARCHAR(64) NOT NULL DEFAULT '', source VARCHAR(20) NOT NULL,
    connection_note TEXT NOT NULL DEFAULT '', their_work TEXT NOT NULL DEFAULT '',
    research_notes TEXT NOT NULL DEFAULT '', priority SMALLINT NOT NULL DEFAULT 2,
    referred_by_id INTEGER NULL, may_use_referrer_name BOOL NOT NULL DEFAULT 0,
    cadence_days SMALLINT NULL, do_not_contact BOOL NOT NULL DEFAULT 0,
    connected_on DATE NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
CREATE INDEX contact_owner ON contact (owner_id);
CREATE INDEX contact_email ON contact (email);
CREATE INDEX contact_linkedin_url ON contact (linkedin_url);
CREATE INDEX contact_organization ON contact (organization_id);
CREATE INDEX contact_owner_name ON contact (owner_id, name);
"""


def baseline(data: bytes, path: Path) -> float:
    """The floor: parse with csv, insert with executemany; no checks, no merging."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + BASELINE_SCHEMA)
    started = time.perf_counter()
    text = data.decode("utf-8-sig")
    rows = csv.reader(io.StringIO(text, newline=""))
    for row in rows:
        if row[:2] == HEADER[:2]:
            break
    people = [row for row in rows if any(row)]
    now = "2024-01-01 00:00:00"
    db.execute("BEGIN IMMEDIATE")
    companies = sorted({row[4] for row in people if row[4]})
    db.executemany(
        "INSERT INTO organization (owner_id, name, created_at, updated_at) VALUES (1, ?, ?, ?)",
        [(name, now, now) for name in companies],
    )
    ids = dict(db.execute("SELECT name, id FROM organization WHERE owner_id = 1"))
    db.executemany(
        "INSERT INTO contact (owner_id, name, first_name, last_name, email, other_emails, phone,"
        " linkedin_url, organization_id, title, source, connected_on, created_at, updated_at)"
        " VALUES (1, ?, ?, ?, ?, '[]', '', ?, ?, ?, 'linkedin', ?, ?, ?)",
        [
            (f"{r[0]} {r[1]}", r[0], r[1], r[3], r[2], ids.get(r[4]), r[5], r[6], now, now)
            for r in people
        ],
    )
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


BASELINE_SCHEMA_POSTGRESQL = """
DROP SCHEMA IF EXISTS baseline CASCADE;
CREATE SCHEMA baseline;
CREATE TABLE baseline.organization (
    id BIGSERIAL PRIMARY KEY, owner_id INTEGER NOT NULL, name VARCHAR(200) NOT NULL,
    website VARCHAR(200) NOT NULL DEFAULT '', industry VARCHAR(200) NOT NULL DEFAULT '',
    research_notes TEXT NOT NULL DEFAULT '', created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL);
CREATE UNIQUE INDEX organization_unique_name ON baseline.organization (owner_id, lower(name));
CREATE TABLE baseline.contact (
    id BIGSERIAL PRIMARY KEY, owner_id INTEGER NOT NULL, name VARCHAR(200) NOT NULL,
    first_name VARCHAR(100) NOT NULL, last_name VARCHAR(100) NOT NULL,
    email VARCHAR(254) NOT NULL, other_emails JSONB NOT NULL DEFAULT '[]', phone VARCHAR(50)
    NOT NULL DEFAULT '', linkedin_url VARCHAR(300) NOT NULL,
    organization_id BIGINT NULL REFERENCES baseline.organization (id),
    title VARCHAR(200) NOT NULL, location VARCHAR(200) NOT NULL DEFAULT '',
    time_zone VARCHAR(64) NOT NULL DEFAULT '', source VARCHAR(20) NOT NULL,
    connection_note TEXT NOT NULL DEFAULT '', their_work TEXT NOT NULL DEFAULT '',
    research_notes TEXT NOT NULL DEFAULT '', priority SMALLINT NOT NULL DEFAULT 2,
    referred_by_id BIGINT NULL, may_use_referrer_name BOOL NOT NULL DEFAULT false,
    cadence_days SMALLINT NULL, do_not_contact BOOL NOT NULL DEFAULT false,
    connected_on DATE NULL, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
CREATE INDEX contact_owner ON baseline.contact (owner_id);
CREATE INDEX contact_email ON baseline.contact (email);
CREATE INDEX contact_linkedin_url ON baseline.contact (linkedin_url);
CREATE INDEX contact_organization ON baseline.contact (organization_id);
CREATE INDEX contact_owner_name ON baseline.contact (owner_id, name);
"""


def _people(data: bytes) -> list[list[str]]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    for row in rows:
        if row[:2] == HEADER[:2]:
            break
    return [row for row in rows if any(row)]


def baseline_postgresql(data: bytes) -> float:
    """The floor on PostgreSQL: parse with csv, load with COPY through psycopg, in one
    transaction, into a schema of its own with the same columns and indexes."""
    import psycopg

    with psycopg.connect(os.environ["COFFEECHAT_DATABASE_URL"], autocommit=True) as db:
        db.execute(BASELINE_SCHEMA_POSTGRESQL)
        started = time.perf_counter()
        people = _people(data)
        now = "2024-01-01 00:00:00+00"
        with db.transaction():
            companies = sorted({row[4] for row in people if row[4]})
            with db.cursor().copy(
                "COPY baseline.organization (owner_id, name, created_at, updated_at) FROM STDIN"
            ) as copy:
                for name in companies:
                    copy.write_row((1, name, now, now))
            ids = dict(db.execute("SELECT name, id FROM baseline.organization").fetchall())
            with db.cursor().copy(
                "COPY baseline.contact (owner_id, name, first_name, last_name, email,"
                " linkedin_url, organization_id, title, source, connected_on, created_at,"
                " updated_at) FROM STDIN"
            ) as copy:
                for r in people:
                    copy.write_row(
                        (
                            1,
                            f"{r[0]} {r[1]}",
                            r[0],
                            r[1],
                            r[3],
                            r[2],
                            ids.get(r[4]),
                            r[5],
                            "linkedin",
                            r[6] or None,
                            now,
                            now,
                        )
                    )
        elapsed = time.perf_counter() - started
        db.execute("DROP SCHEMA baseline CASCADE")
    return elapsed


def _setup(home: str) -> None:
    os.environ["COFFEECHAT_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _empty_database(template: Path) -> None:
    """Puts back the freshly migrated database, so every run starts from nothing."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        tables = set(connection.introspection.django_table_names(only_existing=True))
        tables -= {"django_migrations", "django_content_type", "auth_permission"}
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {', '.join(map(connection.ops.quote_name, sorted(tables)))} CASCADE"
            )
            cursor.execute("ANALYZE")
        return
    connection.close()
    database = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, database)


def _timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def run_once(data: bytes, template: Path) -> dict:
    from django.contrib.auth import get_user_model

    from coffeechat.contacts.models import Contact
    from coffeechat.portability.importers import import_contacts, parse_file

    _empty_database(template)
    owner = get_user_model().objects.create_user("bench")

    def import_file():
        incoming = parse_file("linkedin", data, filename="Connections.csv")
        return import_contacts(owner=owner, incoming=incoming)

    parse_wall, _, _ = _timed(lambda: parse_file("linkedin", data, filename="Connections.csv"))
    first_wall, first_cpu, first = _timed(import_file)
    again_wall, again_cpu, again = _timed(import_file)
    assert Contact.objects.filter(owner=owner).count() == first.new == again.skipped
    return {
        "parse": parse_wall,
        "first": first_wall,
        "first_cpu": first_cpu,
        "again": again_wall,
        "again_cpu": again_cpu,
        "first_summary": str(first),
        "again_summary": str(again),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    parser.add_argument("--seed", type=int, default=1)
    side_by_side.add_argument(parser)
    args = parser.parse_args()
    status = side_by_side.run_each(args)
    if status is not None:
        return status

    with tempfile.TemporaryDirectory(prefix="coffeechat-bench-") as home:
        _setup(home)
        from django.conf import settings
        from django.db import connection

        vendor = connection.vendor
        template = Path(home) / "migrated.sqlite3"
        if vendor == "sqlite":
            connection.close()
            shutil.copyfile(settings.DATABASES["default"]["NAME"], template)

        data = generate_connections(args.rows, args.seed)
        print(f"Connections.csv: {args.rows:,} rows, {len(data) / 1e6:.1f} MB; {args.runs} runs")
        floors, runs = [], []
        for number in range(args.runs):
            if vendor == "sqlite":
                floors.append(baseline(data, Path(home) / f"baseline-{number}.sqlite3"))
            else:
                floors.append(baseline_postgresql(data))
            runs.append(run_once(data, template))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux

        def median(key: str) -> float:
            return statistics.median(run[key] for run in runs)

        floor = statistics.median(floors)
        first, again, ratio = median("first"), median("again"), median("first") / floor
        how = "csv + sqlite3 executemany" if vendor == "sqlite" else "csv + psycopg COPY"
        print(f"{'baseline, ' + how + ':':<38}{floor:5.2f} s")
        print(
            f"import into an empty database:        {first:5.2f} s  "
            f"(cpu {median('first_cpu'):.2f} s, parsing {median('parse'):.2f} s)"
        )
        print(f"  {runs[0]['first_summary']}")
        print(
            f"import again, everybody known:        {again:5.2f} s  (cpu {median('again_cpu'):.2f} s)"
        )
        print(f"  {runs[0]['again_summary']}")
        print(f"import / baseline:                    {ratio:5.1f} x")
        print(f"peak memory of the process:           {peak:5.0f} MB")
        side_by_side.record(
            {
                "baseline s": floor,
                "import into an empty database s": first,
                "import again, everybody known s": again,
                "import / baseline": ratio,
                "peak memory MB": peak,
            }
        )
        met = (
            first < TARGET_SECONDS
            and again < TARGET_SECONDS
            and ratio < TARGET_RATIO
            and peak < TARGET_MEGABYTES
        )
        print("targets met" if met else "TARGETS MISSED")
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
