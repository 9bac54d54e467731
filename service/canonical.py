"""Canonical JSON and hashes: the byte form in which facts, decisions and log records are compared."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_json", "sha256_hex"]


def canonical_json(value: Any) -> str:
    """Return ``value`` as JSON with sorted keys, no spaces and UTF-8 text (RFC 8785 in spirit).

    Examples:
        >>> canonical_json({"b": 1, "a": ["補助", True]})
        '{"a":["補助",true],"b":1}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
