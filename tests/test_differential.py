"""Seeded, randomized differential test: durable_rules against the reference evaluator, for every rule version.

For each version loaded from ``rules/``, ~300 fact sets are generated from its facts schema: integers
concentrated around every band edge and comparison constant of the rule file, around every derived
value they are compared with (the 15% caps) and around the ceiling the decision computes; random
booleans; random subsets of the enum lists, sometimes in full-width characters (NFKC folds them back);
optional facts sometimes absent; the schema's if/then requirements respected. Each fact set must pass
``validate_facts``; then the rules the engine fires (reached exactly as ``Decider.decide`` reaches them)
must equal ``service.core.reference.fired_rules``, and ``Decider(differential=True).decide`` must not raise.

Any disagreement fails the run. (This test found that durable_rules matches a comparison whose
right-hand field is absent; the compiler now requires that field, see
``test_engine.test_a_slot_comparison_with_an_absent_right_side_is_not_met``.)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from service.core.decide import Decider, derive_values, validate_facts
from service.core.reference import fired_rules
from service.kernel.config import Paths
from service.kernel.errors import EngineDisagreementError
from service.lang.facts import normalize
from service.rulebook.conditions import Node, slots_used, to_durable
from service.rulebook.model import RuleVersion
from service.rulebook.registry import Rulebook

SEED = 20240401
CASES_PER_VERSION = 300
COMPARISON_WORDS = ("under", "at_most", "at_least", "over", "equals")

PATHS = Paths()
RULEBOOK = Rulebook.from_dir(PATHS.rules, PATHS.schemas, PATHS.seeds)
VERSIONS = {rv.name: rv for rv in sorted(RULEBOOK.all_versions(), key=lambda rv: rv.name)}
#: One decider for the whole module: every version is registered once, as at start-up.
DECIDER = Decider(RULEBOOK, differential=True)
#: A second one, without the differential check, to learn the ceiling of a fact set while generating.
PROBE = Decider(RULEBOOK)


@dataclass(frozen=True)
class Case:
    facts: dict[str, Any]  # validated and NFKC-normalised
    derived: dict[str, int | None]
    engine_fact: dict[str, int | bool]
    expected: frozenset[str]  # by the reference evaluator


@dataclass(frozen=True)
class Disagreement:
    case: Case
    engine_only: frozenset[str]
    reference_only: frozenset[str]


# --- what the rule file says: edges, relations between values, counted lists -----------------------------


def walk(node: Any) -> Iterator[Mapping[str, Any]]:
    """Yield every mapping inside a rule document."""
    if isinstance(node, Mapping):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer_edges(doc: Mapping[str, Any]) -> dict[str, set[int]]:
    """Return, per integer fact, every constant it is compared with and every band edge of its tables."""
    edges: dict[str, set[int]] = {}
    for node in walk(doc):
        if "fact" in node and isinstance(node["fact"], str):
            edges.setdefault(node["fact"], set()).update(node[w] for w in COMPARISON_WORDS if is_int(node.get(w)))
        if "bands" in node and "fact" in node.get("by", {}):
            for band in node["bands"]:
                edges.setdefault(node["by"]["fact"], set()).update(
                    band[w] for w in ("at_least", "under", "at_most", "over") if is_int(band.get(w)))
    return edges


def relations(doc: Mapping[str, Any]) -> list[tuple[Mapping[str, str], Mapping[str, str]]]:
    """Return the (left, right) operands of every comparison between two values, e.g. count ≤ 15% cap."""
    return [({k: node[k] for k in ("fact", "value") if k in node}, node[word])
            for node in walk(doc) if "fact" in node or "value" in node
            for word in COMPARISON_WORDS if isinstance(node.get(word), Mapping)]


def counted_lists(doc: Mapping[str, Any]) -> dict[str, str]:
    """Return derived value id → the list fact it counts (``{count: {fact: F}}``)."""
    return {item["id"]: item["value"]["count"]["fact"] for item in doc.get("derived", [])
            if "count" in item["value"] and "fact" in item["value"]["count"]}


def facts_schema(rv: RuleVersion) -> Mapping[str, Any]:
    """Return the (sub)schema the version's facts follow, e.g. ``…municipal.schema.json#/$defs/fy2024``."""
    file_name, _, pointer = rv.document["facts_schema"].partition("#")
    schema: Any = json.loads((PATHS.schemas / "facts" / file_name).read_text(encoding="utf-8"))
    for part in (p for p in pointer.split("/") if p):
        schema = schema[part]
    return dict(schema)


