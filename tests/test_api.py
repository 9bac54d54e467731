"""HTTP behaviour of the app in-process: error mapping, strict bodies, the program list, OpenAPI, read-back."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api import create_app
from service.kernel.errors import StoreError
from service.web.body import MAX_BODY_BYTES

REPO = Path(__file__).resolve().parent.parent
GENESIS = "0" * 64
PROGRAMS = ("kokuho_healthup_model_designation", "kokuho_healthup_municipal", "kokuho_healthup_prefectural")
FACTS: dict[str, Any] = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                         "third_party_evaluation": False, "designated_model": False}
REQUEST: dict[str, Any] = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": FACTS}
JSON = {"content-type": "application/json"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hojo.sqlite3"


@pytest.fixture
def app(db_path: Path) -> FastAPI:
    return create_app(db_url=f"sqlite:///{db_path}")


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # raise_server_exceptions=False: see what a real client sees, not the exception the test client re-raises.
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def stored_ids(db_path: Path) -> list[str]:
    """The decision ids in the file, read by a second connection."""
    with sqlite3.connect(db_path) as db:
        return [row[0] for row in db.execute("SELECT decision_id FROM decisions ORDER BY seq")]


def raw_request(facts_json: str) -> bytes:
    """A request whose facts are given as JSON text, for values ``json.dumps`` would not produce."""
    return f'{{"program":"kokuho_healthup_municipal","fiscal_year":2024,"facts":{facts_json}}}'.encode()


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text
    assert ".py" not in text


def problem_paths(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["path"], p["code"]) for p in body["error"]["problems"]]


# --- the store cannot write: 503, nothing recorded ----------------------------------------------------


def test_store_write_failure_is_503_and_records_nothing(
        client: TestClient, app: FastAPI, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.post("/v1/decisions", json=REQUEST).status_code == 200
    before = stored_ids(db_path)
    attempted: list[str] = []

    def failing_append(decision: dict[str, Any], facts: dict[str, Any], rule_text: str) -> dict[str, Any]:
        attempted.append(decision["decision_id"])
        raise StoreError("判定を記録できなかったため、判定結果は返せません",
                         "the decision could not be recorded, so it is not answered: disk I/O error",
                         code="store_write_failed")

    monkeypatch.setattr(app.state.service.store, "append", failing_append)
    response = client.post("/v1/decisions", json=REQUEST)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "store_write_failed"
    assert error["message_ja"] == "判定を記録できなかったため、判定結果は返せません"
    assert error["message_en"].startswith("the decision could not be recorded")
    assert "decision_id" not in response.text and "amount_yen" not in response.text  # no decision leaks out
    assert_no_traceback(response.text)
    monkeypatch.undo()
    assert len(attempted) == 1
    assert stored_ids(db_path) == before
    assert client.get(f"/v1/decisions/{attempted[0]}").status_code == 404


def test_sqlite_refusing_the_write_is_503_and_the_chain_resumes(
        client: TestClient, app: FastAPI, db_path: Path) -> None:
    first = client.post("/v1/decisions", json=REQUEST).json()
    connection = app.state.service.store._db
    connection.execute("PRAGMA query_only=ON")  # SQLite itself refuses: the real append's error path
    response = client.post("/v1/decisions", json=REQUEST)
    connection.execute("PRAGMA query_only=OFF")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_write_failed"
    assert_no_traceback(response.text)
    assert stored_ids(db_path) == [first["decision_id"]]
    second = client.post("/v1/decisions", json=REQUEST).json()
    first_log = client.get(f"/v1/decisions/{first['decision_id']}").json()["log"]
    second_log = client.get(f"/v1/decisions/{second['decision_id']}").json()["log"]
    assert (second_log["seq"], second_log["prev_hash"]) == (2, first_log["hash"])


# --- an unexpected exception: 500, no stack trace ---------------------------------------------------


def test_unexpected_exception_is_500_without_a_stack_trace(
        client: TestClient, app: FastAPI, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def explode(*_: Any) -> dict[str, Any]:
        raise ZeroDivisionError("secret detail in /srv/hojo/internal.py")

    monkeypatch.setattr(app.state.service.decider, "decide", explode)
    with caplog.at_level(logging.ERROR, logger="hojo"):
        response = client.post("/v1/decisions", json=REQUEST)

    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error", "message_ja": "内部エラーが発生しました",
                                         "message_en": "internal error"}}
    assert "secret detail" not in response.text and "ZeroDivisionError" not in response.text
    assert_no_traceback(response.text)
    # The operator, not the client, gets the traceback.
    logged = [r for r in caplog.records if r.name == "hojo" and r.exc_info]
    assert logged and logged[0].exc_info[0] is ZeroDivisionError
    assert stored_ids(db_path) == []


# --- strict bodies ------------------------------------------------------------------------------------


def padded_request(size: int) -> bytes:
    """A valid request padded with trailing spaces to exactly ``size`` bytes."""
    body = json.dumps(REQUEST).encode()
    return body + b" " * (size - len(body))


def test_body_of_exactly_the_limit_is_decided(client: TestClient) -> None:
    assert MAX_BODY_BYTES == 1_000_000
    body = padded_request(1_000_000)
    assert len(body) == 1_000_000
    assert client.post("/v1/decisions", content=body, headers=JSON).status_code == 200


def test_body_one_byte_over_the_limit_is_413(client: TestClient, db_path: Path) -> None:
    response = client.post("/v1/decisions", content=padded_request(1_000_001), headers=JSON)
    assert response.status_code == 413  # HTTP's Content Too Large, not a 422: nothing of it was read
    assert response.json()["error"]["code"] == "body_too_large"
    assert problem_paths(response.json()) == [("$", "body_too_large")]
    assert stored_ids(db_path) == []


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    # No Content-Length: the limit must hold while the body streams in, not only on the header.
    def chunks() -> Iterator[bytes]:
        body = padded_request(1_200_000)
        for start in range(0, len(body), 64_000):
            yield body[start:start + 64_000]

    response = client.post("/v1/decisions", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_with_nan_or_infinity_is_422(client: TestClient, db_path: Path, constant: str) -> None:
    response = client.post("/v1/decisions", content=raw_request(f'{{"insured_count":{constant}}}'), headers=JSON)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_a_number"
    assert stored_ids(db_path) == []


@pytest.mark.parametrize("nest", [("[" * 10_000 + "]" * 10_000),
                                  ('{"a":' * 10_000 + "1" + "}" * 10_000)], ids=["arrays", "objects"])
def test_ten_thousand_deep_json_is_422_and_the_server_keeps_answering(client: TestClient, nest: str) -> None:
    for body in (nest.encode(), raw_request(nest)):
        response = client.post("/v1/decisions", content=body, headers=JSON)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_json"
        assert_no_traceback(response.text)
    assert client.post("/v1/decisions", json=REQUEST).status_code == 200


def test_moderately_deep_facts_are_422_not_500(client: TestClient) -> None:
    # 700 levels parse (the parser's limit is near 1,000), so the facts reach validation.
    facts_with_deep_extra = json.dumps(FACTS)[:-1] + ',"x":' + "[" * 700 + "]" * 700 + "}"
    response = client.post("/v1/decisions", content=raw_request(facts_with_deep_extra), headers=JSON)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_deep"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("insured_count", 2**63, "maximum"),
    ("insured_count", 2**64 + 1, "maximum"),
    ("insured_count", -(2**63) - 1, "minimum"),
    ("eligible_cost_yen", 2**63, "maximum"),
])
def test_integer_beyond_int64_is_422_at_its_path(client: TestClient, db_path: Path, field: str, value: int,
                                                  code: str) -> None:
    response = client.post("/v1/decisions", json={**REQUEST, "facts": {**FACTS, field: value}})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_facts"
    assert problem_paths(response.json()) == [(f"$.facts.{field}", code)]
    assert str(value) in error["problems"][0]["message_en"]  # the value is echoed exactly, not as a float
    assert stored_ids(db_path) == []


# --- programs, docs, OpenAPI --------------------------------------------------------------------------


def test_programs_lists_the_healthup_family_with_two_versions_each(client: TestClient) -> None:
    response = client.get("/v1/programs")
    assert response.status_code == 200
    listing = response.json()["programs"]
    names = [p["program"] for p in listing]
    assert names == sorted(names) and set(PROGRAMS) <= set(names)
    for program in (p for p in listing if p["program"] in PROGRAMS):
        assert program["status"] == "decide"
        assert program["fiscal_years"] == [2021, 2024]
        assert [v["version"] for v in program["versions"]] == [1, 2]
        assert [v["effective"] for v in program["versions"]] == [
            {"from_fiscal_year": 2021, "to_fiscal_year": 2021}, {"from_fiscal_year": 2024, "to_fiscal_year": 2024}]
        assert [v["status"] for v in program["versions"]] == ["published", "published"]
        for version in program["versions"]:
            text = (REPO / "rules" / program["program"] / f"v{version['version']}.yaml").read_bytes()
            assert version["sha256"] == hashlib.sha256(text).hexdigest()


def test_one_program_and_an_unknown_one(client: TestClient) -> None:
    assert client.get("/v1/programs/kokuho_healthup_prefectural").json()["fiscal_years"] == [2021, 2024]
    response = client.get("/v1/programs/no_such_program")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_program"


def test_docs_and_openapi(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    post = spec.json()["paths"]["/v1/decisions"]["post"]
    assert post["requestBody"]["required"] is True
    # one request schema per program, chosen by "program" (tests/test_applicants.py checks them in full)
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionRequest"}
    schema = spec.json()["components"]["schemas"]["KokuhoHealthupMunicipalRequest"]
    assert sorted(schema["required"]) == ["facts", "fiscal_year", "program"]
    assert schema["additionalProperties"] is False
    assert {"200", "422", "503"} <= set(post["responses"])
    assert "/v1/decisions/{decision_id}" in spec.json()["paths"]


# --- reading a decision back --------------------------------------------------------------------------


def expected_hash(prev_hash: str, decision: dict[str, Any], facts: dict[str, Any]) -> str:
    body = json.dumps({"decision": decision, "facts": facts}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def test_get_decision_returns_the_decision_its_facts_and_log(client: TestClient) -> None:
    # Full-width categories: the stored facts are the NFKC-normalized ones the decision used.
    first = client.post("/v1/decisions", json={**REQUEST, "facts": {**FACTS, "categories": ["１", "３"]}}).json()
    second = client.post("/v1/decisions", json=REQUEST).json()

    got = client.get(f"/v1/decisions/{first['decision_id']}")
    assert got.status_code == 200
    record = got.json()
    assert {k: v for k, v in record.items() if k not in ("facts", "log", "integrity")} == first
    assert record["facts"] == FACTS
    # what_if is part of the answer, not of the record: the hash covers the decision without it
    first = {k: v for k, v in first.items() if k != "what_if"}
    second = {k: v for k, v in second.items() if k != "what_if"}
    assert record["log"] == {"seq": 1, "prev_hash": GENESIS, "hash": expected_hash(GENESIS, first, FACTS)}
    assert record["integrity"]["ok"] is True and record["integrity"]["hash"] == record["log"]["hash"]
    # Hand-computed: 基準額① 4,500,000 + 基準額② 9,000,000 for 30,000 insured.
    assert (record["amount_yen"], record["cap_yen"]) == (13_500_000, 13_500_000)

    log2 = client.get(f"/v1/decisions/{second['decision_id']}").json()["log"]
    assert log2 == {"seq": 2, "prev_hash": record["log"]["hash"],
                    "hash": expected_hash(record["log"]["hash"], second, FACTS)}


def test_get_unknown_decision_is_404(client: TestClient) -> None:
    response = client.get("/v1/decisions/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "decision_not_found"


def test_programs_lists_all_61_catalog_programs_with_their_status(client: TestClient) -> None:
    import yaml

    catalog = yaml.safe_load((REPO / "tests" / "fixtures" / "catalog" / "programs.yaml").read_text(encoding="utf-8"))
    listing = {p["program"]: p for p in client.get("/v1/programs").json()["programs"]}
    assert set(listing) == {entry["id"] for entry in catalog["programs"]} and len(listing) == 61
    for entry in catalog["programs"]:
        shown = listing[entry["id"]]["status"]
        if entry["status"] in ("reference", "allocation"):
            assert shown == entry["status"], entry["id"]
        else:  # decided here: "partly" where some fiscal year can only be answered undetermined
            assert shown in ("decide", "partly"), entry["id"]
    reference = listing["ndb_rikatsuyo_suishin"]
    assert reference["why_not_decidable"]["ja"] and reference["cites"][0]["quote"]
    refused = client.post("/v1/decisions", json={"program": "ndb_rikatsuyo_suishin", "fiscal_year": 2025, "facts": {}})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "not_decidable"
