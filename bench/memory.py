"""The service's memory: all rule versions loaded, then flat over many recorded decisions (issue 16 item 5).

Usage: ``python bench/memory.py [--n 1000000] [--threads 8] [--out memory.json]`` (``--quick``: 100,000)

What a ``hojo serve`` worker holds, built the same way (``DecisionService`` over the checkout's rulebook, every
version compiled into the engine) deciding and **recording** FY2024 municipal ヘルスアップ applications to a
temporary SQLite log (``synchronous=FULL``) from ``--threads`` threads, so the store's group commit batches
them as it does under HTTP load. Each application varies ``insured_count`` over the whole range (a fresh
number per decision), so nothing the service keeps per distinct input can hide a leak.

The resident set (``VmRSS``) is read at start-up, once every version has decided once, and at every twentieth
of the run. "Flat" is judged from the 10 % mark (allocator pools and caches warm) to the end: the growth over
that span, in MB and per 100,000 decisions.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from decide_inprocess import fact_sets  # noqa: E402

from service.decisions import DecisionService  # noqa: E402
from service.kernel.config import Paths  # noqa: E402
from service.kernel.errors import HojoError  # noqa: E402
from service.rulebook.examples import examples  # noqa: E402
from service.rulebook.registry import Rulebook  # noqa: E402
from service.store import open_store  # noqa: E402

PROGRAM, FISCAL_YEAR = "kokuho_healthup_municipal", 2024
#: growth from the 10 % mark to the end that still counts as flat (allocator noise, SQLite's page cache)
FLAT_MB = 10.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def first_decisions(service: DecisionService, rulebook: Rulebook) -> int:
    """Decide once under every version in force somewhere (its feature's worked examples): every ruleset built."""
    decided = 0
    for program in rulebook.programs:
        for example in examples(program):
            try:
                service.decide(dict(example.request), record=False)
                decided += 1
            except HojoError:
                pass  # an example of an error (422) builds its ruleset all the same
    return decided


def run(n: int, threads: int) -> dict[str, Any]:
    started_rss = rss_mb()
    paths = Paths.from_env()
    rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    with tempfile.TemporaryDirectory(prefix="hojo-memory-") as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'memory.sqlite3'}")
        service = DecisionService(rulebook, store, paths)
        warmed = first_decisions(service, rulebook)
        loaded_rss = rss_mb()
        bases = fact_sets()
        samples: list[dict[str, Any]] = []
        done = 0
        lock = threading.Lock()
        step = max(n // 20, 1)
        began = time.monotonic()

        def worker(index: int) -> None:
            nonlocal done
            rng = random.Random(f"memory:{index}")
            while True:
                with lock:
                    if done >= n:
                        return
                    done += 1
                    count = done
                facts = dict(bases[count % len(bases)])
                facts["insured_count"] = rng.randrange(1, 500_000)
                service.decide({"program": PROGRAM, "fiscal_year": FISCAL_YEAR, "facts": facts})
                if count % step == 0:
                    with lock:
                        samples.append({"decisions": count, "rss_mb": round(rss_mb(), 1),
                                        "seconds": round(time.monotonic() - began, 1)})

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.monotonic() - began
        logged = store.count()
        store.close()
    samples.sort(key=lambda s: s["decisions"])
    mark = next(s for s in samples if s["decisions"] >= n // 10)
    growth = samples[-1]["rss_mb"] - mark["rss_mb"]
    span = samples[-1]["decisions"] - mark["decisions"]
    return {"n": n, "threads": threads, "logged": logged, "seconds": round(elapsed, 1),
            "per_second": round(n / elapsed), "rss_mb_interpreter": round(started_rss, 1),
            "rss_mb_all_versions_loaded": round(loaded_rss, 1), "versions": len(rulebook.all_versions()),
            "example_decisions": warmed, "rss_mb_end": samples[-1]["rss_mb"],
            "growth_mb_after_10pct": round(growth, 1),
            "growth_mb_per_100k": round(growth / span * 100_000, 2) if span else None,
            "flat": growth <= FLAT_MB, "samples": samples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, help="recorded decisions (default 1,000,000; --quick 100,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 decisions")
    parser.add_argument("--threads", type=int, default=8, help="deciding threads (default 8)")
    parser.add_argument("--out", help="also write the result as JSON")
    args = parser.parse_args()
    result = run(args.n or (100_000 if args.quick else 1_000_000), args.threads)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"memory: {result['rss_mb_all_versions_loaded']} MB with all {result['versions']} versions loaded "
          f"({result['rss_mb_interpreter']} MB before loading); {result['n']:,} recorded decisions in "
          f"{result['seconds']} s ({result['per_second']:,}/s); {result['rss_mb_end']} MB at the end; growth after "
          f"the 10 % mark {result['growth_mb_after_10pct']:+} MB ({result['growth_mb_per_100k']:+} MB per 100,000): "
          f"{'flat' if result['flat'] else 'NOT flat'} (bound {FLAT_MB} MB)")
    for s in result["samples"]:
        print(f"  {s['decisions']:>9,}  {s['rss_mb']:7.1f} MB  {s['seconds']:7.1f} s")
    return 0 if result["flat"] and result["logged"] == result["n"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
