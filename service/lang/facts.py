"""Validation of requests and facts against JSON Schema 2020-12, with one located problem per error.

Stricter than plain jsonschema in two ways that matter for money: ``integer`` does not accept ``1.0``
(JSON Schema would), and strings are NFKC-normalised first, so ``"４p"`` and ``"4p"`` are the same
category (the engine compares bytes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, cast

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from ..kernel.errors import Problem

__all__ = ["StrictValidator", "normalize", "problems_of", "json_path"]

_type_checker = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool))
StrictValidator: Any = validators.extend(Draft202012Validator, type_checker=_type_checker)  # type: ignore[no-untyped-call]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TYPE_JA = {"integer": "整数", "boolean": "真偽値（true / false）", "array": "配列", "object": "オブジェクト",
            "string": "文字列", "number": "数値", "null": "null"}


def normalize(value: Any) -> Any:
    """Return ``value`` with every string (keys included) in NFKC form."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {normalize(k): normalize(v) for k, v in value.items()}
    return value


def json_path(parts: Iterable[str | int], root: str = "$") -> str:
    """Return a JSONPath such as ``$.facts.categories[1]``."""
    out = root
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{part}"
        else:
            out += "['" + part.replace("'", "\\'") + "']"
    return out


def _title(schema: Mapping[str, Any], name: str) -> str:
    prop = schema.get("properties", {}).get(name, {})
    return f"{name}（{prop['title']}）" if isinstance(prop, Mapping) and "title" in prop else name


def _problem(error: ValidationError, root: str) -> list[Problem]:
    path = json_path(error.absolute_path, root)
    # jsonschema types these as possibly "Unset"; on a reported error they are always set.
    kw, expected, value = str(error.validator), cast(Any, error.validator_value), cast(Any, error.instance)
    schema = cast(Mapping[str, Any], error.schema)
    if kw == "required":
        present = value if isinstance(value, Mapping) else {}
        return [Problem(json_path([*error.absolute_path, name], root), "missing",
                        f"必須の項目 {_title(schema, name)} がありません", f"required field '{name}' is missing")
                for name in expected if name not in present]
    if kw == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        extra = [k for k in value if k not in allowed] if isinstance(value, Mapping) else []
        known = ", ".join(sorted(allowed))
        return [Problem(json_path([*error.absolute_path, key], root), "unknown_field",
                        f"未知の項目「{key}」です（使える項目: {known}）",
                        f"unknown field '{key}' (allowed: {known})") for key in extra]
    if kw == "type":
        wanted = expected if isinstance(expected, str) else "/".join(expected)
        if wanted == "integer" and isinstance(value, float):
            return [Problem(path, "not_integer", f"小数 {value!r} は使えません。整数で指定してください",
                            f"{value!r} is not an integer: amounts and counts are whole numbers")]
        return [Problem(path, "type", f"{_TYPE_JA.get(wanted, wanted)}でなければなりません（値: {value!r}）",
                        f"must be of type {wanted} (got {value!r})")]
    if kw in ("enum", "const"):
        allowed_values = expected if kw == "enum" else [expected]
        shown = ", ".join(repr(v) for v in allowed_values)
        return [Problem(path, "not_allowed", f"{value!r} は使えません（使える値: {shown}）",
                        f"{value!r} is not allowed (allowed: {shown})")]
    messages = {
        "minimum": (f"{expected} 以上でなければなりません（値: {value!r}）",
                    f"must be at least {expected} (got {value!r})"),
        "maximum": (f"{expected} 以下でなければなりません（値: {value!r}）",
                    f"must be at most {expected} (got {value!r})"),
        "uniqueItems": ("同じ値が重複しています", "items must not repeat"),
        "maxItems": (f"要素は {expected} 個以下にしてください", f"at most {expected} items"),
        "minItems": (f"要素は {expected} 個以上必要です", f"at least {expected} items"),
        "maxProperties": (f"項目は {expected} 個以下にしてください", f"at most {expected} fields"),
        "pattern": (f"形式が正しくありません（{expected}）", f"does not match the pattern {expected}"),
        "minLength": (f"{expected} 文字以上必要です", f"at least {expected} characters"),
        "maxLength": (f"{expected} 文字以下にしてください", f"at most {expected} characters"),
    }
    ja, en = messages.get(kw, (f"形式が正しくありません: {error.message}", error.message))
    return [Problem(path, kw if kw in messages else "invalid", ja, en)]


def problems_of(validator: Validator, instance: Any, root: str = "$") -> list[Problem]:
    """Return every problem of ``instance``, in document order, each located by its JSON path."""
    problems = {p for error in validator.iter_errors(instance) for p in _problem(error, root)}
    return sorted(problems, key=lambda p: (p.path, p.code))