# --- generating one fact set ------------------------------------------------------------------------------


def is_decimal(spec: Mapping[str, Any]) -> bool:
    """A decimal-string fact ("10.70%", "1.5‰"): a string whose pattern allows a decimal point or a unit."""
    pattern = spec.get("pattern", "")
    return spec.get("type") == "string" and any(mark in pattern for mark in ("\\.", "%", "‰"))


def full_width(text: str) -> str:
    """Return ``text`` in full-width forms ("4p" → "４ｐ"), which NFKC folds back."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


class FactGenerator:
    """Random, schema-valid facts for one rule version; every choice comes from one seeded ``Random``."""

    def __init__(self, rv: RuleVersion, rng: random.Random) -> None:
        self.rv, self.rng = rv, rng
        self.schema = facts_schema(rv)
        self.props: Mapping[str, Mapping[str, Any]] = self.schema["properties"]
        self.edges = integer_edges(rv.document)
        self.relations = relations(rv.document)
        self.counted = counted_lists(rv.document)

    def generate(self) -> dict[str, Any]:
        required = set(self.schema.get("required", []))
        facts = {name: self.value(name) for name in self.props if name in required or self.rng.random() < 0.6}
        if "if" in self.schema and Draft202012Validator(self.schema["if"]).is_valid(facts):
            for name in self.schema["then"].get("required", []):
                facts.setdefault(name, self.value(name))
        self.nudge_relations(facts)
        return self.repaired(facts)

    def repaired(self, facts: dict[str, Any]) -> dict[str, Any]:
        """Add the facts a conditional requirement of the schema asks for (if/then, dependentRequired)."""
        for _ in range(5):
            missing = {m.group(1) for error in self.rv.facts_validator.iter_errors(normalize(facts))
                       for m in [re.match(r"'(\w+)' is (?:a required property|a dependency of)", error.message)]
                       if m and m.group(1) in self.props and m.group(1) not in facts}
            if not missing:
                return facts
            facts.update({name: self.value(name) for name in sorted(missing)})
        return facts

    def value(self, name: str) -> Any:
        return self.of_schema(name, self.props[name])

    def of_schema(self, name: str, spec: Mapping[str, Any]) -> Any:
        if "enum" in spec:  # a string enum (applicant types, periods)
            chosen = self.rng.choice(list(spec["enum"]))
            return full_width(chosen) if isinstance(chosen, str) and self.rng.random() < 0.1 else chosen
        if spec.get("type") == "boolean":
            return self.rng.random() < 0.6  # leaning true, so deep conjunctions (tier C) are reached too
        if spec.get("type") == "integer":
            return self.integer(name, spec)
        if is_decimal(spec):
            return self.decimal(spec)
        if spec.get("type") == "object":
            fields = spec.get("properties", {})
            required = set(spec.get("required", fields))
            return {key: self.of_schema(key, sub) for key, sub in fields.items()
                    if key in required or self.rng.random() < 0.6}
        if spec.get("type") == "array":
            size = self.rng.randint(spec.get("minItems", 0), min(spec.get("maxItems", 8), 8))
            items = spec.get("items", {})
            if items.get("type") in ("object", "integer") or is_decimal(items):
                return [self.of_schema(name, items) for _ in range(size)]
            return self.array(spec, size)
        raise AssertionError(f"{self.rv.name}: no generator for fact {name!r} ({spec})")

    def decimal(self, spec: Mapping[str, Any]) -> str:
        """A decimal string the pattern accepts ("4.5", "10.70%", "1.5‰"), often on a round number."""
        pattern = re.compile(spec["pattern"])
        whole = self.rng.choice([0, 1, 2, 3, 4, 5, 10, 20, 30, 50, 100, self.rng.randint(0, 200)])
        for text in (f"{whole}.{self.rng.randint(0, 99):02d}", f"{whole}.{self.rng.randint(0, 9)}", f"{whole}"):
            for suffix in ("", "%", "‰"):
                if pattern.fullmatch(text + suffix) and len(text + suffix) <= spec.get("maxLength", 99):
                    return text + suffix
        raise AssertionError(f"{self.rv.name}: cannot generate a decimal for pattern {spec['pattern']!r}")

    def integer(self, name: str, spec: Mapping[str, Any]) -> int:
        low, high = spec.get("minimum", 0), spec.get("maximum", 10**9)
        near_edges = sorted({e + d for e in self.edges.get(name, ()) for d in (-1, 0, 1)} | {low, high} | {
            low + 1, high - 1})
        near_edges = [n for n in near_edges if low <= n <= high]
        roll = self.rng.random()
        if roll < 0.5:
            return self.rng.choice(near_edges)
        if roll < 0.8:  # small numbers: where the 15% caps and designation counts change
            return self.rng.randint(low, min(high, low + 30))
        return min(high, max(low, int(10 ** self.rng.uniform(0, len(str(high))))))

    def array(self, spec: Mapping[str, Any], size: int) -> list[str]:
        items = spec["items"]
        if "enum" in items:
            chosen = self.rng.sample(list(items["enum"]), min(size, len(items["enum"])))
        else:  # 全国地方公共団体コード: distinct 5- or 6-digit strings
            codes = self.rng.sample(range(10000, 1000000), size)
            chosen = [f"{code:05d}" if code < 100000 and self.rng.random() < 0.5 else f"{code:06d}" for code in codes]
        # All items or none in full width: mixing could make two items equal after NFKC.
        return [full_width(item) for item in chosen] if self.rng.random() < 0.1 else chosen

    def nudge_relations(self, facts: dict[str, Any]) -> None:
        """Move the left side of each value-to-value comparison onto, just below or just above its right side."""
        for left, right in self.relations:
            derived, _ = derive_values(self.rv, facts)
            target = facts.get(right["fact"]) if "fact" in right else derived.get(right["value"])
            if not is_int(target) or self.rng.random() < 0.3:
                continue  # a missing right side stays missing: that case matters too
            wanted = max(0, target + self.rng.choice((-1, 0, 0, 1)))
            if "fact" in left and self.props[left["fact"]].get("type") == "integer":
                spec = self.props[left["fact"]]
                facts[left["fact"]] = min(spec.get("maximum", wanted), max(spec.get("minimum", 0), wanted))
            elif left.get("value") in self.counted:
                listed = self.counted[left["value"]]
                facts[listed] = self.array(self.props[listed], min(wanted, self.props[listed].get("maxItems", wanted)))

    def with_cost_near_the_ceiling(self, facts: dict[str, Any]) -> dict[str, Any]:
        """Sometimes set the eligible cost at, just below or just above the ceiling the decision computes."""
        if "eligible_cost_yen" not in self.props or self.rng.random() < 0.5:
            return facts
        if "eligible_cost_yen" in self.schema.get("required", []):
            return facts  # the cost is required: there is no ceiling to learn without it
        probe = dict(facts)
        probe.pop("eligible_cost_yen", None)
        cap = PROBE.decide(self.rv, validate_facts(self.rv, probe))["cap_yen"]
        if cap is None:
            return facts
        return {**facts, "eligible_cost_yen": max(0, cap + self.rng.choice((-1, 0, 1)))}


# --- the cases and the comparison -----------------------------------------------------------------------------


@cache
def cases_for(name: str) -> tuple[Case, ...]:
    """Return the version's generated cases (same seed, same cases, every run)."""
    rv = VERSIONS[name]
    rng = random.Random(f"{SEED}:{name}")
    generator = FactGenerator(rv, rng)
    cases = []
    for _ in range(CASES_PER_VERSION):
        facts = validate_facts(rv, generator.with_cost_near_the_ceiling(generator.generate()))
        derived, _ = derive_values(rv, facts)
        cases.append(Case(facts, derived, rv.slots.flatten(facts, derived, rv.wanted_slots),
                          fired_rules(rv, facts, derived)))
    return tuple(cases)


