"""The process's Prometheus instruments (計測値), shared by every layer, and the switch that turns them off.

Each layer records what only it knows: the decision service counts decisions (program, fiscal year,
version, outcome), the store times its appends and the size of each group commit, publishing counts
publications, the API counts errors by code and times requests per route template. The values that
belong to the store rather than to a process (the chain length) are read when ``/metrics`` is scraped
(``service/api/ops.py``), never counted here.

Several worker processes (``hojo serve --workers N``): ``hojo serve`` points ``PROMETHEUS_MULTIPROC_DIR``
at a fresh folder before any worker starts, prometheus-client then keeps each worker's values in a
file there, and a scrape answered by any worker sums every worker's counters and histograms.

Every label value is bounded by the rulebook or by the code (a program only after it was decided, a
route template, never a raw path, an error code from the code), so hostile input cannot grow the
number of series.
"""

from __future__ import annotations

import os

from prometheus_client import Counter, Histogram, disable_created_metrics

__all__ = ["count_decision", "count_error", "count_publish", "enabled", "observe_append", "observe_group_commit",
           "observe_request", "set_enabled"]

# A ``*_created`` timestamp per series doubles the scrape for nothing a dashboard of hojo uses.
disable_created_metrics()  # type: ignore[no-untyped-call]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

DECISIONS = Counter("hojo_decisions", "Decisions answered (recorded first), by program, fiscal year, rule version "
                    "and outcome (eligible, ineligible, undetermined)",
                    ["program", "fiscal_year", "version", "outcome"])
REQUEST_SECONDS = Histogram("hojo_http_request_duration_seconds",
                            "Time from the request's arrival to the end of its response, per route template",
                            ["method", "route", "status"], buckets=_LATENCY_BUCKETS)
APPEND_SECONDS = Histogram("hojo_log_append_seconds",
                           "Time one record waits until its group commit is durable (queue, lock, write, commit)",
                           buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0))
GROUP_COMMIT_RECORDS = Histogram("hojo_log_group_commit_records", "Records written by one commit (group commit)",
                                 buckets=(1, 2, 4, 8, 16, 32, 64, 128))
PUBLISHES = Counter("hojo_publishes", "Rule versions published (hojo publish, POST /v1/publish)", ["program"])
ERRORS = Counter("hojo_errors", "Error responses, by the error's stable code", ["code"])

#: methods a route can have; any other method a client invents is counted as "other" (bounded labels)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_OUTCOME = {True: "eligible", False: "ineligible", None: "undetermined"}
_switch = {"on": os.environ.get("HOJO_METRICS", "on").lower() not in ("0", "off", "false", "no")}


def enabled() -> bool:
    """Whether instruments record (``HOJO_METRICS=off`` turns them off; the benchmark compares both)."""
    return _switch["on"]


def set_enabled(on: bool) -> None:
    _switch["on"] = on


def count_decision(program: str, fiscal_year: int, version: int, eligible: bool | None) -> None:
    if _switch["on"]:
        DECISIONS.labels(program, str(fiscal_year), str(version), _OUTCOME[eligible]).inc()


def observe_append(seconds: float) -> None:
    if _switch["on"]:
        APPEND_SECONDS.observe(seconds)


def observe_group_commit(records: int) -> None:
    if _switch["on"]:
        GROUP_COMMIT_RECORDS.observe(records)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    if _switch["on"]:
        REQUEST_SECONDS.labels(method if method in _METHODS else "other", route, str(status)).observe(seconds)


def count_publish(program: str) -> None:
    if _switch["on"]:
        PUBLISHES.labels(program).inc()


def count_error(code: str) -> None:
    if _switch["on"]:
        ERRORS.labels(code).inc()
