"""Amounts of an eligible application: components, ceiling (補助上限額), rate and one rounding step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..lang.expressions import Context, evaluate
from ..lang.money import parse_rate, round_yen

__all__ = ["AmountResult", "compute_amounts"]


@dataclass
class AmountResult:
    amount_yen: int | None
    cap_yen: int | None
    basis_yen: Fraction | None
    rate: Fraction
    rounding: Mapping[str, Any]
    #: (component spec, applied?, exact value or None, trace entries)
    components: list[tuple[Mapping[str, Any], bool, Fraction | None, list[dict[str, Any]]]] = field(
        default_factory=list)
    #: the exact ceiling before rounding, and the trace of the ceiling and the basis (for the breakdown)
    cap_exact: Fraction | None = None
    cap_trace: list[dict[str, Any]] = field(default_factory=list)
    basis_trace: list[dict[str, Any]] = field(default_factory=list)


def compute_amounts(amount: Mapping[str, Any], ctx: Context, fired: frozenset[str]) -> AmountResult:
    """Return the amounts of an eligible application; ``fired`` says which component conditions hold."""
    rounding = amount["rounding"]
    mode, unit = rounding["mode"], rounding.get("unit_yen", 1)
    result = AmountResult(amount_yen=None, cap_yen=None, basis_yen=None, rate=parse_rate(amount["rate"]),
                          rounding=rounding)
    for comp in amount["components"]:
        applied = "when" not in comp or f"component__{comp['id']}" in fired
        start = len(ctx.trace)
        value = evaluate(comp["value"], ctx) if applied else Fraction(0)
        ctx.components[comp["id"]] = value
        result.components.append((comp, applied, value, ctx.trace[start:]))
    start = len(ctx.trace)
    cap = evaluate(amount["cap"]["value"], ctx) if "cap" in amount else None
    result.cap_exact, result.cap_trace, start = cap, ctx.trace[start:], len(ctx.trace)
    basis = evaluate(amount["basis"], ctx) if "basis" in amount else None
    result.basis_yen, result.basis_trace = basis, ctx.trace[start:]
    if cap is not None:
        result.cap_yen = round_yen(cap, mode, unit)
    if basis is not None:
        base = basis if cap is None else min(cap, basis)
        result.amount_yen = round_yen(base * result.rate, mode, unit)
    elif result.cap_yen is not None:
        # No eligible cost given: the decision states the ceiling (補助上限額) as the amount.
        result.amount_yen = result.cap_yen
    return result
