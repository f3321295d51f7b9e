"""Runs a benchmark on SQLite and on PostgreSQL from one command, and sets both side by side.

Each benchmark script calls `on_each_database(args, figures_of)` first: the parent process
runs the script again once per database (SQLite in a throw-away data directory; PostgreSQL in
a throw-away database made for the run and dropped after it), each child prints its own report
and writes its figures to a file, and the parent prints one table with a column per database
and the ratio between them. Figures are compared within one run, since a shared machine's
speed moves from one minute to the next.

    --databases sqlite,postgresql    the default; PostgreSQL is skipped, saying why, when no
                                     server answers at $COFFEECHAT_BENCH_POSTGRES_URL
                                     (default postgresql://postgres@127.0.0.1:5432/postgres,
                                     a database used only to create and drop the run's own)

Where the run may not create databases, $COFFEECHAT_BENCH_POSTGRES_DATABASE names one set
aside for benchmarks instead: everything in its public schema is dropped before the run and
after it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlsplit, urlunsplit

DATABASES = ("sqlite", "postgresql")
ADMIN_URL = os.environ.get(
    "COFFEECHAT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# A database given over to benchmarks, emptied before and after each run.
GIVEN_URL = os.environ.get("COFFEECHAT_BENCH_POSTGRES_DATABASE", "")
# Set in a child: the file its figures go to.
FIGURES_FILE = "COFFEECHAT_BENCH_FIGURES"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="comma-separated: sqlite, postgresql (default: both, side by side)",
    )


def is_child() -> bool:
    return FIGURES_FILE in os.environ


def record(figures: dict[str, float | int]) -> None:
    """In a child, hands its figures (label → number) to the parent."""
    path = os.environ.get(FIGURES_FILE)
    if path:
        Path(path).write_text(json.dumps(figures))


def run_each(args: argparse.Namespace) -> int | None:
    """In the parent: runs this script once per database and prints the figures side by side;
    returns the exit status (the worst of the children's). In a child: None, carry on."""
    if is_child():
        return None
    wanted = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(DATABASES))
    if unknown:
        sys.exit(f"--databases: unknown {', '.join(unknown)} (choose from {', '.join(DATABASES)})")
    results: dict[str, dict[str, float]] = {}
    status = 0
    with TemporaryDirectory(prefix="coffeechat-bench-figures-") as folder:
        for name in wanted:
            print(f"\n=== {name} ===", flush=True)
            figures = Path(folder) / f"{name}.json"
            env = {**os.environ, FIGURES_FILE: str(figures)}
            env.pop("COFFEECHAT_DATABASE_URL", None)
            env.pop("COFFEECHAT_HOME", None)
            with _database(name) as (url, reason):
                if reason:
                    print(f"skipped: {reason}")
                    continue
                if url:
                    env["COFFEECHAT_DATABASE_URL"] = url
                done = subprocess.run([sys.executable, *sys.argv], env=env)
            status = max(status, done.returncode)
            if figures.exists():
                results[name] = json.loads(figures.read_text())
    side_by_side(results)
    return status


class _database:
    """(url, reason-it-cannot-run): a throw-away PostgreSQL database for the run, dropped
    afterwards; SQLite needs none (the script makes its own data directory)."""

    def __init__(self, name: str):
        self.name, self.made = name, None

    def __enter__(self) -> tuple[str | None, str | None]:
        if self.name == "sqlite":
            return None, None
        if GIVEN_URL:
            try:
                _empty(GIVEN_URL)
            except Exception as error:  # any failure to reach the server is a reason to skip
                return None, f"no PostgreSQL at {_hide_password(GIVEN_URL)} ({error})".strip()
            self.made = GIVEN_URL
            return GIVEN_URL, None
        try:
            import psycopg

            with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
                database = f"coffeechat_bench_{uuid.uuid4().hex[:12]}"
                admin.execute(f'CREATE DATABASE "{database}"')
        except Exception as error:  # any failure to reach the server is a reason to skip
            return None, f"no PostgreSQL at {_hide_password(ADMIN_URL)} ({error})".strip()
        self.made = database
        parts = urlsplit(ADMIN_URL)
        return urlunsplit(parts._replace(path=f"/{database}")), None

    def __exit__(self, *exc: object) -> None:
        if self.made == GIVEN_URL:
            _empty(GIVEN_URL)
        elif self.made:
            import psycopg

            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.made}" WITH (FORCE)')


def _empty(url: str) -> None:
    """Drops everything in the public schema of the database at `url`."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as database:
        database.execute("DROP SCHEMA IF EXISTS public CASCADE")
        database.execute("CREATE SCHEMA public")


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def side_by_side(results: dict[str, dict[str, float]]) -> None:
    if not results:
        return
    names = list(results)
    labels = list(dict.fromkeys(label for figures in results.values() for label in figures))
    width = max(map(len, labels))
    print("\n=== side by side ===")
    header = f"{'':<{width}}" + "".join(f"{name:>14}" for name in names)
    if len(names) == 2:
        header += f"{names[1] + ' / ' + names[0]:>26}"
    print(header)
    for label in labels:
        values = [results[name].get(label) for name in names]
        line = f"{label:<{width}}" + "".join(f"{_format(value):>14}" for value in values)
        if len(names) == 2 and all(isinstance(v, float) and v for v in values):
            line += f"{values[1] / values[0]:>25.2f}×"
        print(line)


def _format(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"
