"""Reasons: one entry per clause evaluated, in Japanese and English, each citing its seed line."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

__all__ = ["reason", "yen_text"]

_ROUNDING_JA = {"floor": "切り捨て", "ceil": "切り上げ", "half_up": "四捨五入"}
_ROUNDING_EN = {"floor": "rounded down", "ceil": "rounded up", "half_up": "rounded half up"}


def yen_text(value: Fraction | int | None) -> str:
    """Return ``12,000,000`` for whole yen and ``1/3`` style text for an exact fraction."""
    if value is None:
        return "—"
    if type(value) is int:
        return f"{value:,}"
    value = Fraction(value)
    return f"{int(value):,}" if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _source(cites: Mapping[str, Any]) -> dict[str, Any]:
    source = {"document": cites["document"], "line": cites["line"], "quote": cites["quote"]}
    if "to_line" in cites:
        source["to_line"] = cites["to_line"]
    return source


def reason(kind: str, clause: str, outcome: str, ja: str, en: str, cites: Mapping[str, Any]) -> dict[str, Any]:
    """Return one reason entry (``outcome`` is ``met``, ``not_met`` or ``applied``)."""
    return {"clause": clause, "kind": kind, "outcome": outcome, "message_ja": ja, "message_en": en,
            "source": _source(cites)}


def met_word(met: bool) -> tuple[str, str]:
    return ("満たす", "met") if met else ("満たさない", "not met")


def rounding_text(rounding: Mapping[str, Any]) -> tuple[str, str]:
    unit = rounding.get("unit_yen", 1)
    unit_ja = "円未満" if unit == 1 else f"{unit:,}円未満"
    return (f"{unit_ja}{_ROUNDING_JA[rounding['mode']]}",
            f"{_ROUNDING_EN[rounding['mode']]} to {unit:,} yen")
