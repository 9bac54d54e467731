"""Worked example requests, read from each program's ``features/<program>.feature`` (Japanese Gherkin).

A scenario of a feature is a request a policy owner wrote with its answer computed by hand from the seed
documents; the features run in CI, so a request taken from one is always valid and its answer is known.
This reads the scenarios (and each row of a scenario outline) whose steps are the request steps of
``tests/steps/decision_steps.py`` and whose expectation is a decision (交付対象 / 交付対象外 / 未確定),
and keeps the expected eligibility and amount as the feature states them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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
_OUTCOME = {"交付対象と判定される": True, "交付対象外と判定される": False, "未確定と判定される": None}
_GROUPED_INT = re.compile(r"^-?\d{1,3}(,\d{3})+$")


@dataclass
class Example:
    """One worked request and the answer its feature states."""

    title: str
    request: dict[str, Any]
    eligible: bool | None
    amount_yen: int | None = None
    source: str = ""

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


def _blocks(text: str) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """(kind, title, step lines, example rows with the header first) of every scenario, in file order."""
    blocks: list[tuple[str, str, list[str], list[list[str]]]] = []
    in_examples = False
    for raw in text.splitlines():
        line = raw.strip()
        head, sep, rest = line.partition(":")
        if sep and head in ("シナリオ", "シナリオアウトライン", "シナリオテンプレート"):
            blocks.append((head, rest.strip(), [], []))
            in_examples = False
        elif sep and head in ("ルール", "機能", "背景"):
            in_examples = False
            blocks.append(("", "", [], []))
        elif blocks and sep and head in ("例", "サンプル"):
            in_examples = True
        elif blocks and in_examples and line.startswith("|"):
            blocks[-1][3].append([c.strip() for c in line.strip("|").split("|")])
        elif blocks and line and not line.startswith("#"):
            blocks[-1][2].append(line)
    return [b for b in blocks if b[0]]


def _scenario(program: str, title: str, steps: list[str]) -> Example | None:
    """The request and the expected answer of one scenario, or None if it is not a plain decision."""
    current = Example(title=title, request={}, eligible=None, source=f"features/{program}.feature")
    decided, in_table = False, False
    for line in steps:
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
            elif line.startswith(("ならば ", "かつ ")) and line.split(" ", 1)[1] in _OUTCOME:
                current.eligible, decided = _OUTCOME[line.split(" ", 1)[1]], True
            elif m := _AMOUNT.match(line):
                current.amount_yen = int(m.group(1).replace(",", ""))
            elif line.startswith(("前提 ", "かつ 事実", "もし 次の本文", "ならば 応答は", "ならば 誤り")):
                return None  # a step this reader does not follow, or an error scenario
        except (ValueError, json.JSONDecodeError):
            return None
    if not decided or current.request.get("program") != program or "facts" not in current.request:
        return None
    return current


@cache
def examples(program: str, directory: Path | None = None) -> tuple[Example, ...]:
    """Every decision scenario of the program's feature (each row of an outline too), in file order."""
    path = (directory or features_dir()) / f"{program}.feature"
    if not path.is_file():
        return ()
    found: list[Example] = []
    for kind, title, steps, rows in _blocks(path.read_text(encoding="utf-8")):
        if kind == "シナリオ":
            example = _scenario(program, title, steps)
            found += [example] if example else []
            continue
        header, *values = rows or [[]]
        for row in values:
            cells = dict(zip(header, row, strict=False))

            def fill(match: re.Match[str], cells: dict[str, str] = cells) -> str:
                return cells.get(match.group(1), match.group(0))
            filled = [re.sub(r"<([^<>]+)>", fill, step) for step in steps]
            example = _scenario(program, f"{title}（{'、'.join(row)}）", filled)
            found += [example] if example and not any("<" in s and ">" in s for s in filled) else []
    return tuple(found)


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
