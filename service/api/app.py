"""``create_app()``: wires the rulebook, the store and the routes, and maps errors to HTTP once."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..decisions import DecisionService
from ..kernel.config import Paths, default_db_url
from ..kernel.errors import (
    ApplicationError,
    DecisionNotFoundError,
    EngineError,
    HojoError,
    PayloadTooLargeError,
    StoreError,
    UnknownProgramError,
)
from ..rulebook.registry import Rulebook
from ..store import open_store
from ..web.auth import AuthError, ForbiddenError, TokenTable
from . import applicants, audit, decisions, openapi, programs

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger("hojo")

_STATUS: list[tuple[type[HojoError], int]] = [
    (PayloadTooLargeError, 413),
    (ApplicationError, 422), (UnknownProgramError, 404), (DecisionNotFoundError, 404), (AuthError, 401),
    (ForbiddenError, 403),
    (StoreError, 503), (EngineError, 500)]


def _status(exc: HojoError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 500)


def create_app(paths: Paths | None = None, db_url: str | None = None, differential: bool = False,
               tokens: TokenTable | None = None) -> FastAPI:
    """Return the hojo app; rules are loaded and checked before it serves its first request."""
    paths = paths or Paths.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
        store = open_store(db_url or default_db_url())
        app.state.service = DecisionService(rulebook, store, paths, differential=differential)
        app.state.tokens = tokens if tokens is not None else TokenTable.from_env()
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="hojo 補助", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Rules-as-code decisions for Japanese public health-insurance subsidies. "
                              "日本の公的医療保険の補助金・交付金の判定サービス。")
    def schema(name: str) -> dict[str, Any]:
        loaded = json.loads((paths.schemas / name).read_text(encoding="utf-8"))
        return {k: v for k, v in loaded.items() if k not in ("$schema", "$id")}

    app.include_router(audit.router())
    app.include_router(decisions.router(schema("application.schema.json"), schema("decision.schema.json")))
    app.include_router(programs.router())
    app.include_router(applicants.router())  # facts schema, screenings, notice (issue 13)
    openapi.install(app, paths.schemas)  # typed /openapi.json; /docs and /redoc from local assets
    from . import allocations  # POST /v1/allocations (budget shares; service/allocation/shares.py)

    app.include_router(allocations.router())
    from .. import workbench  # /workbench pages; /v1/drafts/*, /v1/publish, /v1/programs/{id}/diff (issue 6)

    workbench.include(app)

    @app.exception_handler(HojoError)
    async def hojo_error(_: Request, exc: HojoError) -> JSONResponse:
        status = _status(exc)
        if status >= 500:
            log.error("hojo error %s: %s", exc.code, exc)
        headers = {"WWW-Authenticate": 'Bearer realm="hojo"'} if status == 401 else None
        return JSONResponse({"error": exc.as_dict()}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Query and path parameters FastAPI validates itself: the same error shape as every other 422.
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
        return JSONResponse({"error": {"code": code, "message_ja": ja, "message_en": en}},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback for the operator; the client never sees one.
        log.exception("unexpected error")
        return JSONResponse({"error": {"code": "internal_error", "message_ja": "内部エラーが発生しました",
                                       "message_en": "internal error"}}, status_code=500)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def app_from_env() -> FastAPI:
    """The app uvicorn starts (``hojo serve``): settings from ``HOJO_DB`` and ``HOJO_DIFFERENTIAL``."""
    return create_app(differential=os.environ.get("HOJO_DIFFERENTIAL") == "1")


