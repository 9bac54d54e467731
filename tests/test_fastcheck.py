"""The compiled facts check never says "valid" where jsonschema says "invalid", for every rule version.

Fact sets come from the randomized differential generator (valid ones, near every edge) and from
mutants of them that break one thing each: a missing or unknown key, a wrong type, one past a bound, a
value outside an enum, a duplicate, a broken decimal, a bad list item. For each, ``fast → jsonschema``
must hold; and on the valid ones the fast path must actually answer (or it would save nothing).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from service.lang.facts import normalize
from service.lang.fastcheck import compile_schema
from tests.test_differential import VERSIONS, cases_for, facts_schema

WRONG_VALUES: list[Any] = ["x", "１２", 1.5, True, None, [], {}, -1, 2**64, "", "1e3", [None]]


def mutants(facts: Mapping[str, Any], schema: Mapping[str, Any], rng: random.Random) -> Iterator[dict[str, Any]]:
    props: Mapping[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        yield {k: v for k, v in facts.items() if k != name}
    yield {**facts, "unknown_fact": 1}
    for name, spec in props.items():
        for wrong in rng.sample(WRONG_VALUES, 4):
            yield {**facts, name: wrong}
        for word, step in (("minimum", -1), ("maximum", 1)):
            if word in spec:
                yield {**facts, name: spec[word] + step}
        if "enum" in spec:
            yield {**facts, name: "not_in_the_enum"}
        if spec.get("type") == "array":
            value = list(facts.get(name) or [])
            if value:
                yield {**facts, name: value + value[:1]}  # a duplicate
                broken = copy.deepcopy(value)
                if isinstance(broken[0], dict):
                    broken[0] = {**broken[0], "extra_field": 1}
                    yield {**facts, name: broken}
                    first = dict(value[0])
                    first.pop(next(iter(first)))
                    yield {**facts, name: [first, *value[1:]]}
                else:
                    yield {**facts, name: [*value, "not_an_item"]}
            yield {**facts, name: ["x"] * 60}
        if spec.get("type") == "string" and "pattern" in spec:
            yield {**facts, name: "1.2.3"}
            yield {**facts, name: "5.0%%"}


@pytest.mark.parametrize("name", list(VERSIONS))
def test_the_fast_check_only_says_valid_when_jsonschema_does(name: str) -> None:
    rv = VERSIONS[name]
    assert rv.facts_fast_check is not None, f"{name}: its facts schema is not compiled, so it is slow"
    schema = facts_schema(rv)
    rng = random.Random(f"fastcheck:{name}")
    answered = valid = 0
    for case in cases_for(name):
        facts = normalize(case.facts)
        assert rv.facts_validator.is_valid(facts)
        valid += 1
        answered += rv.facts_fast_check(facts)
        for mutant in mutants(facts, schema, rng):
            mutant = normalize(mutant)
            if rv.facts_fast_check(mutant):
                assert rv.facts_validator.is_valid(mutant), f"{name}: fast check accepted invalid {mutant}"
    assert answered == valid, f"{name}: the fast path answered only {answered} of {valid} valid fact sets"


def test_what_cannot_be_compiled_is_left_to_jsonschema() -> None:
    assert compile_schema({"$ref": "#/$defs/x"}) is None
    assert compile_schema({"type": "object", "allOf": [{"required": ["a"]}]}) is None
    assert compile_schema({"enum": [1, 2]}) is None  # numeric enums: jsonschema's equality rules
    assert compile_schema({"if": {"properties": {"n": {"minimum": 3}}}, "then": {"required": ["x"]}}) is None
    check = compile_schema({"type": "object", "properties": {"flag": {"type": "boolean"}},
                            "if": {"properties": {"flag": {"const": True}}, "required": ["flag"]},
                            "then": {"required": ["count"]}})
    assert check is not None
    assert check({"flag": False}) and check({"flag": True, "count": 1}) and not check({"flag": True})
    assert not check({"flag": 1})  # 1 is not the boolean the if asks about: unsure, so jsonschema decides
