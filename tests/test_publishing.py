"""Changing a rule safely, as a policy owner does it: a correction for the year in force, published and live.

The correction is ``kokuho_healthup_municipal`` v3: v2's text (令和6年度, FY2024) with ``supersedes: 2`` and a
``change_reason``, no number changed. Figures by hand from 001_c02c95a32821d2bb.txt (L1786 基準額①, L1826
基準額②): 30,000 insured is the band 1～5万人未満, so categories 1 and 3 give 基準額① 4,500千円 + 基準額②
9,000千円 = 13,500,000円, under v2 and under v3 alike; only the ruleset that decides changes, @2 → @3.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.authoring.features import program_scenarios
from service.authoring.steps import find_steps
from service.kernel.config import Paths
from tests.conftest import declare_number, finish_job, free_port, start_server

REPO = Path(__file__).resolve().parent.parent
PROGRAM = "kokuho_healthup_municipal"
FACTS: dict[str, Any] = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                         "third_party_evaluation": False, "designated_model": False}
HEAD = 'version: 2\nstatus: published\npublished_at: "2026-11-22"\n'
REASON = "change_reason: {ja: 説明文の表記を訂正（数値の変更なし）, en: wording corrected (no number changed)}\n"
BAND_LINE = "      - {at_least: 10000, under: 50000, amount: 4500, label_ja: 1～5万人未満}"


def correction(supersedes: bool = True, reason: bool = True, amount: int = 4500) -> str:
    """v3 of the program as a draft for FY2024: v2's text, ``supersedes: 2`` and a reason; 基準額① at ``amount``."""
    text = (REPO / "rules" / PROGRAM / "v2.yaml").read_text(encoding="utf-8")
    assert HEAD in text and BAND_LINE in text
    head = "version: 3\nstatus: draft\n" + ("supersedes: 2\n" if supersedes else "") + (REASON if reason else "")
    text = text.replace(HEAD, head).replace(BAND_LINE, BAND_LINE.replace("amount: 4500", f"amount: {amount}"))
    # a changed number must say where it comes from (number_not_in_source otherwise: its quote prints 4,500千円)
    return text if amount == 4500 else declare_number(text, amount)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(REPO / "rules", copy)
    return copy


def hojo(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=300)


