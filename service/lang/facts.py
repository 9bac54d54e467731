"""Validation of requests and facts against JSON Schema 2020-12, with one located problem per error.

Stricter than plain jsonschema in two ways that matter for money: ``integer`` does not accept ``1.0``
(JSON Schema would), and strings are NFKC-normalised first, so ``"４p"`` and ``"4p"`` are the same
category (the engine compares bytes).
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, cast

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from ..kernel.errors import Problem

__all__ = ["MAX_LISTED", "StrictValidator", "did_you_mean", "normalize", "problems_of", "json_path"]

#: at most this many problems are listed; the rest are counted ("and N more"), up to MAX_COUNTED
MAX_LISTED = 30
MAX_COUNTED = 1000
#: a list in a request without its own maxItems is refused above this length, before it is validated
MAX_ITEMS = 1000


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """The closest known name to a mistyped one, if any is close (``insured_cont`` → ``insured_count``)."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else None

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
        out = []
        for key in extra:
            guess = did_you_mean(key, allowed)
            out.append(Problem(json_path([*error.absolute_path, key], root), "unknown_field",
                               f"未知の項目「{key}」です（もしかして「{guess}」？）" if guess
                               else f"未知の項目「{key}」です（使える項目: {known}）",
                               f"unknown field '{key}' (did you mean '{guess}'?)" if guess
                               else f"unknown field '{key}' (allowed: {known})"))
        return out
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
    ja, en = messages.get(kw, (f"形式が正しくありません（{kw}）", error.message))
    return [Problem(path, kw if kw in messages else "invalid", ja, en)]


def _too_long(schema: Mapping[str, Any], instance: Any, root: str) -> list[Problem]:
    """Lists and strings of an object over their length limit, found before any item is validated.

    A hostile request of 100,000 list items would otherwise cost seconds of CPU while jsonschema names
    every failing item; a list whose schema sets no ``maxItems`` is held to :data:`MAX_ITEMS`.
    """
    if not isinstance(instance, Mapping) or not isinstance(schema.get("properties"), Mapping):
        return []
    problems = []
    for name, value in instance.items():
        prop = schema["properties"].get(name)
        if isinstance(value, list):
            limit = prop.get("maxItems", MAX_ITEMS) if isinstance(prop, Mapping) else MAX_ITEMS
            if len(value) > limit:
                problems.append(Problem(json_path([name], root), "maxItems",
                                        f"要素は {limit} 個以下にしてください（{len(value):,} 個あります）",
                                        f"at most {limit} items (got {len(value):,})"))
        elif isinstance(value, str) and isinstance(prop, Mapping) and len(value) > prop.get("maxLength", 10_000):
            limit = prop.get("maxLength", 10_000)
            problems.append(Problem(json_path([name], root), "maxLength", f"{limit} 文字以下にしてください",
                                    f"at most {limit} characters"))
    return problems


def problems_of(validator: Validator, instance: Any, root: str = "$",
                schema: Mapping[str, Any] | None = None) -> list[Problem]:
    """Return the problems of ``instance``, in document order, each located by its JSON path.

    Length limits are checked first, and at most :data:`MAX_LISTED` problems are listed, followed by one
    that counts the rest: the cost of a refusal stays bounded whatever the request holds.
    """
    if schema is None:  # the schema itself, when the validator's root is only a $ref to it
        schema = validator.schema if isinstance(validator.schema, Mapping) else {}
    early = _too_long(schema, instance, root)
    if early:
        return early
    found: set[Problem] = set()
    for error in itertools.islice(validator.iter_errors(instance), MAX_COUNTED):
        found.update(_problem(error, root))
    problems = sorted(found, key=lambda p: (p.path, p.code))
    if len(problems) > MAX_LISTED:
        rest = len(problems) - MAX_LISTED
        more = "+" if len(found) >= MAX_COUNTED else ""
        problems = [*problems[:MAX_LISTED],
                    Problem(root, "more_problems", f"ほかに {rest}{more} 件の問題があります",
                            f"and {rest}{more} more problems")]
    return problems
