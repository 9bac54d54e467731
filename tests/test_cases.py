"""Cases (案件): a grant's life recorded step by step, pinned to its versions, replayed and verified.

The features (``features/*_case.feature``) walk each program's life from the documents' figures; these
tests hold what a feature cannot show: a case keeps the rule version it was opened under when a
correction is published later (and ``redecide`` shows what the correction would change), an edited step
is caught by the log's verification and by the case's replay, every malformed step is a 422 at its JSON
path, the policy owner's listings (to return, overdue), and ``hojo case``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from service.cases.service import CaseService
from service.cli import main
from service.decisions import DecisionService
from service.kernel.config import Paths
from service.kernel.errors import CaseNotFoundError, CaseStepError, InvalidRequestError, NotDecidableError
from service.rulebook.registry import Rulebook
from service.store import SqlStore, open_store, verify_chain

PATHS = Paths()
MUNICIPAL = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
             "third_party_evaluation": False, "designated_model": False}
PLANNED = [{"amount_yen": 12_000_000, "category": "healthup_project", "description": "保健事業"},
           {"amount_yen": 1_000_000, "category": "outside_projects", "description": "庁舎の空調更新"}]
ACTUAL = [{"amount_yen": 10_500_000, "category": "healthup_project", "description": "保健事業"}]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return Rulebook.from_dir(PATHS.rules, PATHS.schemas, PATHS.seeds)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture()
def cases(rulebook: Rulebook, store: SqlStore) -> CaseService:
    return CaseService(DecisionService(rulebook, store, PATHS))


def municipal_case(cases: CaseService, through: str = "gaku_kakutei") -> str:
    """A FY2024 Health-Up case: 12,000,000 granted and paid, 10,500,000 reported → 1,500,000 to return."""
    case_id = str(cases.open({"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "on": "2024-05-20",
                              "facts": MUNICIPAL, "cost_lines": PLANNED})["case_id"])
    steps = [{"step": "jigyohi_kofu", "on": "2024-07-01"},
             {"step": "jisseki_hokoku", "on": "2026-04-10", "cost_lines": ACTUAL},
             {"step": "gaku_kakutei", "on": "2026-05-15"}]
    for step in steps:
        cases.take(case_id, step)
        if step["step"] == through:
            break
    return case_id


def test_a_case_stays_on_its_version_when_a_correction_is_published_later(tmp_path: Path, store: SqlStore) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(PATHS.rules, rules)
    before = CaseService(DecisionService(Rulebook.from_dir(rules, PATHS.schemas, PATHS.seeds), store, PATHS))
    case_id = municipal_case(before, through="jigyohi_kofu")
    # A correction for FY2024, published after the case was opened: reference amount ② for 1–5万人 lowered
    # from 9,000千円 to 6,000千円, so the ceiling becomes 4,500,000 + 6,000,000 = 10,500,000.
    text = (rules / "kokuho_healthup_municipal" / "v2.yaml").read_text(encoding="utf-8")
    corrected = text.replace("version: 2\n", "version: 3\nsupersedes: 2\nchange_reason: {ja: 基準額②の訂正, en: "
                                             "reference amount ② corrected}\n", 1)
    corrected = corrected.replace("- {at_least: 10000, under: 50000, amount: 9000, label_ja: 1～5万人未満}",
                                  "- {at_least: 10000, under: 50000, amount: 6000, label_ja: 1～5万人未満}", 1)
    assert corrected.count("amount: 6000, label_ja: 1～5万人未満") == 2
    (rules / "kokuho_healthup_municipal" / "v3.yaml").write_text(corrected, encoding="utf-8")
    after_book = Rulebook.from_dir(rules, PATHS.schemas, PATHS.seeds)
    assert after_book.select("kokuho_healthup_municipal", 2024).version == 3
    after = CaseService(DecisionService(after_book, store, PATHS))

    after.take(case_id, {"step": "jisseki_hokoku", "on": "2026-03-01", "cost_lines": ACTUAL})
    case = after.take(case_id, {"step": "gaku_kakutei", "on": "2026-03-20"})
    # Still v2: confirmed = min(12,000,000, min(13,500,000, 10,500,000)) = 10,500,000; return 1,500,000.
    assert case["ruleset"] == "kokuho_healthup_municipal@2"
    assert {s["ruleset"] for s in case["steps"]} == {"kokuho_healthup_municipal@2"}
    assert (case["amounts"]["confirmed_yen"], case["amounts"]["return_yen"]) == (10_500_000, 1_500_000)

    redecided = after.redecide(case_id)
    # Under v3 the application would get min(10,500,000, 12,000,000) = 10,500,000, so nothing to return.
    assert (redecided["recorded_ruleset"], redecided["today_ruleset"]) == ("kokuho_healthup_municipal@2",
                                                                          "kokuho_healthup_municipal@3")
    assert not redecided["identical"]
    first = {d["path"]: (d["recorded"], d["replayed"]) for d in redecided["steps"][0]["differences"]}
    assert first["$.state.applied_yen"] == (12_000_000, 10_500_000)
    last = {d["path"]: (d["recorded"], d["replayed"]) for d in redecided["steps"][-1]["differences"]}
    assert last["$.state.return_yen"] == (1_500_000, 0)
    assert after.replay(case_id)["identical"] is True  # the recorded case still replays under v2


def test_replaying_a_case_reproduces_every_step_and_its_links(cases: CaseService) -> None:
    case_id = municipal_case(cases)
    replay = cases.replay(case_id)
    assert replay["identical"] is True
    assert [s["step"] for s in replay["steps"]] == ["shichoson_jigyo_keikaku", "jigyohi_kofu", "jisseki_hokoku",
                                                   "gaku_kakutei"]
    assert all(s["identical"] and s["linked"] for s in replay["steps"])
    # One step through the auditor's replay (POST /v1/decisions/{id}/replay), and the whole log's replay.
    step_id = cases.case(case_id)["steps"][2]["decision_id"]
    assert cases.decisions.auditor.replay(step_id)["identical"] is True
    summary = cases.decisions.auditor.replay_all()
    assert (summary["replayed"], summary["identical"]) == (4, 4)


def test_a_case_recorded_in_explanation_format_1_replays_in_format_1(cases: CaseService,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Cases opened before format 2 (their program decision's reasons said not_met where format 2 says
    not_applicable) must still replay identical: each step is recomputed in the format of its case."""
    import service.cases.service as case_service

    # as the service wrote cases before format 2: reasons in format 1, and no explanation field in the records
    monkeypatch.setattr(case_service, "EXPLANATION", 1)
    append = CaseService._append

    def unstamped(self: CaseService, decision: dict[str, Any], *args: Any) -> dict[str, Any]:
        return append(self, {k: v for k, v in decision.items() if k != "explanation"}, *args)

    monkeypatch.setattr(CaseService, "_append", unstamped)
    old = municipal_case(cases)
    monkeypatch.undo()
    new = municipal_case(cases)
    old_steps, new_steps = cases.case(old)["steps"], cases.case(new)["steps"]
    assert [s.get("explanation") for s in old_steps + new_steps] == [None] * 4 + [2] * 4
    outcomes = [[r["outcome"] for r in steps[0]["reasons"]] for steps in (old_steps, new_steps)]
    # where the facts do not settle a value or clause, format 1 said applied / not_met, format 2 not_applicable
    assert sorted({(a, b) for a, b in zip(*outcomes, strict=True) if a != b}) == [
        ("applied", "not_applicable"), ("not_met", "not_applicable")]
    assert [s["state"] for s in old_steps] == [s["state"] for s in new_steps]  # the money is the same
    assert cases.replay(old)["identical"] is True and cases.replay(new)["identical"] is True
    summary = cases.decisions.auditor.replay_all()
    assert (summary["replayed"], summary["identical"]) == (8, 8)


