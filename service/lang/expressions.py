"""Value expressions of rule files (derived values, band tables, amounts), evaluated exactly.

Every value is a ``Fraction`` of yen (or a plain count) or ``None`` when a fact it needs is absent;
``None`` propagates, so an amount that depends on a missing optional fact is "not stated", never 0.
Rounding happens once, where the rule file declares it, never here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .money import parse_rate, round_yen

__all__ = ["Band", "Context", "Table", "evaluate", "exact_number"]


@dataclass(frozen=True)
class Band:
    """One row of a band table; both ends are explicit (以上/超 below, 未満/以下 or no limit above)."""

    lower: int
    lower_inclusive: bool
    upper: int | None
    upper_inclusive: bool
    amount_yen: int
    label_ja: str

    def contains(self, n: int) -> bool:
        above = n >= self.lower if self.lower_inclusive else n > self.lower
        below = self.upper is None or (n <= self.upper if self.upper_inclusive else n < self.upper)
        return above and below


@dataclass(frozen=True)
class Table:
    id: str
    name_ja: str
    name_en: str
    by: Mapping[str, str]
    bands: tuple[Band, ...]

    def lookup(self, n: int) -> Band | None:
        return next((band for band in self.bands if band.contains(n)), None)


@dataclass
class Context:
    """What an expression can read, and where it writes the trace shown in the breakdown."""

    facts: Mapping[str, Any]
    derived: Mapping[str, int | None]
    tables: Mapping[str, Table]
    components: dict[str, Fraction | None] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    trace: list[dict[str, Any]] = field(default_factory=list)
    #: the list item being summed inside ``each`` (None outside it)
    item: Any = None


_DECIMAL = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)(%|‰)?$")
_SCALE = {None: Fraction(1), "%": Fraction(1, 100), "‰": Fraction(1, 1000)}


def exact_number(value: Any) -> Fraction | None:
    """Return an integer, or a decimal string ("10.70%", "1.5‰", "5.0") of the facts, as an exact Fraction.

    Decimal facts are strings because JSON numbers with a point are floats; the facts schema gives them a
    pattern, so anything else that arrives here (an enum string, a list) is not a number.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str) and (m := _DECIMAL.match(value)):
        return Fraction(m.group(1)) * _SCALE[m.group(2)]
    return None


_number = exact_number


def _all_known(values: list[Fraction | None]) -> list[Fraction] | None:
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def _table(table_id: str, ctx: Context) -> Fraction | None:
    table = ctx.tables[table_id]
    key = _by_value(table.by, ctx)
    if key is None:
        return None
    band = table.lookup(key)
    if band is None:
        return None
    ctx.trace.append({"table": table.id, "table_ja": table.name_ja, "by": key,
                      "band_ja": band.label_ja, "yen": band.amount_yen})
    return Fraction(band.amount_yen)


def _by_value(by: Mapping[str, str], ctx: Context) -> int | None:
    raw = ctx.facts.get(by["fact"]) if "fact" in by else ctx.derived.get(by["value"])
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _per_item(spec: Mapping[str, Any], ctx: Context) -> Fraction | None:
    items = ctx.facts.get(spec["fact"])
    if not isinstance(items, list):
        return None
    priced: list[tuple[str, Fraction]] = []
    for item in items:
        value = evaluate(spec["amounts"][item], ctx)
        if value is None:
            return None
        priced.append((item, value))
    # sorted() is stable: equal amounts keep the applicant's order, so the pick is deterministic.
    ranked = sorted(priced, key=lambda pair: pair[1], reverse=True)
    counted = ranked[: spec.get("at_most", len(ranked))]
    ctx.trace.append({"per_item": spec["fact"],
                      "items": [{"item": item, "yen": _yen(value), "counted": (item, value) in counted}
                                for item, value in priced]})
    return sum((value for _, value in counted), Fraction(0))


