"""CSRF and browser hardening (service/web/guard.py) without a browser; the forged page in Chromium is in
tests/test_workbench_e2e.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.kernel.config import Paths
from service.web.auth import Principal, TokenTable, token_digest
from tests.test_workbench import PROGRAM, TOKENS, bearer, draft

REPO = Path(__file__).resolve().parent.parent
OWN = "http://testserver"
OTHER_PORT = "http://testserver:8081"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "rules"
    shutil.copytree(REPO / "rules", copy)
    return copy


@pytest.fixture
def client(tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("HOJO_IMPACT_DIR", str(tmp_path / "impact"))
    tokens = TokenTable({token_digest(token): Principal(name=f"{role}-1", role=role) for role, token in TOKENS.items()})
    app = create_app(paths=Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds"),
                     db_url=f"sqlite:///{tmp_path / 'hojo.sqlite3'}", tokens=tokens)
    with TestClient(app) as c:
        yield c


def login(client: TestClient, role: str = "policy_owner", **headers: str) -> str:
    """Log in through the form; return the Set-Cookie header lines."""
    response = client.post("/workbench/login", data={"token": TOKENS[role], "lang": "en"}, headers=headers,
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return "\n".join(response.headers.get_list("set-cookie"))


def csrf_of(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/workbench").text)
    assert found
    return found.group(1)


def test_every_response_forbids_framing_and_sniffing(client: TestClient) -> None:
    for response in (client.get("/healthz"), client.get("/nope"), client.get("/v1/programs"),
                     client.get("/workbench/login"), client.post("/v1/decisions", json={}, headers=bearer("auditor")),
                     client.post("/v1/publish", content=b"x", headers={"content-type": "text/plain"})):
        assert response.headers["x-frame-options"] == "DENY", response.url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_session_cookies_are_scoped_to_the_workbench(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    cookies = login(client)
    for name in ("hojo_token", "hojo_session"):
        line = next(c for c in cookies.splitlines() if c.startswith(f"{name}=") and "Max-Age=0" not in c)
        assert "Path=/workbench" in line and "HttpOnly" in line and "SameSite=strict" in line, line
        assert "Secure" not in line  # plain HTTP: a Secure cookie would never come back
    # a forwarded https counts only from a proxy the operator trusts
    spoofed = login(client, **{"x-forwarded-proto": "https"})
    assert "Secure" not in spoofed
    monkeypatch.setenv("HOJO_TRUSTED_PROXY", "1")
    behind_tls = login(client, **{"x-forwarded-proto": "https"})
    assert all("Secure" in line for line in behind_tls.splitlines() if "Max-Age=0" not in line)


def test_a_cross_origin_state_change_is_refused_before_any_route(client: TestClient, rules: Path) -> None:
    lock = (rules / "published.lock.json").read_text(encoding="utf-8")
    for origin in (OTHER_PORT, "http://evil.example", "null"):
        forged = client.post("/v1/publish", json={"text": draft(fiscal_year=2026)},
                             headers={**bearer("policy_owner"), "origin": origin})
        assert forged.status_code == 403 and forged.json()["error"]["code"] == "cross_origin", origin
    by_referer = client.post("/v1/publish", json={"text": draft(fiscal_year=2026)},
                             headers={**bearer("policy_owner"), "referer": f"{OTHER_PORT}/attack.html"})
    assert by_referer.status_code == 403
    assert not (rules / PROGRAM / "v3.yaml").exists()
    assert (rules / "published.lock.json").read_text(encoding="utf-8") == lock
    assert client.get("/v1/decisions", headers=bearer("auditor")).json()["decisions"] == []
    same = client.post("/v1/simulations", headers={**bearer("applicant"), "origin": OWN},
                       json={"program": PROGRAM, "fiscal_year": 2024, "facts": {"insured_count": 30000}})
    assert same.status_code == 422 and same.json()["error"]["code"] == "invalid_facts"  # reached the route
    assert client.get("/v1/programs", headers={**bearer("applicant"), "origin": OTHER_PORT}).status_code == 200


def test_v1_takes_json_bodies_only_and_never_the_cookie(client: TestClient, rules: Path) -> None:
    login(client)
    text_plain = client.post("/v1/publish", content=f'{{"text": {draft(fiscal_year=2026)!r}}}'.encode(),
                             headers={"content-type": "text/plain"})
    assert text_plain.status_code == 415 and text_plain.json()["error"]["code"] == "unsupported_media_type"
    as_form = client.post("/v1/publish", data={"text": draft(fiscal_year=2026)})
    assert as_form.status_code == 415
    json_with_cookie_only = client.post("/v1/publish", json={"text": draft(fiscal_year=2026)})
    assert json_with_cookie_only.status_code == 401  # the cookie is not a credential under /v1
    assert not (rules / PROGRAM / "v3.yaml").exists()


def test_workbench_forms_need_this_sessions_csrf_token(client: TestClient, rules: Path) -> None:
    login(client)
    token = csrf_of(client)
    form = {"text": draft(fiscal_year=2026), "action": "check", "lang": "en"}
    missing = client.post(f"/workbench/programs/{PROGRAM}/draft", data=form)
    assert missing.status_code == 403 and missing.json()["error"]["code"] == "csrf"
    wrong = client.post(f"/workbench/programs/{PROGRAM}/draft", data={**form, "csrf": "0" * 64})
    assert wrong.status_code == 403
    ok = client.post(f"/workbench/programs/{PROGRAM}/draft", data={**form, "csrf": token})
    assert ok.status_code == 200 and 'id="check-ok"' in ok.text
    login(client)  # a new login is a new session: the old page's token no longer works
    stale = client.post(f"/workbench/programs/{PROGRAM}/draft", data={**form, "action": "publish", "csrf": token})
    assert stale.status_code == 403 and not (rules / PROGRAM / "v3.yaml").exists()
    assert csrf_of(client) != token
    # another user's token is not this session's either
    login(client, "auditor")
    theirs = client.post(f"/workbench/programs/{PROGRAM}/draft", data={**form, "csrf": token})
    assert theirs.status_code == 403
    assert client.post("/workbench/logout", data={"csrf": csrf_of(client)}, follow_redirects=False).status_code == 303
