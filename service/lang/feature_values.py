"""How the features write values, so a policy owner can read them.

- ``令和6年度`` / ``2024年度`` / ``2024`` → fiscal year 2024;
- ``はい`` / ``いいえ`` → true / false; ``30,000`` → 30000; ``33,000,000`` → 33000000;
- anything else is read as JSON (``["1","3"]``, ``"4p"``, ``1.5`` — a float, for error scenarios).
"""

from __future__ import annotations

import json
import re
from typing import Any

_REIWA = re.compile(r"^令和(\d+)年度$")
_YEAR = re.compile(r"^(\d{4})(年度)?$")
_GROUPED_INT = re.compile(r"^-?\d{1,3}(,\d{3})+$")


def fiscal_year(text: str) -> int:
    """``令和6年度`` / ``2024年度`` / ``2024`` → 2024 (年度: the fiscal year)."""
    text = text.strip()
    if m := _REIWA.match(text):
        return 2018 + int(m.group(1))
    if m := _YEAR.match(text):
        return int(m.group(1))
    raise ValueError(f"not a fiscal year: {text!r} (write 令和6年度 or 2024年度)")


def value(text: str) -> Any:
    """A fact's value as a feature writes it (はい, 30,000, JSON)."""
    text = text.strip()
    if text in ("はい", "真"):
        return True
    if text in ("いいえ", "偽"):
        return False
    if _GROUPED_INT.match(text):
        return int(text.replace(",", ""))
    return json.loads(text)


def yen(text: str) -> int:
    """``33,000,000`` → 33000000 (円)."""
    return int(text.strip().replace(",", ""))


def fact_name(text: str) -> str:
    """``insured_count（被保険者数）`` → ``insured_count``: the Japanese label is for the reader."""
    return re.split(r"[（( ]", text.strip(), maxsplit=1)[0]


def yen_words(amount: int | None) -> str:
    """``27000000`` → ``27,000,000 円`` (how a failure shows expected and got); None → ``—``."""
    return "—" if amount is None else f"{amount:,} 円"
