"""What observing a request costs: the whole app in-process, with and without metrics and the JSON request log.

Usage: ``python bench/metrics_cost.py [--n 1000] [--rounds 9]`` (also phase 4 of ``bench/run``).

Each request is ``POST /v1/decisions`` through the complete ASGI app (middleware, routing, auth, strict body,
decision, chained append, JSON response), driven by ``httpx.AsyncClient`` over ``httpx.ASGITransport``, one
request at a time, so no socket or load generator adds noise. The store is ``sqlite://:memory:``: no fsync in
the denominator, which makes the observed share as large as it can be (a durable store only dilutes it).

Three set-ups alternate every 25 requests within each round (a burst of someone else's load on this
shared machine falls on all three alike), CPU time of the process is summed per set-up, and each
reports the median round:

- ``off``: ``HOJO_METRICS=off`` and the request log below its level (the instruments are not called);
- ``metrics``: every instrument on (request histogram, decision counter, append and group-commit
  histograms), the request log still off;
- ``metrics+log``: both, the JSON request line written to ``/dev/null`` through a stream handler.

The rendering of ``/metrics`` itself (a scrape, every 15 s or so, never per decision) is timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from service.api import create_app  # noqa: E402
from service.kernel import metrics  # noqa: E402
from service.kernel.logs import JsonFormatter  # noqa: E402

BODY = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
        "facts": {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                  "third_party_evaluation": False, "designated_model": False}}
SETUPS = ("off", "metrics", "metrics+log")
BLOCK = 25


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _rounds(n: int, rounds: int) -> dict[str, Any]:
    app = create_app(db_url="sqlite://:memory:")
    request_log = logging.getLogger("hojo.request")
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    request_log.addHandler(handler)
    request_log.propagate = False
    body = json.dumps(BODY).encode()
    headers = {"content-type": "application/json"}
    per_round: dict[str, list[float]] = {name: [] for name in SETUPS}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            async def run(count: int) -> float:
                # CPU time of this process (every thread): what a request costs, not how long other
                # people's work on the shared cores made it wait.
                started = time.process_time()
                for _ in range(count):
                    response = await client.post("/v1/decisions", content=body, headers=headers)
                    assert response.status_code == 200, response.text
                return (time.process_time() - started) / count * 1e6

            await run(300)  # warm-up: the first decisions compile and cache
            for r in range(rounds):
                say(f"metrics cost: round {r + 1}/{rounds}, {n:,} requests per set-up")
                spent = dict.fromkeys(SETUPS, 0.0)
                # Set-ups alternate every BLOCK requests (in a turning order), so a burst of someone else's
                # load on the shared cores falls on all three alike rather than on one set-up's stretch.
                for b in range(n // BLOCK):
                    for name in SETUPS[b % 3:] + SETUPS[:b % 3]:
                        metrics.set_enabled(name != "off")
                        request_log.setLevel(logging.INFO if name == "metrics+log" else logging.WARNING)
                        spent[name] += await run(BLOCK) * BLOCK
                for name in SETUPS:
                    per_round[name].append(spent[name] / (n // BLOCK * BLOCK))
            metrics.set_enabled(True)
            started = time.perf_counter()
            scrapes = 50
            for _ in range(scrapes):
                assert (await client.get("/metrics")).status_code == 200
            scrape_ms = (time.perf_counter() - started) / scrapes * 1000
    request_log.removeHandler(handler)
    sink.close()
    out: dict[str, Any] = {"n_per_round": n, "rounds": rounds, "scrape_ms": scrape_ms,
                           "instruments_us": _instruments_alone(), "request_line_us": _request_line_alone()}
    for name in SETUPS:
        ordered = sorted(per_round[name])
        out[name] = {"us_per_request": ordered[len(ordered) // 2], "best_us": ordered[0], "worst_us": ordered[-1]}
    base = out["off"]["us_per_request"]
    for name in SETUPS[1:]:
        out[name]["overhead_percent"] = (out[name]["us_per_request"] - base) / base * 100
    return out


def _instruments_alone(n: int = 100_000) -> float:
    """µs per request of the instrument calls alone, as one decision request makes them (no app around)."""
    metrics.set_enabled(True)
    started = time.process_time()
    for _ in range(n):
        metrics.observe_request("POST", "/v1/decisions", 200, 0.0021)
        metrics.count_decision("kokuho_healthup_municipal", 2024, 2, True)
        metrics.observe_append(0.0004)
        metrics.observe_group_commit(1)
    return (time.process_time() - started) / n * 1e6


def _request_line_alone(n: int = 20_000) -> float:
    """µs per request of writing its JSON request line (to /dev/null), as the middleware writes it."""
    from service.web.auth import Principal
    from service.web.observe import log_request

    logger = logging.getLogger("hojo.request")
    with open(os.devnull, "w", encoding="utf-8") as sink:
        handler = logging.StreamHandler(sink)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        route = type("Route", (), {"path": "/v1/decisions"})()
        scope = {"method": "POST", "route": route, "path_params": {},
                 "state": {"program": "kokuho_healthup_municipal", "principal": Principal("city-13101", "applicant"),
                           "decision_id": "258c7a69-c32e-475a-8f48-af8b8c590673"}}
        started = time.process_time()
        for _ in range(n):
            log_request(scope, "/v1/decisions", 200, 0.0021, "lb-7f3a:0001", False)
        spent = (time.process_time() - started) / n * 1e6
        logger.removeHandler(handler)
    return spent


def run_metrics_cost(n: int = 1000, rounds: int = 9) -> dict[str, Any]:
    return asyncio.run(_rounds(n, rounds))


def table(result: dict[str, Any]) -> str:
    lines = [f"Observing a request: POST /v1/decisions through the whole app in-process (httpx ASGITransport, "
             f"sqlite://:memory:), {result['n_per_round']:,} requests × {result['rounds']} interleaved rounds", "",
             "| set-up | CPU µs/request (median round) | rounds min–max | overhead vs off | target |",
             "|---|---:|---:|---:|---|"]
    for name in SETUPS:
        row = result[name]
        overhead = row.get("overhead_percent")
        shown = "—" if overhead is None else f"{overhead:+.1f} %"
        target = "—" if overhead is None or name != "metrics" else ("met" if overhead < 5 else "missed")
        lines.append(f"| {name} | {row['us_per_request']:,.0f} | {row['best_us']:,.0f}–{row['worst_us']:,.0f} "
                     f"| {shown} | {target} |")
    share = result["instruments_us"] / result["off"]["us_per_request"] * 100
    lines += ["", f"the instrument calls alone (request histogram, decision counter, append and group-commit "
                  f"histograms): {result['instruments_us']:.1f} CPU µs per request = {share:.2f} % of a request "
                  f"({'met' if share < 5 else 'missed'}: target < 5 %)",
              f"the JSON request line alone: {result['request_line_us']:.1f} CPU µs per request = "
              f"{result['request_line_us'] / result['off']['us_per_request'] * 100:.2f} % of a request",
              f"a scrape of /metrics renders in {result['scrape_ms']:.2f} ms (once per scrape interval, "
              "never per decision)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000, help="requests per set-up and round (default 1,000)")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    args = parser.parse_args(argv)
    print(table(run_metrics_cost(args.n, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
