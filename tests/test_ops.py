"""What an operator sees: /metrics counts what was answered, /readyz says when to send traffic, one JSON log
line per request carries its request id and never the facts or the token.

The counters live in the test process (every app of the run shares them), so each test reads them before
and after and asserts the exact difference its own requests made.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.api import create_app
from service.kernel.config import Paths
from service.kernel.logs import JsonFormatter, level_from_env, log_config
from service.web.auth import TokenTable, token_digest

REPO = Path(__file__).resolve().parent.parent
TOKENS = {"city-13101": ("applicant", "tok-city-13101-secret"), "prometheus": ("monitor", "tok-scraper-secret")}
PROGRAM = "kokuho_healthup_municipal"
# FY2024 (v2): with a data health plan the application is eligible; without one it is not (B13 例5, L1770).
ELIGIBLE = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
            "third_party_evaluation": False, "designated_model": False}
INELIGIBLE = {**ELIGIBLE, "has_data_health_plan": False}


def bearer(name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {TOKENS[name][1]}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("ops")
    tokens = tmp / "tokens.json"
    tokens.write_text(json.dumps({"tokens": [{"name": name, "role": role, "sha256": token_digest(token)}
                                             for name, (role, token) in TOKENS.items()]}), encoding="utf-8")
    with TestClient(create_app(db_url=f"sqlite:///{tmp / 'ops.sqlite3'}",
                               tokens=TokenTable.from_file(tokens))) as c:
        yield c


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, keyed by (name, sorted labels)."""
    response = client.get("/metrics", headers=bearer("prometheus"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def decision_key(outcome: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return ("hojo_decisions_total", (("fiscal_year", "2024"), ("outcome", outcome), ("program", PROGRAM),
                                     ("version", "2")))


def test_metrics_count_the_decisions_answered(client: TestClient) -> None:
    before = scrape(client)
    answered = [client.post("/v1/decisions", headers=bearer("city-13101"),
                            json={"program": PROGRAM, "fiscal_year": 2024, "facts": facts})
                for facts in (ELIGIBLE, ELIGIBLE, INELIGIBLE, ELIGIBLE, INELIGIBLE)]
    assert [r.status_code for r in answered] == [200] * 5
    assert [r.json()["eligible"] for r in answered] == [True, True, False, True, False]
    refused = client.post("/v1/decisions", headers=bearer("city-13101"),
                          json={"program": PROGRAM, "fiscal_year": 2024, "facts": {**ELIGIBLE, "insured_count": "x"}})
    assert refused.status_code == 422
    client.get(f"/v1/decisions/{answered[0].json()['decision_id']}", headers=bearer("city-13101"))
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert after.get(decision_key("eligible"), 0) - before.get(decision_key("eligible"), 0) == 3
    assert after.get(decision_key("ineligible"), 0) - before.get(decision_key("ineligible"), 0) == 2
    route = {"method": "POST", "route": "/v1/decisions"}
    assert delta("hojo_http_request_duration_seconds_count", **route, status="200") == 5
    assert delta("hojo_http_request_duration_seconds_count", **route, status="422") == 1
    # the route template, never the raw path with its decision id
    assert delta("hojo_http_request_duration_seconds_count", method="GET", route="/v1/decisions/{decision_id}",
                 status="200") == 1
    assert delta("hojo_errors_total", code=refused.json()["error"]["code"]) == 1
    assert delta("hojo_log_append_seconds_count") == 5
    assert delta("hojo_log_group_commit_records_sum") == 5  # every record written by exactly one commit
    # read from the store at the scrape: this module's store holds exactly the decisions of this module
    assert after[("hojo_log_chain_length", ())] == client.app.state.service.store.chain_length()  # type: ignore[attr-defined]
    assert after[("hojo_log_chain_length", ())] - before[("hojo_log_chain_length", ())] == 5
    assert after[("hojo_store_up", ())] == 1
    published = sum("\nstatus: published" in path.read_text(encoding="utf-8")
                    for path in (REPO / "rules").glob("*/v*.yaml"))
    assert after[("hojo_rule_versions_loaded", (("status", "published"),))] == published


def test_metrics_need_a_monitor_auditor_or_owner_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=bearer("city-13101")).status_code == 403
    # and a scraper's token decides nothing and reads no decision
    assert client.post("/v1/decisions", headers=bearer("prometheus"),
                       json={"program": PROGRAM, "fiscal_year": 2024, "facts": ELIGIBLE}).status_code == 403
    assert client.get("/v1/programs", headers=bearer("prometheus")).status_code == 403


def test_healthz_and_readyz_are_open_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"ready": True, "checks": {"store": "ok", "rules": "ok"}}


def test_readyz_is_503_when_the_store_is_closed(tmp_path: Path) -> None:
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'closed.sqlite3'}")) as c:
        assert c.get("/readyz").status_code == 200
        c.app.state.service.store.close()  # type: ignore[attr-defined]
        ready = c.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"store": "unavailable", "rules": "ok"}
        assert ready.json()["error"]["code"] == "not_ready"
        assert ready.json()["error"]["message_en"] == "not ready: the store does not answer"
        assert "sqlite" not in ready.text.lower()  # an open route: no error text from the database
        assert c.get("/healthz").status_code == 200  # the process is still up
        scraped = c.get("/metrics").text  # open mode: no tokens configured
        assert "hojo_store_up 0.0" in scraped and "hojo_log_chain_length" not in scraped


