"""The engine's memo (service/engine.py ``_Equivalence``) beside the engine itself, on every rule version.

A remembered answer is returned for a fact whose key equals the key of a fact the engine answered before. That
is right only if the key is an exact equivalence of what the engine reads. Two seeded, randomised checks per
version, each against ``DecisionEngine.ask`` (the engine, never the memo):

1. **pairs of one class**: an engine fact drawn slot by slot (absent, a boolean, an int at, below or above
   every constant the patterns compare the slot with, or anywhere), and a second fact drawn independently
   inside each slot's interval, kept when its key is the first one's (the order of two compared slots may
   have changed): the engine must answer both alike. Every pair differs in at least one int (else it
   proves nothing).
2. **the decision path**: the ~300 generated cases of test_differential and ~2,000 recombined fact sets per
   version (test_columnar's generator), flattened as ``Decider.decide`` flattens them, evaluated through the
   memo in one pass: each memo answer equals the engine's own answer for that fact, and most answers came
   from the memo for a different fact (so the comparison is not vacuous).

The seed of each version is printed; a mismatch shows the facts.
"""

from __future__ import annotations

import json
import random
import sys
from bisect import bisect_left
from typing import Any

import pytest

from service.core.decide import derive_values
from service.engine import _EXACT, DecisionEngine, _Equivalence
from service.rulebook.conditions import to_durable

from .test_columnar import recombined
from .test_differential import PROBE, SEED, VERSIONS, cases_for

PAIRS_PER_VERSION = 400
RECOMBINED_PER_VERSION = 2000


def engine_and_name(name: str) -> tuple[DecisionEngine, str]:
    rv = VERSIONS[name]
    return PROBE.engine, PROBE._engine_name(rv)


def slot_plan(engine: DecisionEngine, engine_name: str) -> list[tuple[str, tuple[int, ...] | None]]:
    equivalence = engine._equivalences[engine_name]
    return [(slot, thresholds) for slot, thresholds, _ in equivalence._slots]


def draw(rng: random.Random, thresholds: tuple[int, ...] | None) -> Any:
    """A value for one slot: absent, a boolean, an int at or next to a constant, or anywhere."""
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.3:
        return rng.choice((True, False))
    if thresholds and roll < 0.85:
        return rng.choice(thresholds) + rng.choice((-2, -1, 0, 0, 1, 2))
    return rng.choice((rng.randint(-3, 3), rng.randint(-10**6, 10**9), rng.randint(-(2**60), 2**60)))


def same_class(rng: random.Random, value: Any, thresholds: tuple[int, ...] | None) -> Any:
    """Another value of the same key for this slot: any int of the same interval between constants."""
    if value is None or isinstance(value, bool) or thresholds is None or value in thresholds:
        return value
    index = bisect_left(thresholds, value)  # value lies strictly between thresholds[index-1] and thresholds[index]
    low = thresholds[index - 1] + 1 if index > 0 else -(_EXACT - 1)
    high = thresholds[index] - 1 if index < len(thresholds) else _EXACT - 1
    return rng.choice((low, high, rng.randint(low, high)))


def as_fact(plan: list[tuple[str, tuple[int, ...] | None]], values: list[Any]) -> dict[str, int | bool]:
    return {slot: value for (slot, _), value in zip(plan, values, strict=True) if value is not None}


def test_every_rule_version_has_a_modelled_equivalence() -> None:
    # Otherwise the memo silently does nothing for that version (every fact is asked of the engine).
    missing = [name for name in VERSIONS if engine_and_name(name)[1] not in PROBE.engine._equivalences]
    assert missing == []


def has_wide_classes(name: str) -> bool:
    """Whether a class of this version holds more than one engine fact (an int slot or a compared pair)."""
    engine, engine_name = engine_and_name(name)
    equivalence = engine._equivalences.get(engine_name)
    return equivalence is not None and (bool(equivalence._pairs) or any(t for _, t, _ in equivalence._slots))


#: the other versions compare only booleans and presence: each class is one fact, nothing to prove in pairs
WIDE = [name for name in VERSIONS if has_wide_classes(name)]


def test_the_pair_test_covers_the_versions_with_int_comparisons() -> None:
    assert len(WIDE) >= 20
    assert "kokuho_healthup_municipal@2" in WIDE  # slot-to-slot: the designation cap


@pytest.mark.parametrize("name", WIDE)
def test_two_facts_of_one_class_get_the_same_answer_from_the_engine(name: str) -> None:
    seed = f"{SEED}:memo-pairs:{name}"
    sys.stdout.write(f"memo pairs seed {seed!r}, {PAIRS_PER_VERSION} pairs\n")
    rng = random.Random(seed)
    engine, engine_name = engine_and_name(name)
    plan = slot_plan(engine, engine_name)
    equivalence = engine._equivalences[engine_name]
    wrong, compared, drawn = [], 0, 0
    while compared < PAIRS_PER_VERSION and drawn < 50 * PAIRS_PER_VERSION:
        drawn += 1
        values = [draw(rng, thresholds) for _, thresholds in plan]
        partner = [same_class(rng, value, thresholds) for value, (_, thresholds) in zip(values, plan, strict=True)]
        first, second = as_fact(plan, values), as_fact(plan, partner)
        if first == second:
            continue
        key = equivalence.key(first)
        if key is None or equivalence.key(second) != key:  # beyond ±2**53 (never remembered), or another class
            continue
        compared += 1
        answers = engine.ask(engine_name, first), engine.ask(engine_name, second)
        if answers[0] != answers[1]:
            wrong.append({"first": first, "second": second, "answers": [sorted(a) for a in answers]})
            if len(wrong) >= 3:
                break
    assert not wrong, f"seed {seed!r}: " + json.dumps(wrong, ensure_ascii=False)
    assert compared == PAIRS_PER_VERSION


