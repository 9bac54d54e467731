"""The condition language of rule files, compiled to durable_rules patterns.

A condition (see ``rules/README.md``) is a leaf over a fact or a derived value, written with the legal
comparison words, or ``all`` / ``any`` / ``not`` / ``count_of`` over conditions, or ``{clause: id}``.

Semantics, shared with the reference evaluator in ``service/core/reference.py``: a leaf whose fact is absent
is not met, so ``not`` of it is met. Compilation works in three steps:

1. ``inline``: ``{clause: id}`` is replaced by that clause's condition, so every engine rule is
   independent of the others (no rule chaining inside the engine).
2. ``to_nnf``: ``not`` is pushed down to the leaves (durable_rules has no ``$not``); ``count_of`` is
   expanded into ``any`` of ``all`` of combinations. The negation of a comparison also holds when its
   fact is absent, hence the ``$nex`` branches.
3. ``to_durable``: leaves become ``$lt``/``$gte``/... over *slots*, the flat int/bool fields the engine
   sees. ``contains`` is decided in Python into a boolean slot, because strings must not reach the
   engine (its C core coerces them to numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Protocol

__all__ = ["COMPARISONS", "Node", "SlotTable", "inline", "to_durable", "to_nnf"]

#: legal word -> (operator, negated operator)
COMPARISONS: dict[str, tuple[str, str]] = {
    "under": ("lt", "gte"),  # 未満
    "at_most": ("lte", "gt"),  # 以下
    "at_least": ("gte", "lt"),  # 以上
    "over": ("gt", "lte"),  # 超
    "equals": ("eq", "neq"),
}
_DURABLE_OP = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte", "neq": "$neq"}

Node = tuple[Any, ...]


class Budget(Protocol):
    """The compilation's time budget (``service.rulebook.bounds.Deadline``): ``check`` raises once it is spent."""

    def check(self) -> None: ...

TRUE: Node = ("true",)
FALSE: Node = ("false",)


@dataclass
class SlotTable:
    """Names the flat engine fields: ``f_<fact>``, ``v_<derived>``, ``p_<fact>`` for "present",
    ``h<n>_<fact>`` for "contains" and ``o<n>_<fact>`` for "one_of" (decided in Python: strings never
    reach the engine)."""

    contains: list[tuple[str, str]] = field(default_factory=list)
    one_of: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    #: per set of wanted slots: fact name -> (its value slot or None, its presence slot or None), and
    #: derived name -> its slot; made once, so a decision does not build slot names
    _plans: dict[frozenset[str], tuple[dict[str, tuple[str | None, str | None]], dict[str, str]]] = field(
        default_factory=dict, repr=False, compare=False)

    def lhs(self, leaf: Mapping[str, Any]) -> str:
        if "fact" in leaf:
            if "present" in leaf:
                # Presence of any fact (a string or a list too, which never reach the engine) is its own slot.
                return f"p_{leaf['fact']}"
            if "one_of" in leaf:
                choice = (leaf["fact"], tuple(leaf["one_of"]))
                if choice not in self.one_of:
                    self.one_of.append(choice)
                return f"o{self.one_of.index(choice)}_{leaf['fact']}"
            if "contains" in leaf:
                pair = (leaf["fact"], leaf["contains"])
                if pair not in self.contains:
                    self.contains.append(pair)
                return f"h{self.contains.index(pair)}_{leaf['fact']}"
            return f"f_{leaf['fact']}"
        return f"v_{leaf['value']}"

    def flatten(self, facts: Mapping[str, Any], derived: Mapping[str, int | None],
                wanted: frozenset[str]) -> dict[str, int | bool]:
        """Return the engine fact: only the slots the ruleset uses, and only those that are present."""
        plan = self._plans.get(wanted)
        if plan is None:
            plan = self._plans[wanted] = self._plan(wanted)
        fact_slots, derived_slots = plan
        out: dict[str, int | bool] = {}
        for name, value in facts.items():
            slots = fact_slots.get(name)
            if slots is not None:
                value_slot, presence_slot = slots
                if value_slot is not None and isinstance(value, (bool, int)):
                    out[value_slot] = value
                if presence_slot is not None:
                    out[presence_slot] = True
        for name, value in derived.items():
            slot = derived_slots.get(name)
            if slot is not None and value is not None:
                out[slot] = value
        for index, (name, item) in enumerate(self.contains):
            if isinstance(facts.get(name), list):
                out[f"h{index}_{name}"] = item in facts[name]
        for index, (name, values) in enumerate(self.one_of):
            if isinstance(facts.get(name), str):
                out[f"o{index}_{name}"] = facts[name] in values
        return out


    @staticmethod
    def _plan(wanted: frozenset[str]) -> tuple[dict[str, tuple[str | None, str | None]], dict[str, str]]:
        facts: dict[str, tuple[str | None, str | None]] = {}
        for slot in wanted:
            if slot.startswith(("f_", "p_")):
                value_slot, presence_slot = facts.get(slot[2:], (None, None))
                facts[slot[2:]] = (slot, presence_slot) if slot[0] == "f" else (value_slot, slot)
        return facts, {slot[2:]: slot for slot in wanted if slot.startswith("v_")}


