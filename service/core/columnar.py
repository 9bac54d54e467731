"""The columnar evaluator (列指向の一括判定): one rule version compiled to Polars expressions over a table of facts.

The same rule file that ``decide.py`` runs one application at a time (derived values, band tables, the NNF
conditions of ``rulebook/conditions.py``, components, ceiling, rate, one rounding) is compiled here to
vectorised expressions, so a million 後期 premiums are decided in one pass. It answers the batch row only:
eligibility (交付対象), amount (補助額) and ceiling (上限額); reasons stay with the per-record engine.

Exact, never floats: every value is a rational ``numerator / denominator`` whose denominator is a Python
integer fixed at compile time (decimal facts such as ``"9.34%"`` are scaled to one denominator per column,
rates multiply it), and whose numerator is an ``Int128`` column. Each numerator carries a bound on its
absolute value, computed from the data; a version whose bound could pass 2**120 is not compiled
(:class:`Unsupported`), and its rows go to the per-record engine, as do constructs the compiler does not
express (``each``, ``item``, a quotient by a value). Nothing is approximated: a row is decided here exactly,
or not here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import polars as pl

from ..lang.expressions import exact_number
from ..lang.money import parse_rate
from ..rulebook.conditions import Node
from ..rulebook.model import RuleVersion

__all__ = ["ColumnarVersion", "Unsupported", "facts_frame", "vector_check"]

#: numerators stay far below Int128's 2**127: a product of two bounded values is checked before it is built
_LIMIT = 2**120
I128 = pl.Int128


class Unsupported(Exception):
    """A construct or a magnitude the columnar compiler does not express: the per-record engine decides."""


@dataclass(frozen=True)
class Val:
    """An exact rational column: ``num / den``; ``num`` is null when the value is not stated."""

    num: pl.Expr
    den: int
    bound: int

    def scaled(self, den: int) -> pl.Expr:
        factor = den // self.den
        _check(self.bound * factor)
        return self.num if factor == 1 else self.num * pl.lit(factor, dtype=I128)


def _check(bound: int) -> int:
    if bound >= _LIMIT:
        raise Unsupported(f"a value could exceed 2**120 ({bound.bit_length()} bits)")
    return bound


def _const(value: Fraction) -> Val:
    return Val(pl.lit(value.numerator, dtype=I128), value.denominator, abs(value.numerator))


_NULL = Val(pl.lit(None, dtype=I128), 1, 0)


def _common(vals: list[Val]) -> int:
    den = 1
    for v in vals:
        den = math.lcm(den, v.den)
    return den


def _floor_div(num: pl.Expr, den: int) -> pl.Expr:
    # Polars' integer // is floor division (toward minus infinity), as math.floor of the exact quotient.
    return num if den == 1 else num // pl.lit(den, dtype=I128)


def _round(v: Val, mode: str, unit: int) -> Val:
    """round_yen(v, mode, unit) exactly: floor, ceil or half-up of num / (den * unit), times unit."""
    d = v.den * unit
    if mode == "floor":
        q = _floor_div(v.num, d)
    elif mode == "ceil":
        # Int128 has no negation in Polars: ceil(n / d) = floor((n + d - 1) / d) for d > 0.
        q = _floor_div(v.num + pl.lit(d - 1, dtype=I128), d)
    elif mode == "half_up":
        q = _floor_div(v.num * 2 + pl.lit(d, dtype=I128), 2 * d)
    else:
        raise Unsupported(f"rounding mode {mode}")
    out = q if unit == 1 else q * pl.lit(unit, dtype=I128)
    return Val(out, 1, _check(v.bound // v.den + unit + 1))


def _prod(a: Val, b: Val) -> Val:
    return Val(a.num * b.num, a.den * b.den, _check(a.bound * b.bound))


# --- the facts table -----------------------------------------------------------------------------------------


_SCHEMAS: dict[str, dict[str, Any]] = {}


def _facts_schema(rv: RuleVersion) -> dict[str, Any]:
    """The (sub)schema the version's facts follow, read from the text it was loaded with."""
    if rv.sha256 not in _SCHEMAS:
        schema: Any = json.loads(rv.facts_schema_text)
        for part in (p for p in rv.document["facts_schema"].partition("#")[2].split("/") if p):
            schema = schema[part]
        _SCHEMAS[rv.sha256] = dict(schema) if isinstance(schema, Mapping) else {}
    return _SCHEMAS[rv.sha256]


def _properties(rv: RuleVersion) -> Mapping[str, Mapping[str, Any]]:
    return dict(_facts_schema(rv).get("properties", {}))


def _dtype(spec: Mapping[str, Any]) -> pl.DataType:
    kind = spec.get("type", "string" if all(isinstance(m, str) for m in spec.get("enum", [0])) else None)
    if kind == "integer":
        return pl.Int64()
    if kind == "boolean":
        return pl.Boolean()
    if kind == "array" and spec.get("items", {}).get("type", "string") == "string" and \
            all(isinstance(m, str) for m in spec.get("items", {}).get("enum", [""])):
        return pl.List(pl.String())
    if kind == "string":
        return pl.String()
    raise Unsupported(f"a fact of schema type {kind!r} has no column type here")


