"""What would change a decision (reasons of kind ``what_if``), found from the rule file alone.

Nothing here knows a program. The conditions of the rule file (clauses, eligibility, component conditions)
are read backwards: each leaf proposes the smallest change of one fact that makes it hold (``is`` → that
value, ``at_least: N`` → N, ``contains: x`` → add x, a comparison with a derived value → the nearest value
of a fact it is computed from); ``all`` joins the changes of its failing parts, ``any`` and ``count_of`` take
the cheapest. Band tables propose their nearest edges. Every proposal is then **decided** (the engine, no
record), and only what the re-decision confirms is said, with the promised outcome attached:

- an ineligible decision: each failing requirement of eligibility, with the change that makes it hold
  (「データヘルス計画を策定している（データヘルス計画：はい）なら交付対象になります」), and the
  smallest change making the whole application eligible when more than one requirement fails;
- an eligible decision with an amount: the nearest band edge above each banded fact and its yen effect
  (「被保険者数が 50,000 以上なら補助上限額が 1,500,000 円増えます」), and each addition not obtained with
  what it needs.

A ``what_if`` reason carries ``change`` (facts to set; ``null`` removes one) and ``promise`` (eligible,
amount_yen, cap_yen after the change), so a client, or a test, can re-decide it and check. The list is part
of the answer, not of the record: it is a deterministic function of the recorded facts and the rule text,
so ``GET /v1/decisions/{id}`` recomputes it, and the replayed fields of history do not change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from ..kernel.errors import HojoError
from ..rulebook.model import RuleVersion
from .decide import Decider, derive_values
from .explain import reason, yen_text
from .reference import evaluate_condition

__all__ = ["what_if"]

Change = dict[str, Any]
_MAX_SEARCH = 10**9
_NEGATE = {"under": "at_least", "at_least": "under", "at_most": "over", "over": "at_most"}


def what_if(decider: Decider, rv: RuleVersion, facts: Mapping[str, Any], decision: Mapping[str, Any]) -> list[
        dict[str, Any]]:
    """The ``what_if`` reasons of ``decision`` (decided from ``facts`` under ``rv``), each re-decided."""
    return _WhatIf(decider, rv, facts, decision).reasons()


class _WhatIf:
    def __init__(self, decider: Decider, rv: RuleVersion, facts: Mapping[str, Any],
                 decision: Mapping[str, Any]) -> None:
        self.decider, self.rv, self.facts, self.decision = decider, rv, dict(facts), decision
        self.clauses = rv.clauses
        self.derived, _ = derive_values(rv, facts)
        self.properties: Mapping[str, Any] = rv.facts_schema.get("properties", {})

    # -- the answer ---------------------------------------------------------------------------------
    def reasons(self) -> list[dict[str, Any]]:
        if self.decision.get("eligible") is False:
            return self._to_eligible()
        if self.decision.get("eligible") is True and self.decision.get("amount_yen") is not None:
            return self._more_yen()
        return []

    def _to_eligible(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        failing = self._failing(self.rv.document["eligibility"]["when"], [])
        for cid in failing:
            clause = self.clauses[cid]
            decided = self._first_confirmed({"clause": cid}, partial(_met, clause=cid))
            if decided is None:
                continue
            change, body = decided
            if body["eligible"]:
                ja = f"{clause['reason']['ja']}（{self._say(change, 'ja')}）なら交付対象になります"
                en = f"if {clause['reason']['en']} ({self._say(change, 'en')}), the application is eligible"
            else:
                ja = (f"{clause['reason']['ja']}（{self._say(change, 'ja')}）なら、この要件を満たします"
                      "（交付対象となるには、ほかの要件も必要です）")
                en = (f"if {clause['reason']['en']} ({self._say(change, 'en')}), this requirement is met "
                      "(other requirements are needed too)")
            out.append(self._reason(cid, ja, en, clause["cites"], change, body))
        if len(out) != 1 or not out[0]["promise"]["eligible"]:
            elig = self.rv.document["eligibility"]
            decided = self._first_confirmed(elig["when"], lambda body: body["eligible"] is True)
            if decided is not None and all(r["change"] != decided[0] for r in out):
                change, body = decided
                out.append(self._reason("eligibility", f"{self._say(change, 'ja')}なら交付対象になります",
                                        f"with {self._say(change, 'en')}, the application is eligible",
                                        elig["cites"], change, body))
        return out

    def _failing(self, cond: Mapping[str, Any], found: list[str]) -> list[str]:
        """The innermost clauses that keep ``cond`` from holding (an ``any`` with a part that holds is skipped)."""
        if self._holds(cond, self.facts):
            return found
        if "clause" in cond:
            inner = self.clauses[cond["clause"]]["when"]
            if _clauses_of(inner, self.clauses):
                return self._failing(inner, found)
            if cond["clause"] not in found:
                found.append(cond["clause"])
        for part in cond.get("all", cond.get("any", cond.get("count_of", []))):
            self._failing(part, found)
        return found

    def _more_yen(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: list[Change] = []
        for table in self.rv.tables.values():
            fact = table.by.get("fact")
            derived_by = table.by.get("value")
            value = self.facts.get(fact) if isinstance(fact, str) else self.derived.get(str(derived_by))
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            band = table.lookup(value)
            above = [b for b in table.bands if band is not None and b.lower >= (band.upper or _MAX_SEARCH)]
            if not above:
                continue
            edge = min(above, key=lambda b: b.lower)
            if isinstance(fact, str):
                change = {fact: edge.lower if edge.lower_inclusive else edge.lower + 1}
            else:  # a band of a derived value: the nearest change of a fact it is computed from
                word = "at_least" if edge.lower_inclusive else "over"
                proposals = self._search_derived({"value": derived_by, word: edge.lower}, negate=False)
                if not proposals:
                    continue
                change = proposals[0]
            if change in seen:
                continue
            seen.append(change)
            body = self._decide(change)
            if body is None or body["eligible"] is not True:
                continue
            effect = self._effect(body)
            if effect is None:
                continue
            spec = next(t for t in self.rv.document.get("tables", []) if t["id"] == table.id)
            if isinstance(fact, str):
                title_ja, title_en = self._title(fact)
                word_ja = "以上" if edge.lower_inclusive else "超"
                ja = f"{title_ja}が {edge.lower:,} {word_ja}なら{effect[0]}"
                en = f"if {title_en} were {'at least' if edge.lower_inclusive else 'over'} {edge.lower:,}, {effect[1]}"
            else:
                item = next(d for d in self.rv.document.get("derived", []) if d["id"] == derived_by)
                word_ja = "以上" if edge.lower_inclusive else "超"
                ja = f"{self._say(change, 'ja')}なら（{item['name_ja']}が {edge.lower:,} {word_ja}）、{effect[0]}"
                en = f"with {self._say(change, 'en')} ({item['name_en']} reaches {edge.lower:,}), {effect[1]}"
            out.append(self._reason(table.id, ja, en, spec["cites"], change, body))
        for comp in self.rv.document.get("amount", {}).get("components", []):
            if "when" not in comp or self._holds(comp["when"], self.facts):
                continue
            decided = self._first_confirmed(comp["when"], partial(_applied, component=comp["id"]))
            if decided is None:
                continue
            change, body = decided
            effect = self._effect(body)
            if effect is None:
                continue
            out.append(self._reason(
                comp["id"], f"{comp['name_ja']}：{comp['reason']['ja']}（{self._say(change, 'ja')}）なら{effect[0]}",
                f"{comp['name_en']}: if {comp['reason']['en']} ({self._say(change, 'en')}), {effect[1]}",
                comp["cites"], change, body))
        return out

    # -- deciding a proposal --------------------------------------------------------------------------
    def _decide(self, change: Change) -> dict[str, Any] | None:
        """The decision of the facts with ``change`` applied (nothing recorded), or None if they are invalid."""
        changed = {k: v for k, v in {**self.facts, **change}.items() if v is not None}
        try:
            valid = self.decider.validate_facts(self.rv, changed)
            return self.decider.decide(self.rv, valid)
        except HojoError:
            return None

    def _first_confirmed(self, cond: Mapping[str, Any],
                         confirmed: Callable[[dict[str, Any]], bool]) -> tuple[Change, dict[str, Any]] | None:
        for change in self._proposals(cond, negate=False)[:8]:
            body = self._decide(change)
            if body is not None and confirmed(body):
                return change, body
        return None

    def _effect(self, body: Mapping[str, Any]) -> tuple[str, str] | None:
        before, after = self.decision, body
        if after["amount_yen"] is not None and after["amount_yen"] != before["amount_yen"]:
            delta = after["amount_yen"] - before["amount_yen"]
            what_ja, what_en = "補助額", "the amount"
        elif after["cap_yen"] is not None and before["cap_yen"] is not None and after["cap_yen"] != before["cap_yen"]:
            delta = after["cap_yen"] - before["cap_yen"]
            what_ja, what_en = "補助上限額", "the ceiling"
        else:
            return None
        more = delta > 0
        return (f"{what_ja}が {yen_text(abs(delta))} 円{'増えます' if more else '減ります'}",
                f"{what_en} {'rises' if more else 'falls'} by {yen_text(abs(delta))} yen")

    def _reason(self, clause: str, ja: str, en: str, cites: Mapping[str, Any], change: Change,
                body: Mapping[str, Any]) -> dict[str, Any]:
        entry = reason("what_if", clause, "met", ja, en, cites)
        entry["change"] = change
        entry["promise"] = {"eligible": body["eligible"], "amount_yen": body["amount_yen"],
                            "cap_yen": body["cap_yen"]}
        return entry

    # -- reading conditions backwards -----------------------------------------------------------------
    def _holds(self, cond: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
        derived = self.derived if facts is self.facts else derive_values(self.rv, facts)[0]
        return evaluate_condition(cond, self.clauses, facts, derived)

    def _proposals(self, cond: Mapping[str, Any], negate: bool) -> list[Change]:
        """Changes of facts that make ``cond`` (or its negation) hold, cheapest first; [] if none is known."""
        if not negate and self._holds(cond, self.facts) or negate and not self._holds(cond, self.facts):
            return [{}]
        if "clause" in cond:
            return self._proposals(self.clauses[cond["clause"]]["when"], negate)
        if "not" in cond:
            return self._proposals(cond["not"], not negate)
        if "all" in cond or "any" in cond:
            conjunctive = ("all" in cond) != negate
            parts = [self._proposals(c, negate) for c in cond.get("all", cond.get("any", []))]
            if conjunctive:
                return _join([p[0] for p in parts] if all(parts) else [])
            return sorted((c for p in parts for c in p[:2]), key=_cost)
        if "count_of" in cond:
            if negate or "at_least" not in cond:
                return []
            parts = sorted((p for p in (self._proposals(c, False) for c in cond["count_of"]) if p),
                           key=lambda p: _cost(p[0]))
            needed = cond["at_least"]
            return _join([p[0] for p in parts[:needed]]) if len(parts) >= needed else []
        return self._leaf(cond, negate)

    def _leaf(self, leaf: Mapping[str, Any], negate: bool) -> list[Change]:
        if "value" in leaf:
            return self._search_derived(leaf, negate)
        fact = leaf["fact"]
        current = self.facts.get(fact)
        if "present" in leaf:
            return [{fact: None}] if negate and current is not None else []
        if "is" in leaf:
            return [{fact: (not leaf["is"]) if negate else leaf["is"]}]
        if "contains" in leaf:
            items = list(current) if isinstance(current, list) else []
            if negate:
                return [{fact: [i for i in items if i != leaf["contains"]]}]
            return [{fact: [*items, leaf["contains"]]}]
        if "one_of" in leaf:
            if negate:
                others = [v for v in self.properties.get(fact, {}).get("enum", []) if v not in leaf["one_of"]]
                return [{fact: v} for v in others[:1]]
            return [{fact: v} for v in leaf["one_of"][:1]]
        word = next(w for w in ("under", "at_most", "at_least", "over", "equals") if w in leaf)
        bound = leaf[word]
        if isinstance(bound, Mapping):
            bound = self.facts.get(bound["fact"]) if "fact" in bound else self.derived.get(bound["value"])
        if not isinstance(bound, int):
            return []
        if negate:
            if word == "equals":
                return [{fact: bound + 1}, {fact: bound - 1}]
            word = _NEGATE[word]
        target = {"under": bound - 1, "at_most": bound, "at_least": bound, "over": bound + 1, "equals": bound}[word]
        return [{fact: target}]

    def _search_derived(self, leaf: Mapping[str, Any], negate: bool) -> list[Change]:
        """A leaf over derived values: the nearest value of each fact they are computed from.

        An integer fact moves up or down; a list of integers moves its largest item; another list is shortened.
        """
        derived_ids = {leaf["value"]} | {bound["value"] for word in ("under", "at_most", "at_least", "over", "equals")
                                         if isinstance(bound := leaf.get(word), Mapping) and "value" in bound}
        specs = [d for d in self.rv.document.get("derived", []) if d["id"] in derived_ids]
        # (distance, preference for raising over lowering) → change; ties go to the raise
        out: list[tuple[tuple[int, int], Change]] = []
        for fact in sorted(set().union(*(_facts_in(spec["value"]) for spec in specs))):
            current = self.facts.get(fact)
            if isinstance(current, list) and current and not all(
                    isinstance(v, int) and not isinstance(v, bool) for v in current):
                keep = next((n for n in range(len(current) - 1, -1, -1)
                             if self._holds(leaf, {**self.facts, fact: current[:n]}) != negate), None)
                if keep is not None:
                    out.append(((len(current) - keep, 0), {fact: current[:keep]}))
                continue
            numbers = current if isinstance(current, list) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in current) else None
            if numbers is not None:
                # A list of amounts (e.g. claims in yen): move its largest item, or add one to an empty list.
                top = max(numbers, default=0)
                where = numbers.index(top) if numbers else 0
                for step in (1, -1):
                    found = _nearest(top, step, partial(self._holds_with_item, leaf, negate, fact, numbers, where))
                    if found is not None and found >= 0:
                        out.append(((abs(found - top), -step), _with_item(fact, numbers, where, found)))
                continue
            if isinstance(current, str) and (decimal := _DECIMAL.match(current)):
                # a decimal fact ("12.5", "10.70%"): move it by units of its last written digit
                places = len(decimal.group(2) or "")
                for step in (1, -1):
                    found = _nearest(0, step, partial(self._holds_with_decimal, leaf, negate, fact, current, places))
                    if found is not None and (shifted := _shift(current, places, found)) is not None:
                        out.append(((abs(found), -step), {fact: shifted}))
                continue
            if not isinstance(current, int) or isinstance(current, bool):
                continue
            for step in (1, -1):
                found = _nearest(current, step, partial(self._holds_with_value, leaf, negate, fact))
                if found is not None:
                    out.append(((abs(found - current), -step), {fact: found}))
        return [change for _, change in sorted(out, key=lambda pair: pair[0])]

    def _holds_with_decimal(self, leaf: Mapping[str, Any], negate: bool, fact: str, current: str, places: int,
                            steps: int) -> bool:
        shifted = _shift(current, places, steps)
        return shifted is not None and self._holds(leaf, {**self.facts, fact: shifted}) != negate

    def _holds_with_value(self, leaf: Mapping[str, Any], negate: bool, fact: str, value: int) -> bool:
        return self._holds(leaf, {**self.facts, fact: value}) != negate

    def _holds_with_item(self, leaf: Mapping[str, Any], negate: bool, fact: str, items: list[int], where: int,
                         value: int) -> bool:
        return self._holds(leaf, {**self.facts, **_with_item(fact, items, where, value)}) != negate

    # -- words ----------------------------------------------------------------------------------------
    def _title(self, fact: str) -> tuple[str, str]:
        prop = self.properties.get(fact, {})
        return prop.get("title", fact), prop.get("x-title-en", fact.replace("_", " "))

    def _say(self, change: Change, lang: str) -> str:
        words = []
        for fact, value in change.items():
            title = self._title(fact)[0 if lang == "ja" else 1]
            if value is None:
                words.append(f"{title}を示さない" if lang == "ja" else f"{title} not given")
            elif isinstance(value, bool):
                words.append(f"{title}：{'はい' if value else 'いいえ'}" if lang == "ja"
                             else f"{title}: {'yes' if value else 'no'}")
            elif isinstance(value, int):
                words.append(f"{title}：{value:,}" if lang == "ja" else f"{title}: {value:,}")
            elif isinstance(value, list):
                shown = "、".join(str(v) for v in value) if lang == "ja" else ", ".join(str(v) for v in value)
                words.append(f"{title}：{shown}" if lang == "ja" else f"{title}: {shown}")
            else:
                words.append(f"{title}：{value}" if lang == "ja" else f"{title}: {value}")
        return "、".join(words) if lang == "ja" else "; ".join(words)


_DECIMAL = re.compile(r"^([0-9]+)(?:\.([0-9]+))?(%|‰)?$")


def _shift(text: str, places: int, steps: int) -> str | None:
    """``text`` (a decimal with ``places`` digits after the point) moved by ``steps`` units of its last digit."""
    match = _DECIMAL.match(text)
    if match is None:
        return None
    units = int(match.group(1) + (match.group(2) or "")) + steps
    if units < 0:
        return None
    digits = str(units).rjust(places + 1, "0")
    number = f"{digits[:-places]}.{digits[-places:]}" if places else digits
    return number + (match.group(3) or "")


def _with_item(fact: str, items: list[int], where: int, value: int) -> Change:
    return {fact: [*items[:where], value, *items[where + 1:]]}


def _met(body: Mapping[str, Any], clause: str) -> bool:
    return any(r["kind"] == "clause" and r["clause"] == clause and r["outcome"] == "met" for r in body["reasons"])


def _applied(body: Mapping[str, Any], component: str) -> bool:
    return any(r["kind"] == "component" and r["clause"] == component and r["outcome"] == "applied"
               for r in body["reasons"])


def _cost(change: Change) -> tuple[int, int]:
    return len(change), 0


def _join(changes: list[Change]) -> list[Change]:
    """One change making every part hold, or none when two parts need one fact set differently."""
    joined: Change = {}
    for change in changes:
        for fact, value in change.items():
            if fact in joined and joined[fact] != value:
                if isinstance(value, list) and isinstance(joined[fact], list):
                    joined[fact] = [*joined[fact], *(v for v in value if v not in joined[fact])]
                    continue
                return []
            joined[fact] = value
    return [joined]


def _clauses_of(cond: Mapping[str, Any], clauses: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The clauses a condition names, in order (each once)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if "clause" in node and node["clause"] not in found:
                found.append(node["clause"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(cond)
    return found


def _facts_in(expression: Any) -> set[str]:
    if isinstance(expression, Mapping):
        own = {expression["fact"]} if isinstance(expression.get("fact"), str) else set()
        return own.union(*(_facts_in(v) for v in expression.values()))
    if isinstance(expression, list):
        return set().union(*(_facts_in(v) for v in expression))
    return set()


def _nearest(start: int, step: int, holds: Callable[[int], bool]) -> int | None:
    """The value nearest ``start`` in direction ``step`` where ``holds`` turns true (monotone), or None."""
    distance = 1
    while distance <= _MAX_SEARCH and not holds(start + step * distance):
        distance *= 2
    if distance > _MAX_SEARCH:
        return None
    low, high = distance // 2, distance  # holds at high, not at low (or low == 0: start itself fails)
    while high - low > 1:
        middle = (low + high) // 2
        if holds(start + step * middle):
            high = middle
        else:
            low = middle
    return start + step * high
