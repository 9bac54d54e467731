"""Simulation (試算): the answer ``POST /v1/decisions`` would give, with nothing recorded.

Figures from rules/kokuho_healthup_municipal/v2.yaml (001_c02c95a32821d2bb.txt L1786 基準額①, L1826 基準額②):
30,000 insured is the band 1～5万人未満, so categories 1 and 3 give 4,500千円 + 9,000千円 = 13,500,000円;
45,000 insured is the same band, categories 1 alone 4,500,000円. A draft raising 基準額① of that band to
5,000千円 adds 500,000円 to each decision in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from tests.test_workbench import FACTS, PROGRAM, draft

PER_DECISION = {"decision_id", "decided_at", "recorded"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'sim.sqlite3'}")) as c:
        yield c


def application(**facts: Any) -> dict[str, Any]:
    return {"program": PROGRAM, "fiscal_year": 2024, "facts": {**FACTS, **facts}}


def test_a_simulation_answers_as_a_decision_and_records_nothing(client: TestClient) -> None:
    simulated = client.post("/v1/simulations", json=application())
    assert simulated.status_code == 200, simulated.text
    tried = simulated.json()
    decided = client.post("/v1/decisions", json=application()).json()
    # the same fields in the same order; a decision's answer is exactly its logged record, so it has no flag
    assert tried["recorded"] is False and "recorded" not in decided
    assert list(tried) == list(decided) + ["recorded"]
    for field in tried.keys() - PER_DECISION:
        assert tried[field] == decided[field], field
    assert (tried["eligible"], tried["amount_yen"], tried["cap_yen"]) == (True, 13_500_000, 13_500_000)
    # only the decision is in the log; the simulation's id names nothing
    listed = client.get("/v1/decisions").json()["decisions"]
    assert [d["decision_id"] for d in listed] == [decided["decision_id"]]
    missing = client.get(f"/v1/decisions/{tried['decision_id']}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "decision_not_found"
    assert client.get("/v1/log/verify").json()["checked"] == 1


def test_a_simulation_refuses_bad_input_like_a_decision(client: TestClient) -> None:
    bad = application(insured_count=-5)
    simulated, decided = client.post("/v1/simulations", json=bad), client.post("/v1/decisions", json=bad)
    assert simulated.status_code == decided.status_code == 422
    assert simulated.json() == decided.json()
    assert client.get("/v1/decisions").json()["decisions"] == []


def test_impact_previews_never_see_simulations(client: TestClient) -> None:
    recorded = client.post("/v1/decisions", json=application()).json()
    for insured in (30_000, 45_000, 12_000):  # each in the band the draft raises: +500,000 if it were counted
        assert client.post("/v1/simulations", json=application(insured_count=insured)).json()["recorded"] is False
    report = client.post("/v1/impact", json={"rules": {f"{PROGRAM}/v3.yaml": draft()}})
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["scanned"] == 1 and body["total"]["decisions"] == 1
    assert body["total"]["yen_delta"] == 500_000  # the one recorded decision: 13,500,000 → 14,000,000
    assert [c["decision_id"] for c in body["changed"]] == [recorded["decision_id"]]
