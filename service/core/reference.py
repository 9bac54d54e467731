"""A pure-Python evaluator of the rule-file condition language: the oracle for the engine.

It reads the conditions as written (``not``, ``count_of``, ``{clause}`` references) over the facts as
given, sharing no code with the compiler in ``rulebook/conditions.py``. When it and durable_rules
agree on every rule of every test case, the compilation (inlining, negation normal form, count_of
expansion, slot flattening) is right.

Semantics: a leaf whose fact or value is absent is not met; ``not`` is plain negation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from ..rulebook.model import RuleVersion

__all__ = ["evaluate_condition", "fired_rules"]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "under": operator.lt, "at_most": operator.le, "at_least": operator.ge, "over": operator.gt,
    "equals": operator.eq,
}


def _operand(spec: Any, facts: Mapping[str, Any], derived: Mapping[str, int | None]) -> Any:
    if isinstance(spec, Mapping):
        return facts.get(spec["fact"]) if "fact" in spec else derived.get(spec["value"])
    return spec


def evaluate_condition(cond: Mapping[str, Any], clauses: Mapping[str, Mapping[str, Any]],
                       facts: Mapping[str, Any], derived: Mapping[str, int | None]) -> bool:
    """Return whether ``cond`` holds for ``facts`` and the derived values."""
    if "clause" in cond:
        return evaluate_condition(clauses[cond["clause"]]["when"], clauses, facts, derived)
    if "all" in cond:
        return all(evaluate_condition(c, clauses, facts, derived) for c in cond["all"])
    if "any" in cond:
        return any(evaluate_condition(c, clauses, facts, derived) for c in cond["any"])
    if "not" in cond:
        return not evaluate_condition(cond["not"], clauses, facts, derived)
    if "count_of" in cond:
        met = sum(evaluate_condition(c, clauses, facts, derived) for c in cond["count_of"])
        return bool(met >= cond["at_least"] if "at_least" in cond else met <= cond["at_most"])
    subject = facts.get(cond["fact"]) if "fact" in cond else derived.get(cond["value"])
    if subject is None:
        return False
    if "present" in cond:
        return True
    if "is" in cond:
        return subject is cond["is"]
    if "contains" in cond:
        return isinstance(subject, list) and cond["contains"] in subject
    if "one_of" in cond:
        return isinstance(subject, str) and subject in cond["one_of"]
    word = next(w for w in _COMPARE if w in cond)
    other = _operand(cond[word], facts, derived)
    return other is not None and bool(_COMPARE[word](subject, other))


def fired_rules(rv: RuleVersion, facts: Mapping[str, Any], derived: Mapping[str, int | None]) -> frozenset[str]:
    """Return the engine rule names that should fire, computed without the engine."""
    doc, clauses = rv.document, rv.clauses
    conditions: dict[str, Mapping[str, Any]] = {f"clause__{cid}": c["when"] for cid, c in clauses.items()}
    for option in doc.get("tiers", {}).get("options", []):
        conditions[f"tier__{option['id']}"] = option["when"]
    conditions["eligibility"] = doc["eligibility"]["when"]
    for comp in doc.get("amount", {}).get("components", []):
        if "when" in comp:
            conditions[f"component__{comp['id']}"] = comp["when"]
    for question in doc.get("open_questions", []):
        if "when" in question:
            conditions[f"open__{question['id']}"] = question["when"]
    return frozenset(name for name, cond in conditions.items()
                     if evaluate_condition(cond, clauses, facts, derived))