@pytest.mark.parametrize("name", list(VERSIONS))
def test_the_memo_answers_what_the_engine_answers_on_the_decision_path(name: str) -> None:
    seed = f"{SEED}:columnar:{name}"  # recombined() is test_columnar's generator, with its own seed text
    sys.stdout.write(f"memo decision-path seed {seed!r}, {RECOMBINED_PER_VERSION} recombined fact sets\n")
    rv = VERSIONS[name]
    rows = [case.facts for case in cases_for(name)] + recombined(name, RECOMBINED_PER_VERSION, random.Random(seed))
    engine = DecisionEngine()  # a memo of its own, empty at the start
    engine_name = PROBE._engine_name(rv)
    engine.register(engine_name, {rule: to_durable(node) for rule, node in rv.engine_rules.items()})
    first_fact: dict[Any, dict[str, int | bool]] = {}
    equivalence = engine._equivalences[engine_name]
    wrong, remembered_before, from_another_fact = [], 0, 0
    for facts in rows:
        derived, _ = derive_values(rv, facts)
        fact = rv.slots.flatten(facts, derived, rv.wanted_slots)
        key = equivalence.key(fact)
        remembered_before += key in first_fact
        if key in first_fact and first_fact[key] != fact:
            from_another_fact += 1
        first_fact.setdefault(key, fact)
        remembered, asked = engine.evaluate(engine_name, fact), engine.ask(engine_name, fact)
        if remembered != asked:
            wrong.append({"facts": facts, "engine_fact": fact, "first_of_its_class": first_fact[key],
                          "memo": sorted(remembered), "engine": sorted(asked)})
            if len(wrong) >= 3:
                break
    assert not wrong, f"seed {seed!r}: " + json.dumps(wrong, ensure_ascii=False)
    assert remembered_before > len(rows) // 4, (remembered_before, len(rows))
    if equivalence._pairs or any(thresholds for _, thresholds, _ in equivalence._slots):  # else a class is one fact
        assert from_another_fact > 0, (from_another_fact, len(rows))


def test_the_key_separates_each_side_of_a_constant() -> None:
    equivalence = _Equivalence.of({"small": {"$lt": {"n": 10}}, "ten": {"n": 10}, "flag": {"b": True},
                                   "pair": {"$lte": {"n": {"$m": "m"}}}, "seen": {"$ex": {"p": 1}}})
    assert equivalence is not None
    keys = [equivalence.key({"n": n}) for n in (9, 10, 11)]
    assert len(set(keys)) == 3
    assert equivalence.key({"n": -5}) == equivalence.key({"n": 9})  # one interval below the only constant
    # n is also compared with another slot, so its key is its value; and True is not 1.
    assert _Equivalence.of({"pair": {"$lte": {"n": {"$m": "m"}}}}).key({"n": 1}) != \
        _Equivalence.of({"pair": {"$lte": {"n": {"$m": "m"}}}}).key({"n": True})
    assert equivalence.key({"b": True}) != equivalence.key({"b": 1})
    assert equivalence.key({"p": True}) != equivalence.key({})
    assert equivalence.key({"n": 2**53}) is None  # asked of the engine, never remembered


def test_a_pattern_it_does_not_model_turns_the_memo_off() -> None:
    assert _Equivalence.of({"regex": {"$mt": {"name": ".*市"}}}) is None
    assert _Equivalence.of({"nested": {"$gt": {"a.b": 1}}}) is None
    assert _Equivalence.of({"text": {"kind": "市"}}) is None
    engine = DecisionEngine()
    engine.register("regex@1", {"small": {"$lt": {"n": 10}}, "odd": {"$mt": {"name": ".*市"}}})
    assert "regex@1" not in engine._equivalences
    assert engine.evaluate("regex@1", {"n": 3}) == {"small"}


def test_the_memo_is_bounded_and_forgets_the_oldest() -> None:
    engine = DecisionEngine(memo_size=4)
    # a is compared with a boolean as well, so each int is its own class: the C core takes 1 for true
    engine.register("exact@1", {"small": {"$lt": {"a": 5}}, "yes": {"a": True}})
    for a in range(10):
        assert engine.evaluate("exact@1", {"a": a}) == ({"small"} if a < 5 else set()) | ({"yes"} if a == 1 else set())
    memo = engine._memos["exact@1"]
    assert len(memo) == 4
    assert sorted(memo) == [(6,), (7,), (8,), (9,)]
    engine.forget()
    assert memo == {}


def test_memo_size_zero_asks_the_engine_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = DecisionEngine(memo_size=0)
    engine.register("demo@1", {"small": {"$lt": {"n": 10}}})
    calls = []
    real = engine._ask
    monkeypatch.setattr(engine, "_ask", lambda name, fact: calls.append(fact) or real(name, fact))
    for _ in range(3):
        assert engine.evaluate("demo@1", {"n": 3}) == {"small"}
    assert len(calls) == 3
    remembering = DecisionEngine()
    remembering.register("demo@1", {"small": {"$lt": {"n": 10}}})
    real2, calls2 = remembering._ask, []
    monkeypatch.setattr(remembering, "_ask", lambda name, fact: calls2.append(fact) or real2(name, fact))
    for n in (3, 4, -7, 3, 10, 12):
        remembering.evaluate("demo@1", {"n": n})
    assert calls2 == [{"n": 3}, {"n": 10}, {"n": 12}]