def _marginal(spec: Mapping[str, Any], ctx: Context) -> Fraction | None:
    base = evaluate(spec["of"], ctx)
    if base is None:
        return None
    total, slices = Fraction(0), []
    for piece in spec["slices"]:
        lower = Fraction(piece["over"])
        width = base - lower
        if "up_to" in piece:
            width = min(width, Fraction(piece["up_to"]) - lower)
        width = max(width, Fraction(0))
        part = width * parse_rate(piece["rate"])
        slices.append({"over": piece["over"], "up_to": piece.get("up_to"), "rate": piece["rate"],
                       "width": _yen(width), "value": _yen(part)})
        total += part
    ctx.trace.append({"marginal_of": _yen(base), "slices": slices})
    return total


def _each(spec: Mapping[str, Any], ctx: Context) -> Fraction | None:
    items = ctx.facts.get(spec["fact"])
    if not isinstance(items, list):
        return None
    outer, total, shown = ctx.item, Fraction(0), []
    try:
        for item in items:
            ctx.item = item
            value = evaluate(spec["value"], ctx)
            if value is None:
                return None
            shown.append({"item": item, "value": _yen(value)})
            total += value
    finally:
        ctx.item = outer
    ctx.trace.append({"each": spec["fact"], "items": shown})
    return total


def _item(field_name: str, ctx: Context) -> Any:
    if field_name == ".":
        return ctx.item
    return ctx.item.get(field_name) if isinstance(ctx.item, Mapping) else None


def _case(key: Any, cases: Mapping[str, Any], ctx: Context) -> Fraction | None:
    return evaluate(cases[key], ctx) if isinstance(key, str) and key in cases else None


def _yen(value: Fraction) -> int | str:
    return int(value) if value.denominator == 1 else str(value)


def evaluate(expr: Mapping[str, Any], ctx: Context) -> Fraction | None:
    """Return the exact value of ``expr``, or ``None`` when a fact it needs is absent."""
    if "yen" in expr:
        return Fraction(expr["yen"])
    if "fact" in expr:
        return _number(ctx.facts.get(expr["fact"]))
    if "value" in expr:
        return _number(ctx.derived.get(expr["value"]))
    if "table" in expr:
        return _table(expr["table"], ctx)
    if "component" in expr:
        return ctx.components.get(expr["component"])
    if "count" in expr:
        items = ctx.facts.get(expr["count"]["fact"])
        return Fraction(len(items)) if isinstance(items, list) else None
    if "rate" in expr:
        base = evaluate(expr["of"], ctx)
        return None if base is None else base * parse_rate(expr["rate"])
    if "per_item" in expr:
        return _per_item(expr["per_item"], ctx)
    if "by_result" in expr:
        case = ctx.results.get(expr["by_result"])
        return evaluate(expr["cases"][case], ctx) if case in expr["cases"] else None
    if "number" in expr:
        return Fraction(expr["number"])
    if "item" in expr:
        return _number(_item(expr["item"], ctx))
    if "by_item" in expr:
        return _case(_item(expr["by_item"], ctx), expr["cases"], ctx)
    if "by_fact" in expr:
        return _case(ctx.facts.get(expr["by_fact"]), expr["cases"], ctx)
    if "each" in expr:
        return _each(expr["each"], ctx)
    if "marginal" in expr:
        return _marginal(expr["marginal"], ctx)
    if "round" in expr:
        inner = evaluate(expr["round"], ctx)
        return None if inner is None else Fraction(round_yen(inner, expr["mode"], expr.get("unit_yen", 1)))
    if "product" in expr or "difference" in expr or "quotient" in expr:
        key = next(k for k in ("product", "difference", "quotient") if k in expr)
        operands = _all_known([evaluate(e, ctx) for e in expr[key]])
        if operands is None:
            return None
        if key == "product":
            return math.prod(operands, start=Fraction(1))
        if key == "difference":
            return operands[0] - operands[1]
        if operands[1] == 0:
            # A zero divisor from the facts (e.g. no insured persons) leaves the value not stated, never a 500.
            ctx.trace.append({"quotient": "division by zero: not stated"})
            return None
        return operands[0] / operands[1]
    for key, combine in (("sum", sum), ("min", min), ("max", max)):
        if key in expr:
            values = _all_known([evaluate(e, ctx) for e in expr[key]])
            if values is None:
                return None
            return Fraction(combine(values)) if key != "sum" else sum(values, Fraction(0))
    raise ValueError(f"unknown expression {dict(expr)!r}")  # the rule schema makes this unreachable