def engine_fired(decider: Decider, rv: RuleVersion, case: Case) -> frozenset[str]:
    """Return what the engine fires for ``case``, by the path ``Decider.decide`` takes."""
    return decider.engine.evaluate(decider._engine_name(rv), rv.slots.flatten(case.facts, case.derived,
                                                                              rv.wanted_slots))


def disagreements(decider: Decider, rv: RuleVersion, cases: tuple[Case, ...]) -> list[Disagreement]:
    found = []
    for case in cases:
        fired = engine_fired(decider, rv, case)
        if fired != case.expected:
            found.append(Disagreement(case, fired - case.expected, case.expected - fired))
    return found


def shown(found: list[Disagreement]) -> list[dict[str, Any]]:
    return [{"facts": d.case.facts, "engine_only": sorted(d.engine_only), "reference_only": sorted(d.reference_only)}
            for d in found[:5]]


# --- the tests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(VERSIONS))
def test_the_engine_fires_what_the_reference_evaluator_says(name: str) -> None:
    rv, cases = VERSIONS[name], cases_for(name)
    assert len(cases) == CASES_PER_VERSION
    found = disagreements(DECIDER, rv, cases)
    assert found == [], shown(found)


@pytest.mark.parametrize("name", list(VERSIONS))
def test_the_cases_reach_both_outcomes_of_every_rule(name: str) -> None:
    # Without this, a generator that never reached (say) tier C would make the comparison above vacuous.
    rv, cases = VERSIONS[name], cases_for(name)
    for rule, node in rv.engine_rules.items():
        met = sum(rule in case.expected for case in cases)
        # A rule over required enum facts only (say "health or dental check-up", the whole enum) may hold
        # for every valid application; it must still hold somewhere.
        enumerated = all(slot.startswith("o") for slot in slots_used(node))
        assert 0 < met and (met < len(cases) or enumerated), f"{rule} is met in {met} of {len(cases)} cases"
    # Programs with two or three facts have few distinct fact sets near their edges; still far more than one.
    assert len({json.dumps(case.facts, sort_keys=True) for case in cases}) >= min(CASES_PER_VERSION // 3, 5)


@pytest.mark.parametrize("name", list(VERSIONS))
def test_differential_decisions_never_raise_and_amounts_hold(name: str) -> None:
    rv, cases = VERSIONS[name], cases_for(name)
    amount = rv.document.get("amount")
    for case in cases:
        try:
            body = DECIDER.decide(rv, case.facts)
        except EngineDisagreementError as exc:
            pytest.fail(f"engine and reference disagree on {case.facts}: {exc.details}")
        open_points = [r for r in body["reasons"] if r["kind"] == "open_question" and r["outcome"] == "undetermined"]
        if "eligibility" not in case.expected:
            assert body["eligible"] is False and not open_points
        elif open_points:
            # The documents leave the outcome open: undetermined, and never a guessed amount.
            assert body["eligible"] is None and body["amount_yen"] is None
            continue
        else:
            assert body["eligible"] is True
        if amount is None:
            assert body["amount_yen"] is None
        elif not body["eligible"]:
            assert body["amount_yen"] == 0
        elif amount["rate"] == "10/10" and "eligible_cost_yen" in case.facts and body["cap_yen"] is not None:
            assert body["amount_yen"] == min(body["cap_yen"], case.facts["eligible_cost_yen"])
        elif body["amount_yen"] is not None and body["cap_yen"] is not None and Fraction(amount["rate"]) <= 1:
            assert 0 <= body["amount_yen"] <= body["cap_yen"]
        elif body["amount_yen"] is not None:
            assert isinstance(body["amount_yen"], int) and body["amount_yen"] >= 0


def test_a_comparison_with_an_absent_derived_value_is_not_met() -> None:
    # Once a known engine defect (durable_rules matches a comparison whose right-hand field is absent),
    # fixed in conditions.py by requiring the slot; kept as a regression test.
    # FY2021: third-party evaluation given, not designated, a designation count without the municipality
    # count. The 15% cap is then unknown, so c2 is not met; durable_rules says it is.
    rv = RULEBOOK.select("kokuho_healthup_municipal", 2021)
    facts = validate_facts(rv, {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1"],
                                "third_party_evaluation": True, "designated_model": False,
                                "prefecture_designated_count": 3})
    outcome = {r["clause"]: r["outcome"] for r in PROBE.decide(rv, facts, 1)["reasons"]}
    assert outcome["c2_designation_within_cap"] == "not_met"  # explanation format 1 (records before format 2)
    # Format 2 tells the applicant why: the cap could not be computed, so the clause does not apply (issue 13).
    reasons = {r["clause"]: r for r in PROBE.decide(rv, facts)["reasons"]}
    assert reasons["c2_designation_within_cap"]["outcome"] == "not_applicable"
    assert reasons["c2_designation_within_cap"]["message_ja"].endswith(
        "：該当しない（必要な事実がない、または前提を満たさない）")
    assert reasons["designation_cap_count"]["outcome"] == "not_applicable"  # the derived value not computed
    DECIDER.decide(rv, facts)  # differential mode: raises EngineDisagreementError if the engine disagrees


# --- the check has teeth ------------------------------------------------------------------------------------------

#: The classic 以上/超 and 以下/未満 slip, one comparison word off.
OFF_BY_ONE = {"lte": "lt", "lt": "lte", "gte": "gt", "gt": "gte"}


def off_by_one(node: Node) -> Node | None:
    """Return ``node`` with its first ordering comparison one word off, or None if it has none."""
    if node[0] == "cmp" and node[2] in OFF_BY_ONE:
        return ("cmp", node[1], OFF_BY_ONE[node[2]], node[3])
    if node[0] in ("and", "or"):
        for index, child in enumerate(node[1]):
            changed = off_by_one(child)
            if changed is not None:
                return (node[0], (*node[1][:index], changed, *node[1][index + 1:]))
    return None


def mutant_of(rv: RuleVersion) -> tuple[RuleVersion, str, Node] | None:
    """Return a copy of ``rv`` whose first rule with an ordering comparison is off by one (rule, old leaf)."""
    for rule, node in rv.engine_rules.items():
        changed = off_by_one(node)
        if changed is not None:
            rules = {**rv.engine_rules, rule: changed}
            # A new sha256 and draft status: the Decider then registers it under its own engine name.
            sha = hashlib.sha256(f"mutant:{rv.sha256}:{rule}".encode()).hexdigest()
            return dataclasses.replace(rv, engine_rules=rules, sha256=sha, status="draft"), rule, node
    return None


def compared_slots(node: Node) -> tuple[str, str | int]:
    """Return (left slot, right slot or constant) of the first ordering comparison in ``node``."""
    if node[0] == "cmp" and node[2] in OFF_BY_ONE:
        return node[1], node[3][1]
    return next(compared_slots(child) for child in node[1] if off_by_one(child) is not None)


MUTABLE = [name for name, rv in VERSIONS.items() if mutant_of(rv) is not None]


def test_some_versions_have_a_comparison_to_mutate() -> None:
    assert {"kokuho_healthup_model_designation@1", "kokuho_healthup_model_designation@2",
            "kokuho_healthup_municipal@1", "kokuho_healthup_municipal@2"} <= set(MUTABLE)


@pytest.mark.parametrize("name", MUTABLE)
def test_the_comparison_catches_a_comparison_one_word_off(name: str) -> None:
    rv = VERSIONS[name]
    made = mutant_of(rv)
    assert made is not None
    mutant, rule, original = made
    DECIDER.register(mutant)
    assert DECIDER._engine_name(mutant) == f"{name}#{mutant.sha256[:12]}"
    assert to_durable(mutant.engine_rules[rule]) != to_durable(original)
    assert slots_used(mutant.engine_rules[rule]) == slots_used(original)

    caught = disagreements(DECIDER, mutant, cases_for(name))
    assert caught, f"the off-by-one in {rule} went unnoticed by {CASES_PER_VERSION} cases"
    left, right = compared_slots(original)
    for found in caught:
        # Only the mutated rule disagrees, and only on the boundary, where 以下 and 未満 differ.
        assert found.engine_only | found.reference_only == {rule}
        fact = found.case.engine_fact
        assert fact[left] == (fact[right] if isinstance(right, str) else right)
    # And differential mode turns the first of them into an error instead of a wrong decision.
    with pytest.raises(EngineDisagreementError) as raised:
        DECIDER.decide(mutant, caught[0].case.facts)
    assert rule in raised.value.details["engine_only"] + raised.value.details["reference_only"]
