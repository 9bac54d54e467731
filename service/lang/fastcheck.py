"""A fast yes for valid facts: a facts schema compiled to plain Python checks, ahead of jsonschema.

jsonschema takes about 75–100 µs to validate one application (a third of a decision). Facts schemas use
a small set of keywords, so a schema made only of those is compiled here to nested closures that answer
"valid" in a few microseconds. The compiled check may only say **valid** when jsonschema would: it is
conservative — a keyword it does not know, a ``$ref``, an ``allOf``, an ``if`` that is more than
required names and string/boolean constants makes :func:`compile_schema` return None, and any doubt at
run time answers False. False never means "invalid": the caller then runs jsonschema, which decides and names each
problem with its path. ``tests/test_fastcheck.py`` compares both on randomized and hostile facts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "compile_schema"]

Check = Callable[[Any], bool]

#: keywords that only annotate: they never make an instance invalid (x-*: hojo's titles in English,
#: descriptions in both languages, and who may apply; see rules/README.md)
_ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default", "$schema", "$id", "readOnly",
                          "writeOnly", "deprecated", "x-title-en", "x-description-ja", "x-description-en",
                          "x-applicants"})
_KNOWN = frozenset({"type", "properties", "required", "additionalProperties", "minimum", "maximum", "enum", "items",
                    "uniqueItems", "minItems", "maxItems", "pattern", "minLength", "maxLength",
                    "dependentRequired", "if", "then", "else"}) | _ANNOTATIONS

_TYPES: dict[str, Callable[[Any], bool]] = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),  # the service's strict integer
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


class _Unsupported(Exception):
    pass


def compile_schema(schema: Mapping[str, Any]) -> Check | None:
    """Return a check that says True only for instances ``schema`` accepts, or None if it cannot be compiled."""
    try:
        return _compile(schema)
    except _Unsupported:
        return None


def _bounded(test: Callable[[Any], bool], measure: Callable[[Any], Any], low: Any, high: Any) -> Check:
    """A check that applies ``low <= measure(v) <= high`` to values ``test`` accepts, and ignores others."""
    def check(value: Any) -> bool:
        if not test(value):
            return True
        measured = measure(value)
        return (low is None or measured >= low) and (high is None or measured <= high)
    return check


def _integer_bound(schema: Mapping[str, Any], word: str) -> int | None:
    bound = schema.get(word)
    if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
        raise _Unsupported
    return bound


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda _: True
    if not isinstance(schema, Mapping) or set(schema) - _KNOWN:
        raise _Unsupported
    checks: list[Check] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if any(name not in _TYPES for name in names):
            raise _Unsupported
        tests = [_TYPES[name] for name in names]
        checks.append(lambda v: any(test(v) for test in tests))
    if "enum" in schema:
        members = list(schema["enum"])
        if not all(isinstance(m, str) for m in members):
            raise _Unsupported  # numbers and booleans compare with subtle rules in jsonschema: leave them to it
        allowed = frozenset(members)
        checks.append(lambda v: isinstance(v, str) and v in allowed)
    if "minimum" in schema or "maximum" in schema:
        checks.append(_bounded(_TYPES["number"], lambda v: v, _integer_bound(schema, "minimum"),
                               _integer_bound(schema, "maximum")))
    if "minLength" in schema or "maxLength" in schema:
        checks.append(_bounded(_TYPES["string"], len, _integer_bound(schema, "minLength"),
                               _integer_bound(schema, "maxLength")))
    if "minItems" in schema or "maxItems" in schema:
        checks.append(_bounded(_TYPES["array"], len, _integer_bound(schema, "minItems"),
                               _integer_bound(schema, "maxItems")))
    if "pattern" in schema:
        regex = re.compile(schema["pattern"])
        checks.append(lambda v: not isinstance(v, str) or regex.search(v) is not None)
    if "items" in schema:
        item = _compile(schema["items"])
        checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
    if schema.get("uniqueItems") is True:
        checks.append(lambda v: not isinstance(v, list) or _distinct_strings(v))
    elif "uniqueItems" in schema and schema["uniqueItems"] is not False:
        raise _Unsupported
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        checks.append(_object_check(schema))
    if "dependentRequired" in schema:
        checks.append(_dependent_required(schema["dependentRequired"]))
    if "if" in schema:
        checks.append(_conditional(schema))
    return lambda v: all(check(v) for check in checks)


def _dependent_required(rules: Mapping[str, list[str]]) -> Check:
    def check(value: Any) -> bool:
        return not isinstance(value, dict) or all(
            all(needed in value for needed in needs) for name, needs in rules.items() if name in value)
    return check


def _conditional(schema: Mapping[str, Any]) -> Check:
    """``if``/``then``/``else``; the ``if`` must be decided exactly, so only a simple one is compiled."""
    condition = _exact_condition(schema["if"])
    then = _compile(schema.get("then", True))
    otherwise = _compile(schema.get("else", True))

    def check(value: Any) -> bool:
        holds = condition(value)
        if holds is None:
            return False  # not sure which branch applies: let jsonschema decide
        return then(value) if holds else otherwise(value)
    return check


def _exact_condition(schema: Any) -> Callable[[Any], bool | None]:
    """An ``if`` of ``required`` names and properties with a string or boolean ``const``/string ``enum``.

    Answers True or False exactly as jsonschema would, or None where the types make it unsure.
    """
    if not isinstance(schema, Mapping) or set(schema) - {"properties", "required"}:
        raise _Unsupported
    required = tuple(schema.get("required", ()))
    wanted: dict[str, tuple[str, Any]] = {}
    for name, sub in schema.get("properties", {}).items():
        if set(sub) == {"const"} and isinstance(sub["const"], (bool, str)):
            wanted[name] = ("const", sub["const"])
        elif set(sub) == {"enum"} and all(isinstance(m, str) for m in sub["enum"]):
            wanted[name] = ("enum", frozenset(sub["enum"]))
        else:
            raise _Unsupported

    def condition(value: Any) -> bool | None:
        if not isinstance(value, dict):
            return None
        if any(name not in value for name in required):
            return False
        for name, (kind, expected) in wanted.items():
            if name not in value:
                continue
            given = value[name]
            if kind == "const":
                if type(given) is not type(expected):
                    return None
                if given != expected:
                    return False
            else:
                if not isinstance(given, str):
                    return None
                if given not in expected:
                    return False
        return True
    return condition


def _distinct_strings(items: list[Any]) -> bool:
    # Only lists of strings are judged here; anything else is left to jsonschema (answered False).
    return all(isinstance(x, str) for x in items) and len(set(items)) == len(items)


def _object_check(schema: Mapping[str, Any]) -> Check:
    properties = {name: _compile(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    if extra not in (True, False):
        raise _Unsupported

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True  # "type" decides; without it, these keywords ignore non-objects
        if any(name not in value for name in required):
            return False
        for name, field_value in value.items():
            sub = properties.get(name)
            if sub is None:
                if extra is False:
                    return False
            elif not sub(field_value):
                return False
        return True
    return check