def inline(condition: Mapping[str, Any], clauses: Mapping[str, Mapping[str, Any]],
           budget: Budget | None = None) -> Mapping[str, Any]:
    """Return ``condition`` with every ``{clause: id}`` replaced by that clause's own condition.

    The result can be exponentially larger than the file (``service.rulebook.bounds`` counts it first).
    """
    if budget is not None:
        budget.check()
    if "clause" in condition:
        return inline(clauses[condition["clause"]], clauses, budget)
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        return {key: [inline(c, clauses, budget) for c in condition[key]]}
    if "not" in condition:
        return {"not": inline(condition["not"], clauses, budget)}
    if "count_of" in condition:
        return {**condition, "count_of": [inline(c, clauses, budget) for c in condition["count_of"]]}
    return condition


def _leaf(leaf: Mapping[str, Any], slots: SlotTable, negate: bool) -> Node:
    lhs = slots.lhs(leaf)
    if "present" in leaf:
        return ("absent", lhs) if negate else ("present", lhs)
    if "is" in leaf or "contains" in leaf or "one_of" in leaf:
        wanted = bool(leaf.get("is", True))
        node: Node = ("cmp", lhs, "eq", ("bool", not wanted if negate else wanted))
        return ("or", (node, ("absent", lhs))) if negate else node
    word = next(w for w in COMPARISONS if w in leaf)
    op = COMPARISONS[word][1 if negate else 0]
    rhs_spec = leaf[word]
    rhs: Node
    if isinstance(rhs_spec, int):
        rhs = ("int", rhs_spec)
    else:
        rhs = ("slot", slots.lhs(rhs_spec))
    node = ("cmp", lhs, op, rhs)
    if not negate:
        # durable_rules matches a comparison whose right-hand field is absent ($lte and $gt both fire),
        # so a positive comparison against a slot also requires that slot.
        return ("and", (node, ("present", rhs[1]))) if rhs[0] == "slot" else node
    branches = [node, ("absent", lhs)] + ([("absent", rhs[1])] if rhs[0] == "slot" else [])
    return ("or", tuple(branches))


def _join(kind: str, nodes: list[Node]) -> Node:
    """Return an and/or node, folding constants so no empty or one-element group reaches the engine."""
    absorbing, neutral = (FALSE, TRUE) if kind == "and" else (TRUE, FALSE)
    kept = [n for n in nodes if n != neutral]
    if absorbing in kept:
        return absorbing
    if not kept:
        return neutral
    return kept[0] if len(kept) == 1 else (kind, tuple(kept))


def to_nnf(condition: Mapping[str, Any], slots: SlotTable, negate: bool = False, budget: Budget | None = None
           ) -> Node:
    """Return the negation normal form of an inlined condition (``negate`` flips it)."""
    if budget is not None:
        budget.check()
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        kind = {("all", False): "and", ("any", False): "or", ("all", True): "or", ("any", True): "and"}[
            (key, negate)]
        return _join(kind, [to_nnf(c, slots, negate, budget) for c in condition[key]])
    if "not" in condition:
        return to_nnf(condition["not"], slots, not negate, budget)
    if "count_of" in condition:
        items = condition["count_of"]
        if "at_least" in condition:
            k, flip = condition["at_least"], negate
        else:  # at most k  ==  not (at least k + 1)
            k, flip = condition["at_most"] + 1, not negate
        if k > len(items):
            return TRUE if flip else FALSE
        expanded = {"any": [{"all": list(combo)} for combo in combinations(items, k)]}
        return to_nnf(expanded, slots, flip, budget)
    return _leaf(condition, slots, negate)


def to_durable(node: Node) -> dict[str, Any]:
    """Return the durable_rules pattern of an NNF node (the caller ANDs in the discriminator)."""
    kind = node[0]
    if kind == "true":
        return {"$ex": {"fact_type": 1}}
    if kind == "false":
        return {"$nex": {"fact_type": 1}}
    if kind in ("and", "or"):
        return {"$and" if kind == "and" else "$or": [to_durable(n) for n in node[1]]}
    if kind == "present":
        return {"$ex": {node[1]: 1}}
    if kind == "absent":
        return {"$nex": {node[1]: 1}}
    _, lhs, op, (rhs_kind, rhs_value) = node
    rhs = {"$m": rhs_value} if rhs_kind == "slot" else rhs_value
    if op == "eq":
        return {lhs: rhs}
    return {_DURABLE_OP[op]: {lhs: rhs}}


def slots_used(node: Node) -> set[str]:
    """Return every slot an NNF node reads."""
    if node[0] in ("and", "or"):
        return set().union(*(slots_used(n) for n in node[1]))
    if node[0] in ("present", "absent"):
        return {node[1]}
    if node[0] == "cmp":
        rhs = node[3]
        return {node[1]} | ({rhs[1]} if rhs[0] == "slot" else set())
    return set()