def test_tampering_with_one_step_is_caught_by_the_log_and_by_the_replay(cases: CaseService, store: SqlStore,
                                                                        tmp_path: Path) -> None:
    case_id = municipal_case(cases)
    settled = cases.case(case_id)["steps"][3]
    assert settled["state"]["return_yen"] == 1_500_000
    assert verify_chain(store.rows())["ok"] is True
    db = sqlite3.connect(tmp_path / "cases.sqlite3")
    text = db.execute("SELECT decision FROM decisions WHERE decision_id = ?", (settled["decision_id"],)).fetchone()[0]
    assert '"return_yen":1500000' in text
    with db:
        db.execute("UPDATE decisions SET decision = ? WHERE decision_id = ?",
                   (text.replace('"return_yen":1500000', '"return_yen":0'), settled["decision_id"]))
    db.close()
    verified = verify_chain(store.rows())
    assert verified["ok"] is False
    assert verified["first_broken"]["decision_id"] == settled["decision_id"]
    assert verified["first_broken"]["code"] == "hash_mismatch"
    replay = cases.replay(case_id)
    assert replay["identical"] is False
    broken = [s for s in replay["steps"] if not s["identical"]]
    assert [s["step"] for s in broken] == ["gaku_kakutei"]
    assert {"path": "$.state.return_yen", "recorded": 0, "replayed": 1_500_000} in broken[0]["differences"]


