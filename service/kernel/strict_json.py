"""Strict JSON text for applications, shared by the HTTP API and the CLI.

Size-limited, no NaN/Infinity, no duplicate keys, and at most ``MAX_DEPTH`` levels of nesting: facts are
flat records, and a deeply nested value would otherwise parse and then exhaust the interpreter's
recursion limit in the code that normalises it (a 500 instead of a 422).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from .errors import InvalidRequestError, PayloadTooLargeError, Problem

__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "invalid", "parse_json", "too_large"]

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 32


def invalid(code: str, ja: str, en: str) -> InvalidRequestError:
    return InvalidRequestError(ja, en, code=code, problems=[Problem("$", code, ja, en)])


def too_large() -> PayloadTooLargeError:
    ja = f"本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）"
    en = f"the body is larger than {MAX_BODY_BYTES:,} bytes"
    return PayloadTooLargeError(ja, en, code="body_too_large", problems=[Problem("$", "body_too_large", ja, en)])


def _key_path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if key.isidentifier() and key.isascii() else f"{parent}['{key}']"


def _nfkc_collisions(document: Any) -> list[Problem]:
    """Keys of one object that differ as typed but are equal after NFKC (``ｉｎｓｕｒｅｄ_count``).

    Facts are NFKC-normalised before they are checked, so such keys would become one, the later silently winning.
    """
    problems, stack = [], [(document, "$")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            seen: dict[str, str] = {}
            for key, value in node.items():
                folded = unicodedata.normalize("NFKC", key)
                if folded in seen:
                    first, second = _key_path(path, seen[folded]), _key_path(path, key)
                    problems.append(Problem(second, "duplicate_key",
                                            f"キー「{key}」は {first} と同じキーです（全角・半角は区別しません）",
                                            f"key '{key}' is the same as {first} once normalised (NFKC)"))
                else:
                    seen[folded] = key
                stack.append((value, _key_path(path, key)))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(node))
    return problems


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
        raise too_large()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise invalid("invalid_json", f"UTF-8 として読めません（{exc.start} バイト目）",
                      f"not UTF-8: {exc}") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        # The parser's own words are English: the Japanese message says where, not what it said.
        raise invalid("invalid_json", f"JSON として読めません（{exc.lineno} 行 {exc.colno} 文字目）",
                      f"not valid JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise invalid("invalid_json", "JSON として読めません", f"not valid JSON: {exc}") from None
    if _depth(document) > MAX_DEPTH:
        raise invalid("too_deep", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）",
                      f"the JSON is nested more than {MAX_DEPTH} levels deep")
    collisions = _nfkc_collisions(document)
    if collisions:
        raise InvalidRequestError("正規化すると同じになるキーがあります", "keys that are equal once normalised (NFKC)",
                                  code="duplicate_key", problems=collisions)
    return document