def decide(base_url: str, fiscal_year: int = 2024) -> dict[str, Any]:
    response = httpx.post(f"{base_url}/v1/decisions", timeout=30,
                          json={"program": PROGRAM, "fiscal_year": fiscal_year, "facts": FACTS})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def wait_for_ruleset(base_url: str, ruleset: str, limit: float = 15.0) -> float:
    """Seconds until a new connection's FY2024 decision is made under ``ruleset`` (fails after ``limit``)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if decide(base_url)["ruleset"] == ruleset:
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"no FY2024 decision under {ruleset} within {limit} s")


# -- the CLI, with servers started before it ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_cli_publishes_the_fy2024_correction_and_running_servers_decide_under_it(
        rules: Path, tmp_path: Path, workers: int) -> None:
    db = tmp_path / "hojo.sqlite3"
    env = {"HOJO_RULES_DIR": str(rules)}
    server = start_server(db, port := free_port(), extra_env=env, workers=workers)
    base = f"http://127.0.0.1:{port}"
    try:
        before = decide(base)
        assert (before["ruleset"], before["amount_yen"]) == (f"{PROGRAM}@2", 13_500_000)
        (rules / PROGRAM / "v3.yaml").write_text(correction(), encoding="utf-8")

        started = time.monotonic()
        published = hojo("publish", f"{rules}/{PROGRAM}/v3.yaml", "--db", f"sqlite:///{db}",
                         "--report-dir", str(tmp_path / "impact"), env=env)
        wall = time.monotonic() - started
        published_at = time.monotonic()
        assert published.returncode == 0, published.stdout + published.stderr
        result = json.loads(published.stdout)
        assert result["published"] == f"{PROGRAM}@3" and result["features"].startswith("56 passed")
        assert result["seconds"]["total"] <= 60 and wall <= 60, (result["seconds"], wall)
        assert "live in the running service(s) on this store within 5 s" in published.stderr
        assert "features" in published.stderr and "56/56" in published.stderr  # the rich progress bar
        sys.stderr.write(f"publish: {result['seconds']} (wall {wall:.1f} s with interpreter start)\n")

        live = wait_for_ruleset(base, f"{PROGRAM}@3")
        sys.stderr.write(f"live after {time.monotonic() - published_at:.1f} s ({workers} worker(s))\n")
        assert live <= 15
        # each worker says so in the server's log when it has loaded v3 from the store
        log = db.with_suffix(".log")
        loaded = f"now deciding under {PROGRAM}@3 (published elsewhere, sha256 {result['sha256'][:12]})"
        while log.read_text(encoding="utf-8").count(loaded) < workers:
            assert time.monotonic() - published_at < 15, log.read_text(encoding="utf-8")
            time.sleep(0.1)
        # every new connection (spread over the workers by the kernel) now decides under v3, same figure
        for _ in range(12):
            after = decide(base)
            assert (after["ruleset"], after["amount_yen"], after["rules_version"]) == (f"{PROGRAM}@3", 13_500_000, 3)
        listed = httpx.get(f"{base}/v1/programs/{PROGRAM}", timeout=30).json()
        v3 = next(v for v in listed["versions"] if v["version"] == 3)
        assert v3["status"] == "published" and v3["sha256"] == result["sha256"]
        assert httpx.get(f"{base}/v1/log/verify", timeout=30).json()["ok"] is True
    finally:
        server.terminate()
        server.wait(timeout=30)
    lock = json.loads((rules / "published.lock.json").read_text(encoding="utf-8"))["published"]
    assert lock[f"{PROGRAM}@3"] == result["sha256"]


def test_publishing_imports_nothing_from_pytest_or_the_test_extras(rules: Path, tmp_path: Path) -> None:
    """What a serve install (without ``[test]``) has is enough: pytest, pytest-bdd and httpx are made unimportable."""
    (rules / PROGRAM / "v3.yaml").write_text(correction(), encoding="utf-8")
    blocked = ["pytest", "_pytest", "pytest_bdd", "httpx", "starlette.testclient", "playwright", "hypothesis"]
    script = (f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
              "from service.cli import main\ncode = main(sys.argv[1:])\n"
              f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {blocked!r} and sys.modules[m])\n"
              "print('LOADED', loaded, file=sys.stderr)\nsys.exit(code)\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    run = subprocess.run([sys.executable, "-c", script, "publish", f"{rules}/{PROGRAM}/v3.yaml", "--db",
                          f"sqlite:///{tmp_path / 'h.sqlite3'}", "--report-dir", str(tmp_path / "impact")],
                         cwd=REPO, env={**clean, "HOJO_RULES_DIR": str(rules)}, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "LOADED []" in run.stderr
    assert json.loads(run.stdout)["published"] == f"{PROGRAM}@3"


def test_an_overlap_without_supersedes_or_change_reason_is_refused_at_its_line(rules: Path, tmp_path: Path) -> None:
    draft = rules / PROGRAM / "v3.yaml"
    draft.write_text(correction(supersedes=False, reason=False), encoding="utf-8")
    env = {"HOJO_RULES_DIR": str(rules)}
    checked = hojo("check", env=env)
    assert checked.returncode == 1
    # the problems point at `effective`: there is no supersedes or change_reason line to point at yet
    line = correction(supersedes=False, reason=False).splitlines().index(
        "effective: {from_fiscal_year: 2024, to_fiscal_year: 2024}") + 1
    assert f"rules/{PROGRAM}/v3.yaml:{line} $.effective: [overlap_needs_supersedes]" in checked.stdout
    assert f"rules/{PROGRAM}/v3.yaml:{line} $.effective: [overlap_needs_change_reason]" in checked.stdout
    assert "supersedes: 2" in checked.stdout  # the message says what to write
    published = hojo("publish", str(draft), "--db", f"sqlite:///{tmp_path / 'h.sqlite3'}", env=env)
    # the draft in rules/ makes the rule files invalid, so publish refuses before it starts, naming the line
    assert published.returncode == 2 and '"code": "rule_files"' in published.stderr
    assert f'"path": "rules/{PROGRAM}/v3.yaml:{line} $.effective",\n        "code": "overlap_needs_supersedes"' \
        in published.stderr
    assert "status: draft" in draft.read_text(encoding="utf-8")

    draft.write_text(correction(reason=False), encoding="utf-8")  # supersedes alone is not enough
    only_reason_missing = hojo("check", env=env)
    assert only_reason_missing.returncode == 1 and "overlap_needs_change_reason" in only_reason_missing.stdout
    assert "overlap_needs_supersedes" not in only_reason_missing.stdout
    wrong = correction().replace("supersedes: 2", "supersedes: 1")  # v1 is FY2023: not the version it overlaps
    draft.write_text(wrong, encoding="utf-8")
    line = wrong.splitlines().index("supersedes: 1") + 1
    assert f"rules/{PROGRAM}/v3.yaml:{line} $.supersedes: [supersedes_not_overlapped]" in hojo("check", env=env).stdout
    draft.write_text(correction(), encoding="utf-8")
    assert hojo("check", env=env).returncode == 0


# -- the API and the workbench (in-process) ---------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("HOJO_IMPACT_DIR", str(tmp_path / "impact"))
    app = create_app(paths=Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds"),
                     db_url=f"sqlite:///{tmp_path / 'hojo.sqlite3'}")
    with TestClient(app) as c:
        yield c


def csrf(client: TestClient, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the session's CSRF token, read from the draft editor's form as a browser's form carries it."""
    page = client.get(f"/workbench/programs/{PROGRAM}/draft").text
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert token, "the draft editor's form carries the session's CSRF token"
    return {**data, "csrf": token.group(1)}


