"""``create_app()``: wires the rulebook, the store and the routes, and maps errors to HTTP once."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..audit.evidence import Notary, load_private_key
from ..authoring.features import FeatureTarget
from ..decisions import DecisionService
from ..kernel import logs, metrics
from ..kernel.config import Paths, default_db_url
from ..kernel.errors import (
    ApplicationError,
    DecisionNotFoundError,
    EngineError,
    HojoError,
    PayloadTooLargeError,
    RuleFileError,
    SigningKeyError,
    StoreError,
    UnknownProgramError,
)
from ..rulebook.cache import load_rulebook
from ..store import open_store
from ..web.auth import AuthError, ForbiddenError, TokenTable
from ..web.guard import SECURITY_HEADERS, BrowserGuard
from ..web.inprocess import InProcessClient
from ..web.observe import RequestObserver
from . import applicants, audit, decisions, evidence, openapi, ops, programs

__all__ = ["app_from_env", "create_app", "feature_target"]

log = logging.getLogger("hojo")

_STATUS: list[tuple[type[HojoError], int]] = [
    (PayloadTooLargeError, 413),
    (ApplicationError, 422), (UnknownProgramError, 404), (DecisionNotFoundError, 404), (AuthError, 401),
    (ForbiddenError, 403),
    # A rule file only reaches a request as a draft someone sent (the served rules are checked at start-up).
    (RuleFileError, 422),
    (StoreError, 503), (SigningKeyError, 503), (EngineError, 500)]


def _status(exc: HojoError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 500)


def poll_seconds() -> float:
    """How often a running service reads the log for new publications (``HOJO_PUBLICATION_POLL_SECONDS``)."""
    return float(os.environ.get("HOJO_PUBLICATION_POLL_SECONDS", "1"))


def _follow_publications(service: DecisionService, stop: threading.Event) -> None:
    """Every ``poll_seconds()``: register the versions published since (off the request path)."""
    while not stop.wait(poll_seconds()):
        try:
            service.load_publications()
        except Exception:  # a store hiccup must not end the loop: the next poll tries again
            log.exception("reading the log for publications failed")


def create_app(paths: Paths | None = None, db_url: str | None = None, differential: bool = False,
               tokens: TokenTable | None = None, signing_key_file: str | None = None,
               follow_publications: bool = True) -> FastAPI:
    """Return the hojo app; rules are loaded and checked before it serves its first request.

    ``signing_key_file`` (default ``HOJO_SIGNING_KEY_FILE``): the Ed25519 key tree heads are signed with.
    With ``follow_publications`` the app polls its store for ``publish`` records and decides under every
    newly published version within seconds, wherever it was published (CLI, API, another worker or host).
    """
    paths = paths or Paths.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rulebook = load_rulebook(paths)  # the compiled cache when every input file is unchanged
        store = open_store(db_url or default_db_url())
        notary = Notary.from_env(store) if signing_key_file is None else Notary(
            store, load_private_key(signing_key_file))
        if notary.key is None:
            log.warning("hojo: no HOJO_SIGNING_KEY_FILE: tree heads are not signed and receipts are refused")
        service = DecisionService(rulebook, store, paths, differential=differential, notary=notary)
        app.state.service = service
        app.state.tokens = tokens if tokens is not None else TokenTable.from_env()
        app.state.feature_target = feature_target
        stop = threading.Event()
        follower = None
        if follow_publications:
            service.load_publications()  # those made before this start, e.g. on another host
            follower = threading.Thread(target=_follow_publications, args=(service, stop), daemon=True,
                                        name="hojo-publications")
            follower.start()
        notary.start()  # heads signed in batches, off the decisions' path
        try:
            yield
        finally:
            stop.set()
            if follower is not None:
                follower.join(timeout=10)
            notary.stop()
            store.close()

    app = FastAPI(title="hojo 補助", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Rules-as-code decisions for Japanese public health-insurance subsidies. "
                              "日本の公的医療保険の補助金・交付金の判定サービス。")
    def schema(name: str) -> dict[str, Any]:
        loaded = json.loads((paths.schemas / name).read_text(encoding="utf-8"))
        return {k: v for k, v in loaded.items() if k not in ("$schema", "$id")}

    app.add_middleware(RequestObserver)
    app.include_router(ops.router())
    app.include_router(audit.router())
    app.include_router(decisions.router(schema("application.schema.json"), schema("decision.schema.json")))
    app.include_router(programs.router())
    app.include_router(evidence.router())
    app.include_router(applicants.router())  # facts schema, screenings, notice (issue 13)
    openapi.install(app, paths.schemas)  # typed /openapi.json; /docs and /redoc from local assets
    from . import allocations  # POST /v1/allocations (budget shares; service/allocation/shares.py)

    app.include_router(allocations.router())
    from . import sources  # GET/POST /v1/sources (registered source documents; service/authoring/sources.py)

    app.include_router(sources.router())

    from . import cases  # /v1/cases (a grant's life: service/cases)

    app.include_router(cases.router())

    from . import batches  # POST /v1/batches (JSON Lines, the columnar evaluator; service/batches.py)

    app.include_router(batches.router())
    from .. import workbench  # /workbench pages; /v1/drafts/*, /v1/publish, /v1/programs/{id}/diff (issue 6)

    workbench.include(app)
    # Outermost of hojo's own layers: a forged cross-origin request is refused before any route reads it.
    app.add_middleware(BrowserGuard)

    @app.exception_handler(HojoError)
    async def hojo_error(_: Request, exc: HojoError) -> JSONResponse:
        status = _status(exc)
        metrics.count_error(exc.code)
        if status >= 500:
            log.error("hojo error %s: %s", exc.code, exc)
        headers = {"WWW-Authenticate": 'Bearer realm="hojo"'} if status == 401 else None
        return JSONResponse({"error": exc.as_dict()}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Query and path parameters FastAPI validates itself: the same error shape as every other 422.
        metrics.count_error("invalid_parameters")
        problems = []
        for error in exc.errors():
            where = "$." + ".".join(str(part) for part in error.get("loc", ()))
            problems.append({"path": where, "code": str(error.get("type", "invalid")),
                             "message_ja": f"{where} の値が正しくありません",
                             "message_en": f"{where}: {error.get('msg', 'invalid')}"})
        return JSONResponse({"error": {"code": "invalid_parameters", "message_ja": "パラメータに誤りがあります",
                                       "message_en": "invalid request parameters", "problems": problems}},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        words = {404: ("not_found", "そのパスはありません", "no such path"),
                 405: ("method_not_allowed", "そのメソッドは使えません", "method not allowed")}
        code, ja, en = words.get(exc.status_code, ("http_error", "要求を処理できません", str(exc.detail)))
        metrics.count_error(code)
        return JSONResponse({"error": {"code": code, "message_ja": ja, "message_en": en}},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback for the operator; the client never sees one, only the request id.
        request_id = getattr(request.state, "request_id", None)
        log.exception("unexpected error", extra={"fields": {"request_id": request_id}})
        metrics.count_error("internal_error")
        # Answered outside BrowserGuard (Starlette's outermost layer), so it adds the headers itself.
        headers = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
        if request_id:
            headers["x-request-id"] = request_id
        return JSONResponse({"error": {"code": "internal_error", "message_ja": "内部エラーが発生しました",
                                       "message_en": "internal error"}}, status_code=500, headers=headers)

    return app


@contextmanager
def feature_target(paths: Paths) -> Iterator[FeatureTarget]:
    """This app, built on ``paths`` with a throw-away store, open mode and the reference evaluator, in-process.

    What publishing runs a program's features against (``service.authoring.features``): the same routes,
    validation and errors an applicant meets, without a socket, a server or the test extras.
    """
    with tempfile.TemporaryDirectory(prefix="hojo-features-") as tmp:
        app = create_app(paths, db_url=f"sqlite:///{tmp}/features.sqlite3", differential=True,
                         tokens=TokenTable({}), follow_publications=False)
        with InProcessClient(app) as client:
            yield FeatureTarget(client=client, rulebook=app.state.service.rulebook)


def app_from_env() -> FastAPI:
    """The app uvicorn starts (``hojo serve``): settings from ``HOJO_DB``, ``HOJO_DIFFERENTIAL``, ``HOJO_LOG_LEVEL``."""
    if not logging.getLogger("hojo").handlers:  # started by uvicorn directly rather than by ``hojo serve``
        logs.configure()
    return create_app(differential=os.environ.get("HOJO_DIFFERENTIAL") == "1")


