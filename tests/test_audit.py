"""Auditors and policy owners: exact replay, redecide, the chain over the API, impact, export, publish.

Figures are hand-computed from the seeds: FY2024 municipal (001 L1786 基準額①, L1826 基準額②), FY2021
municipal (002 L278 (A)). A draft changes 基準額① for 1～5万人未満 from 4,500千円 to 5,000千円.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from service.api import create_app
from service.api.app import feature_target
from service.authoring.publishing import PublishError, check_lock, publish, read_lock
from service.decisions import DecisionService
from service.kernel.config import Paths
from service.rulebook.load import load_rule_text
from service.rulebook.registry import Rulebook
from service.store import SqlStore, open_store
from tests.conftest import declare_number, declare_published_number

REPO = Path(__file__).resolve().parent.parent
MUNICIPAL = "kokuho_healthup_municipal"
FY2024 = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
          "third_party_evaluation": False, "designated_model": False}
FY2021 = {"insured_count": 10000, "has_data_health_plan": True, "categories": ["1", "2"],
          "third_party_evaluation": False, "designated_model": False}
OLD_BAND = "- {at_least: 10000, under: 50000, amount: 4500, label_ja: 1～5万人未満}"
NEW_BAND = "- {at_least: 10000, under: 50000, amount: 5000, label_ja: 1～5万人未満}"


def service_for(store: SqlStore, rules: Path = REPO / "rules") -> DecisionService:
    paths = Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds")
    return DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths)


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def request(fy: int, **facts: Any) -> dict[str, Any]:
    return {"program": MUNICIPAL, "fiscal_year": fy, "facts": {**(FY2024 if fy == 2024 else FY2021), **facts}}


def draft_folder(tmp_path: Path) -> Path:
    """A draft rule folder: municipal v3 (FY2024) with 基準額① 1～5万人未満 raised to 5,000千円."""
    draft = tmp_path / "draft" / MUNICIPAL
    draft.mkdir(parents=True)
    text = (REPO / "rules" / MUNICIPAL / "v2.yaml").read_text(encoding="utf-8")
    assert text.count(OLD_BAND) == 1
    text = text.replace(OLD_BAND, NEW_BAND).replace("version: 2\nstatus: published", "version: 3\nstatus: draft")
    (draft / "v3.yaml").write_text(declare_number(text, 5000), encoding="utf-8")
    return draft.parent


# --- replay --------------------------------------------------------------------------------------


def test_one_thousand_decisions_over_two_versions_replay_identical(store: SqlStore) -> None:
    service = service_for(store)
    made = []
    for n in range(1000):
        fy = 2024 if n % 2 else 2021
        made.append(service.decide(request(fy, insured_count=5000 + 97 * n)))
    assert {d["ruleset"] for d in made} == {f"{MUNICIPAL}@1", f"{MUNICIPAL}@2"}
    summary = service.auditor.replay_all()
    assert (summary["replayed"], summary["identical"], summary["different"], summary["failed"]) == (1000, 1000, 0, 0)
    # The same in two forked processes, each taking every other record over its own connection.
    parallel = service.auditor.replay_all(jobs=2)
    assert (parallel["replayed"], parallel["identical"], parallel["jobs"]) == (1000, 1000, 2)
    single = service.auditor.replay(made[1]["decision_id"])
    # the record is the answer without what_if (computed for the answer, not recorded)
    assert single["identical"] and json.loads(single["canonical"]) == {k: v for k, v in made[1].items()
                                                                        if k != "what_if"}


def test_editing_rules_after_the_fact_changes_neither_replay_nor_the_record(store: SqlStore, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    before = service_for(store, rules).decide(request(2024))
    assert before["cap_yen"] == 4_500_000 + 9_000_000  # 基準額① 1～5万 + 基準額② 1～5万
    v2 = rules / MUNICIPAL / "v2.yaml"
    v2.write_text(v2.read_text(encoding="utf-8").replace(OLD_BAND, NEW_BAND), encoding="utf-8")  # an illegal edit
    declare_published_number(rules, MUNICIPAL, 2, 5000)  # …that even says where its number comes from
    edited = service_for(store, rules)  # the service restarts on the edited folder
    replayed = edited.auditor.replay(before["decision_id"])
    assert replayed["identical"], replayed["differences"]
    assert json.loads(replayed["canonical"])["cap_yen"] == 13_500_000
    # What the edited rules say for the same facts, as the auditor's "what changed".
    redecided = edited.auditor.redecide(before["decision_id"])
    assert not redecided["identical"]
    assert {"path": "$.cap_yen", "recorded": 13_500_000, "replayed": 14_000_000} in redecided["differences"]
    assert redecided["today"]["amount_yen"] == 14_000_000
    # ... and the lock names the edit for what it is.
    problems = check_lock(edited.rulebook.locked_files(), REPO / "rules")
    assert [(p.code, p.path) for p in problems] == [("published_version_changed", f"rules/{MUNICIPAL}/v2.yaml")]


def test_a_tampered_rule_text_in_the_store_is_refused_not_replayed(store: SqlStore) -> None:
    service = service_for(store)
    made = service.decide(request(2024))
    assert service.auditor.replay(made["decision_id"])["identical"]  # the running service has compiled it ...
    store._execute("UPDATE rule_versions SET content = content || '# x' WHERE sha256 = ?", (made["rules_sha256"],))
    for auditor in (service.auditor, service_for(store).auditor):  # ... and still reads the store back
        with pytest.raises(Exception) as caught:
            auditor.replay(made["decision_id"])
        assert getattr(caught.value, "code", None) == "rule_text_altered"


# --- impact --------------------------------------------------------------------------------------


def test_impact_of_a_draft_counts_flips_and_yen(store: SqlStore, tmp_path: Path) -> None:
    service = service_for(store)
    service.decide(request(2024))  # 1～5万: cap 13,500,000 → 14,000,000 (+500,000)
    service.decide(request(2024, insured_count=9999))  # 1万未満: unchanged
    service.decide(request(2024, has_data_health_plan=False))  # ineligible either way
    service.decide(request(2021))  # FY2021: the draft does not cover it
    draft = Rulebook.from_dir(draft_folder(tmp_path), REPO / "schemas", REPO / "seeds")
    report = service.auditor.impact(draft.all_versions())
    assert report["scanned"] == 4
    assert report["programs"][MUNICIPAL] == {
        "decisions": 3, "changed": 1, "eligible_to_ineligible": 0, "ineligible_to_eligible": 0,
        "to_undetermined": 0, "from_undetermined": 0, "facts_invalid": 0, "yen_delta": 500_000,
        # logged grants: 13,500,000 + 9,000,000 (1万未満: 基準額① 3,000千円 + 基準額② 6,000千円) + 0
        "yen_before": 22_500_000}
    (changed,) = report["changed"]
    assert changed["before"]["amount_yen"] == 13_500_000 and changed["after"]["amount_yen"] == 14_000_000
    assert changed["after"]["ruleset"] == f"{MUNICIPAL}@3"


def test_impact_counts_eligibility_flips(store: SqlStore, tmp_path: Path) -> None:
    service = service_for(store)
    service.decide(request(2024, categories=["3"]))  # eligible today via category ③
    folder = draft_folder(tmp_path)
    path = folder / MUNICIPAL / "v3.yaml"
    text = path.read_text(encoding="utf-8")
    # The draft requires category ① or ② (a policy owner's mistake the preview should show).
    text = text.replace("{any: [{clause: implements_reference_amount_1_category}, "
                        "{clause: implements_reference_amount_2_category}]}",
                        "{clause: implements_reference_amount_1_category}")
    path.write_text(text, encoding="utf-8")
    report = service.auditor.impact(Rulebook.from_dir(folder, REPO / "schemas", REPO / "seeds").all_versions())
    assert report["total"]["eligible_to_ineligible"] == 1
    assert report["total"]["yen_delta"] == -9_000_000  # 基準額② 1～5万人未満


# --- over HTTP -----------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'api.sqlite3'}")) as c:
        yield c


def test_replay_redecide_verify_and_head_over_http(client: TestClient) -> None:
    made = [client.post("/v1/decisions", json=request(2024, insured_count=n)).json() for n in (500, 30000, 70000)]
    replay = client.post(f"/v1/decisions/{made[0]['decision_id']}/replay")
    assert replay.status_code == 200 and replay.json()["identical"] is True
    assert client.post(f"/v1/decisions/{made[0]['decision_id']}/redecide").json()["identical"] is True
    assert client.post("/v1/decisions/nope/replay").status_code == 404
    head = client.get("/v1/log/head").json()
    assert head["count"] == 3 and head["last_seq"] == 3
    verified = client.get("/v1/log/verify", params={"count": 3, "head_hash": head["head_hash"]}).json()
    assert verified["ok"] is True and verified["checked"] == 3
    assert client.get("/v1/log/verify", params={"count": 4}).json()["first_broken"]["code"] == "log_truncated"
    assert client.get("/v1/log/verify", params={"head_hash": "xyz"}).status_code == 422


def test_audit_listing_pages_and_exports(client: TestClient) -> None:
    ids = [client.post("/v1/decisions", json=request(2024, insured_count=1000 * n)).json()["decision_id"]
           for n in range(1, 6)]
    client.post("/v1/decisions", json=request(2021))
    first = client.get("/v1/decisions", params={"program": MUNICIPAL, "fiscal_year": 2024, "limit": 2}).json()
    assert [d["decision_id"] for d in first["decisions"]] == ids[:2] and first["next_after"] == 2
    rest = client.get("/v1/decisions", params={"fiscal_year": 2024, "after": first["next_after"],
                                                "limit": 10}).json()
    assert [d["decision_id"] for d in rest["decisions"]] == ids[2:] and rest["next_after"] is None
    assert rest["decisions"][0]["facts"]["insured_count"] == 3000 and len(rest["decisions"][0]["log"]["hash"]) == 64
    lines = client.get("/v1/decisions", params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == 6 and json.loads(lines[-1])["fiscal_year"] == 2021
    table = list(csv.DictReader(io.StringIO(client.get("/v1/decisions", params={"format": "csv"}).text)))
    assert [row["decision_id"] for row in table[:5]] == ids
    # 1,000 insured, categories ① and ③: 基準額① 1万未満 3,000千円 + 基準額② 1万未満 6,000千円.
    assert table[0]["cap_yen"] == "9000000" and table[0]["eligible"] == "true"
    assert client.get("/v1/decisions", params={"limit": 0}).status_code == 422
    assert client.get("/v1/decisions", params={"format": "xml"}).status_code == 422


def test_impact_over_http_takes_draft_texts(client: TestClient, tmp_path: Path) -> None:
    client.post("/v1/decisions", json=request(2024))
    text = (draft_folder(tmp_path) / MUNICIPAL / "v3.yaml").read_text(encoding="utf-8")
    report = client.post("/v1/impact", json={"rules": {f"{MUNICIPAL}/v3.yaml": text}}).json()
    assert report["total"]["changed"] == 1 and report["total"]["yen_delta"] == 500_000
    bad = client.post("/v1/impact", json={"rules": {f"{MUNICIPAL}/v3.yaml": text.replace("rate: \"10/10\"",
                                                                                     "rate: 1.0")}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_draft"
    assert client.post("/v1/impact", json={"rules": {}}).status_code == 422


# --- publish -------------------------------------------------------------------------------------


def test_publish_runs_the_features_writes_the_impact_report_then_locks(tmp_path: Path, store: SqlStore) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    draft = draft_folder(tmp_path) / MUNICIPAL / "v3.yaml"
    target = rules / MUNICIPAL / "v3.yaml"
    # v3 only for a later year, so the FY2024 features (which expect 4,500千円) still hold for v2.
    target.write_text(draft.read_text(encoding="utf-8").replace(
        "effective: {from_fiscal_year: 2024, to_fiscal_year: 2024}",
        "effective: {from_fiscal_year: 2026, to_fiscal_year: 2026}").replace(
        "supersedes", "supersedes"), encoding="utf-8")
    service = service_for(store, rules)
    service.decide(request(2024))
    published_before = REGISTRY.get_sample_value("hojo_publishes_total", {"program": MUNICIPAL}) or 0
    paths = Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds")
    result = publish(target, paths, impact=lambda rv: service.auditor.impact([rv]), report_dir=tmp_path / "impact",
                     target=feature_target, on=date(2026, 12, 2))
    assert result["published"] == f"{MUNICIPAL}@3"
    assert REGISTRY.get_sample_value("hojo_publishes_total", {"program": MUNICIPAL}) == published_before + 1
    assert "passed" in result["features"]
    report = json.loads(Path(result["impact_report"]).read_text(encoding="utf-8"))
    assert report["scanned"] == 1 and report["total"]["decisions"] == 0  # FY2024 records, a FY2026 version
    text = target.read_text(encoding="utf-8")
    assert "status: published" in text and 'published_at: "2026-12-02"' in text
    assert read_lock(rules)[f"{MUNICIPAL}@3"] == load_rule_text(
        text, "x", REPO / "schemas", REPO / "seeds").sha256
    with pytest.raises(PublishError) as again:
        publish(target, paths, impact=lambda rv: {}, report_dir=tmp_path, target=feature_target)
    assert again.value.code == "not_a_draft"


def test_publish_refuses_a_draft_whose_features_fail(tmp_path: Path, store: SqlStore) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    target = rules / MUNICIPAL / "v3.yaml"
    # In force for FY2024 (a correction of v2), so the features' 4,500千円 band edge scenarios now fail.
    target.write_text((draft_folder(tmp_path) / MUNICIPAL / "v3.yaml").read_text(encoding="utf-8").replace(
        "status: draft\n", "status: draft\nsupersedes: 2\nchange_reason: {ja: 基準額①の改定, en: amount ① revised}\n"),
        encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    published_before = REGISTRY.get_sample_value("hojo_publishes_total", {"program": MUNICIPAL})
    with pytest.raises(PublishError) as caught:
        publish(target, Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds"),
                impact=lambda rv: {"total": {}}, report_dir=tmp_path / "impact", target=feature_target)
    assert caught.value.code == "features_failed"
    assert REGISTRY.get_sample_value("hojo_publishes_total", {"program": MUNICIPAL}) == published_before
    failures = caught.value.details["features"]["failures"]
    assert failures and all(f["step"] and f["expected"] and f["got"] for f in failures)
    assert target.read_text(encoding="utf-8") == before and f"{MUNICIPAL}@3" not in read_lock(rules)
    assert not (tmp_path / "impact").exists()


# --- the command line ----------------------------------------------------------------------------


def hojo(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args, "--db", f"sqlite:///{db}"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_replay_verify_head_and_export(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    store = open_store(f"sqlite:///{db}")
    service = service_for(store)
    made = [service.decide(request(2024, insured_count=n)) for n in (100, 20000, 60000)]
    store.close()
    replayed = hojo("replay", db=db)
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["identical"] == 3
    assert "3 replayed, 3 identical, 0 different, 0 failed" in replayed.stderr
    one = hojo("replay", made[0]["decision_id"], db=db)
    assert one.returncode == 0 and one.stdout == "identical\n"  # for a person: no escaped blob
    assert json.loads(hojo("replay", made[0]["decision_id"], "--json", db=db).stdout)["identical"] is True
    with_text = hojo("replay", made[0]["decision_id"], "--canonical", db=db).stdout.splitlines()
    assert with_text[0] == "identical" and json.loads(with_text[1])["decision_id"] == made[0]["decision_id"]
    anchor = tmp_path / "anchor.json"
    head = hojo("log-head", db=db)
    anchor.write_text(head.stdout, encoding="utf-8")
    assert json.loads(head.stdout)["count"] == 3
    assert hojo("verify-log", "--anchor", str(anchor), db=db).returncode == 0
    exported = hojo("export", "--format", "csv", db=db)
    assert exported.stdout.splitlines()[0].startswith("seq,kind,decision_id") and len(exported.stdout.splitlines()) == 4
    with open_store(f"sqlite:///{db}")._db as raw:  # type: ignore[attr-defined]
        raw.execute("UPDATE decisions SET decision = replace(decision, '\"amount_yen\":', '\"amount_yen\": ') "
                    "WHERE seq = 2")
    broken = hojo("verify-log", db=db)
    assert broken.returncode == 1 and json.loads(broken.stdout)["first_broken"]["seq"] == 2
    assert hojo("replay", "no-such-id", db=db).returncode == 2


def test_cli_impact_writes_its_report(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    store = open_store(f"sqlite:///{db}")
    service_for(store).decide(request(2024))
    store.close()
    out = tmp_path / "impact.json"
    result = hojo("impact", "--draft", str(draft_folder(tmp_path)), "--out", str(out), "--summary", db=db)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"]["yen_delta"] == 500_000
    assert len(json.loads(out.read_text(encoding="utf-8"))["changed"]) == 1
