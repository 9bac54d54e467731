"""What an operator's tools ask: ``/healthz`` (生存確認), ``/readyz`` (準備完了確認) and ``/metrics`` (計測値).

``/healthz`` answers 200 while the process serves at all. ``/readyz`` answers 200 once the store answers a
query and rule versions are loaded, else 503 with which check failed; a load balancer sends traffic only
to a ready host. Both are open (no token) and say nothing about the data: no counts, no error text.

``/metrics`` is the Prometheus text format, for a ``monitor`` token (a scraper's), an auditor or a policy
owner. The counters and histograms are the process's (``service/kernel/metrics.py``), summed over every
worker when ``PROMETHEUS_MULTIPROC_DIR`` is set (``hojo serve --workers N`` sets it); the gauges are read
when scraped: the chain length from the store (the same on every worker and host), and the rule versions
the answering process has loaded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from ..web.auth import METRICS, Principal, require

__all__ = ["router"]

log = logging.getLogger("hojo")

_NOT_READY = {
    "store": ("記録先のデータベースが応答しません", "the store does not answer"),
    "rules": ("規則の版が読み込まれていません", "no rule version is loaded"),
    "starting": ("起動中です", "the service is starting"),
}


def router() -> APIRouter:
    api = APIRouter(tags=["operations"])

    @api.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        checks = _readiness(getattr(request.app.state, "service", None))
        failed = [name for name, state in checks.items() if state != "ok"]
        if not failed:
            return JSONResponse({"ready": True, "checks": checks})
        ja = "・".join(_NOT_READY[name][0] for name in failed)
        en = "; ".join(_NOT_READY[name][1] for name in failed)
        return JSONResponse({"ready": False, "checks": checks,
                             "error": {"code": "not_ready", "message_ja": f"準備ができていません: {ja}",
                                       "message_en": f"not ready: {en}"}}, status_code=503)

    @api.get("/metrics", include_in_schema=False)
    # The 0.0.4 text format: what every Prometheus (2.x and 3.x) and most other scrapers read.
    def scrape(request: Request, principal: Annotated[Principal, Depends(require(*METRICS))]) -> Response:
        return Response(_exposition(request.app.state.service), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    return api


def _readiness(service: Any) -> dict[str, str]:
    if service is None:
        return {"starting": "starting"}
    checks = {"store": "ok", "rules": "ok"}
    try:
        service.store.chain_length()
    except Exception:  # any failure of the store means "not ready"; its text stays in the operator's log
        log.warning("readyz: the store does not answer", exc_info=True)
        checks["store"] = "unavailable"
    if not service.rulebook.all_versions():
        checks["rules"] = "none_loaded"
    return checks


def _exposition(service: Any) -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        MultiProcessCollector(workers)  # type: ignore[no-untyped-call]
        counted = generate_latest(workers)
    else:
        counted = generate_latest(REGISTRY)
    read_now = CollectorRegistry()
    read_now.register(_ReadAtScrape(service))
    return counted + generate_latest(read_now)


class _ReadAtScrape:
    """The gauges that are a state of the store or of the rulebook, not a count this process kept."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("hojo_store_up", "1 when the store answered this scrape's query, else 0")
        try:
            length = self.service.store.chain_length()
        except Exception:
            log.warning("metrics: the store does not answer", exc_info=True)
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
            chain = GaugeMetricFamily("hojo_log_chain_length", "Records in the decision log's chain (its last seq)")
            chain.add_metric([], length)
            yield chain
        yield up
        loaded = GaugeMetricFamily("hojo_rule_versions_loaded",
                                   "Rule versions the process that answered has loaded, by status", labels=["status"])
        statuses: dict[str, int] = {}
        for rv in self.service.rulebook.all_versions():
            statuses[rv.status] = statuses.get(rv.status, 0) + 1
        for status, count in sorted(statuses.items()):
            loaded.add_metric([status], count)
        yield loaded
