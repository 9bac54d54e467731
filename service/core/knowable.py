"""Three-valued reading of a condition (満たす / 満たさない / 判断できない), for the explanation only.

The engine and the reference evaluator decide with two values: a leaf whose fact is absent is not met.
An applicant needs to tell "not met" from "not applicable" (該当しない: the facts it reads were not
given, or a derived value it compares with could not be computed). This module reads the same condition
with Kleene's logic, where such a leaf is *unknown* (``None``); it never changes who is eligible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .reference import evaluate_condition

__all__ = ["kleene"]


def kleene(cond: Mapping[str, Any], clauses: Mapping[str, Mapping[str, Any]], facts: Mapping[str, Any],
           derived: Mapping[str, int | None]) -> bool | None:
    """Return True / False when the facts given settle ``cond``, None when they do not."""
    if "clause" in cond:
        return kleene(clauses[cond["clause"]]["when"], clauses, facts, derived)
    if "all" in cond:
        values = [kleene(c, clauses, facts, derived) for c in cond["all"]]
        return False if False in values else (None if None in values else True)
    if "any" in cond:
        values = [kleene(c, clauses, facts, derived) for c in cond["any"]]
        return True if True in values else (None if None in values else False)
    if "not" in cond:
        inner = kleene(cond["not"], clauses, facts, derived)
        return None if inner is None else not inner
    if "count_of" in cond:
        values = [kleene(c, clauses, facts, derived) for c in cond["count_of"]]
        low, high = values.count(True), values.count(True) + values.count(None)
        if "at_least" in cond:
            return True if low >= cond["at_least"] else (False if high < cond["at_least"] else None)
        return True if high <= cond["at_most"] else (False if low > cond["at_most"] else None)
    if "present" in cond:
        return evaluate_condition(cond, clauses, facts, derived)
    subject = facts.get(cond["fact"]) if "fact" in cond else derived.get(cond["value"])
    if subject is None:
        return None
    for word in ("under", "at_most", "at_least", "over", "equals"):
        other = cond.get(word)
        if isinstance(other, Mapping):
            if ("fact" in other and facts.get(other["fact"]) is None) or (
                    "value" in other and derived.get(other["value"]) is None):
                return None
    return evaluate_condition(cond, clauses, facts, derived)
