"""Exact money: integer yen, ``Fraction`` rates, and one explicit rounding step.

Floats never touch an amount: ``floor(90 * 0.7)`` is 62 in floating point, 63 exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache

__all__ = ["ROUNDING_MODES", "parse_rate", "round_yen", "UNIT_YEN"]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")

#: Units the documents print amounts in. 千円 = 1,000 yen, 万円 = 10,000 yen.
UNIT_YEN: dict[str, int] = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000, "億円": 100_000_000}

ROUNDING_MODES: dict[str, Callable[[Fraction], int]] = {
    "floor": math.floor,  # 切り捨て (toward minus infinity)
    "ceil": math.ceil,  # 切り上げ
    "half_up": lambda x: math.floor(x + Fraction(1, 2)),  # 四捨五入
}


def parse_rate(text: object) -> Fraction:
    """Return the exact rate written as a quoted ``"n/d"`` string.

    Examples:
        >>> parse_rate("2/3")
        Fraction(2, 3)
        >>> parse_rate("10/10")
        Fraction(1, 1)
        >>> parse_rate(0.5)
        Traceback (most recent call last):
        ...
        TypeError: a rate must be a quoted string like "2/3", got float 0.5
    """
    if not isinstance(text, str):
        raise TypeError(f'a rate must be a quoted string like "2/3", got {type(text).__name__} {text!r}')
    return _rate(text)


@lru_cache(maxsize=4096)  # rule files hold a few hundred distinct rates; a decision parses each many times
def _rate(text: str) -> Fraction:
    match = _RATE.match(text)
    if not match or int(match.group(2)) == 0:
        raise ValueError(f'a rate must look like "n/d" with d > 0, got {text!r}')
    return Fraction(int(match.group(1)), int(match.group(2)))


def round_yen(value: Fraction | int, mode: str = "floor", unit: int = 1) -> int:
    """Return ``value`` rounded to a multiple of ``unit`` yen (1 = 円未満, 1000 = 千円未満).

    Examples:
        >>> round_yen(Fraction(5_123_457) * Fraction(2, 3))
        3415638
        >>> round_yen(Fraction(5_123_457) * Fraction(4, 9), unit=1000)
        2277000
        >>> round_yen(Fraction(151, 2), mode="half_up")
        76
        >>> round_yen(Fraction(15 * 35, 100))
        5
    """
    if type(value) is int:  # exact in integers, no Fraction needed (the same result as below)
        if mode == "floor":
            return value // unit * unit
        if mode == "ceil":
            return -(-value // unit) * unit
        if mode == "half_up":
            return (2 * value + unit) // (2 * unit) * unit
    quotient = Fraction(value) / unit
    return int(ROUNDING_MODES[mode](quotient)) * unit
