"""Reads a JSON request body strictly: size-limited, no NaN/Infinity, no duplicate keys."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from ..errors import InvalidRequestError, Problem

__all__ = ["MAX_BODY_BYTES", "json_body"]

MAX_BODY_BYTES = 1_000_000


def _invalid(code: str, ja: str, en: str) -> InvalidRequestError:
    return InvalidRequestError(ja, en, code=code, problems=[Problem("$", code, ja, en)])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _invalid("duplicate_key", f"キー「{key}」が重複しています", f"duplicate key '{key}'")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _invalid("not_a_number", f"{name} は使えません", f"{name} is not allowed in JSON")


def parse_json(raw: bytes) -> Any:
    if len(raw) > MAX_BODY_BYTES:
        raise _invalid("body_too_large", f"本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）",
                       f"the body is larger than {MAX_BODY_BYTES:,} bytes")
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _invalid("invalid_json", f"JSON として読めません: {exc}", f"not valid JSON: {exc}") from None


async def json_body(request: Request) -> Any:
    """Return the parsed body (a FastAPI dependency; the route itself stays a sync ``def``)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _invalid("body_too_large", f"本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）",
                       f"the body is larger than {MAX_BODY_BYTES:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _invalid("body_too_large", f"本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）",
                           f"the body is larger than {MAX_BODY_BYTES:,} bytes")
        chunks.append(chunk)
    return parse_json(b"".join(chunks))
