"""Reads a JSON request body strictly (``service.kernel.strict_json``), refusing an oversized body before reading it."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ..kernel.strict_json import MAX_BODY_BYTES, parse_json, too_large

__all__ = ["MAX_BODY_BYTES", "json_body", "parse_json"]

async def json_body(request: Request) -> Any:
    """Return the parsed body (a FastAPI dependency; the route itself stays a sync ``def``)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large()
        chunks.append(chunk)
    return parse_json(b"".join(chunks))
