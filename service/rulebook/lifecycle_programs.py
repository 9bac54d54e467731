"""Grant lifecycles (交付の流れ): the steps of a grant's life, declared in ``lifecycle_v<N>.yaml``.

A ``rules/<program>/lifecycle_v<N>.yaml`` (format: ``schemas/lifecycle.schema.json``, guide:
``rules/README.md`` §13) sits beside the program's rule versions and declares, with a citation for each:
which steps exist and in which order (交付申請 or 概算, 交付決定, 実績報告, 額の確定 or 精算, 返還), who takes
each (the applicant or the grantor), which step pays, each step's deadline relative to the fiscal year,
what the settlement decides (on the reported costs or on actual facts; capped by the 交付決定額 or not;
追加交付 or not), and the cost categories a 実績報告 line may carry, the excluded ones with their reason.
The pipeline mirrors the allocation files': strict YAML → the format's schema → file name and folder
agree → semantic checks → citations against the seeds. No module knows a program.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ..kernel.errors import Problem
from .side_documents import read_side_document

__all__ = ["STEP_KINDS", "Lifecycle", "due_date", "lifecycle_files", "load_lifecycle_file", "load_lifecycle_text"]

YamlPath = list[str | int]

#: the kinds of step the engine knows; a program's file chooses among them, in its own order
STEP_KINDS = ("application", "estimate", "grant_decision", "report", "settlement", "repayment")


#: the longest each month can be (February: 29, so a 29 February deadline falls on the 28th in other years)
_LONGEST = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def due_date(fiscal_year: int, due: Mapping[str, Any]) -> date:
    """The deadline of ``due`` for a case of ``fiscal_year`` (年度: April of that year to March of the next)."""
    year = fiscal_year + (1 if due["fiscal_year"] == "next" else 0)
    if "month" not in due:
        return date(year + 1, 3, 31)
    month = int(due["month"])
    calendar_year = year + 1 if month <= 3 else year
    last = calendar.monthrange(calendar_year, month)[1]
    day = due.get("day", "last")
    return date(calendar_year, month, last if day == "last" else min(int(day), last))


@dataclass(frozen=True)
class Lifecycle:
    """One ``rules/<program>/lifecycle_v<N>.yaml``, checked."""

    program: str
    version: int
    status: str
    from_fiscal_year: int
    to_fiscal_year: int
    sha256: str
    text: str
    path: str
    document: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"{self.program}@lifecycle_v{self.version}"

    def in_force(self, fiscal_year: int) -> bool:
        return self.status == "published" and self.from_fiscal_year <= fiscal_year <= self.to_fiscal_year

    @property
    def steps(self) -> list[Mapping[str, Any]]:
        return list(self.document["steps"])

    def step(self, step_id: str) -> Mapping[str, Any] | None:
        return next((s for s in self.document["steps"] if s["id"] == step_id), None)

    def categories(self) -> dict[str, tuple[bool, Mapping[str, Any]]]:
        """category id → (eligible?, its declaration)."""
        found: dict[str, tuple[bool, Mapping[str, Any]]] = {
            c["id"]: (True, c) for c in self.document.get("cost_categories", [])}
        found.update({c["id"]: (False, c) for c in self.document.get("excluded_costs", [])})
        return found

    def summary(self) -> dict[str, Any]:
        doc = self.document
        return {"version": self.version, "status": self.status, "name_ja": doc["name_ja"], "name_en": doc["name_en"],
                "effective": dict(doc["effective"]), "sha256": self.sha256, "ruleset": self.name, "path": self.path,
                "steps": [{"id": s["id"], "kind": s["kind"], "by": s["by"], "name_ja": s["name_ja"],
                           "name_en": s["name_en"]} for s in doc["steps"]]}


@lru_cache(maxsize=4)
def _format_validator(schemas_dir: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads((schemas_dir / "lifecycle.schema.json").read_text(encoding="utf-8")))


def lifecycle_files(rules_dir: Path) -> list[Path]:
    """Every ``rules/<program>/lifecycle_v<N>.yaml``, sorted by program then version."""
    files = [p for p in rules_dir.glob("*/lifecycle_v*.yaml") if p.stem.removeprefix("lifecycle_v").isdigit()]
    return sorted(files, key=lambda p: (p.parent.name, int(p.stem.removeprefix("lifecycle_v"))))


def _problem(where: str, code: str, ja: str, en: str) -> Problem:
    return Problem(where, code, ja, en)


def _check(doc: Mapping[str, Any], locate: Any) -> list[Problem]:
    """The order of the steps, and what the settlement needs, hold for every life the file allows."""
    problems: list[Problem] = []
    steps = doc["steps"]
    kinds = [s["kind"] for s in steps]
    ids = [s["id"] for s in steps]
    if len(set(ids)) != len(ids):
        problems.append(_problem(locate(["steps"]), "duplicate_step", "手続の id が重複しています",
                                 "step ids must be unique"))
    if len(set(kinds)) != len(kinds):
        problems.append(_problem(locate(["steps"]), "duplicate_step_kind", "同じ種類の手続が2回あります",
                                 "each kind of step appears at most once"))
    if kinds[0] not in ("application", "estimate"):
        problems.append(_problem(locate(["steps", 0, "kind"]), "first_step",
                                 "最初の手続は交付申請（application）か概算（estimate）です",
                                 "the first step is an application or an estimate (it opens the case)"))
    if sum(k in ("application", "estimate") for k in kinds) != 1:
        problems.append(_problem(locate(["steps"]), "one_opening_step",
                                 "交付申請と概算はどちらか一つだけです", "exactly one application or estimate"))
    if "settlement" not in kinds:
        problems.append(_problem(locate(["steps"]), "settlement_missing", "額の確定（settlement）の手続がありません",
                                 "a lifecycle ends in a settlement step"))
    else:
        at = kinds.index("settlement")
        if "repayment" in kinds and kinds.index("repayment") < at:
            problems.append(_problem(locate(["steps"]), "step_order", "返還は額の確定の後です",
                                     "the repayment comes after the settlement"))
        settlement = doc["settlement"]
        if settlement["basis"] == "reported_costs":
            if "report" not in kinds or kinds.index("report") > at:
                problems.append(_problem(locate(["settlement", "basis"]), "report_missing",
                                         "reported_costs には額の確定より前の実績報告（report）が必要です",
                                         "basis reported_costs needs a report step before the settlement"))
            if "cost_fact" not in doc:
                problems.append(_problem(locate(["settlement", "basis"]), "cost_fact_missing",
                                         "reported_costs には cost_fact（対象経費の事実）が必要です",
                                         "basis reported_costs needs cost_fact (the fact holding the eligible cost)"))
        if settlement["capped_by_grant"] and "grant_decision" not in kinds and "estimate" not in kinds:
            problems.append(_problem(locate(["settlement", "capped_by_grant"]), "grant_missing",
                                     "交付決定額で上限を設けるには交付決定（grant_decision）が必要です",
                                     "capped_by_grant needs a grant_decision step"))
        paying = [s for s in steps if s.get("pays")]
        if not settlement["additional_payment"] and not (settlement["capped_by_grant"] and paying):
            # Without 追加交付 the 確定額 must never exceed what was paid: capped by a grant that was paid.
            problems.append(_problem(locate(["settlement", "additional_payment"]), "unpaid_balance",
                                     "追加交付なしなら、交付決定額で上限を設け、"
                                     "その額を支払う手続（pays: true）が必要です",
                                     "without additional_payment the settlement must be capped by a grant that "
                                     "a step pays (pays: true)"))
        if "repayment" not in kinds and paying:
            problems.append(_problem(locate(["steps"]), "repayment_missing", "返還（repayment）の手続がありません",
                                     "a lifecycle that pays before the settlement needs a repayment step"))
    for index, step in enumerate(steps):
        if step.get("pays") and step["kind"] not in ("estimate", "grant_decision"):
            problems.append(_problem(locate(["steps", index, "pays"]), "pays_kind",
                                     "pays は概算（estimate）か交付決定（grant_decision）だけに書きます",
                                     "only an estimate or a grant_decision pays"))
        if step["kind"] == "report" and "cost_fact" not in doc:
            problems.append(_problem(locate(["steps", index]), "cost_fact_missing",
                                     "実績報告には cost_fact が必要です", "a report step needs cost_fact"))
    if "report" in kinds and not doc.get("excluded_costs"):
        problems.append(_problem(locate(["steps", kinds.index("report")]), "excluded_costs_missing",
                                 "実績報告がある制度には対象外の費用（excluded_costs）の一覧が必要です",
                                 "a lifecycle with a report step declares its excluded costs"))
    categories = [c["id"] for c in doc.get("cost_categories", [])] + [c["id"] for c in doc.get("excluded_costs", [])]
    if len(set(categories)) != len(categories):
        problems.append(_problem(locate(["excluded_costs"]), "duplicate_category",
                                 "費用の区分が重複しています（対象と対象外の両方にある区分を含む）",
                                 "a cost category is declared twice (or both eligible and excluded)"))
    for index, step in enumerate(steps):
        due = step.get("due")
        if due and "day" in due and "month" not in due:
            problems.append(_problem(locate(["steps", index, "due"]), "day_without_month",
                                     "日を書くときは月も書きます", "a due day needs its month"))
        elif due and isinstance(due.get("day"), int) and due["day"] > _LONGEST[int(due["month"]) - 1]:
            problems.append(_problem(locate(["steps", index, "due", "day"]), "day_out_of_month",
                                     f"{due['month']}月に{due['day']}日はありません（末日は day: last）",
                                     f"month {due['month']} has no day {due['day']} (write day: last for 末日)"))
    return problems


def load_lifecycle_text(text: str, name: str, schemas_dir: Path, seeds_dir: Path,
                        expected: tuple[str, int] | None = None, check_quotes: bool = True) -> Lifecycle:
    """Return the checked lifecycle in ``text``; replay passes ``check_quotes=False``."""
    doc = read_side_document(text, name, _format_validator(schemas_dir), ("交付の流れのファイル", "lifecycle"),
                             "lifecycle", expected, _check, seeds_dir, check_quotes)
    return Lifecycle(program=doc["program"], version=doc["version"], status=doc["status"],
                     from_fiscal_year=doc["effective"]["from_fiscal_year"],
                     to_fiscal_year=doc["effective"]["to_fiscal_year"],
                     sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text, path=name, document=doc)


def load_lifecycle_file(path: Path, rules_dir: Path, schemas_dir: Path, seeds_dir: Path) -> Lifecycle:
    name = f"rules/{path.relative_to(rules_dir).as_posix()}"
    expected = (path.parent.name, int(path.stem.removeprefix("lifecycle_v")))
    return load_lifecycle_text(path.read_text(encoding="utf-8"), name, schemas_dir, seeds_dir, expected)