def facts_frame(rv: RuleVersion, rows: list[Mapping[str, Any]]) -> pl.DataFrame:
    """Return the table of ``rows`` (validated facts), one typed column per fact of the schema, null when absent."""
    props = _properties(rv)
    return pl.DataFrame({name: [row.get(name) for row in rows] for name in props},
                        schema={name: _dtype(spec) for name, spec in props.items()}, strict=True)


# --- the compiler --------------------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, rv: RuleVersion, frame: pl.DataFrame) -> None:
        self.rv, self.frame, self.doc = rv, frame, rv.document
        self.props = _properties(rv)
        self.derived: dict[str, Val] = {}
        self.components: dict[str, Val] = {}
        self.results: dict[str, pl.Expr] = {}  # tier result -> chosen option value (string), null if none
        self._numbers: dict[str, Val] = {}
        #: intermediate columns, computed once each, in order (Polars then need not repeat a shared subexpression)
        self.stages: list[tuple[str, pl.Expr]] = []

    def column(self, expr: pl.Expr) -> pl.Expr:
        name = f"__s{len(self.stages)}"
        self.stages.append((name, expr))
        return pl.col(name)

    # -- facts as numbers -------------------------------------------------------------------------------
    def fact_number(self, name: str) -> Val:
        if name in self._numbers:
            return self._numbers[name]
        dtype = self.frame.schema.get(name)
        if dtype is None:
            val = _NULL
        elif dtype == pl.Int64:
            column = self.frame.get_column(name)
            bound = int(column.abs().max() or 0)  # type: ignore[arg-type]
            val = Val(pl.col(name).cast(I128), 1, bound)
        elif dtype == pl.String:
            # A string fact is a number when it is a decimal ("9.34%", "2"); each distinct text is read once.
            texts = [t for t in self.frame.get_column(name).unique().to_list() if t is not None]
            exact = {t: exact_number(t) for t in texts}
            den = _common([_const(v) for v in exact.values() if v is not None])
            mapping = {t: int(v * den) for t, v in exact.items() if v is not None}
            bound = max((abs(n) for n in mapping.values()), default=0)
            num = pl.col(name).replace_strict(mapping, default=None, return_dtype=I128) if mapping else _NULL.num
            val = Val(num, den, bound)
        else:
            val = _NULL  # booleans and lists are never numbers (exact_number answers None)
        self._numbers[name] = val
        return val

    def int_slot(self, name: str) -> pl.Expr | None:
        dtype = self.frame.schema.get(name)
        return pl.col(name) if dtype == pl.Int64 else None

    # -- expressions ------------------------------------------------------------------------------------
    def expr(self, e: Mapping[str, Any]) -> Val:  # noqa: C901 - one branch per construct, as in lang/expressions
        if "yen" in e:
            return _const(Fraction(e["yen"]))
        if "number" in e:
            return _const(Fraction(e["number"]))
        if "fact" in e:
            return self.fact_number(e["fact"])
        if "value" in e:
            return self.derived.get(e["value"], _NULL)
        if "table" in e:
            return self.table(e["table"])
        if "component" in e:
            return self.components.get(e["component"], _NULL)
        if "count" in e:
            name = e["count"]["fact"]
            if self.frame.schema.get(name) != pl.List(pl.String):
                return _NULL
            longest = int(self.frame.get_column(name).list.len().max() or 0)  # type: ignore[arg-type]
            return Val(pl.col(name).list.len().cast(I128), 1, _check(longest))
        if "rate" in e:
            base = self.expr(e["of"])
            return _prod(base, _const(parse_rate(e["rate"])))
        if "per_item" in e:
            return self.per_item(e["per_item"])
        if "by_result" in e:
            chosen = self.results.get(e["by_result"])
            if chosen is None:
                return _NULL
            return self.cases(chosen, e["cases"])
        if "by_fact" in e:
            name = e["by_fact"]
            if self.frame.schema.get(name) != pl.String:
                return _NULL
            return self.cases(pl.col(name), e["cases"])
        if "marginal" in e:
            return self.marginal(e["marginal"])
        if "round" in e:
            return _round(self.expr(e["round"]), e["mode"], e.get("unit_yen", 1))
        if "product" in e:
            vals = [self.expr(x) for x in e["product"]]
            out = _const(Fraction(1))
            for v in vals:
                out = _prod(out, v)
            return out
        if "difference" in e:
            a, b = self.expr(e["difference"][0]), self.expr(e["difference"][1])
            den = _common([a, b])
            return Val(a.scaled(den) - b.scaled(den), den, _check(a.bound * (den // a.den) + b.bound * (den // b.den)))
        if "quotient" in e:
            a, b = self.expr(e["quotient"][0]), e["quotient"][1]
            if set(b) not in ({"yen"}, {"number"}):
                raise Unsupported("a quotient by a value that is not a constant")
            divisor = Fraction(b.get("yen", b.get("number")))
            if divisor == 0:
                return _NULL
            inverse = 1 / divisor
            return _prod(a, _const(inverse))
        for key in ("sum", "min", "max"):
            if key in e:
                vals = [self.expr(x) for x in e[key]]
                den = _common(vals)
                nums = [v.scaled(den) for v in vals]
                bounds = [v.bound * (den // v.den) for v in vals]
                any_null = pl.any_horizontal([n.is_null() for n in nums])
                if key == "sum":
                    total = nums[0]
                    for n in nums[1:]:
                        total = total + n
                    return Val(total, den, _check(sum(bounds)))
                pick = pl.min_horizontal(nums) if key == "min" else pl.max_horizontal(nums)
                return Val(pl.when(any_null).then(None).otherwise(pick).cast(I128), den, _check(max(bounds)))
        raise Unsupported(f"expression {sorted(e)}")

    def cases(self, key: pl.Expr, cases: Mapping[str, Any]) -> Val:
        vals = {k: self.expr(v) for k, v in cases.items()}
        if not vals:
            return _NULL
        den = _common(list(vals.values()))
        chain: Any = pl
        for k, v in vals.items():
            chain = chain.when(key == k).then(v.scaled(den))
        return Val(chain.otherwise(None).cast(I128), den, _check(max(v.bound * (den // v.den) for v in vals.values())))

    def table(self, table_id: str) -> Val:
        table = self.rv.tables[table_id]
        if "fact" in table.by:
            key = self.int_slot(table.by["fact"])
        else:
            derived = self.derived.get(table.by["value"])
            key = None if derived is None else derived.num
        if key is None:
            return _NULL
        chain: Any = pl
        for band in table.bands:
            above = key >= band.lower if band.lower_inclusive else key > band.lower
            below = pl.lit(True) if band.upper is None else (key <= band.upper if band.upper_inclusive
                                                              else key < band.upper)
            chain = chain.when(above & below).then(pl.lit(band.amount_yen, dtype=I128))
        bound = max((abs(b.amount_yen) for b in table.bands), default=0)
        return Val(self.column(chain.otherwise(None).cast(I128)), 1, _check(bound))

    def per_item(self, spec: Mapping[str, Any]) -> Val:
        name = spec["fact"]
        if self.frame.schema.get(name) != pl.List(pl.String):
            return _NULL
        items = self.props.get(name, {}).get("items", {}).get("enum")
        if not items or not all(isinstance(i, str) for i in items):
            raise Unsupported(f"per_item over {name}, whose items are not an enumeration")
        # An item the table does not price raises in the per-record evaluator; it never reaches here (schema).
        if set(items) - set(spec["amounts"]):
            raise Unsupported(f"per_item over {name}: an item without an amount")
        priced = {item: self.expr(spec["amounts"][item]) for item in items}
        den = _common(list(priced.values()))
        listed = pl.col(name)
        has = {item: self.column(listed.list.contains(pl.lit(item))) for item in items}
        value = {item: self.column(priced[item].scaled(den)) for item in items}
        unknown = pl.any_horizontal([has[i] & value[i].is_null() for i in items])
        at_most = spec.get("at_most", len(items))
        # The per-record evaluator sums the ``at_most`` highest amounts of the listed items. Here an item counts
        # when fewer than ``at_most`` listed items rank before it: a higher amount, or an equal amount earlier in
        # the enumeration. Which of two equal amounts counts does not change the sum.
        order = {item: n for n, item in enumerate(items)}
        total: pl.Expr = pl.lit(0, dtype=I128)
        for i in items:
            if at_most >= len(items):
                counted = has[i]
            else:
                before = [(has[j] & ((value[j] > value[i]) | ((value[j] == value[i]) & (order[j] < order[i]))))
                          .fill_null(False).cast(pl.Int32) for j in items if j != i]
                counted = has[i] & (pl.sum_horizontal(before) < at_most)
            total = total + pl.when(counted).then(value[i]).otherwise(pl.lit(0, dtype=I128))
        bound = _check(sum(v.bound * (den // v.den) for v in priced.values()))
        return Val(pl.when(listed.is_null() | unknown).then(None).otherwise(total), den, bound)

    def marginal(self, spec: Mapping[str, Any]) -> Val:
        base = self.expr(spec["of"])
        edges = [Fraction(piece["over"]) for piece in spec["slices"]] + [
            Fraction(piece["up_to"]) for piece in spec["slices"] if "up_to" in piece]
        den = _common([base] + [_const(edge) for edge in edges])
        num = base.scaled(den)
        pieces = []
        for piece in spec["slices"]:
            lower = Fraction(piece["over"])
            width = num - pl.lit(int(lower * den), dtype=I128)
            if "up_to" in piece:
                width = pl.min_horizontal(width, pl.lit(int((Fraction(piece["up_to"]) - lower) * den), dtype=I128))
            width = pl.max_horizontal(width, pl.lit(0, dtype=I128))
            bound = _check(base.bound * (den // base.den) + abs(int(lower * den)))
            pieces.append(_prod(Val(width, den, bound), _const(parse_rate(piece["rate"]))))
        common = _common(pieces)
        total: pl.Expr = pl.lit(0, dtype=I128)
        for p in pieces:
            total = total + p.scaled(common)
        # min/max_horizontal skip nulls: a base that is not stated leaves the whole value not stated.
        return Val(pl.when(num.is_null()).then(None).otherwise(total).cast(I128), common,
                   _check(sum(p.bound * (common // p.den) for p in pieces)))

    # -- conditions -------------------------------------------------------------------------------------
    def slot(self, name: str) -> tuple[pl.Expr, str]:
        """Return (the slot's column, its kind: int or bool); null where ``SlotTable.flatten`` leaves it out."""
        prefix, _, rest = name.partition("_")
        if prefix == "f":
            dtype = self.frame.schema.get(rest)
            if dtype == pl.Int64:
                return pl.col(rest), "int"
            if dtype == pl.Boolean:
                return pl.col(rest), "bool"
            return pl.lit(None, dtype=pl.Int64), "int"
        if prefix == "v":
            val = self.derived.get(rest)
            return (pl.lit(None, dtype=I128) if val is None else val.num), "int"
        if prefix == "p":
            return pl.when(pl.col(rest).is_not_null()).then(pl.lit(True)).otherwise(None) \
                if rest in self.frame.schema else pl.lit(None, dtype=pl.Boolean), "bool"
        index = int(prefix[1:])
        if prefix[0] == "h":
            fact, item = self.rv.slots.contains[index]
            if self.frame.schema.get(fact) != pl.List(pl.String):
                return pl.lit(None, dtype=pl.Boolean), "bool"
            return pl.col(fact).list.contains(pl.lit(item)), "bool"
        if prefix[0] == "o":
            fact, values = self.rv.slots.one_of[index]
            if self.frame.schema.get(fact) != pl.String:
                return pl.lit(None, dtype=pl.Boolean), "bool"
            return pl.col(fact).is_in(list(values)), "bool"
        raise Unsupported(f"slot {name}")

    def condition(self, node: Node) -> pl.Expr:
        """The NNF node as a boolean column that is never null (an absent slot fails its comparison)."""
        kind = node[0]
        if kind == "true":
            return pl.lit(True)
        if kind == "false":
            return pl.lit(False)
        if kind in ("and", "or"):
            parts = [self.condition(child) for child in node[1]]
            return pl.all_horizontal(parts) if kind == "and" else pl.any_horizontal(parts)
        if kind == "present":
            return self.slot(node[1])[0].is_not_null()
        if kind == "absent":
            return self.slot(node[1])[0].is_null()
        _, lhs_name, op, (rhs_kind, rhs_value) = node
        lhs, lhs_type = self.slot(lhs_name)
        rhs: pl.Expr
        if rhs_kind == "slot":
            rhs, rhs_type = self.slot(rhs_value)
        elif rhs_kind == "bool":
            rhs, rhs_type = pl.lit(rhs_value), "bool"
        else:
            rhs, rhs_type = pl.lit(rhs_value, dtype=I128), "int"
        if lhs_type != rhs_type or (lhs_type == "bool" and op != "eq"):
            raise Unsupported(f"a comparison of {lhs_type} with {rhs_type} ({lhs_name})")
        compare: Callable[[pl.Expr, pl.Expr], pl.Expr] = _OPS[op]
        if lhs_type == "int":
            lhs, rhs = lhs.cast(I128), rhs.cast(I128)
        return compare(lhs, rhs).fill_null(False)


_OPS: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
    "eq": lambda a, b: a == b, "neq": lambda a, b: a != b,
}


class ColumnarVersion:
    """One rule version, decided a table at a time; :meth:`decide` compiles against the table's own bounds."""

    def __init__(self, rv: RuleVersion) -> None:
        self.rv = rv
        for spec in _properties(rv).values():
            _dtype(spec)
        for expr in _expressions(rv.document):
            _check_constructs(expr)

    def decide(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return ``eligible`` (null: undetermined), ``amount_yen`` and ``cap_yen`` for each row of ``frame``.

        ``frame`` holds validated facts (``facts_frame``); raises :class:`Unsupported` when a value could
        leave the exact range, before anything is computed.
        """
        c = _Compiler(self.rv, frame)
        doc = self.rv.document
        for item in doc.get("derived", []):
            exact = c.expr(item["value"])
            rounded = _round(exact, item.get("rounding", {}).get("mode", "floor"), 1)
            c.derived[item["id"]] = Val(c.column(rounded.num), 1, rounded.bound)
        rule = {name: c.column(c.condition(node)) for name, node in self.rv.engine_rules.items()}
        tiers = doc.get("tiers")
        if tiers:
            chain: Any = pl
            for option in tiers["options"]:
                chain = chain.when(rule[f"tier__{option['id']}"]).then(pl.lit(str(option["value"])))
            if any(not isinstance(o["value"], str) for o in tiers["options"]):
                raise Unsupported("a tier whose value is not a string")
            c.results[tiers["result"]] = chain.otherwise(None)
        eligible = rule["eligibility"]
        open_q = [pl.lit(True) if "when" not in q else rule[f"open__{q['id']}"]
                  for q in doc.get("open_questions", [])]
        undetermined = eligible & pl.any_horizontal(open_q) if open_q else pl.lit(False)
        amount, cap = self._amounts(c, rule)
        out_eligible = pl.when(undetermined).then(None).otherwise(eligible)
        if amount is None or cap is None:
            out_amount = out_cap = pl.lit(None, dtype=pl.Int64)
        else:
            out_amount = pl.when(~eligible).then(pl.lit(0, dtype=I128)).when(undetermined).then(None) \
                .otherwise(amount).cast(pl.Int64)
            out_cap = pl.when(eligible).then(cap).otherwise(None).cast(pl.Int64)
        lazy = frame.lazy()
        for name, expr in c.stages:
            lazy = lazy.with_columns(expr.alias(name))
        return lazy.select(out_eligible.alias("eligible"), out_amount.alias("amount_yen"),
                           out_cap.alias("cap_yen")).collect()

    def _amounts(self, c: _Compiler, rule: Mapping[str, pl.Expr]) -> tuple[pl.Expr | None, pl.Expr | None]:
        amount = self.rv.document.get("amount")
        if amount is None:
            return None, None
        mode, unit = amount["rounding"]["mode"], amount["rounding"].get("unit_yen", 1)
        for comp in amount["components"]:
            value = c.expr(comp["value"])
            if "when" in comp:
                applied = rule[f"component__{comp['id']}"]
                value = Val(pl.when(applied).then(value.num).otherwise(pl.lit(0, dtype=I128)), value.den, value.bound)
            c.components[comp["id"]] = Val(c.column(value.num), value.den, value.bound)
        cap = c.expr(amount["cap"]["value"]) if "cap" in amount else None
        basis = c.expr(amount["basis"]) if "basis" in amount else None
        cap_yen = _round(cap, mode, unit) if cap is not None else None
        rate = _const(parse_rate(amount["rate"]))
        if basis is not None:
            if cap is None:
                base = basis
            else:
                den = _common([cap, basis])
                capped, given = cap.scaled(den), basis.scaled(den)
                # min(cap, basis) of the exact values; a cap that is not stated leaves the basis alone.
                base = Val(pl.when(capped.is_null()).then(given).when(given < capped).then(given)
                           .otherwise(capped).cast(I128), den,
                           _check(max(cap.bound * (den // cap.den), basis.bound * (den // basis.den))))
            rated = _round(_prod(base, rate), mode, unit)
            amount_num = rated.num if cap_yen is None else pl.when(basis.num.is_null()).then(cap_yen.num) \
                .otherwise(rated.num)
        else:
            amount_num = cap_yen.num if cap_yen is not None else pl.lit(None, dtype=I128)
        for bound in ((cap_yen.bound if cap_yen else 0), (_round(_prod(basis, rate), mode, unit).bound
                                                           if basis is not None else 0)):
            if bound >= 2**62:
                raise Unsupported("an amount could exceed int64")
        return amount_num, (cap_yen.num if cap_yen is not None else pl.lit(None, dtype=I128))


_KNOWN = {"yen", "number", "fact", "value", "table", "component", "count", "rate", "per_item", "by_result",
          "by_fact", "marginal", "round", "product", "difference", "quotient", "sum", "min", "max"}


def _expressions(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    exprs = [item["value"] for item in doc.get("derived", [])]
    amount = doc.get("amount")
    if amount:
        exprs += [comp["value"] for comp in amount["components"]]
        exprs += [amount[key] if key == "basis" else amount[key]["value"] for key in ("cap", "basis") if key in amount]
    return exprs


def _check_constructs(expr: Any) -> None:
    """Raise :class:`Unsupported` for an expression the compiler cannot express, before any data is seen."""
    if not isinstance(expr, Mapping):
        return
    head = next((k for k in ("yen", "fact", "value", "table", "component", "count", "rate", "per_item",
                             "by_result", "number", "item", "by_item", "by_fact", "each", "marginal", "round",
                             "product", "difference", "quotient", "sum", "min", "max") if k in expr), None)
    if head not in _KNOWN:
        raise Unsupported(f"the expression {head!r} (per list item) is decided per record")
    children: list[Any] = []
    if head == "quotient":
        divisor = expr["quotient"][1]
        if not (isinstance(divisor, Mapping) and set(divisor) in ({"yen"}, {"number"})):
            raise Unsupported("a quotient by a value that is not a constant")
    if head in ("product", "difference", "quotient", "sum", "min", "max"):
        children = list(expr[head])
    elif head == "rate":
        children = [expr["of"]]
    elif head == "round":
        children = [expr["round"]]
    elif head == "marginal":
        children = [expr["marginal"]["of"]]
    elif head in ("by_result", "by_fact"):
        children = list(expr["cases"].values())
    elif head == "per_item":
        children = list(expr["per_item"]["amounts"].values())
    for child in children:
        _check_constructs(child)


# --- a vectorised "certainly valid" over a facts table --------------------------------------------------------

def vector_check(rv: RuleVersion, frame: pl.DataFrame) -> pl.Series | None:
    """Return, per row, True only where the facts schema certainly accepts the row; None when the schema's
    keywords are beyond this check (the caller then asks the per-row check). Like ``lang/fastcheck.py``, False
    never means invalid: jsonschema decides those rows and names their problems.
    """
    resolved = _facts_schema(rv)
    allowed = {"type", "additionalProperties", "properties", "required", "if", "then", "title", "description",
               "$comment", "$schema", "$id", "$defs", "examples", "default"}
    if {k for k in resolved if not k.startswith("x-")} - allowed or resolved.get("type") != "object":
        return None
    props = resolved.get("properties", {})
    if resolved.get("additionalProperties", True) is not False or set(frame.columns) - set(props):
        return None
    checks: list[pl.Expr] = [pl.col(name).is_not_null() for name in resolved.get("required", [])]
    for name, spec in props.items():
        if name not in frame.columns:
            continue
        check = _property_check(name, spec, frame.schema[name])
        if check is None:
            return None
        checks.append(pl.col(name).is_null() | check)
    if "if" in resolved:
        condition = _if_condition(resolved["if"], frame)
        then = resolved.get("then", {})
        if condition is None or set(then) - {"required"}:
            return None
        checks.append(~condition | pl.all_horizontal([pl.col(n).is_not_null() if n in frame.columns else pl.lit(False)
                                                      for n in then.get("required", [])] or [pl.lit(True)]))
    return frame.select(pl.all_horizontal(checks or [pl.lit(True)]).fill_null(False).alias("ok")).to_series()


def _property_check(name: str, spec: Mapping[str, Any], dtype: pl.DataType) -> pl.Expr | None:
    # Annotations (titles, descriptions, x-… such as x-description-ja) validate nothing.
    keys = {k for k in spec if not k.startswith("x-")} - {"title", "description", "$comment", "examples", "default"}
    col = pl.col(name)
    if spec.get("type") == "integer" and keys <= {"type", "minimum", "maximum"} and dtype == pl.Int64:
        check = pl.lit(True)
        if "minimum" in spec:
            check = check & (col >= spec["minimum"])
        if "maximum" in spec:
            check = check & (col <= spec["maximum"])
        return check
    if spec.get("type") == "boolean" and keys == {"type"} and dtype == pl.Boolean:
        return pl.lit(True)
    if dtype == pl.String and keys <= {"type", "enum", "pattern", "minLength", "maxLength"} and \
            spec.get("type", "string") == "string" and ("type" in spec or "enum" in spec):
        # Non-ASCII text may change under NFKC (full-width digits): the per-row path normalises it first.
        check = col.str.contains(r"^[\x00-\x7f]*$")
        if "enum" in spec:
            if not all(isinstance(m, str) for m in spec["enum"]):
                return None
            check = check & col.is_in(list(spec["enum"]))
        if "pattern" in spec:
            check = check & col.str.contains(spec["pattern"])
        if "minLength" in spec:
            check = check & (col.str.len_chars() >= spec["minLength"])
        if "maxLength" in spec:
            check = check & (col.str.len_chars() <= spec["maxLength"])
        return check
    if spec.get("type") == "array" and dtype == pl.List(pl.String) and keys <= {"type", "items", "uniqueItems",
                                                                                  "minItems", "maxItems"}:
        items = spec.get("items", {})
        if set(items) != {"enum"} or not all(isinstance(m, str) for m in items["enum"]):
            return None
        check = col.list.eval(pl.element().is_in(list(items["enum"]))).list.all()
        if spec.get("uniqueItems") is True:
            check = check & (col.list.n_unique() == col.list.len())
        if "minItems" in spec:
            check = check & (col.list.len() >= spec["minItems"])
        if "maxItems" in spec:
            check = check & (col.list.len() <= spec["maxItems"])
        return check
    return None


def _if_condition(schema: Any, frame: pl.DataFrame) -> pl.Expr | None:
    if not isinstance(schema, Mapping) or set(schema) - {"properties", "required"}:
        return None
    parts = [pl.col(n).is_not_null() if n in frame.columns else pl.lit(False) for n in schema.get("required", [])]
    for name, sub in schema.get("properties", {}).items():
        if name not in frame.columns:
            continue
        if set(sub) == {"const"} and isinstance(sub["const"], bool) and frame.schema[name] == pl.Boolean:
            parts.append(pl.col(name).is_null() | (pl.col(name) == sub["const"]))
        elif set(sub) == {"const"} and isinstance(sub["const"], str) and frame.schema[name] == pl.String:
            parts.append(pl.col(name).is_null() | (pl.col(name) == sub["const"]))
        elif set(sub) == {"enum"} and all(isinstance(m, str) for m in sub["enum"]) and frame.schema[name] == pl.String:
            parts.append(pl.col(name).is_null() | pl.col(name).is_in(list(sub["enum"])))
        else:
            return None
    return pl.all_horizontal(parts or [pl.lit(True)])


# --- a table of applications decided: columnar where it can, the per-record engine elsewhere ------------------


@dataclass
class BatchResult:
    """Per input row: ``eligible``, ``amount_yen``, ``cap_yen``, or ``error`` (the 422 body of that row);
    ``facts`` holds each decided row's validated facts (what the log records); ``how`` says who decided it."""

    eligible: list[bool | None]
    amount_yen: list[int | None]
    cap_yen: list[int | None]
    facts: list[dict[str, Any] | None]
    error: list[dict[str, Any] | None]
    how: list[str]
    #: why the version is not decided in columns (None when it is)
    fallback_reason: str | None = None

    def counts(self) -> dict[str, int]:
        return {"columnar": self.how.count("columnar"), "per_record": self.how.count("per_record"),
                "invalid": self.how.count("invalid")}


def _support(rv: RuleVersion) -> tuple[ColumnarVersion | None, str | None]:
    try:
        return ColumnarVersion(rv), None
    except Unsupported as exc:
        return None, str(exc)


_COMPILED: dict[str, tuple[ColumnarVersion | None, str | None]] = {}


def columnar_version(rv: RuleVersion) -> tuple[ColumnarVersion | None, str | None]:
    """The compiled version (None, and why, when its constructs are decided per record); kept per sha256."""
    if rv.sha256 not in _COMPILED:
        _COMPILED[rv.sha256] = _support(rv)
    return _COMPILED[rv.sha256]


_SEPARATOR = "\x1f"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _typed_frame(rv: RuleVersion, rows: list[Any]) -> tuple[pl.DataFrame, list[bool]]:
    """The rows as a typed table, and per row whether every key is a fact and every value has its column's type
    exactly (a boolean is not an integer, 1.0 is not an integer, null is no value); a row that is not is left
    out of the table (all null) and marked False."""
    dtypes = facts_dtypes(rv)
    known = set(dtypes)
    ok = [type(row) is dict and row.keys() <= known and None not in row.values() for row in rows]
    columns = []
    for name, dtype in dtypes.items():
        values = [row.get(name) if good else None for row, good in zip(rows, ok, strict=True)]
        if dtype == pl.Int64:
            bad = [i for i, v in enumerate(values) if v is not None and (type(v) is not int or not _INT64_MIN <= v
                                                                         <= _INT64_MAX)]
        elif dtype == pl.Boolean:
            bad = [i for i, v in enumerate(values) if v is not None and type(v) is not bool]
        elif dtype == pl.String:
            bad = [i for i, v in enumerate(values) if v is not None and type(v) is not str]
        else:
            # An item holding the unit separator is not certain either (see below).
            bad = [i for i, v in enumerate(values) if v is not None and (type(v) is not list or not all(
                type(x) is str and _SEPARATOR not in x for x in v))]
        for i in bad:
            ok[i], values[i] = False, None
        if dtype == pl.List(pl.String):
            # Polars builds a list column from Python lists slowly (~20 µs a row): each list goes over as one
            # text, every item after a unit separator, and is split back.
            texts = [None if v is None else "".join(_SEPARATOR + x for x in v) for v in values]
            columns.append(pl.Series(name, texts, dtype=pl.String).str.split(_SEPARATOR).list.slice(1))
        else:
            columns.append(pl.Series(name, values, dtype=dtype, strict=True))
    # A row found bad in a later column keeps its earlier values: the caller's mask leaves it out anyway.
    return pl.DataFrame(columns), ok


def decide_rows(decider: Any, rv: RuleVersion, rows: list[Any]) -> BatchResult:
    """Decide ``rows`` (facts as parsed from JSON) under ``rv``.

    The rows become a typed table (exact JSON types per column); the vectorised facts check marks the rows the
    schema certainly accepts, with ASCII text only (NFKC leaves it as it is). The others are normalised and
    asked the compiled per-row check; what is still not certain goes to ``decider`` (validation with located
    problems, then the engine of record), one at a time.
    """
    from ..lang.facts import normalize

    compiled, why = columnar_version(rv)
    n = len(rows)
    result = BatchResult([None] * n, [None] * n, [None] * n, [None] * n, [None] * n, ["per_record"] * n, why)
    certain: list[int] = []
    frame: pl.DataFrame | None = None
    if compiled is not None:
        try:
            typed, typed_ok = _typed_frame(rv, rows)
            checked = vector_check(rv, typed)
        except (OverflowError, TypeError, ValueError, pl.exceptions.PolarsError):
            typed, typed_ok, checked = None, [False] * n, None
        fast_mask = [a and b for a, b in zip(typed_ok, checked.to_list(), strict=True)] if checked is not None \
            else [False] * n
        certain = [i for i in range(n) if fast_mask[i]]
        fast = rv.facts_fast_check
        slow: list[int] = []
        if fast is not None:
            for index in range(n):
                if fast_mask[index]:
                    continue
                normalized = normalize(rows[index])
                if isinstance(normalized, dict) and fast(normalized) and None not in normalized.values():
                    rows[index] = normalized
                    slow.append(index)
        elif checked is None:
            result.fallback_reason = "the facts schema has neither a vectorised nor a compiled check"
        try:
            parts = []
            if certain and typed is not None:
                parts.append(typed.filter(pl.Series(fast_mask, dtype=pl.Boolean)))
            if slow:
                parts.append(facts_frame(rv, [rows[i] for i in slow]))
            certain += slow
            frame = pl.concat(parts) if parts else None
        except (OverflowError, TypeError, ValueError, pl.exceptions.PolarsError) as exc:
            result.fallback_reason, certain, frame = f"this batch: {exc}", [], None
    if frame is not None and certain:
        try:
            decided = compiled.decide(frame)  # type: ignore[union-attr]
        except (Unsupported, pl.exceptions.PolarsError) as exc:
            result.fallback_reason = f"this batch: {exc}"
            certain = []
        else:
            for i, eligible, amount, cap in zip(certain, decided.get_column("eligible").to_list(),
                                                decided.get_column("amount_yen").to_list(),
                                                decided.get_column("cap_yen").to_list(), strict=True):
                result.eligible[i], result.amount_yen[i], result.cap_yen[i] = eligible, amount, cap
                result.facts[i], result.how[i] = rows[i], "columnar"
    done = set(certain)
    for index, row in enumerate(rows):
        if index not in done:
            _one(decider, rv, row, index, result)
    return result


def decide_frame(decider: Any, rv: RuleVersion, frame: pl.DataFrame, want_facts: bool = True) -> BatchResult:
    """Decide a typed table of facts (CSV or Parquet read by Polars; null = absent) under ``rv``.

    ``want_facts``: also return each row's facts as a dict (what the log records); screening skips it.
    """
    compiled, why = columnar_version(rv)
    n = frame.height
    result = BatchResult([None] * n, [None] * n, [None] * n, [None] * n, [None] * n, ["per_record"] * n, why)
    ok: list[bool] = [False] * n
    if compiled is not None:
        try:
            expected = {name: _dtype(spec) for name, spec in _properties(rv).items()}
            # A Parquet file may hold narrower integers (Int32, UInt16, …): widened exactly, or refused.
            widen = [pl.col(c).cast(pl.Int64, strict=True) for c in frame.columns
                     if expected.get(c) == pl.Int64 and frame.schema[c].is_integer() and frame.schema[c] != pl.Int64]
            if widen:
                frame = frame.with_columns(widen)
            if all(frame.schema[c] == expected.get(c) for c in frame.columns):
                checked = vector_check(rv, frame)
                if checked is not None:
                    ok = checked.to_list()
                else:
                    result.fallback_reason = "the facts schema is beyond the vectorised check"
            else:
                result.fallback_reason = "the table's column types are not the facts schema's"
        except (Unsupported, pl.exceptions.PolarsError) as exc:
            result.fallback_reason = str(exc)
    good = pl.Series(ok, dtype=pl.Boolean)
    if good.any():
        full = frame.with_columns([pl.lit(None, dtype=dt).alias(name) for name, dt in
                                   {n: _dtype(s) for n, s in _properties(rv).items()}.items()
                                   if name not in frame.columns])
        chosen = full.filter(good)
        try:
            decided = compiled.decide(chosen)  # type: ignore[union-attr]
        except (Unsupported, pl.exceptions.PolarsError) as exc:
            result.fallback_reason = f"this batch: {exc}"
            good = pl.Series([False] * n, dtype=pl.Boolean)
        else:
            indexes = [i for i, flag in enumerate(ok) if flag]
            facts = [{k: v for k, v in row.items() if v is not None} for row in chosen.iter_rows(named=True)] \
                if want_facts else [None] * chosen.height
            for j, (i, eligible, amount, cap) in enumerate(zip(indexes, decided.get_column("eligible").to_list(),
                                                              decided.get_column("amount_yen").to_list(),
                                                              decided.get_column("cap_yen").to_list(), strict=True)):
                result.eligible[i], result.amount_yen[i], result.cap_yen[i] = eligible, amount, cap
                result.facts[i], result.how[i] = facts[j], "columnar"
    rest = [i for i, flag in enumerate(good.to_list()) if not flag]
    if rest:
        for i, row in zip(rest, frame[rest].iter_rows(named=True), strict=True):
            _one(decider, rv, {k: v for k, v in row.items() if v is not None}, i, result)
    return result


def _one(decider: Any, rv: RuleVersion, row: Any, index: int, result: BatchResult) -> None:
    from ..kernel.errors import HojoError

    try:
        facts = decider.validate_facts(rv, row)
        body = decider.decide(rv, facts)
    except HojoError as exc:
        result.error[index], result.how[index] = exc.as_dict(), "invalid"
        return
    result.eligible[index], result.amount_yen[index], result.cap_yen[index] = (
        body["eligible"], body["amount_yen"], body["cap_yen"])
    result.facts[index] = facts


def facts_dtypes(rv: RuleVersion) -> dict[str, pl.DataType]:
    """The column type of each fact of ``rv`` (raises :class:`Unsupported` for a list of objects)."""
    return {name: _dtype(spec) for name, spec in _properties(rv).items()}
