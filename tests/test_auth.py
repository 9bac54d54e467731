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
from service.audit.evidence import generate_key
from service.web.auth import TokenTable, token_digest

TOKENS = {"applicant": "tok-applicant-13101", "other_applicant": "tok-applicant-13102", "auditor": "tok-auditor",
          "policy_owner": "tok-owner", "monitor": "tok-prometheus"}
FACTS = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
         "third_party_evaluation": False, "designated_model": False}
REQUEST = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": FACTS}
CASE = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "on": "2024-05-20",
        "facts": {**FACTS, "eligible_cost_yen": 5_000_000}}
#: an applicant's step sent out of order: 422 for whoever may take it, 403 for whoever may not
APPLICANT_STEP = {"step": "jisseki_hokoku", "on": "2025-05-01",
                  "cost_lines": [{"amount_yen": 1, "category": "healthup_project", "description": "x"}]}
OPEN = "open"  # a route no token is needed for

#: (method, path template) → who may call it: the roles, or OPEN. "{own}" is the caller's own decision.
TABLE: dict[tuple[str, str], Any] = {
    ("POST", "/v1/decisions"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/v1/simulations"): {"applicant", "auditor", "policy_owner"},  # the same answer, nothing recorded
    ("GET", "/v1/decisions/{decision_id}"): {"applicant", "auditor", "policy_owner"},  # applicants: their own
    ("GET", "/v1/decisions"): {"auditor", "policy_owner"},
    ("POST", "/v1/decisions/{decision_id}/replay"): {"auditor", "policy_owner"},
    ("POST", "/v1/decisions/{decision_id}/redecide"): {"auditor", "policy_owner"},
    ("GET", "/v1/log/verify"): {"auditor", "policy_owner"},
    ("GET", "/v1/log/head"): OPEN,  # evidence: public, as a transparency log's signed head is
    ("GET", "/v1/log/consistency"): OPEN,
    ("GET", "/v1/log/public-key"): OPEN,
    ("GET", "/v1/decisions/{decision_id}/receipt"): {"applicant", "auditor", "policy_owner"},  # applicants: own
    ("POST", "/v1/impact"): {"auditor", "policy_owner"},
    ("GET", "/v1/programs"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/v1/programs/{program}"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/v1/allocations"): {"policy_owner"},
    ("GET", "/v1/sources"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/v1/sources"): {"policy_owner"},  # 422 here: no body (registering writes beside the seeds)
    ("POST", "/v1/cases"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/v1/cases"): {"applicant", "auditor", "policy_owner"},  # applicants: their own cases
    ("GET", "/v1/cases/{case_id}"): {"applicant", "auditor", "policy_owner"},  # applicants: their own
    # the applicant's steps: its own case's applicant or a policy owner; the grantor's steps: a policy owner
    ("POST", "/v1/cases/{case_id}/steps"): {"applicant", "policy_owner"},
    ("POST", "/v1/cases/{case_id}/replay"): {"auditor", "policy_owner"},
    ("POST", "/v1/cases/{case_id}/redecide"): {"auditor", "policy_owner"},
    ("POST", "/v1/batches"): {"policy_owner"},
    ("GET", "/healthz"): OPEN,
    ("GET", "/readyz"): OPEN,
    ("GET", "/metrics"): {"monitor", "auditor", "policy_owner"},  # a scraper's token reads nothing else
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
    ("POST", "/v1/drafts/check"): {"auditor", "policy_owner"},  # compiling drafts: not for applicants
    ("POST", "/v1/drafts/features"): {"auditor", "policy_owner"},
    ("POST", "/v1/publish"): {"policy_owner"},
    ("GET", "/workbench"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/programs/{program}"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/programs/{program}/try"): {"applicant", "auditor", "policy_owner"},
    ("POST", "/workbench/programs/{program}/try"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/programs/{program}/draft"): {"auditor", "policy_owner"},
    ("POST", "/workbench/programs/{program}/draft"): {"auditor", "policy_owner"},  # publish: owner only
    ("GET", "/workbench/jobs/{job_id}"): {"auditor", "policy_owner"},  # only the session that started it
    ("GET", "/workbench/jobs/{job_id}/page"): {"auditor", "policy_owner"},  # the same, without scripts
    ("GET", "/workbench/programs/{program}/diff"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/sources"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/sources/{document:path}"): {"applicant", "auditor", "policy_owner"},
    ("GET", "/workbench/decisions/{decision_id}"): {"applicant", "auditor", "policy_owner"},  # applicants: own
    ("GET", "/workbench/cases"): {"applicant", "auditor", "policy_owner"},  # applicants: their own cases
    ("GET", "/workbench/cases/{case_id}"): {"applicant", "auditor", "policy_owner"},  # applicants: their own
    ("GET", "/workbench/login"): OPEN,
    ("POST", "/workbench/login"): OPEN,
    ("POST", "/workbench/logout"): OPEN,
}


def tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens.json"
    roles = {"applicant": "applicant", "other_applicant": "applicant", "auditor": "auditor",
             "policy_owner": "policy_owner", "monitor": "monitor"}
    path.write_text(json.dumps({"tokens": [{"name": name, "role": roles[name], "sha256": token_digest(token)}
                                           for name, token in TOKENS.items()]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp_path = tmp_path_factory.mktemp("auth")  # one app for the module: loading every rule file takes a second
    generate_key(tmp_path / "signing.key")
    app = create_app(db_url=f"sqlite:///{tmp_path / 'auth.sqlite3'}",
                     tokens=TokenTable.from_file(tokens_file(tmp_path)), signing_key_file=str(tmp_path / "signing.key"))
    with TestClient(app) as c:
        yield c


def as_(who: str | None) -> dict[str, str]:
    return {} if who is None else {"authorization": f"Bearer {TOKENS[who]}"}


def call(client: TestClient, method: str, path: str, who: str | None) -> int:
    body: Any = None
    if path in ("/v1/decisions", "/v1/simulations") and method == "POST":
        body = REQUEST
    elif path == "/v1/cases" and method == "POST":
        body = CASE
    elif path.endswith("/steps"):
        body = APPLICANT_STEP
    elif path == "/v1/batches":
        line = json.dumps({"id": "a", "facts": FACTS}).encode()
        return client.request(method, f"{path}?program=kokuho_healthup_municipal&fiscal_year=2024", content=line,
                              headers={**as_(who), "content-type": "application/x-ndjson"}).status_code
    elif path == "/v1/impact":
        body = {"rules": {"kokuho_healthup_municipal/v9.yaml": "program: x\n"}}  # invalid on purpose: 422
    params = {"from": 0, "to": 1} if path == "/v1/log/consistency" else None
    return client.request(method, path, json=body, params=params, headers=as_(who)).status_code


def concrete(path: str, decision_id: str, case_id: str = "") -> str:
    return path.replace("{decision_id}", decision_id).replace("{program}", "kokuho_healthup_municipal") \
        .replace("{case_id}", case_id).replace("{document:path}", "001_c02c95a32821d2bb.txt") \
        .replace("{job_id}", "no-such-job")


def test_every_route_of_the_app_is_in_the_table(client: TestClient) -> None:
    routes = {(method, route.path) for route in client.app.routes if isinstance(route, APIRoute)  # type: ignore[attr-defined]
              for method in route.methods}
    assert routes - set(TABLE) == set(), "a route has no decided roles: add it to TABLE and to the README"


@pytest.mark.parametrize(("method", "path"), list(TABLE))
@pytest.mark.parametrize("who", [None, "applicant", "auditor", "policy_owner", "monitor"])
def test_route_and_role(client: TestClient, method: str, path: str, who: str | None) -> None:
    own = client.post("/v1/decisions", json=REQUEST, headers=as_("applicant")).json()["decision_id"]
    own_case = client.post("/v1/cases", json=CASE, headers=as_("applicant")).json()["case_id"] \
        if "{case_id}" in path else ""
    allowed = TABLE[(method, path)]
    status = call(client, method, concrete(path, own, own_case), who)
    if allowed == OPEN:
        assert status == 200
    elif who is None:
        assert status == 401
    elif who in allowed:
        # 422: the impact body above is a deliberately invalid draft; 404: the role passes, but this session
        # started no job (tests/test_workbench.py follows a job of its own to the end)
        assert status in ((404,) if "{job_id}" in path else (200, 422)), status
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
    # the receipt and the workbench's decision page: the same rule
    for path in ("/v1/decisions/{}/receipt", "/workbench/decisions/{}"):
        assert client.get(path.format(mine["decision_id"]), headers=as_("applicant")).status_code == 200
        assert client.get(path.format(theirs["decision_id"]), headers=as_("applicant")).status_code == 404
        assert client.get(path.format(theirs["decision_id"]), headers=as_("auditor")).status_code == 200


def test_an_applicant_sees_and_acts_on_its_own_cases_and_the_grantor_decides(client: TestClient) -> None:
    mine = client.post("/v1/cases", json=CASE, headers=as_("applicant")).json()
    theirs = client.post("/v1/cases", json=CASE, headers=as_("other_applicant")).json()
    assert (mine["applicant"], theirs["applicant"]) == ("applicant", "other_applicant")
    assert client.get(f"/v1/cases/{mine['case_id']}", headers=as_("applicant")).status_code == 200
    for method, path in (("GET", ""), ("POST", "/steps")):
        refused = client.request(method, f"/v1/cases/{theirs['case_id']}{path}", headers=as_("applicant"),
                                 json=APPLICANT_STEP if method == "POST" else None)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "case_not_found"
    listed = client.get("/v1/cases", headers=as_("applicant")).json()["cases"]
    assert listed and {c["applicant"] for c in listed} == {"applicant"}
    assert {"applicant", "other_applicant"} <= {c["applicant"] for c in client.get(
        "/v1/cases", headers=as_("policy_owner")).json()["cases"]}
    grant = {"step": "jigyohi_kofu", "on": "2024-07-01"}  # the grantor's step (交付決定)
    refused = client.post(f"/v1/cases/{mine['case_id']}/steps", json=grant, headers=as_("applicant"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    page = client.get(f"/workbench/cases/{theirs['case_id']}", headers=as_("applicant"))
    assert page.status_code == 404 and "case_not_found" in page.text
    listing = client.get("/workbench/cases", headers=as_("applicant")).text
    assert mine["case_id"][:8] in listing and theirs["case_id"][:8] not in listing
    granted = client.post(f"/v1/cases/{mine['case_id']}/steps", json=grant, headers=as_("policy_owner"))
    assert granted.status_code == 200 and granted.json()["amounts"]["paid_yen"] == 5_000_000
    assert granted.json()["steps"][-1]["requested_by"] == "policy_owner"


def test_errors_say_what_is_missing_in_both_languages(client: TestClient) -> None:
    missing = client.get("/v1/programs")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["error"]["code"] == "unauthenticated" and missing.json()["error"]["message_ja"]
    wrong = client.get("/v1/programs", headers={"authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    forbidden = client.get("/v1/log/verify", headers=as_("applicant")).json()["error"]
    assert forbidden["code"] == "forbidden" and "申請者" in forbidden["message_ja"]
    assert "auditor, policy_owner" in forbidden["message_en"]


def test_the_workbench_cookie_counts_under_workbench_only(client: TestClient) -> None:
    client.cookies.set("hojo_token", TOKENS["auditor"])
    try:
        assert client.get("/workbench").status_code == 200
        # /v1/* takes the bearer header only: a page a logged-in browser visits cannot use its session there
        refused = client.get("/v1/log/verify")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
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
