"""The people list, search by name and the organisation list at 30,000 people.

    .venv/bin/python benchmarks/people.py [--contacts 30000] [--runs 20] [--other-users N]
                                          [--databases sqlite,postgresql]

On SQLite and on PostgreSQL in turn (side by side at the end; see `side_by_side.py`), it
fills a throw-away database with one user's network (the export benchmark's generator:
organisations, tags, conversations, messages), analyses it as an import does, and times what
each page asks of the database, as the page does it: the first page of 50 and the count.

- the people list, sorted by name;
- search by name: a whole last name that many people share, and a part of one name;
- the organisation list with its people counts.

Each is also served whole as a page (a logged-in GET through Django's test client). The
baseline is the same SQL run straight through the database driver. Target: every median
under 30 ms at 30,000 people. With --other-users N, N other users have as many people each,
as on a server a career centre shares: the figures should not move.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

import side_by_side
from export import _setup, generate

TARGET_SECONDS = 0.030
PAGE = 50


def _median(work: Callable[[], object], runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sql_alone(work: Callable[[], object], runs: int) -> float:
    """The queries `work` makes, run straight through the driver."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        work()
    sql = [query["sql"] for query in captured.captured_queries]
    cursor = connection.connection.cursor()

    def run() -> None:
        for query in sql:
            cursor.execute(query)
            cursor.fetchall()

    try:
        return _median(run, runs)
    finally:
        cursor.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--other-users",
        type=int,
        default=0,
        metavar="N",
        help="first give N other users as many people each, as on a shared server",
    )
    side_by_side.add_argument(parser)
    args = parser.parse_args()
    status = side_by_side.run_each(args)
    if status is not None:
        return status
    home = tempfile.mkdtemp(prefix="coffeechat-bench-")
    try:
        _setup(home)
        return measure(args)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from coffeechat.contacts.selectors import contact_list, organization_list
    from coffeechat.lib.owned import owned_models
    from coffeechat.lib.statistics import statistics_refresh

    others = [
        get_user_model().objects.create_user(f"bench-{os.getpid()}-other-{n}")
        for n in range(args.other_users)
    ]
    owner = get_user_model().objects.create_user(f"bench-{os.getpid()}")
    try:
        began = time.perf_counter()
        for n, other in enumerate(others):
            generate(other, args.contacts, seed=100 + n)
        generate(owner, args.contacts)
        statistics_refresh(owned_models())
        print(
            f"{args.contacts:,} people on {connection.vendor}"
            + (f", and as many for each of {len(others)} other users" if others else "")
            + f", generated and analysed in {time.perf_counter() - began:.1f} s; "
            f"medians of {args.runs} runs"
        )
        client = Client()
        client.force_login(owner)

        def first_page(queryset) -> Callable[[], object]:
            return lambda: (page := Paginator(queryset(), PAGE).get_page(1), list(page))

        workloads = {
            "people list": (first_page(lambda: contact_list(owner=owner)), "/contacts/"),
            "search, a shared last name": (
                first_page(lambda: contact_list(owner=owner, query="hopper")),
                "/contacts/?q=hopper",
            ),
            "search, part of one name": (
                first_page(lambda: contact_list(owner=owner, query="lovelace 1234")),
                "/contacts/?q=lovelace+1234",
            ),
            "organisation list": (
                first_page(lambda: organization_list(owner=owner)),
                "/contacts/organizations/",
            ),
        }
        figures: dict[str, float] = {}
        missed = []
        print(f"{'':<28}{'queries ms':>12}{'SQL alone ms':>14}{'page ms':>10}")
        for label, (work, url) in workloads.items():
            queries = _median(work, args.runs)
            alone = _sql_alone(work, args.runs)

            def page(url: str = url) -> None:
                response = client.get(url, HTTP_HOST="127.0.0.1")
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")

            served = _median(page, args.runs)
            print(f"{label:<28}{queries * 1000:>12.1f}{alone * 1000:>14.1f}{served * 1000:>10.1f}")
            figures[f"{label}: queries ms"] = queries * 1000
            figures[f"{label}: SQL alone ms"] = alone * 1000
            figures[f"{label}: page ms"] = served * 1000
            if queries >= TARGET_SECONDS:
                missed.append(f"{label} under {TARGET_SECONDS * 1000:.0f} ms")
        side_by_side.record(figures)
        for target in missed:
            print(f"missed: {target}")
        return 1 if missed else 0
    finally:
        owner.delete()
        for other in others:
            other.delete()


if __name__ == "__main__":
    sys.exit(main())
