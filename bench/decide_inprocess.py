"""Micro-benchmark: in-process decisions per second, FY2024 kokuho_healthup_municipal, full pipeline.

Usage: ``python bench/decide_inprocess.py [--n 20000] [--n-store 2000] [--dir DIR]``

Two runs over the same rotating set of realistic fact sets (insured_count across every band and both
sides of each edge, 0-5 categories, model designations within and over the 15% cap, with and without
an eligible cost):

1. in-process: ``Decider.validate_facts`` + ``Decider.decide`` (facts schema, derived values, engine,
   tiers and amounts, reasons), timed per decision; the time inside ``DecisionEngine.evaluate`` is timed
   separately to show the engine's share;
2. with the store: ``DecisionService.decide`` (request envelope too) appending every decision to an
   SQLite log that commits with ``synchronous=FULL``, i.e. one fsync per decision. fsync cost is the
   disk's, so the file system of the store directory is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # runnable from a checkout without the editable install too

from service.core.decide import Decider  # noqa: E402
from service.decisions import DecisionService  # noqa: E402
from service.engine import DecisionEngine  # noqa: E402
from service.kernel.config import Paths  # noqa: E402
from service.rulebook.registry import Rulebook  # noqa: E402
from service.store import open_store  # noqa: E402

PROGRAM, FISCAL_YEAR = "kokuho_healthup_municipal", 2024
WARM_UP = 500

INSURED_COUNTS = [3_200, 9_999, 10_000, 27_500, 49_999, 50_000, 86_000, 99_999, 100_000, 153_000, 200_000, 412_000]
CATEGORY_SETS = [["1"], ["2", "3"], ["1", "3", "4"], ["1", "2", "3", "4", "5"], ["5"], ["3", "4"], ["2"], []]
#: (designated_model, prefecture_municipality_count, prefecture_designated_count, third_party_evaluation)
DESIGNATIONS = [(False, None, None, False), (True, 35, 5, True), (True, 35, 6, True), (True, 54, 8, False),
                (False, None, None, True)]
COSTS = [None, 2_500_000, 12_345_678, 60_000_000]


def fact_sets() -> list[dict[str, Any]]:
    """Return 120 distinct applications; the strides are coprime so every axis varies independently."""
    out = []
    for i in range(120):
        designated, municipalities, designations, third_party = DESIGNATIONS[i % len(DESIGNATIONS)]
        facts: dict[str, Any] = {
            "insured_count": INSURED_COUNTS[i % len(INSURED_COUNTS)],
            "has_data_health_plan": i % 11 != 0,  # about one in eleven has no plan: not eligible
            "categories": CATEGORY_SETS[i % len(CATEGORY_SETS)],
            "third_party_evaluation": third_party,
            "designated_model": designated,
        }
        if municipalities is not None:
            facts.update(prefecture_municipality_count=municipalities, prefecture_designated_count=designations)
        if (cost := COSTS[i % len(COSTS)]) is not None:
            facts["eligible_cost_yen"] = cost
        out.append(facts)
    return out


class Stopwatch:
    """Durations in nanoseconds, with the figures the report prints."""

    def __init__(self) -> None:
        self.ns: list[int] = []

    @contextmanager
    def timing(self) -> Iterator[None]:
        start = time.perf_counter_ns()
        try:
            yield
        finally:
            self.ns.append(time.perf_counter_ns() - start)

    def wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing():
                return func(*args, **kwargs)

        return timed

    def percentile_us(self, q: float) -> float:
        ordered = sorted(self.ns)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000

    def total_s(self) -> float:
        return sum(self.ns) / 1e9


def time_engine(engine: DecisionEngine) -> Stopwatch:
    """Time every ``evaluate`` of ``engine`` (an instance attribute shadows the method)."""
    watch = Stopwatch()
    engine.evaluate = watch.wrap(engine.evaluate)  # type: ignore[method-assign]
    return watch


def run_inprocess(rulebook: Rulebook, n: int) -> tuple[float, Stopwatch, Stopwatch, int]:
    """Return (wall seconds, per-decision times, engine times, eligible count) for ``n`` decisions."""
    decider = Decider(rulebook)
    rv = rulebook.select(PROGRAM, FISCAL_YEAR)
    applications = fact_sets()
    for i in range(WARM_UP):
        decider.decide(rv, decider.validate_facts(rv, applications[i % len(applications)]))
    engine_watch, decision_watch, eligible = time_engine(decider.engine), Stopwatch(), 0
    wall = time.perf_counter()
    for i in range(n):
        with decision_watch.timing():
            body = decider.decide(rv, decider.validate_facts(rv, applications[i % len(applications)]))
        eligible += body["eligible"]
    return time.perf_counter() - wall, decision_watch, engine_watch, eligible


def run_with_store(rulebook: Rulebook, n: int, directory: Path) -> tuple[float, Stopwatch, Stopwatch, Stopwatch, int]:
    """Like :func:`run_inprocess`, through ``DecisionService`` with every decision committed to SQLite."""
    store = open_store(f"sqlite:///{directory / 'bench.sqlite3'}")
    try:
        service = DecisionService(rulebook, store, Paths())
        requests = [{"program": PROGRAM, "fiscal_year": FISCAL_YEAR, "facts": facts} for facts in fact_sets()]
        for i in range(min(WARM_UP, n) // 5):
            service.decide(requests[i % len(requests)])
        engine_watch, store_watch, decision_watch = time_engine(service.decider.engine), Stopwatch(), Stopwatch()
        store.append = store_watch.wrap(store.append)  # type: ignore[method-assign]
        wall = time.perf_counter()
        for i in range(n):
            with decision_watch.timing():
                service.decide(requests[i % len(requests)])
        wall = time.perf_counter() - wall
        return wall, decision_watch, engine_watch, store_watch, store.count()
    finally:
        store.close()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def file_system(path: Path) -> str:
    """Return the file system type of ``path`` from /proc/mounts (longest matching mount point)."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    resolved = str(path.resolve())
    matching = [(point, kind) for point, kind in mounts
                if resolved == point or resolved.startswith(point.rstrip("/") + "/")]
    return max(matching, key=lambda m: len(m[0]))[1] if matching else "unknown"


