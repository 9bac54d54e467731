"""Role tokens on every route: the README's route × role table, tested cell by cell.

Tokens come from a file of sha256 digests (``HOJO_TOKENS_FILE``); a request without a token is 401, a
token whose role may not do something is 403, and an applicant reading another applicant's decision
gets the same 404 as for an id that does not exist. Every API route of the app must appear in
``TABLE``: a new route without a decided set of roles fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from service.api import create_app
from service.web.auth import TokenTable, token_digest

TOKENS = {"applicant": "tok-applicant-13101", "other_applicant": "tok-applicant-13102", "auditor": "tok-auditor",
          "policy_owner": "tok-owner"}
FACTS = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
         "third_party_evaluation": False, "designated_model": False}
REQUEST = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": FACTS}
OPEN = "open"  # a route no token is needed for

#: (method, path template) → who may call it: the roles, or OPEN. "{own}" is the caller's own decision.
TABLE: dict[tuple[str, str], Any] = {
    ("POST", "/v1/decisions"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/v1/decisions/{decision_id}"): {"applicant", "auditor", "policy_owner"},  # applicants: their own
    ("GET", "/v1/decisions"): {"auditor", "policy_owner"},
    ("POST", "/v1/decisions/{decision_id}/replay"): {"auditor", "policy_owner"},
    ("POST", "/v1/decisions/{decision_id}/redecide"): {"auditor", "policy_owner"},
    ("GET", "/v1/log/verify"): {"auditor", "policy_owner"},
    ("GET", "/v1/log/head"): {"auditor", "policy_owner"},
    ("POST", "/v1/impact"): {"auditor", "policy_owner"},
    ("GET", "/v1/programs"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/v1/programs/{program}"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/v1/allocations"): {"policy_owner"},
    ("GET", "/healthz"): OPEN,
    # applicants and integrators (issue 13): facts schema (422 without fiscal_year), screening (422 without a
    # body), the notice of one's own decision; the API documentation pages need no token
    ("GET", "/v1/programs/{program}/facts-schema"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/v1/screenings"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/v1/decisions/{decision_id}/notice"): {"applicant", "auditor", "policy_owner"},  # applicants: their own
    ("GET", "/docs"): OPEN,
    ("GET", "/redoc"): OPEN,
    ("GET", "/docs-assets/redoc.standalone.js"): OPEN,
    # the workbench (service/workbench): its API routes, and its HTML pages (the same roles)
    ("GET", "/v1/programs/{program}/draft"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/v1/programs/{program}/diff"): {"applicant", "auditor", "policy_owner"},  # 422 without from/to
    ("POST", "/v1/drafts/check"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/v1/drafts/features"): {"auditor", "policy_owner"},
    ("POST", "/v1/publish"): {"policy_owner"},
    ("GET", "/workbench"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/programs/{program}"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/programs/{program}/try"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/workbench/programs/{program}/try"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/programs/{program}/draft"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/workbench/programs/{program}/draft"): {"applicant", "auditor", "policy_owner"},  # impact: audit;
    ("GET", "/workbench/programs/{program}/diff"): {"applicant", "auditor", "policy_owner"},  # publish: owner
    ("GET", "/workbench/login"): OPEN,
    ("POST", "/workbench/login"): OPEN,
    ("POST", "/workbench/logout"): OPEN,
}


def tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens.json"
    roles = {"applicant": "applicant", "other_applicant": "applicant", "auditor": "auditor",
             "policy_owner": "policy_owner"}
    path.write_text(json.dumps({"tokens": [{"name": name, "role": roles[name], "sha256": token_digest(token)}
                                           for name, token in TOKENS.items()]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp_path = tmp_path_factory.mktemp("auth")  # one app for the module: loading every rule file takes a second
    app = create_app(db_url=f"sqlite:///{tmp_path / 'auth.sqlite3'}",
                     tokens=TokenTable.from_file(tokens_file(tmp_path)))
    with TestClient(app) as c:
        yield c


def as_(who: str | None) -> dict[str, str]:
    return {} if who is None else {"authorization": f"Bearer {TOKENS[who]}"}


def call(client: TestClient, method: str, path: str, who: str | None) -> int:
    body: Any = None
    if path == "/v1/decisions" and method == "POST":
        body = REQUEST
    elif path == "/v1/impact":
        body = {"rules": {"kokuho_healthup_municipal/v9.yaml": "program: x\n"}}  # invalid on purpose: 422
    return client.request(method, path, json=body, headers=as_(who)).status_code


def concrete(path: str, decision_id: str) -> str:
    return path.replace("{decision_id}", decision_id).replace("{program}", "kokuho_healthup_municipal")


def test_every_route_of_the_app_is_in_the_table(client: TestClient) -> None:
    routes = {(method, route.path) for route in client.app.routes if isinstance(route, APIRoute)  # type: ignore[attr-defined]
              for method in route.methods}
    assert routes - set(TABLE) == set(), "a route has no decided roles: add it to TABLE and to the README"


@pytest.mark.parametrize(("method", "path"), list(TABLE))
@pytest.mark.parametrize("who", [None, "applicant", "auditor", "policy_owner"])
def test_route_and_role(client: TestClient, method: str, path: str, who: str | None) -> None:
    own = client.post("/v1/decisions", json=REQUEST, headers=as_("applicant")).json()["decision_id"]
    allowed = TABLE[(method, path)]
    status = call(client, method, concrete(path, own), who)
    if allowed == OPEN:
        assert status == 200
    elif who is None:
        assert status == 401
    elif who in allowed:
        assert status in (200, 422), status  # 422: the impact body above is a deliberately invalid draft
    else:
        assert status == 403


def test_an_applicant_reads_its_own_decision_and_not_anothers(client: TestClient) -> None:
    mine = client.post("/v1/decisions", json=REQUEST, headers=as_("applicant")).json()
    theirs = client.post("/v1/decisions", json=REQUEST, headers=as_("other_applicant")).json()
    assert mine["requested_by"] == "applicant" and theirs["requested_by"] == "other_applicant"
    assert client.get(f"/v1/decisions/{mine['decision_id']}", headers=as_("applicant")).status_code == 200
    refused = client.get(f"/v1/decisions/{theirs['decision_id']}", headers=as_("applicant"))
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "decision_not_found"
    assert client.get(f"/v1/decisions/{theirs['decision_id']}", headers=as_("auditor")).status_code == 200


def test_errors_say_what_is_missing_in_both_languages(client: TestClient) -> None:
    missing = client.get("/v1/programs")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["error"]["code"] == "unauthenticated" and missing.json()["error"]["message_ja"]
    wrong = client.get("/v1/programs", headers={"authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    forbidden = client.get("/v1/log/verify", headers=as_("applicant")).json()["error"]
    assert forbidden["code"] == "forbidden" and "申請者" in forbidden["message_ja"]
    assert "auditor, policy_owner" in forbidden["message_en"]


def test_the_workbench_cookie_carries_the_token_too(client: TestClient) -> None:
    client.cookies.set("hojo_token", TOKENS["auditor"])
    try:
        assert client.get("/v1/log/head").status_code == 200
    finally:
        client.cookies.clear()


def test_a_tokens_file_never_holds_an_empty_or_unknown_role(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"tokens": [{"name": "x", "role": "admin", "sha256": "0" * 64}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="needs a role"):
        TokenTable.from_file(path)
    path.write_text(json.dumps({"tokens": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="no tokens"):
        TokenTable.from_file(path)
