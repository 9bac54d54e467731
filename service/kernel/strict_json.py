"""Strict JSON text for applications, shared by the HTTP API and the CLI.

Size-limited, no NaN/Infinity, no duplicate keys, and at most ``MAX_DEPTH`` levels of nesting: facts are
flat records, and a deeply nested value would otherwise parse and then exhaust the interpreter's
recursion limit in the code that normalises it (a 500 instead of a 422).
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InvalidRequestError, Problem

__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "invalid", "parse_json"]

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 32


def invalid(code: str, ja: str, en: str) -> InvalidRequestError:
    return InvalidRequestError(ja, en, code=code, problems=[Problem("$", code, ja, en)])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise invalid("duplicate_key", f"キー「{key}」が重複しています", f"duplicate key '{key}'")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise invalid("not_a_number", f"{name} は使えません", f"{name} is not allowed in JSON")


def _depth(value: Any) -> int:
    """Return the nesting depth of ``value`` without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def parse_json(raw: bytes) -> Any:
    """Return the parsed document, or raise :class:`InvalidRequestError` naming what is wrong."""
    if len(raw) > MAX_BODY_BYTES:
        raise invalid("body_too_large", f"本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）",
                      f"the body is larger than {MAX_BODY_BYTES:,} bytes")
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise invalid("invalid_json", f"JSON として読めません: {exc}", f"not valid JSON: {exc}") from None
    if _depth(document) > MAX_DEPTH:
        raise invalid("too_deep", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）",
                      f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return document