def test_every_malformed_step_is_a_422_at_its_path(cases: CaseService) -> None:
    def problems(call: Any, *args: Any) -> list[tuple[str, str]]:
        with pytest.raises((InvalidRequestError, CaseStepError)) as caught:
            call(*args)
        return [(p.path, p.code) for p in caught.value.problems]

    opening = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "on": "2024-05-20", "facts": MUNICIPAL}
    assert problems(cases.open, {**opening, "on": "2025-02-30"}) == [("$.on", "not_a_date")]
    assert problems(cases.open, {**opening, "stray": 1}) == [("$.stray", "unknown_field")]
    assert problems(cases.open, {**opening, "cost_lines": [{"amount_yen": 1.5, "category": "healthup_project",
                                                            "description": "x"}]}) == [
        ("$.cost_lines[0].amount_yen", "not_integer")]
    assert problems(cases.open, {**opening, "facts": {**MUNICIPAL, "eligible_cost_yen": 1}, "cost_lines": PLANNED}) \
        == [("$.facts.eligible_cost_yen", "cost_given_twice")]
    with pytest.raises(NotDecidableError) as caught:
        cases.open({**opening, "program": "kokuho_public_funding"})
    assert caught.value.code == "no_lifecycle"

    case_id = municipal_case(cases, through="jigyohi_kofu")
    assert problems(cases.take, case_id, {"step": "no_such_step", "on": "2025-01-01"}) == [("$.step", "unknown_step")]
    assert problems(cases.take, case_id, {"step": "gaku_kakutei", "on": "2025-01-01"}) == [
        ("$.step", "step_out_of_order")]
    assert problems(cases.take, case_id, {"step": "jisseki_hokoku", "on": "2025-01-01"}) == [
        ("$.cost_lines", "required")]
    assert problems(cases.take, case_id, {"step": "jisseki_hokoku", "on": "2024-06-01", "cost_lines": ACTUAL}) == [
        ("$.on", "before_previous_step")]
    assert problems(cases.take, case_id, {"step": "jisseki_hokoku", "on": "2025-01-01", "cost_lines": ACTUAL,
                                          "amount_yen": 5}) == [("$.amount_yen", "not_for_this_step")]
    cases.take(case_id, {"step": "jisseki_hokoku", "on": "2025-05-01", "cost_lines": ACTUAL})
    assert problems(cases.take, case_id, {"step": "gaku_kakutei", "on": "2025-06-01", "facts": MUNICIPAL}) == [
        ("$.facts", "not_for_this_step")]
    cases.take(case_id, {"step": "gaku_kakutei", "on": "2025-06-01"})
    cases.take(case_id, {"step": "kokko_henkan", "on": "2025-06-30", "amount_yen": 1_500_000})
    assert problems(cases.take, case_id, {"step": "kokko_henkan", "on": "2025-07-01", "amount_yen": 1}) == [
        ("$.step", "case_closed")]
    with pytest.raises(CaseNotFoundError):
        cases.case("no-such-case")
    # Nothing half-written: only the accepted steps are in the log (5 here, 2 in the helper's first case).
    assert len(cases.steps(case_id)) == 5


def test_an_ineligible_application_closes_the_case_at_once(cases: CaseService) -> None:
    case = cases.open({"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "on": "2024-05-20",
                       "facts": {**MUNICIPAL, "has_data_health_plan": False}, "cost_lines": PLANNED})
    assert (case["status"], case["closed_reason"], case["next"]) == ("closed", "not_eligible", None)
    assert case["amounts"]["applied_yen"] == 0


def test_the_policy_owner_lists_amounts_to_return_and_overdue_steps(cases: CaseService) -> None:
    settled = municipal_case(cases)  # 1,500,000 to return by 2026-03-31
    granted = municipal_case(cases, through="jigyohi_kofu")  # report due 2026-03-31
    closed = municipal_case(cases)
    cases.take(closed, {"step": "kokko_henkan", "on": "2026-05-20", "amount_yen": 1_500_000})
    to_return = cases.list(to_return=True)
    assert [c["case_id"] for c in to_return] == [settled]
    assert to_return[0]["amounts"]["outstanding_yen"] == 1_500_000
    assert {c["case_id"] for c in cases.list(status="open")} == {settled, granted}
    assert {c["case_id"] for c in cases.list(overdue_on=date(2026, 4, 1))} == {settled, granted}
    assert cases.list(overdue_on=date(2026, 3, 31)) == []  # due on the 31st: not yet overdue that day
    late = cases.case(settled)
    assert late["late_steps"] == ["jisseki_hokoku"] and late["next"]["due"] == "2026-03-31"


