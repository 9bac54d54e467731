"""Canonical JSON and hashes: the byte form in which facts, decisions and log records are compared."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["canonical_json", "diff", "sha256_hex"]


def canonical_json(value: Any) -> str:
    """Return ``value`` as JSON with sorted keys, no spaces and UTF-8 text (RFC 8785 in spirit).

    Examples:
        >>> canonical_json({"b": 1, "a": ["補助", True]})
        '{"a":["補助",true],"b":1}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff(recorded: Any, replayed: Any, path: str = "$") -> list[dict[str, Any]]:
    """Return every place where two JSON values differ, as ``{path, recorded, replayed}``."""
    if isinstance(recorded, Mapping) and isinstance(replayed, Mapping):
        out = []
        for key in sorted(set(recorded) | set(replayed)):
            if key not in recorded or key not in replayed:
                out.append({"path": f"{path}.{key}", "recorded": recorded.get(key), "replayed": replayed.get(key)})
            else:
                out += diff(recorded[key], replayed[key], f"{path}.{key}")
        return out
    if isinstance(recorded, list) and isinstance(replayed, list) and len(recorded) == len(replayed):
        return [d for i, (a, b) in enumerate(zip(recorded, replayed, strict=True)) for d in diff(a, b, f"{path}[{i}]")]
    if canonical_json(recorded) != canonical_json(replayed):
        return [{"path": path, "recorded": recorded, "replayed": replayed}]
    return []
