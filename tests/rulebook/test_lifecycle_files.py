"""The lifecycle format (``lifecycle_v<N>.yaml``), through fixtures: ``good/lifecycle/`` loads and walks a
life as computed by hand; each ``bad/lifecycle/`` file fails with exactly the problems in its ``.expected``."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from service.cases.steps import take_step
from service.core.decide import Decider
from service.kernel.config import Paths
from service.kernel.errors import RuleFileError
from service.rulebook.lifecycle_programs import Lifecycle, due_date, load_lifecycle_text
from service.rulebook.load import load_rule_text
from service.rulebook.registry import Rulebook

HERE = Path(__file__).parent
PATHS = Paths()


def load(path: Path) -> Lifecycle:
    return load_lifecycle_text(path.read_text(encoding="utf-8"), f"lifecycle/{path.name}", PATHS.schemas,
                               PATHS.seeds)


@pytest.mark.parametrize("fixture", sorted((HERE / "bad" / "lifecycle").glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_lifecycle_is_rejected_with_its_pinned_problems(fixture: Path) -> None:
    with pytest.raises(RuleFileError) as caught:
        load(fixture)
    found = "".join(f"{p.path}\t{p.code}\t{p.message_en}\n" for p in caught.value.problems)
    assert found == fixture.with_suffix(".expected").read_text(encoding="utf-8")
    assert all(p.message_ja and p.message_en for p in caught.value.problems)


def test_deadlines_are_relative_to_the_fiscal_year() -> None:
    # 年度 2024 runs from April 2024 to March 2025: January to March fall in the next calendar year.
    assert due_date(2024, {"fiscal_year": "same", "month": 1, "day": "last"}) == date(2025, 1, 31)
    assert due_date(2024, {"fiscal_year": "same", "month": 7, "day": "last"}) == date(2024, 7, 31)
    assert due_date(2025, {"fiscal_year": "next", "month": 5, "day": "last"}) == date(2026, 5, 31)
    assert due_date(2024, {"fiscal_year": "next"}) == date(2026, 3, 31)  # 翌年度: its last day
    assert due_date(2023, {"fiscal_year": "same", "month": 2, "day": 29}) == date(2024, 2, 29)  # leap year
    assert due_date(2024, {"fiscal_year": "same", "month": 2, "day": 29}) == date(2025, 2, 28)  # not a leap year


def test_a_life_paid_only_at_the_settlement(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(PATHS.schemas, schemas)
    shutil.copytree(HERE / "schemas" / "facts", schemas / "facts", dirs_exist_ok=True)
    rv = load_rule_text((HERE / "good" / "fixture_program.yaml").read_text(encoding="utf-8"), "good/fixture",
                        schemas, PATHS.seeds)
    lifecycle = load(HERE / "good" / "lifecycle" / "fixture_program_lifecycle.yaml")
    decider = Decider(Rulebook([rv]), differential=True)
    facts = {"insured_count": 9999, "member": True, "categories": ["a"]}
    lines = [{"amount_yen": 1_000_001, "category": "project", "description": "事業"},
             {"amount_yen": 5_000, "category": "other", "description": "その他"}]
    opened = take_step(lifecycle, rv, decider, 2024, None, {"step": "shinsei", "on": "2025-03-01", "facts": facts,
                                                            "cost_lines": lines})
    # 1,000,001 × 2/3 = 666,667.33… → 666,667 (ceiling 3,000,000); the deadline 29 February 2025 is the 28th.
    assert (opened["result"]["applied_yen"], opened["due"], opened["late"]) == (666_667, "2025-02-28", True)
    assert [line["eligible"] for line in opened["lines"]] == [True, False]
    granted = take_step(lifecycle, rv, decider, 2024, opened["state"], {"step": "kettei", "on": "2025-03-10"})
    assert (granted["state"]["granted_yen"], granted["state"]["paid_yen"]) == (666_667, 0)  # pays nothing
    reported = take_step(lifecycle, rv, decider, 2024, granted["state"], {"step": "hokoku", "on": "2026-03-31",
                         "cost_lines": [{"amount_yen": 900_000, "category": "project", "description": "事業"}]})
    assert (reported["due"], reported["late"]) == ("2026-03-31", False)
    settled = take_step(lifecycle, rv, decider, 2024, reported["state"], {"step": "kakutei", "on": "2026-04-01"})
    # min(666,667, 900,000 × 2/3 = 600,000) = 600,000, all of it paid now as 追加交付 (精算払い); nothing to return.
    assert settled["result"]["confirmed_yen"] == 600_000
    assert (settled["state"]["additional_yen"], settled["state"]["paid_yen"], settled["state"]["return_yen"]) == (
        600_000, 600_000, 0)
    assert (settled["state"]["status"], settled["next"]) == ("closed", None)
