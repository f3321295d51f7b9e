"""What the agenda's two speed tricks on Django's internals are worth, measured in one run.

    .venv/bin/python benchmarks/private_apis.py [--runs 30] [--databases sqlite,postgresql]

The agenda reads its snapshot with two helpers that go beneath Django's public API:

- `lib/rows.from_values` makes model instances from plain rows without running
  `Model.__init__`; the public way is `Model.from_db` (documented under "customizing model
  loading"), setting the related objects read along through their descriptors. The snapshot
  itself no longer makes model instances (its rows are typed dataclasses, `agenda/rows.py`):
  only the follow-ups the agenda reads (`outreach/followup.py`) still use `from_values`, so
  that is all "public from_db" replaces;
- `lib/prepared.Prepared` builds and compiles each query once per process and binds new values
  to the same SQL; without it every run builds the querysets and compiles them again.

On the 10,000-contact network of `agenda.py` (after analysis), it times `agenda().as_json()`
as built, with the public `from_db` in place of `from_values`, with every query compiled on each
run, and with both; the variants take turns run by run, so a change in the machine's load
falls on all of them alike. It prints the median of each and its ratio to the agenda as built.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from typing import Any

import agenda as agenda_bench
import side_by_side

VARIANTS = ("as built", "public from_db", "compiled each run", "both public")


def from_db(model: Any, values: dict[str, Any], *, db: str, related: Any = None) -> Any:
    """What `lib.rows.from_values` does, through the public API."""
    # from_db takes the values in the order of the model's fields.
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    attnames = set(names)
    instance = model.from_db(db, names, [values[name] for name in names])
    for name, value in values.items():
        if name not in attnames:
            setattr(instance, name, value)
    for name, obj in (related or {}).items():
        setattr(instance, name, obj)
    return instance


@contextmanager
def public_rows():
    from coffeechat.outreach import followup

    saved = followup.from_values
    followup.from_values = from_db
    try:
        yield
    finally:
        followup.from_values = saved


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
    if name in ("public from_db", "both public"):
        stack.enter_context(public_rows())
    if name in ("compiled each run", "both public"):
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
    print("  (public from_db: the follow-ups' rows only; the snapshot's are dataclasses)")
    figures: dict[str, float | int] = {}
    for name in VARIANTS:
        median = statistics.median(times[name])
        figures[f"agenda, {name} (ms)"] = round(median * 1000, 1)
        print(f"  {name:<18} {median * 1000:7.1f} ms  {median / base:5.2f}x")
    side_by_side.record(figures)


if __name__ == "__main__":
    main()
