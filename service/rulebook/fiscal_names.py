"""A version's name that names a fiscal year outside its ``effective`` window (年度の名前): a warning, not an error.

A correction copied from last year's file easily keeps 「令和６年度」 in ``name_ja`` while its window moved
on; applicants and auditors read the name. Read: 令和N年度 (元 = 1, full-width digits) = 2018 + N,
平成N年度 = 1988 + N, ``FY2024`` / ``FY 2024`` and 「2024年度」. 「令和４-５年度」 names 2022 to 2023.

Examples:
    >>> named_fiscal_years("令和６年度 市町村国保ヘルスアップ事業")
    [2024]
    >>> named_fiscal_years("Municipal programme, FY2025; 令和元年度")
    [2019, 2025]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..kernel.errors import Problem
from ..lang.numerals import ascii_digits

__all__ = ["fiscal_year_warnings", "named_fiscal_years"]

_ERA = re.compile(r"(?P<era>令和|平成)(?P<first>元|\d{1,2})(?:[-～~〜・](?P<last>\d{1,2}))?年度")
_FY = re.compile(r"\bFY\s?(?P<year>(?:19|20)\d\d)\b|(?<!\d)(?P<western>(?:19|20)\d\d)年度")
_ERA_BASE = {"令和": 2018, "平成": 1988}


def named_fiscal_years(name: str) -> list[int]:
    """Return every fiscal year ``name`` names, in the order they appear (eras first)."""
    text = ascii_digits(name)
    years: list[int] = []
    for found in _ERA.finditer(text):
        base = _ERA_BASE[found["era"]]
        first = 1 if found["first"] == "元" else int(found["first"])
        last = int(found["last"]) if found["last"] else first
        years += [base + n for n in range(first, max(first, last) + 1)]
    for found in _FY.finditer(text):
        years.append(int(found["year"] or found["western"]))
    return years


def fiscal_year_warnings(doc: Mapping[str, Any], locate: Callable[[list[str | int]], str]) -> list[Problem]:
    """One warning per name that names a fiscal year outside ``effective``."""
    window = doc["effective"]
    low, high = window["from_fiscal_year"], window["to_fiscal_year"]
    warnings = []
    for key in ("name_ja", "name_en"):
        outside = [year for year in named_fiscal_years(str(doc.get(key, ""))) if not low <= year <= high]
        if outside:
            shown = ", ".join(str(year) for year in outside)
            warnings.append(Problem(locate([key]), "name_fiscal_year_outside_window",
                                    f"{key} が適用期間（{low}–{high} 年度）外の年度 {shown} を名乗っています",
                                    f"{key} names fiscal year {shown}, outside the version's window {low}-{high}"))
    return warnings
