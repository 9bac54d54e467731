"""Batch decisions (POST /v1/batches, hojo batch) and impact previews on the columnar evaluator.

Figures by hand from the seeds: 後期 premiums FY2025 (001 L203-357, rules/kouki_hokenryo/v3.yaml): 均等割 50,500
× 3/10 (7割軽減) = 15,150 plus 所得割 10.70% × 1,000,000 = 107,000 → 122,150, rounded down to 100 yen: 122,100;
with no reduction and 2,000,000: 50,500 + 214,000 = 264,500; the FY2025 ceiling is 800,000. 出産育児一時金 from
April 2023 (001 L2937-2956): 500,000 per child, twins 1,000,000.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

from service import batches as batches_module
from service.api import create_app
from service.kernel.errors import StoreError
from service.rulebook.registry import Rulebook
from service.store import SqlStore, open_store

from .test_audit import MUNICIPAL, REPO, draft_folder, request, service_for

KOUKI = {"is_kouki_insured": True, "income_base_yen": 1_000_000, "kintowari_yen": 50_500,
         "shotokuwari_rate": "10.70%", "kintowari_reduction": "7"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'batch.sqlite3'}")) as c:
        yield c


def post_lines(client: TestClient, lines: list[Any], program: str = "kouki_hokenryo", fy: int = 2025) -> Any:
    body = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    return client.post("/v1/batches", params={"program": program, "fiscal_year": fy}, content=body.encode(),
                       headers={"content-type": "application/x-ndjson"})


def test_a_batch_over_http_answers_every_line_records_and_replays(client: TestClient) -> None:
    lines = [{"id": "A-1", "facts": KOUKI},
             {"id": "A-2", "facts": {**KOUKI, "kintowari_reduction": "0", "income_base_yen": 2_000_000}},
             {"id": "A-3", "facts": {**KOUKI, "is_kouki_insured": False}},
             {"id": "A-4", "facts": {**KOUKI, "income_base_yen": 100_000_000}},
             {"id": "A-5", "facts": {**KOUKI, "kintowari_yen": "50500"}},
             '{"id": "A-6", "facts": {"x": 1}, "facts": {}}',
             ""]
    response = post_lines(client, lines)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert [r["row"] for r in rows] == ["A-1", "A-2", "A-3", "A-4", "A-5", 6]
    assert [(r.get("eligible"), r.get("amount_yen"), r.get("cap_yen")) for r in rows[:4]] == [
        (True, 122_100, 800_000), (True, 264_500, 800_000), (False, 0, None), (True, 800_000, 800_000)]
    assert {r["ruleset"] for r in rows[:4]} == {"kouki_hokenryo@3"}
    assert rows[4]["error"]["problems"][0]["path"] == "$.facts.kintowari_yen"
    assert rows[5]["error"]["code"] == "duplicate_key"
    assert response.headers["x-hojo-columnar"] == "4" and response.headers["x-hojo-invalid"] == "2"
    # Each decided row is one log record, in the chain, replayed identical by the engine of record.
    assert client.get("/v1/log/head").json()["count"] == 4
    assert client.get("/v1/log/verify").json()["ok"] is True
    for row in rows[:4]:
        replay = client.post(f"/v1/decisions/{row['decision_id']}/replay").json()
        assert replay["identical"] is True, replay["differences"]
    stored = client.get(f"/v1/decisions/{rows[0]['decision_id']}").json()
    assert stored["batch_row"] == "A-1" and stored["facts"] == KOUKI and stored["requested_by"] == "anonymous"


def test_a_batch_is_bounded_and_its_program_checked(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("service.api.batches.MAX_HTTP_ROWS", 2)
    too_many = post_lines(client, [{"facts": KOUKI}] * 3)
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "batch_too_large"
    assert post_lines(client, [{"facts": KOUKI}], program="nope").status_code == 404
    assert post_lines(client, [{"facts": KOUKI}], fy=2019).status_code == 422  # no version in force
    assert client.get("/v1/log/head").json()["count"] == 0  # nothing half-recorded


def test_births_and_the_municipal_table_decide_in_a_batch(client: TestClient) -> None:
    births = post_lines(client, [{"facts": {"children_born_count": n}} for n in (1, 2, 0)],
                        program="shussan_ikuji_ichijikin", fy=2024)
    assert [json.loads(x)["amount_yen"] for x in births.text.splitlines()] == [500_000, 1_000_000, 0]
    # FY2024 municipal ヘルスアップ: 30,000 insured, categories ① and ③: 4,500千円 + 9,000千円 (seeds 001 L1786, L1826).
    municipal = post_lines(client, [{"facts": request(2024)["facts"]}], program=MUNICIPAL, fy=2024)
    assert json.loads(municipal.text)["cap_yen"] == 13_500_000


def hojo(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args, "--db", f"sqlite:///{db}"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_hojo_batch_reads_csv_jsonl_and_parquet(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    csv_in = tmp_path / "premiums.csv"
    csv_in.write_text("id,is_kouki_insured,income_base_yen,kintowari_yen,shotokuwari_rate,kintowari_reduction\n"
                      "p1,true,1000000,50500,10.70%,7\n"
                      "p2,false,1000000,50500,10.70%,7\n"
                      "p3,true,abc,50500,10.70%,7\n", encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    result = hojo("batch", "--program", "kouki_hokenryo", "--fiscal-year", "2025", "--in", str(csv_in),
                  "--out", str(out), db=db)
    assert result.returncode == 1, result.stderr  # one row was refused
    summary = json.loads(result.stderr[result.stderr.index("{"):])
    assert (summary["rows"], summary["columnar"], summary["invalid"], summary["recorded"]) == (3, 2, 1, 2)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["row"], r.get("amount_yen")) for r in rows] == [("p1", 122_100), ("p2", 0), ("p3", None)]
    assert rows[2]["error"]["problems"] == [{"path": "$.facts.income_base_yen", "code": "type",
                                             "message_ja": "整数でなければなりません（値: 'abc'）",
                                             "message_en": "must be of type integer (got 'abc')"}]
    parquet_in = tmp_path / "premiums.parquet"
    pl.DataFrame([{**KOUKI, "income_base_yen": 2_000_000, "kintowari_reduction": "0"}]).write_parquet(parquet_in)
    parquet_out = tmp_path / "answers.parquet"
    assert hojo("batch", "--program", "kouki_hokenryo", "--fiscal-year", "2025", "--in", str(parquet_in),
                "--out", str(parquet_out), db=db).returncode == 0
    assert pl.read_parquet(parquet_out).select("row", "amount_yen", "cap_yen").rows() == [("1", 264_500, 800_000)]
    jsonl_in = tmp_path / "births.jsonl"
    jsonl_in.write_text("\n".join(json.dumps({"id": i, "facts": {"children_born_count": i}}) for i in (1, 3)),
                        encoding="utf-8")
    csv_out = tmp_path / "births.csv"
    assert hojo("batch", "--program", "shussan_ikuji_ichijikin", "--fiscal-year", "2023", "--in", str(jsonl_in),
                "--out", str(csv_out), "--no-record", db=db).returncode == 0
    assert pl.read_csv(csv_out).select("row", "amount_yen").rows() == [(1, 500_000), (3, 1_500_000)]
    store = open_store(f"sqlite:///{db}")
    try:
        assert store.count() == 3  # two CSV rows and the Parquet row; --no-record kept nothing
    finally:
        store.close()
    assert json.loads(hojo("replay", db=db).stdout)["identical"] == 3


def test_append_many_is_one_chained_group_commit(store_url: str) -> None:
    store = open_store(store_url)
    try:
        service = service_for(store)
        service.decide(request(2024))
        batch = batches_module.BatchService(service)
        rv = batch.select(MUNICIPAL, 2024)
        ids, facts, errors = batch.parse_lines([json.dumps({"facts": request(2024, insured_count=n)["facts"]}).encode()
                                                for n in (5000, 60000)])
        rows, summary = batch.decide_rows(rv, 2024, ids, facts, errors, "test")
        assert summary["recorded"] == 2 and [r["cap_yen"] for r in rows] == [9_000_000, 18_000_000]
        assert service.auditor.verify()["ok"] is True and store.count() == 3
        assert service.auditor.replay_all()["identical"] == 3
    finally:
        store.close()


def test_columnar_impact_equals_the_per_record_impact(tmp_path: Path) -> None:
    store: SqlStore = open_store(f"sqlite:///{tmp_path / 'impact.sqlite3'}")
    try:
        service = service_for(store)
        for n in range(120):
            facts = {"insured_count": 4_000 + 997 * n, "has_data_health_plan": n % 7 != 0,
                     "categories": [["1"], ["1", "3"], ["3", "4", "5", "2"], ["5"]][n % 4],
                     "third_party_evaluation": n % 3 == 0, "designated_model": False}
            if n % 5 == 0:
                facts["eligible_cost_yen"] = 3_000_000 + 50_000 * n
            service.decide({"program": MUNICIPAL, "fiscal_year": 2024, "facts": facts})
        service.decide(request(2021))
        draft = Rulebook.from_dir(draft_folder(tmp_path), REPO / "schemas", REPO / "seeds").all_versions()
        by_table = service.auditor.impact(draft, columnar=True, chunk=50)
        by_record = service.auditor.impact(draft, columnar=False)
        for report in (by_table, by_record):
            report.pop("elapsed_seconds")
        assert by_table == by_record
        assert by_table["scanned"] == 121 and by_table["programs"][MUNICIPAL]["decisions"] == 120
        assert by_table["total"]["changed"] > 0 and by_table["total"]["yen_delta"] > 0
    finally:
        store.close()


def test_impact_reads_the_outcome_fields_exactly_as_the_whole_records_hold_them(store_url: str, tmp_path: Path
                                                                              ) -> None:
    """``outcomes`` (the database picks the four fields out of each decision text) gives what ``rows`` and
    ``json.loads`` give, types and all, and skips the kinds impact skips."""
    store = open_store(store_url)
    try:
        service = service_for(store)
        service.decide(request(2024))
        service.decide(request(2024, has_data_health_plan=False))
        batch = batches_module.BatchService(service)
        rv = batch.select(MUNICIPAL, 2024)
        ids, facts, errors = batch.parse_lines([json.dumps({"facts": request(2024, insured_count=n)["facts"]}).encode()
                                                for n in (5000, 60000)])
        batch.decide_rows(rv, 2024, ids, facts, errors, "test")
        rule_text = rv.text
        store.append({"kind": "allocation", "decision_id": "a-1", "program": MUNICIPAL, "fiscal_year": 2024,
                      "rules_version": rv.version, "rules_sha256": rv.sha256, "eligible": True, "amount_yen": 7,
                      "decided_at": "2026-12-01T00:00:00.000000+00:00"}, {}, rule_text, kind="allocation")
        store.append({"kind": "case_step", "decision_id": "c-1", "program": MUNICIPAL, "fiscal_year": 2024,
                      "rules_version": rv.version, "rules_sha256": rv.sha256, "eligible": False,
                      "decided_at": "2026-12-01T00:00:01.000000+00:00"}, {}, rule_text, kind="case_step")
        # beyond a double's 53 bits, and no cap: the integer and the null must come back as they are
        store.append({"decision_id": "d-big", "program": MUNICIPAL, "fiscal_year": 2024, "rules_version": rv.version,
                      "rules_sha256": rv.sha256, "ruleset": rv.name, "eligible": True, "amount_yen": 2**63 - 1,
                      "cap_yen": None, "decided_at": "2026-12-01T00:00:02.000000+00:00"},
                     request(2024)["facts"], rule_text)
        whole = [row for row in store.rows() if row.kind in ("decision", "batch")]
        picked = list(store.outcomes(kinds=("decision", "batch")))
        assert [row.kind for row in picked] == ["decision", "decision", "batch", "batch", "decision"]
        assert [row.seq for row in picked] == [row.seq for row in whole] == [1, 2, 3, 4, 7]
        for row, full in zip(picked, whole, strict=True):
            recorded = json.loads(full.decision_text)
            expected = {key: recorded.get(key) for key in ("ruleset", "eligible", "amount_yen", "cap_yen")}
            assert row.outcome == expected
            assert [type(value) for value in row.outcome.values()] == [type(value) for value in expected.values()]
            assert (row.record_id, row.program, row.fiscal_year, row.rules_sha256, row.facts_text) == (
                full.record_id, full.program, full.fiscal_year, full.rules_sha256, full.facts_text)
        assert picked[0].outcome["eligible"] is True and picked[1].outcome["eligible"] is False
        assert [row.outcome["cap_yen"] for row in picked[2:4]] == [9_000_000, 18_000_000]
        assert picked[4].outcome == {"ruleset": rv.name, "eligible": True, "amount_yen": 2**63 - 1, "cap_yen": None}
        assert [row.kind for row in store.outcomes()][4:6] == ["allocation", "case_step"]
        draft = Rulebook.from_dir(draft_folder(tmp_path), REPO / "schemas", REPO / "seeds").all_versions()
        by_table = service.auditor.impact(draft, columnar=True)
        by_record = service.auditor.impact(draft, columnar=False)
        for report in (by_table, by_record):
            report.pop("elapsed_seconds")
        assert by_table == by_record and by_table["scanned"] == 5
    finally:
        store.close()


def test_outcomes_of_a_decision_text_that_is_no_longer_json_are_refused_not_guessed(store_url: str) -> None:
    store = open_store(store_url)
    try:
        service = service_for(store)
        service.decide(request(2024))
        store._execute("UPDATE decisions SET decision = ? WHERE seq = 1", ('{"eligible": true, "amount_yen": 5',))
        # SQLite reads the whole text again and json.loads refuses it, as impact always did; PostgreSQL's cast fails
        expected: type[Exception] = json.JSONDecodeError if store_url.startswith("sqlite") else StoreError
        with pytest.raises(expected):
            list(store.outcomes(kinds=("decision", "batch")))
    finally:
        store.close()
