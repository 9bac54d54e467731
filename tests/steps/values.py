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
    text = text.strip()
    if m := _REIWA.match(text):
        return 2018 + int(m.group(1))
    if m := _YEAR.match(text):
        return int(m.group(1))
    raise ValueError(f"not a fiscal year: {text!r} (write 令和6年度 or 2024年度)")


def value(text: str) -> Any:
    text = text.strip()
    if text in ("はい", "真"):
        return True
    if text in ("いいえ", "偽"):
        return False
    if _GROUPED_INT.match(text):
        return int(text.replace(",", ""))
    return json.loads(text)


def yen(text: str) -> int:
    return int(text.strip().replace(",", ""))


def fact_name(text: str) -> str:
    """``insured_count（被保険者数）`` → ``insured_count``: the Japanese label is for the reader."""
    return re.split(r"[（( ]", text.strip(), maxsplit=1)[0]
