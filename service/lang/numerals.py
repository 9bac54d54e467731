"""Numbers as the documents print them (数字の読み取り): yen amounts, rates and bare numbers in a quote.

A rule file writes ``amount: 4500`` in a ``千円`` table, ``{yen: 4500000}`` or ``rate: "1/2"``; the
交付要綱 prints 「4,500千円」, 「450万円」, 「２分の１」, 「５割」 or 「50%」. :func:`read_numbers` reads a
quote once and returns every value it prints, each normalised to what a rule file compares it with:

- yen amounts as integer yen: 千円/万円/百万円/億円/兆 units, compounds such as 「1億2,000万円」, decimals
  such as 「60.0万円」, separators (「4,500」「４，５００」);
- rates as exact fractions: ``a/b`` and ``a／b``, 「b分のa」, ``N%``, 「N割」 and 「N割M分」;
- bare numbers (printed without a unit, e.g. a table whose header states the unit, or a ratio 「4：1：1」).

Full-width digits and signs (０-９ ，．％／) are read as ASCII, and kanji digits (一…十) are read in
「三分の二」 and 「五割」. Other full-width characters are left alone: NFKC would read 「①」 as 「1」 and
join it to the next figure.

Examples:
    >>> quoted = read_numbers("基準額① 3,000千円 4,500千円")
    >>> sorted(quoted.yen)
    [3000000, 4500000]
    >>> 4500000 in read_numbers("450万円").yen
    True
    >>> sorted(read_numbers("国２分の１、都道府県1／4、５割、７％").rates)
    [Fraction(7, 100), Fraction(1, 4), Fraction(1, 2)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

__all__ = ["QuotedNumbers", "ascii_digits", "read_numbers"]

_KANJI_DIGITS = {"〇": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
                 "八": "8", "九": "9", "十": "10"}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_KANJI = "[〇一二三四五六七八九十]"
#: a yen amount: optional 兆/億/万 groups, then an optional last group with 千 or 百万, then 円
_MONEY = re.compile(
    rf"(?:(?P<cho>{_NUM})兆)?(?:(?P<oku>{_NUM})億)?(?:(?P<man>{_NUM})万)?(?:(?P<last>{_NUM})(?P<unit>百万|千)?)?円")
_FRACTION = re.compile(rf"(?P<a>{_NUM})\s*/\s*(?P<b>{_NUM})")
_BUNNO = re.compile(rf"(?P<b>{_NUM}|{_KANJI})分の(?P<a>{_NUM}|{_KANJI})")
_PERCENT = re.compile(rf"(?P<n>{_NUM})\s*%")
_WARI = re.compile(rf"(?P<n>\d+|{_KANJI})割(?:(?P<bu>\d|{_KANJI})分)?")
_BARE = re.compile(_NUM)
_GROUP_YEN = {"cho": 10**12, "oku": 10**8, "man": 10**4}
_LAST_YEN = {None: 1, "": 1, "千": 1_000, "百万": 1_000_000}


@dataclass(frozen=True)
class QuotedNumbers:
    """Every value a quote prints: ``yen`` (integer yen), ``rates`` (exact fractions), ``bare`` (no unit)."""

    yen: frozenset[int]
    rates: frozenset[Fraction]
    bare: frozenset[Fraction]


def ascii_digits(text: str) -> str:
    """Return ``text`` with full-width ASCII (０-９，．％／) read as ASCII and 「，」 as a separator.

    Examples:
        >>> ascii_digits("４，５００千円 １０／１０ ①")
        '4,500千円 10/10 ①'
    """
    return "".join(unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c for c in text)


def _number(text: str) -> Fraction:
    return Fraction(_KANJI_DIGITS.get(text, text).replace(",", ""))


def _money(match: re.Match[str]) -> Fraction | None:
    groups = match.groupdict()
    if not any(groups[name] for name in ("cho", "oku", "man", "last")):
        return None
    total = sum((_number(groups[name]) * factor for name, factor in _GROUP_YEN.items() if groups[name]),
                Fraction(0))
    if groups["last"]:
        total += _number(groups["last"]) * _LAST_YEN[groups["unit"]]
    return total


@lru_cache(maxsize=4096)  # a table's quote is read once per band amount it covers
def read_numbers(quote: str) -> QuotedNumbers:
    """Return every yen amount, rate and bare number printed in ``quote`` (see the module docstring)."""
    text = ascii_digits(quote)
    yen: set[int] = set()
    rates: set[Fraction] = set()
    taken = [False] * len(text)

    def take(match: re.Match[str]) -> None:
        for i in range(match.start(), match.end()):
            taken[i] = True

    for match in _MONEY.finditer(text):
        value = _money(match)
        if value is not None:
            take(match)
            if value.denominator == 1:
                yen.add(int(value))
    readers: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Fraction]], ...] = (
        (_FRACTION, lambda m: _number(m["a"]) / _number(m["b"])),
        (_BUNNO, lambda m: _number(m["a"]) / _number(m["b"])),
        (_PERCENT, lambda m: _number(m["n"]) / 100),
        (_WARI, lambda m: _number(m["n"]) / 10 + (_number(m["bu"]) / 100 if m["bu"] else 0)))
    for pattern, read in readers:
        for match in pattern.finditer(text):
            try:
                rates.add(read(match))
            except ZeroDivisionError:
                continue
            take(match)
    bare = {_number(m.group()) for m in _BARE.finditer(text) if not any(taken[m.start():m.end()])}
    return QuotedNumbers(frozenset(yen), frozenset(rates), frozenset(bare))