def test_readyz_is_503_when_no_rules_are_loaded(tmp_path: Path) -> None:
    empty = tmp_path / "rules"
    empty.mkdir()
    paths = Paths(rules=empty, schemas=REPO / "schemas", seeds=REPO / "seeds")
    with TestClient(create_app(paths=paths, db_url=f"sqlite:///{tmp_path / 'norules.sqlite3'}")) as c:
        ready = c.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"store": "ok", "rules": "none_loaded"}
    assert ready.json()["error"]["message_ja"] == "準備ができていません: 規則の版が読み込まれていません"


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """The JSON lines the request logger writes during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("hojo.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def test_one_json_line_per_request_with_its_id_and_no_facts_or_token(client: TestClient,
                                                                   request_log: io.StringIO) -> None:
    response = client.post("/v1/decisions", headers={**bearer("city-13101"), "x-request-id": "lb-7f3a:0001"},
                           json={"program": PROGRAM, "fiscal_year": 2024, "facts": {**ELIGIBLE,
                                                                                     "insured_count": 31234}})
    assert response.status_code == 200 and response.headers["x-request-id"] == "lb-7f3a:0001"
    lines = [json.loads(line) for line in request_log.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "lb-7f3a:0001" and line["level"] == "info" and line["event"] == "request"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/v1/decisions", 200)
    assert line["program"] == PROGRAM and line["decision_id"] == response.json()["decision_id"]
    assert (line["role"], line["principal"]) == ("applicant", "city-13101")
    assert 0 < line["duration_ms"] < 60_000
    text = request_log.getvalue()
    for secret in ("31234", "insured_count", "categories", TOKENS["city-13101"][1], "Bearer"):
        assert secret not in text


def test_a_request_id_is_made_when_absent_or_invalid(client: TestClient, request_log: io.StringIO) -> None:
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32 and int(made, 16) >= 0
    for bad in ("x" * 129, "a b", "id\u3042".encode(), b"", "<script>"):
        answer = client.get("/readyz", headers={"x-request-id": bad})
        assert answer.status_code == 200
        echoed = answer.headers["x-request-id"]
        assert echoed != bad and len(echoed) == 32
    assert client.get("/healthz", headers={"x-request-id": "a" * 128}).headers["x-request-id"] == "a" * 128
    # probes log at debug: a load balancer polling /healthz does not fill the log at info
    assert request_log.getvalue() == ""


def test_an_unmatched_path_is_one_label_and_a_logged_404(client: TestClient, request_log: io.StringIO) -> None:
    before = scrape(client)
    for n in range(3):
        assert client.get(f"/no/such/path/{n}").status_code == 404
    after = scrape(client)
    key = ("hojo_http_request_duration_seconds_count", (("method", "GET"), ("route", "unmatched"), ("status", "404")))
    assert after[key] - before.get(key, 0) == 3
    assert [json.loads(line)["route"] for line in request_log.getvalue().splitlines()] == ["unmatched"] * 3


def test_the_log_level_comes_from_hojo_log_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOJO_LOG_LEVEL", "WARNING")
    assert level_from_env() == "warning"
    assert log_config("warning")["loggers"]["hojo"]["level"] == "WARNING"
    monkeypatch.setenv("HOJO_LOG_LEVEL", "verbose")
    with pytest.raises(ValueError, match="HOJO_LOG_LEVEL='verbose'"):
        level_from_env()


def test_an_unexpected_fault_is_a_500_with_its_request_id_logged_at_error(tmp_path: Path, request_log: io.StringIO,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(db_url=f"sqlite:///{tmp_path / 'fault.sqlite3'}")
    with TestClient(app, raise_server_exceptions=False) as c:
        async def broken(*_: object, **__: object) -> None:
            raise RuntimeError("a fault with secret-ish detail")

        # the route decides on the event loop (DecisionService.decide_async)
        monkeypatch.setattr(c.app.state.service, "decide_async", broken)  # type: ignore[attr-defined]
        answer = c.post("/v1/decisions", headers={"x-request-id": "fault-0001"},
                        json={"program": PROGRAM, "fiscal_year": 2024, "facts": ELIGIBLE})
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "internal_error"
    assert answer.headers["x-request-id"] == "fault-0001" and "secret-ish" not in answer.text
    [line] = [json.loads(text) for text in request_log.getvalue().splitlines()]
    assert (line["level"], line["status"], line["request_id"], line["route"]) == ("error", 500, "fault-0001",
                                                                                   "/v1/decisions")
