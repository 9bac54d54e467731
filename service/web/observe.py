"""Each request observed once: its request id (要求ID), one JSON log line, and its latency by route template.

A pure ASGI middleware, so a request costs a clock read, a histogram observation and a log record, and
no extra task or copy of the body. ``X-Request-ID`` is taken from the client (or the reverse proxy) when
it is 1–128 characters of ``A–Z a–z 0–9 . _ : -``; otherwise a fresh one is made (an invalid one is
replaced, and the log line says so, rather than refusing a decision over a tracing header). The id is
echoed in the response's ``X-Request-ID`` and carried by every log line written while the request runs.

The request line names the route **template** (``/v1/decisions/{decision_id}``), the status, the
duration, the program and decision id when the route set them (``request.state.program`` /
``request.state.decision_id``) or the path holds them, and the caller's role and token name. It never
holds facts, bodies, query strings, headers or tokens. Probes and scrapes (``/healthz``, ``/readyz``,
``/metrics``) log at debug, so a load balancer polling every second does not bury the decisions.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from time import perf_counter
from typing import Any

from ..kernel import metrics
from ..kernel.logs import REQUEST_ID

__all__ = ["RequestObserver", "log_request", "request_id_of"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

log = logging.getLogger("hojo.request")

_VALID_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_QUIET = frozenset({"/healthz", "/readyz", "/metrics"})
_NAMED_PARAMS = ("program", "decision_id")


def request_id_of(headers: list[tuple[bytes, bytes]]) -> tuple[str, bool]:
    """Return the request id to use, and whether the client sent one that had to be replaced."""
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _VALID_ID.fullmatch(text):
                return text, False
            return uuid.uuid4().hex, True
    return uuid.uuid4().hex, False


class RequestObserver:
    """Wraps the app (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        request_id, replaced = request_id_of(scope["headers"])
        token = REQUEST_ID.set(request_id)
        # Also in the request's state: an unexpected error is answered outside this middleware (by
        # Starlette's outermost one), and its handler reads the id from there to echo and log it.
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500  # what the server answers if the app raises before starting a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = perf_counter() - started
            route = _route_template(scope)
            metrics.observe_request(scope["method"], route, status, seconds)
            log_request(scope, route, status, seconds, request_id, replaced)
            REQUEST_ID.reset(token)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def log_request(scope: Scope, route: str, status: int, seconds: float, request_id: str, replaced: bool) -> None:
    """Write the request's one log line (if its level is enabled); never facts, bodies or tokens."""
    level = logging.ERROR if status >= 500 else logging.DEBUG if route in _QUIET else logging.INFO
    if not log.isEnabledFor(level):
        return
    fields: dict[str, Any] = {"event": "request", "request_id": request_id, "method": scope["method"],
                              "route": route, "status": status, "duration_ms": round(seconds * 1000, 3)}
    state = scope.get("state") or {}
    params = scope.get("path_params") or {}
    for name in _NAMED_PARAMS:
        value = state.get(name, params.get(name))
        if value is not None:
            fields[name] = str(value)[:80]  # a path parameter is client text: bounded in the log
    principal = state.get("principal")
    if principal is not None:
        fields["role"], fields["principal"] = principal.role, principal.name
    if replaced:
        fields["request_id_replaced"] = True
    log.log(level, "%s %s %d", scope["method"], route, status, extra={"fields": fields})