def decide_in(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/decisions", json={"program": PROGRAM, "fiscal_year": 2024, "facts": FACTS})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_api_publishes_the_fy2024_correction_and_decides_under_it_at_once(client: TestClient, rules: Path) -> None:
    assert decide_in(client)["ruleset"] == f"{PROGRAM}@2"
    refused = client.post("/v1/publish", json={"text": correction(supersedes=False)})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "draft_invalid"
    assert [p["code"] for p in refused.json()["error"]["problems"]] == ["overlap_needs_supersedes"]

    response = client.post("/v1/publish", json={"text": correction()})
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["published"] == f"{PROGRAM}@3" and done["features"].startswith("56 passed")
    assert done["seconds"]["features"] <= 60 and done["live_within_seconds"] == 5
    after = decide_in(client)
    assert (after["ruleset"], after["amount_yen"]) == (f"{PROGRAM}@3", 13_500_000)
    versions = client.get(f"/v1/programs/{PROGRAM}").json()["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "published"), (2, "published"), (3, "published")]
    publication = client.get(f"/v1/decisions/{done['log_record']}").json()
    assert publication["kind"] == "publish" and publication["rules_sha256"] == done["sha256"]


def test_workbench_publishes_the_fy2024_correction(client: TestClient, rules: Path) -> None:
    page = client.post(f"/workbench/programs/{PROGRAM}/draft", data=csrf(client, {"text": correction(),
                                                                                   "action": "publish"}))
    assert page.status_code == 200, page.text
    job = finish_job(client, page.text)  # publishing runs in the background; the page follows the job
    assert job["state"] == "done" and job["done"] == job["total"] == 56, job
    assert 'id="published"' in job["html"] and f"{PROGRAM}@3" in job["html"]
    assert "5 秒以内にこの版で判定します" in job["html"]
    assert "status: published" in (rules / PROGRAM / "v3.yaml").read_text(encoding="utf-8")
    assert decide_in(client)["ruleset"] == f"{PROGRAM}@3"


def test_a_failing_scenario_is_reported_with_its_step_expected_and_got(client: TestClient, rules: Path) -> None:
    # 基準額① raised to 5,000千円 for FY2024 breaks the hand-computed FY2024 figures. The outline row of
    # 10,000 insured with categories ① and ② expects 基準額① × 2 = 4,500千円 × 2 = 9,000,000円 (L1786);
    # the draft gives 5,000千円 × 2 = 10,000,000円.
    response = client.post("/v1/publish", json={"text": correction(amount=5000)})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "features_failed" and "feature" in error["message_ja"]
    features = error["features"]
    assert features["passed"] is False and features["scenarios"] == 56
    row = next(f for f in features["failures"] if f["expected"] == "9,000,000 円" and f["got"] == "10,000,000 円")
    assert row["scenario"].startswith("帯の境目 — ①②の2区分は基準額①×2")
    assert row["step"] == "ならば 補助上限額は 9,000,000 円である"
    assert row["feature"] == f"features/{PROGRAM}.feature"
    lines = (REPO / row["feature"]).read_text(encoding="utf-8").splitlines()
    assert "補助上限額は <補助上限額> 円である" in lines[row["step_line"] - 1]  # the outline's step
    assert lines[row["scenario_line"] - 1].split("|")[1].strip() == "10,000"  # the example row that failed
    assert row["message_ja"].endswith("が期待と異なります") and row["message_en"].endswith("is not as expected")
    assert "Traceback" not in response.text
    assert not (rules / PROGRAM / "v3.yaml").exists()
    page = client.post(f"/workbench/programs/{PROGRAM}/draft", data=csrf(client, {"text": correction(amount=5000),
                                                                                   "action": "features"}))
    # every scenario is a row; the failed one with its step, expected and got
    shown = finish_job(client, page.text)["html"]
    assert '<table class="feature-results">' in shown and '<tr class="failed">' in shown
    assert "10,000,000 円" in shown


# -- another host on the same store ------------------------------------------------------------------------------


def test_a_service_on_the_same_store_picks_up_a_publication_without_the_file(
        tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, store_url: str) -> None:
    """Host B has no v3 file in its rules/: it reads the publication and the text from the store (both backends)."""
    monkeypatch.setenv("HOJO_IMPACT_DIR", str(tmp_path / "impact"))
    monkeypatch.setenv("HOJO_PUBLICATION_POLL_SECONDS", "0.2")
    other = tmp_path / "other-rules"
    shutil.copytree(REPO / "rules", other)
    db = store_url
    host_a = create_app(paths=Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds"), db_url=db)
    host_b = create_app(paths=Paths(rules=other, schemas=REPO / "schemas", seeds=REPO / "seeds"), db_url=db)
    with TestClient(host_a) as a, TestClient(host_b) as b:
        assert decide_in(b)["ruleset"] == f"{PROGRAM}@2"
        assert a.post("/v1/publish", json={"text": correction()}).status_code == 200
        started = time.monotonic()
        while decide_in(b)["ruleset"] != f"{PROGRAM}@3":
            assert time.monotonic() - started < 5, "host B did not pick up v3 within 5 s"
            time.sleep(0.05)
        assert not (other / PROGRAM / "v3.yaml").exists()
        assert [v["version"] for v in b.get(f"/v1/programs/{PROGRAM}").json()["versions"]] == [1, 2, 3]
    # a host started after the publication has it from its first request
    late = create_app(paths=Paths(rules=other, schemas=REPO / "schemas", seeds=REPO / "seeds"), db_url=db)
    with TestClient(late) as c:
        assert decide_in(c)["ruleset"] == f"{PROGRAM}@3"


# -- the service's own feature runner ------------------------------------------------------------------------------


def test_every_feature_sentence_is_defined_by_exactly_one_step() -> None:
    scenarios = program_scenarios(REPO / "features")
    files = {f"features/{p.relative_to(REPO / 'features').as_posix()}" for p in (REPO / "features").rglob("*.feature")}
    assert {s.feature for s in scenarios} == files  # every file contributes scenarios, outlines expanded
    municipal = [s for s in scenarios if PROGRAM in s.tags]
    assert len(municipal) == 56  # its 19 scenarios, the 35 example rows of its 3 outlines and the 2 of its case feature
    for scenario in scenarios:
        for at in scenario.steps:
            matches = find_steps(at.kind, at.text)
            assert len(matches) == 1, (scenario.feature, at.line, at.text, [m[0].template for m in matches])
