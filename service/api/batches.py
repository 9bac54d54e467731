"""``POST /v1/batches``: JSON Lines in, JSON Lines out — one batch output row per line (service/batches.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ..batches import MAX_HTTP_BYTES, MAX_HTTP_ROWS, BatchService, jsonl
from ..kernel.strict_json import invalid
from ..web.auth import Principal, require

__all__ = ["router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/batches", tags=["batches"], responses={401: _ERROR, 403: _ERROR})

    @api.post("", summary="Decide a batch of applications / 一括判定",
              openapi_extra={"requestBody": {"required": True, "content": {"application/x-ndjson": {
                  "schema": {"type": "string", "description": 'one {"id"?: …, "facts": {…}} per line'}}}}},
              responses={200: {"content": {"application/x-ndjson": {}}}, 404: _ERROR, 422: _ERROR, 503: _ERROR})
    async def decide_batch(request: Request,
                           principal: Annotated[Principal, Depends(require("policy_owner"))],
                           program: Annotated[str, Query(max_length=100)],
                           fiscal_year: Annotated[int, Query(ge=1900, le=2200)],
                           version: Annotated[int | None, Query(ge=1)] = None) -> Response:
        """Decide every line under the version in force, record each decision in the log (one group commit),
        and answer one line per input line: the batch output row, or that line's error."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_HTTP_BYTES:
            raise invalid("body_too_large", f"本文が大きすぎます（上限 {MAX_HTTP_BYTES:,} バイト）",
                          f"the body is larger than {MAX_HTTP_BYTES:,} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_HTTP_BYTES:
                raise invalid("body_too_large", f"本文が大きすぎます（上限 {MAX_HTTP_BYTES:,} バイト）",
                              f"the body is larger than {MAX_HTTP_BYTES:,} bytes")
            chunks.append(chunk)
        lines = b"".join(chunks).split(b"\n")
        if sum(1 for line in lines if line.strip()) > MAX_HTTP_ROWS:
            raise invalid("batch_too_large", f"行が多すぎます（上限 {MAX_HTTP_ROWS:,} 行。大きな表は hojo batch で）",
                          f"more than {MAX_HTTP_ROWS:,} lines (use `hojo batch` for larger tables)")
        service = BatchService(request.app.state.service)
        rv = service.select(program, fiscal_year, version)
        # Deciding and recording are CPU and disk work: off the event loop, in the worker thread pool.
        from starlette.concurrency import run_in_threadpool

        def decide() -> tuple[list[dict[str, Any]], dict[str, Any]]:
            ids, facts, errors = service.parse_lines(lines)
            return service.decide_rows(rv, fiscal_year, ids, facts, errors, principal.name)

        rows, summary = await run_in_threadpool(decide)
        return Response("".join(jsonl(rows)), media_type="application/x-ndjson",
                        headers={"x-hojo-batch-id": summary["batch_id"], "x-hojo-columnar": str(summary["columnar"]),
                                 "x-hojo-per-record": str(summary["per_record"]),
                                 "x-hojo-invalid": str(summary["invalid"])})

    return api
