"""Browser hardening (ブラウザ対策): cross-site request forgery (CSRF), framing and content sniffing.

A policy owner's browser holds a session cookie for the workbench, so any page it visits could try to
make it publish. Three guards, each enough alone against the forged form of issue 11:

- :class:`BrowserGuard` (an ASGI middleware, every request):

  * a state-changing request (``POST``/``PUT``/``PATCH``/``DELETE``) whose ``Origin`` (or, without one,
    ``Referer``) is not this server's own origin is refused with 403 ``cross_origin``. Ports count: a page
    on another port of the same host is another origin, although browsers treat it as the same *site*
    (so ``SameSite=Strict`` alone does not stop it). A request with neither header (curl, a script) is
    not a browser's forged request and passes to the token checks;
  * a ``/v1/*`` request with a body must say ``Content-Type: application/json`` (or JSON Lines for a batch) (415
    ``unsupported_media_type``): a browser form or a ``no-cors`` fetch can only send ``text/plain``,
    ``application/x-www-form-urlencoded`` or ``multipart/form-data`` without a CORS preflight, which
    hojo never answers;
  * every response carries ``X-Frame-Options: DENY``, ``Content-Security-Policy: frame-ancestors 'none'``
    (no page can frame the workbench to trick a click), ``X-Content-Type-Options: nosniff`` and
    ``Referrer-Policy: same-origin``.

- a per-session CSRF token (:func:`csrf_token`) in a hidden field of every workbench form, checked by
  :func:`check_csrf` on every workbench ``POST`` but the login itself. It is an HMAC keyed by the session's
  bearer token over the session nonce (cookie ``hojo_session``, new at each login), so it changes with
  every login and cannot be computed by a page that can set cookies on the host but not read the
  ``HttpOnly`` token.
- the session cookies are scoped ``Path=/workbench`` and ``service.web.auth`` reads the cookie only there:
  ``/v1/*`` takes a bearer token in the ``Authorization`` header, which no other page can make a browser
  send.

Behind a TLS-terminating proxy set ``HOJO_TRUSTED_PROXY=1``: ``X-Forwarded-Proto`` and ``X-Forwarded-Host``
then name the origin, and the cookies are ``Secure`` when the proxy says ``https``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request

from .auth import ForbiddenError, token_of

__all__ = ["CSRF_FIELD", "SECURITY_HEADERS", "SESSION_COOKIE", "TOKEN_COOKIE", "BrowserGuard", "check_csrf",
           "cookie_options", "csrf_token", "new_session", "request_scheme"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "hojo_token"
SESSION_COOKIE = "hojo_session"
CSRF_FIELD = "csrf"
COOKIE_PATH = "/workbench"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORT = {"http": "80", "https": "443"}


def _trusted_proxy() -> bool:
    return os.environ.get("HOJO_TRUSTED_PROXY") == "1"


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _scheme(scope: Scope, headers: dict[str, str]) -> str:
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    if _trusted_proxy() and forwarded in ("http", "https"):
        return forwarded
    return str(scope.get("scheme", "http"))


def request_scheme(request: Request) -> str:
    """``https`` or ``http``, as the client sees it (a trusted proxy's ``X-Forwarded-Proto``, else the socket)."""
    return _scheme(request.scope, _headers(request.scope))


def _origin(scheme: str, netloc: str) -> str:
    """``scheme://host[:port]`` in lower case, the default port dropped (browsers send it that way)."""
    host, _, port = netloc.lower().rpartition(":") if netloc.rsplit(":", 1)[-1].isdigit() else (netloc.lower(), "", "")
    return f"{scheme}://{host}" if port in ("", _DEFAULT_PORT.get(scheme)) else f"{scheme}://{host}:{port}"


def _own_origin(scope: Scope, headers: dict[str, str]) -> str:
    host = headers.get("x-forwarded-host", "").split(",")[0].strip() if _trusted_proxy() else ""
    return _origin(_scheme(scope, headers), host or headers.get("host", ""))


def _sender_origin(headers: dict[str, str]) -> str | None:
    """The origin a browser says the request comes from: ``Origin``, else the ``Referer``'s; None if neither."""
    if "origin" in headers:
        return headers["origin"].strip().lower()  # "null" (a sandboxed frame, a file) matches nothing
    referer = headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    return _origin(parts.scheme.lower(), parts.netloc) if parts.scheme and parts.netloc else "null"


def _has_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length", "").strip()
    return bool(headers.get("transfer-encoding")) or (length != "" and length != "0")


#: JSON Lines (``POST /v1/batches``): like JSON, a type no browser form or ``no-cors`` fetch can send
_JSON_LINES = frozenset({"application/x-ndjson", "application/jsonl", "application/jsonlines"})


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media in _JSON_LINES or (
        media.startswith("application/") and media.endswith("+json"))


def _error(status: int, code: str, ja: str, en: str) -> tuple[int, bytes]:
    body = {"error": {"code": code, "message_ja": ja, "message_en": en}}
    return status, json.dumps(body, ensure_ascii=False).encode("utf-8")


def refusal(scope: Scope) -> tuple[int, bytes] | None:
    """Why this request is refused before any route sees it (status, JSON body), or None."""
    method = str(scope.get("method", "GET")).upper()
    if method not in _STATE_CHANGING:
        return None
    headers = _headers(scope)
    sender = _sender_origin(headers)
    own = _own_origin(scope, headers)
    if sender is not None and sender != own:
        return _error(403, "cross_origin",
                      f"別のオリジン（{sender[:80]}）からの変更の要求は受け付けません（受け付けるのは {own}）",
                      f"a state-changing request from another origin ({sender[:80]}) is refused; expected {own}")
    path = str(scope.get("path", ""))
    if path.startswith("/v1/") and _has_body(headers) and not _is_json(headers.get("content-type", "")):
        return _error(415, "unsupported_media_type",
                      "本文は Content-Type: application/json（一括判定は application/x-ndjson）で送ってください",
                      "the body must be sent as Content-Type: application/json (batches: application/x-ndjson)")
    return None


class BrowserGuard:
    """Refuses cross-origin state changes and non-JSON ``/v1`` bodies; adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in present]
            await send(message)

        refused = refusal(scope)
        if refused is None:
            await self.app(scope, receive, send_with_headers)
            return
        status, body = refused
        await send_with_headers({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


# -- the workbench session ---------------------------------------------------------------------------------
def new_session() -> str:
    """A fresh session nonce (the ``hojo_session`` cookie), issued at login and on a first page without one."""
    return secrets.token_urlsafe(24)


def session_of(request: Request) -> str:
    """The request's session nonce; a new one (remembered on ``request.state``) if the browser has none yet."""
    nonce = request.cookies.get(SESSION_COOKIE) if request.url.path.startswith(COOKIE_PATH) else None
    if nonce:
        return nonce
    fresh: str | None = getattr(request.state, "new_session", None)
    if fresh is None:
        fresh = new_session()
        request.state.new_session = fresh
    return fresh


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session: HMAC-SHA256 keyed by the session's token over its nonce."""
    key = (token_of(request) or "open mode").encode("utf-8")
    return hmac.new(key, session_of(request).encode("utf-8"), hashlib.sha256).hexdigest()


def check_csrf(request: Request, sent: str) -> None:
    """Refuse (403 ``csrf``) a workbench form whose token is not this session's.

    A request that carries ``Authorization: Bearer`` is not a browser session (no page can make a browser
    add that header), so it needs no CSRF token; nor does one with no valid token at all (it gets 401).
    """
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if request.app.state.tokens.principal(token_of(request)) is None:
        return  # no session to ride on: the route answers 401 itself
    expected = csrf_token(request) if request.cookies.get(SESSION_COOKIE) else None
    if expected is None or not hmac.compare_digest(expected, sent):
        raise ForbiddenError("フォームの確認用トークン（CSRF）が正しくありません。ページを開き直してください",
                             "the form's CSRF token is missing or not this session's: reload the page",
                             code="csrf")


def cookie_options(request: Request) -> dict[str, Any]:
    """The attributes of both session cookies: ``HttpOnly``, ``SameSite=Strict``, ``Path=/workbench``, ``Secure``
    when the client reached hojo over HTTPS."""
    return {"httponly": True, "samesite": "strict", "path": COOKIE_PATH,
            "secure": request_scheme(request) == "https"}
