"""What the agenda's one speed trick on Django's internals is worth, measured in one run.

    .venv/bin/python benchmarks/private_apis.py [--runs 30] [--databases sqlite,postgresql]

`lib/prepared.Prepared` builds and compiles each of the agenda's queries once per process and
binds new values to the same SQL, reading Django's compiler and converters to do so; without it
every run builds the querysets and compiles them again. On the 10,000-contact network of
`agenda.py` (after analysis), it times `agenda().as_json()` as built and with every query
compiled on each run; the two take turns run by run, so a change in the machine's load falls on
both alike. It prints the median of each and its ratio to the agenda as built.

(A second trick, making model instances without `Model.__init__`, was measured the same way and
paid less than 5%; `lib/rows.py` now uses Django's public `Model.from_db`.)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager

import agenda as agenda_bench
import side_by_side

VARIANTS = ("as built", "compiled each run")


@contextmanager
def compiled_each_run():
    from coffeechat.lib.prepared import Prepared

    rows = Prepared.rows

    def uncached(self, **values):
        self._compiled.clear()
        return rows(self, **values)

    Prepared.rows = uncached
    try:
        yield
    finally:
        Prepared.rows = rows


def variant(name: str) -> ExitStack:
    stack = ExitStack()
    if name == "compiled each run":
        stack.enter_context(compiled_each_run())
    return stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    side_by_side.add_argument(parser)
    args = parser.parse_args()
    status = side_by_side.run_each(args)
    if status is not None:
        sys.exit(status)
    made = agenda_bench.setup()
    try:
        run(args.runs)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)


def run(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from coffeechat.agenda.rules import agenda
    from coffeechat.lib.owned import owned_models
    from coffeechat.lib.statistics import statistics_refresh

    now = timezone.now()
    owner = get_user_model().objects.create_user(f"private-bench-{uuid.uuid4().hex[:12]}")
    try:
        agenda_bench.generate(owner, now=now, **agenda_bench.LARGE)
        statistics_refresh(owned_models())
        expected = agenda(owner=owner, now=now).as_json()
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for name in VARIANTS:  # a warm-up each, and the same agenda from each
            with variant(name):
                assert agenda(owner=owner, now=now).as_json() == expected, name
        for _ in range(runs):
            for name in VARIANTS:
                with variant(name):
                    start = time.perf_counter()
                    agenda(owner=owner, now=now).as_json()
                    times[name].append(time.perf_counter() - start)
    finally:
        owner.delete()
    base = statistics.median(times["as built"])
    print(f"database: {connection.vendor}; 10,000 contacts; {runs} runs of each, in turn")
    figures: dict[str, float | int] = {}
    for name in VARIANTS:
        median = statistics.median(times[name])
        figures[f"agenda, {name} (ms)"] = round(median * 1000, 1)
        print(f"  {name:<18} {median * 1000:7.1f} ms  {median / base:5.2f}x")
    side_by_side.record(figures)


if __name__ == "__main__":
    main()
