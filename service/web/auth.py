"""Who may do what: bearer tokens configured by the operator, four roles, one check per route.

Roles (役割): ``applicant`` (申請者: decides applications, reads its own decisions), ``auditor``
(監査担当: reads every decision, replays, verifies the log, exports), ``policy_owner`` (政策担当: all
an auditor may, plus impact previews and publishing), and ``monitor`` (監視: a Prometheus scraper's
token, which may read ``/metrics`` and nothing else; auditors and policy owners may read it too). The
operator lists tokens in a JSON file named by ``HOJO_TOKENS_FILE``::

    {"tokens": [{"name": "city-13101", "role": "applicant", "sha256": "<sha256 of the token>"}, ...]}

Only the sha256 of each token is kept, so the file does not disclose the tokens. A request carries
``Authorization: Bearer <token>`` (or, under ``/workbench`` only, the ``hojo_token`` cookie; see
``service.web.guard`` for the workbench session and its CSRF token). With no file
configured, hojo runs **open** (every request has every role, and start-up logs a warning): the mode of
a developer's machine and of the features, never of a deployment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request

from ..kernel.errors import HojoError

__all__ = ["ANYONE", "AUDIT", "METRICS", "OWNER", "ROLES", "AuthError", "ForbiddenError", "Principal", "TokenTable",
           "admitted", "require", "require_on_loop", "token_of"]

log = logging.getLogger("hojo")

ROLES = ("applicant", "auditor", "policy_owner", "monitor")
#: every role a person holds; a scraper's ``monitor`` token decides nothing and reads no decision
ANYONE = ("applicant", "auditor", "policy_owner")
AUDIT = ("auditor", "policy_owner")
OWNER = ("policy_owner",)
METRICS = ("monitor", "auditor", "policy_owner")


class AuthError(HojoError):
    """No valid token (HTTP 401)."""


class ForbiddenError(HojoError):
    """A valid token whose role may not do this (HTTP 403)."""


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    open_mode: bool = False

    def has(self, roles: Iterable[str]) -> bool:
        return self.open_mode or self.role in roles


OPEN = Principal(name="anonymous", role="policy_owner", open_mode=True)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenTable:
    """sha256 of a token → its principal; empty means open mode."""

    by_digest: dict[str, Principal]

    @property
    def open_mode(self) -> bool:
        return not self.by_digest

    @classmethod
    def from_env(cls) -> TokenTable:
        path = os.environ.get("HOJO_TOKENS_FILE")
        if not path:
            log.warning("hojo: no HOJO_TOKENS_FILE: running OPEN, every request has every role")
            return cls({})
        return cls.from_file(Path(path))

    @classmethod
    def from_file(cls, path: Path) -> TokenTable:
        entries = json.loads(path.read_text(encoding="utf-8"))["tokens"]
        table: dict[str, Principal] = {}
        for entry in entries:
            if entry["role"] not in ROLES or len(entry["sha256"]) != 64:
                raise ValueError(f"{path}: token {entry.get('name')!r} needs a role in {ROLES} and a sha256")
            table[entry["sha256"].lower()] = Principal(name=str(entry["name"]), role=entry["role"])
        if not table:
            raise ValueError(f"{path}: no tokens (delete the file setting to run open, never an empty table)")
        return cls(table)

    def principal(self, token: str | None) -> Principal | None:
        if self.open_mode:
            return OPEN
        if not token:
            return None
        digest = token_digest(token)
        # compare_digest over every entry: the time taken does not depend on which digest matched.
        found = None
        for known, principal in self.by_digest.items():
            if hmac.compare_digest(known, digest):
                found = principal
        return found


def token_of(request: Request) -> str | None:
    """The bearer token of the request; the workbench's ``hojo_token`` cookie counts only under ``/workbench``.

    ``/v1/*`` ignores the cookie, so no page a logged-in browser visits can use its session there.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    if not request.url.path.startswith("/workbench"):
        return None
    return request.cookies.get("hojo_token") or None


_ROLE_JA = {"applicant": "申請者", "auditor": "監査担当", "policy_owner": "政策担当", "monitor": "監視"}


def require(*roles: str) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the request's principal, if its role is one of ``roles``."""
    def dependency(request: Request) -> Principal:
        return admitted(request, roles)
    return dependency


def require_on_loop(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """:func:`require` as an ``async`` dependency: FastAPI runs it on the event loop rather than handing it to
    its thread pool (a hop per request that costs more than the check: bench/RESULTS.md)."""
    async def dependency(request: Request) -> Principal:
        return admitted(request, roles)
    return dependency


def admitted(request: Request, roles: tuple[str, ...]) -> Principal:
    """The request's principal if its role is one of ``roles``; else :class:`AuthError` or :class:`ForbiddenError`."""
    tokens: TokenTable = request.app.state.tokens
    principal = tokens.principal(token_of(request))
    if principal is None:
        raise AuthError("認証が必要です（Authorization: Bearer <トークン>）",
                        "authentication required (Authorization: Bearer <token>)", code="unauthenticated")
    if not principal.has(roles):
        allowed_ja = "・".join(_ROLE_JA[r] for r in roles)
        raise ForbiddenError(f"この操作は{allowed_ja}だけが行えます（あなたの役割: {_ROLE_JA[principal.role]}）",
                             f"only {', '.join(roles)} may do this (your role: {principal.role})",
                             code="forbidden")
    request.state.principal = principal
    return principal
