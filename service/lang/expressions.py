"""Value expressions of rule files (derived values, band tables, amounts), evaluated exactly.

Every value is an exact number of yen (or a plain count) or ``None`` when a fact it needs is absent;
``None`` propagates, so an amount that depends on a missing optional fact is "not stated", never 0.
Rounding happens once, where the rule file declares it, never here.

Inside, a value is a plain ``int`` while every operand is one (sums, products, differences, min/max, band
amounts, counts): integer arithmetic is exact and several times cheaper than ``Fraction``. A rate, a decimal
fact or a quotient makes it a ``Fraction``. :func:`value_of` returns that ``int | Fraction``; :func:`evaluate`
keeps the older promise of a ``Fraction`` for callers that divide what they get.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .money import parse_rate, round_yen

__all__ = ["Band", "Context", "Exact", "Table", "evaluate", "exact_number", "value_of"]

Exact = int | Fraction


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
    components: dict[str, Exact | None] = field(default_factory=dict)
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


def _number(value: Any) -> Exact | None:
    """``exact_number``, but an int stays an int."""
    if type(value) is int:
        return value
    return exact_number(value)


def _constant(value: Any) -> Exact:
    """A number written in the rule file: an int stays one."""
    return value if type(value) is int else Fraction(value)


def _all_known(values: list[Exact | None]) -> list[Exact] | None:
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def _table(table_id: str, ctx: Context) -> Exact | None:
    table = ctx.tables[table_id]
    key = _by_value(table.by, ctx)
    if key is None:
        return None
    band = table.lookup(key)
    if band is None:
        return None
    ctx.trace.append({"table": table.id, "table_ja": table.name_ja, "by": key,
                      "band_ja": band.label_ja, "yen": band.amount_yen})
    return band.amount_yen


def _by_value(by: Mapping[str, str], ctx: Context) -> int | None:
    raw = ctx.facts.get(by["fact"]) if "fact" in by else ctx.derived.get(by["value"])
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _per_item(spec: Mapping[str, Any], ctx: Context) -> Exact | None:
    items = ctx.facts.get(spec["fact"])
    if not isinstance(items, list):
        return None
    priced: list[tuple[str, Exact]] = []
    for item in items:
        value = value_of(spec["amounts"][item], ctx)
        if value is None:
            return None
        priced.append((item, value))
    # sorted() is stable: equal amounts keep the applicant's order, so the pick is deterministic.
    ranked = sorted(priced, key=lambda pair: pair[1], reverse=True)
    counted = ranked[: spec.get("at_most", len(ranked))]
    ctx.trace.append({"per_item": spec["fact"],
                      "items": [{"item": item, "yen": _yen(value), "counted": (item, value) in counted}
                                for item, value in priced]})
    return sum(value for _, value in counted)


def _marginal(spec: Mapping[str, Any], ctx: Context) -> Exact | None:
    base = value_of(spec["of"], ctx)
    if base is None:
        return None
    total: Exact = 0
    slices = []
    for piece in spec["slices"]:
        lower = _constant(piece["over"])
        width = base - lower
        if "up_to" in piece:
            width = min(width, _constant(piece["up_to"]) - lower)
        width = max(width, 0)
        part = width * parse_rate(piece["rate"])
        slices.append({"over": piece["over"], "up_to": piece.get("up_to"), "rate": piece["rate"],
                       "width": _yen(width), "value": _yen(part)})
        total += part
    ctx.trace.append({"marginal_of": _yen(base), "slices": slices})
    return total


def _each(spec: Mapping[str, Any], ctx: Context) -> Exact | None:
    items = ctx.facts.get(spec["fact"])
    if not isinstance(items, list):
        return None
    outer, shown = ctx.item, []
    total: Exact = 0
    try:
        for item in items:
            ctx.item = item
            value = value_of(spec["value"], ctx)
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


def _case(key: Any, cases: Mapping[str, Any], ctx: Context) -> Exact | None:
    return value_of(cases[key], ctx) if isinstance(key, str) and key in cases else None


def _yen(value: Exact) -> int | str:
    return value if type(value) is int else (int(value) if value.denominator == 1 else str(value))


def evaluate(expr: Mapping[str, Any], ctx: Context) -> Fraction | None:
    """Return the exact value of ``expr`` as a ``Fraction``, or ``None`` when a fact it needs is absent."""
    value = value_of(expr, ctx)
    return value if value is None or type(value) is Fraction else Fraction(value)


def value_of(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
    """Return the exact value of ``expr`` (an int while every operand is one), or ``None``."""
    # The construct is the expression's key of lowest rank in _KINDS (the order of precedence the rule
    # schema never needs, since it allows one construct per mapping); a mapping has one to three keys.
    best = None
    for key in expr:
        rank = _RANK.get(key)
        if rank is not None and (best is None or rank < best):
            best = rank
    if best is None:
        raise ValueError(f"unknown expression {dict(expr)!r}")  # the rule schema makes this unreachable
    return _KINDS[best][1](expr, ctx)


def _count(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
    items = ctx.facts.get(expr["count"]["fact"])
    return len(items) if isinstance(items, list) else None


def _rate(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
    base = value_of(expr["of"], ctx)
    return None if base is None else base * parse_rate(expr["rate"])


def _by_result(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
    case = ctx.results.get(expr["by_result"])
    return value_of(expr["cases"][case], ctx) if case in expr["cases"] else None


def _round(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
    inner = value_of(expr["round"], ctx)
    return None if inner is None else round_yen(inner, expr["mode"], expr.get("unit_yen", 1))


_Construct = Callable[[Mapping[str, Any], "Context"], "Exact | None"]


def _arithmetic(key: str) -> _Construct:
    def compute(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
        operands = _all_known([value_of(e, ctx) for e in expr[key]])
        if operands is None:
            return None
        if key == "product":
            return math.prod(operands)
        if key == "difference":
            return operands[0] - operands[1]
        if operands[1] == 0:
            # A zero divisor from the facts (e.g. no insured persons) leaves the value not stated, never a 500.
            ctx.trace.append({"quotient": "division by zero: not stated"})
            return None
        return Fraction(operands[0]) / operands[1]  # never int / int: that would be a float

    return compute


def _combined(key: str, combine: Callable[[list[Exact]], Exact]) -> _Construct:
    def compute(expr: Mapping[str, Any], ctx: Context) -> Exact | None:
        values = _all_known([value_of(e, ctx) for e in expr[key]])
        return None if values is None else combine(values)

    return compute


#: every construct, in order of precedence, with its evaluation
_KINDS: tuple[tuple[str, _Construct], ...] = (
    ("yen", lambda expr, ctx: _constant(expr["yen"])),
    ("fact", lambda expr, ctx: _number(ctx.facts.get(expr["fact"]))),
    ("value", lambda expr, ctx: _number(ctx.derived.get(expr["value"]))),
    ("table", lambda expr, ctx: _table(expr["table"], ctx)),
    ("component", lambda expr, ctx: ctx.components.get(expr["component"])),
    ("count", _count),
    ("rate", _rate),
    ("per_item", lambda expr, ctx: _per_item(expr["per_item"], ctx)),
    ("by_result", _by_result),
    ("number", lambda expr, ctx: _constant(expr["number"])),
    ("item", lambda expr, ctx: _number(_item(expr["item"], ctx))),
    ("by_item", lambda expr, ctx: _case(_item(expr["by_item"], ctx), expr["cases"], ctx)),
    ("by_fact", lambda expr, ctx: _case(ctx.facts.get(expr["by_fact"]), expr["cases"], ctx)),
    ("each", lambda expr, ctx: _each(expr["each"], ctx)),
    ("marginal", lambda expr, ctx: _marginal(expr["marginal"], ctx)),
    ("round", _round),
    ("product", _arithmetic("product")),
    ("difference", _arithmetic("difference")),
    ("quotient", _arithmetic("quotient")),
    ("sum", _combined("sum", sum)),
    ("min", _combined("min", min)),
    ("max", _combined("max", max)),
)
_RANK = {name: rank for rank, (name, _) in enumerate(_KINDS)}