def report(title: str, n: int, wall: float, decisions: Stopwatch, engine: Stopwatch,
           store: Stopwatch | None = None) -> None:
    print(f"\n{title}: {n:,} decisions in {wall:.2f} s")
    print(f"  decisions/s          {n / wall:10,.0f}")
    print(f"  per decision         p50 {decisions.percentile_us(0.50):8.1f} µs   "
          f"p99 {decisions.percentile_us(0.99):8.1f} µs   mean {decisions.total_s() / n * 1e6:8.1f} µs")
    print(f"  engine.evaluate      p50 {engine.percentile_us(0.50):8.1f} µs   "
          f"p99 {engine.percentile_us(0.99):8.1f} µs   share {engine.total_s() / decisions.total_s():6.1%}")
    if store is not None:
        print(f"  store.append (fsync) p50 {store.percentile_us(0.50):8.1f} µs   "
              f"p99 {store.percentile_us(0.99):8.1f} µs   share {store.total_s() / decisions.total_s():6.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20_000, help="in-process decisions (default 20,000)")
    parser.add_argument("--n-store", type=int, default=2_000, help="decisions with the SQLite store (default 2,000)")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite file goes (default: a temp dir)")
    args = parser.parse_args(argv)

    paths = Paths()
    rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    rv = rulebook.select(PROGRAM, FISCAL_YEAR)
    print(f"Python      {platform.python_implementation()} {platform.python_version()} ({sys.platform})")
    print(f"CPU         {cpu_model()}; {os.cpu_count()} logical cores, {len(os.sched_getaffinity(0))} usable")
    print(f"packages    durable-rules {version('durable-rules')}, jsonschema {version('jsonschema')}")
    print(f"rule set    {rv.name} ({rv.path}, {len(rv.engine_rules)} engine rules), "
          f"{len(fact_sets())} rotating fact sets")

    wall, decisions, engine, eligible = run_inprocess(rulebook, args.n)
    report("in-process (validate_facts + decide)", args.n, wall, decisions, engine)
    print(f"  eligible             {eligible:,} of {args.n:,}")

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        directory = Path(tmp)
        wall, decisions, engine, store, rows = run_with_store(rulebook, args.n_store, directory)
        report(f"with the SQLite store ({file_system(directory)} at {directory.parent}, synchronous=FULL)",
               args.n_store, wall, decisions, engine, store)
        print(f"  rows in the log      {rows:,} (warm-up included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