def test_hojo_case_walks_a_life_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    opening = tmp_path / "open.json"
    opening.write_text(json.dumps({"program": "kouki_shussan_ikuji_shienkin", "fiscal_year": 2024,
                                   "on": "2024-04-15", "facts": {"insurer_type": "kenpo_kumiai",
                                                                 "target_amount_yen": 50_000_000}}), encoding="utf-8")
    assert main(["case", "--db", db, "open", str(opening), "--by", "kenpo-1"]) == 0
    case = json.loads(capsys.readouterr().out)
    assert (case["applicant"], case["amounts"]["paid_yen"]) == ("kenpo-1", 1_750_000)  # 50,000,000 × 7/200
    step = tmp_path / "seisan.json"
    step.write_text(json.dumps({"step": "seisan", "on": "2025-09-30", "facts": {
        "insurer_type": "kenpo_kumiai", "target_amount_yen": 46_000_000}}), encoding="utf-8")
    assert main(["case", "--db", db, "step", case["case_id"], str(step)]) == 0
    assert json.loads(capsys.readouterr().out)["amounts"]["return_yen"] == 140_000  # 1,750,000 − 1,610,000
    assert main(["case", "--db", db, "list", "--to-return"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["count"], listed["outstanding_yen"]) == (1, 140_000)
    assert main(["case", "--db", db, "replay", case["case_id"]]) == 0
    assert json.loads(capsys.readouterr().out)["identical"] is True
    assert main(["case", "--db", db, "show", "no-such-case"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "case_not_found"


def test_the_workbench_shows_a_case_with_its_lines_lateness_and_what_is_due(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from service.api import create_app

    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'wb.sqlite3'}")) as client:
        opened = client.post("/v1/cases", json={"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                                                "on": "2024-05-20", "facts": MUNICIPAL, "cost_lines": PLANNED})
        case_id = opened.json()["case_id"]
        client.post(f"/v1/cases/{case_id}/steps", json={"step": "jigyohi_kofu", "on": "2024-07-01"})
        client.post(f"/v1/cases/{case_id}/steps", json={"step": "jisseki_hokoku", "on": "2026-04-10",
                                                        "cost_lines": ACTUAL})
        client.post(f"/v1/cases/{case_id}/steps", json={"step": "gaku_kakutei", "on": "2026-05-15"})
        page = client.get(f"/workbench/cases/{case_id}")
        assert page.status_code == 200
        for text in ("庁舎の空調更新", "対象外", "期限後", "10,500,000円", "1,500,000円", "国庫返還（2026-03-31）"):
            assert text in page.text, text
        english = client.get(f"/workbench/cases/{case_id}?lang=en").text
        assert "excluded" in english and "late" in english
        listing = client.get("/workbench/cases").text
        assert case_id[:8] in listing and "期限超過" in listing  # the return was due 2026-03-31
        assert client.get("/workbench/cases/no-such-case").status_code == 404


def test_a_case_cannot_fork_two_steps_with_the_same_number(cases: CaseService, store: SqlStore) -> None:
    # Two workers that both read step 2 as the last would both write a step 3: its id is derived from
    # (case, 3), so the log's unique decision_id keeps one and refuses the other (nothing half-written).
    from service.kernel.errors import StoreError

    case_id = municipal_case(cases, through="jigyohi_kofu")
    steps = cases.steps(case_id)
    last = steps[-1]
    cases.take(case_id, {"step": "jisseki_hokoku", "on": "2025-05-01", "cost_lines": ACTUAL})
    third = cases.steps(case_id)[-1]["decision"]
    forked = {**third, "decided_at": "2099-01-01T00:00:00.000000+00:00", "previous_step_hash": last["log"]["hash"]}
    before = store.count()
    rule_text = cases.auditor.stored_version(third["rules_sha256"]).text
    with pytest.raises(StoreError) as caught:
        store.append(forked, cases.steps(case_id)[-1]["facts"], rule_text, kind="case_step")
    assert "UNIQUE" in caught.value.message_en.upper(), caught.value.message_en
    assert store.count() == before and verify_chain(store.rows())["ok"] is True
