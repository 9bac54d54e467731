"""Exact money: the doctests of ``service.lang.money`` and ``service.kernel.canonical``, and what floats get wrong."""

from __future__ import annotations

import doctest
from fractions import Fraction

import pytest

from service.kernel import canonical
from service.lang import money
from service.lang.money import parse_rate, round_yen


@pytest.mark.parametrize("module", [money, canonical])
def test_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0


def test_floor_of_seventy_percent_is_exact_where_floats_are_not() -> None:
    # floor(90 * 0.7) is 62 in binary floating point; the exact answer is 63.
    assert round_yen(90 * parse_rate("7/10")) == 63


def test_rounding_units_and_modes() -> None:
    assert round_yen(Fraction(2_277_092), unit=1000) == 2_277_000  # 千円未満切り捨て
    assert round_yen(Fraction(15_150), mode="floor", unit=100) == 15_100
    assert round_yen(Fraction(-1, 3)) == -1  # floor, not truncation toward zero
    assert round_yen(Fraction(5, 2), mode="half_up") == 3
    assert round_yen(Fraction(1, 3), mode="ceil") == 1


@pytest.mark.parametrize("bad", ["0.5", "2/0", "two thirds", "", "-1/3"])
def test_rates_must_be_exact_fraction_strings(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(bad)


def test_rates_are_never_floats() -> None:
    with pytest.raises(TypeError):
        parse_rate(0.5)
    assert parse_rate("164/1000") == Fraction(41, 250)
