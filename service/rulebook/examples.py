"""Worked example requests, read from each program's ``features/<program>.feature`` (Japanese Gherkin).

A scenario of a feature is a request a policy owner wrote with its answer computed by hand from the seed
documents; the features run in CI, so a request taken from one is always valid and its answer is known.
This reads only plain scenarios (not outlines) whose steps are the request steps of
``tests/steps/decision_steps.py`` and whose expectation is a decision (交付対象 / 交付対象外 / 未確定),
and keeps the expected eligibility and amount as the feature states them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Example", "examples", "features_dir"]

_ROOT = Path(__file__).resolve().parents[2]
_PROGRAM = re.compile(r'^前提 制度 "([^"]+)" の(令和\d+年度|\d{4}年度?)に申請する$')
_FACT = re.compile(r'^(?:前提|かつ) 事実 "([^"]+)" は (.+) である$')
_OMIT = re.compile(r'^(?:前提|かつ) 事実 "([^"]+)" を指定しない$')
_VERSION = re.compile(r"^(?:前提|かつ) 版 (\d+) を指定する$")
_AMOUNT = re.compile(r"^(?:ならば|かつ) 補助額は ([0-9,]+) 円である$")
_OUTCOME = {"ならば 交付対象と判定される": True, "ならば 交付対象外と判定される": False,
            "ならば 未確定と判定される": None}
_GROUPED_INT = re.compile(r"^-?\d{1,3}(,\d{3})+$")


@dataclass
class Example:
    """One worked request and the answer its feature states."""

    title: str
    request: dict[str, Any]
    eligible: bool | None
    amount_yen: int | None = None
    source: str = ""
    _plain: bool = field(default=True, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "request": self.request,
                "expected": {"eligible": self.eligible, "amount_yen": self.amount_yen}, "source": self.source}


def features_dir() -> Path:
    return _ROOT / "features"


def _fiscal_year(text: str) -> int:
    if text.startswith("令和"):
        return 2018 + int(text[2:-2])
    return int(text[:4])


def _value(text: str) -> Any:
    text = text.strip()
    if text in ("はい", "真"):
        return True
    if text in ("いいえ", "偽"):
        return False
    if _GROUPED_INT.match(text):
        return int(text.replace(",", ""))
    return json.loads(text)


def _fact_name(text: str) -> str:
    return re.split(r"[（( ]", text.strip(), maxsplit=1)[0]


@cache
def examples(program: str, directory: Path | None = None) -> tuple[Example, ...]:
    """Every plain decision scenario of the program's feature, in file order."""
    path = (directory or features_dir()) / f"{program}.feature"
    if not path.is_file():
        return ()
    found: list[Example] = []
    current: Example | None = None
    in_table = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith(("シナリオ:", "シナリオアウトライン:", "シナリオテンプレート:", "ルール:", "機能:")):
            if current is not None and current._plain:
                found.append(current)
            current = None
            if line.startswith("シナリオ:"):
                current = Example(title=line.partition(":")[2].strip(), request={}, eligible=None, _plain=False)
                current.source = f"features/{program}.feature"
            in_table = False
            continue
        if current is None:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if in_table and cells[0] != "事実":
                current.request.setdefault("facts", {})[_fact_name(cells[0])] = _value(cells[1])
            continue
        in_table = line.endswith("申請の事実は次のとおり:")
        if in_table:
            continue
        try:
            if m := _PROGRAM.match(line):
                current.request = {"program": m.group(1), "fiscal_year": _fiscal_year(m.group(2)), "facts": {}}
            elif m := _FACT.match(line):
                current.request.setdefault("facts", {})[m.group(1)] = _value(m.group(2))
            elif m := _OMIT.match(line):
                current.request.setdefault("facts", {}).pop(m.group(1), None)
            elif m := _VERSION.match(line):
                current.request["version"] = int(m.group(1))
            elif line in _OUTCOME:
                current.eligible, current._plain = _OUTCOME[line], current.request.get("program") == program
            elif m := _AMOUNT.match(line):
                current.amount_yen = int(m.group(1).replace(",", ""))
            elif line.startswith(("前提 ", "かつ 事実", "もし 次の本文", "ならば 応答は", "ならば 誤り")):
                current._plain = False  # a step this reader does not follow, or an error scenario
        except (ValueError, json.JSONDecodeError):
            current._plain = False
    if current is not None and current._plain:
        found.append(current)
    return tuple(e for e in found if e.request.get("program") == program and "facts" in e.request)


def worked_examples(rulebook: Any, program: str) -> dict[int, Example]:
    """One example per fiscal year a published version of ``program`` covers (eligible ones first).

    A year whose feature has no scenario borrows one of another year decided by the same rule version: the
    decision is a function of the rule version and the facts, so its answer is the same.
    """
    versions = rulebook.programs.get(program, {})
    years = sorted({y for rv in versions.values() if rv.status == "published"
                    for y in range(rv.from_fiscal_year, rv.to_fiscal_year + 1)})
    scenarios = sorted(examples(program), key=lambda e: (e.eligible is not True, e.amount_yen is None))
    chosen: dict[int, Example] = {}
    for year in years:
        rv = rulebook.select(program, year)
        own = [e for e in scenarios if e.request["fiscal_year"] == year and "version" not in e.request]
        borrowed = [e for e in scenarios if "version" not in e.request
                    and rulebook.select(program, e.request["fiscal_year"]).sha256 == rv.sha256]
        if own or borrowed:
            pick = (own or borrowed)[0]
            chosen[year] = Example(title=pick.title, request={**pick.request, "fiscal_year": year},
                                   eligible=pick.eligible, amount_yen=pick.amount_yen, source=pick.source)
    return chosen
