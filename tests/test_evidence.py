"""Evidence anyone can check (issue 12), tried as an auditor and attacked as an insider would.

- every kind of tampering with what evidence rests on (a record's kind, a stored rule text, a stored facts
  schema, the lock, the tree, a signed head) is caught by ``hojo verify-log`` and ``GET /v1/log/verify``,
  at the record or version touched, on SQLite and PostgreSQL;
- a receipt fetched over HTTP verifies offline with ``hojo verify-receipt`` and fails when one byte of the
  record, one proof hash or the signature changes; it verifies against a later head by a consistency proof;
- an anchor taken before 100 more decisions still verifies (100 appended) and fails on a rewritten prefix;
- reads check themselves (``integrity``), in the API, ``hojo explain`` and the workbench;
- exports page with a cursor in every format, validate dates, carry facts as CSV columns, and the
  commands survive a closed pipe.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.audit.evidence import generate_key, load_public_key, verify_receipt
from service.audit.integrity import check_rule_versions
from service.store import SqlStore, open_store

REPO = Path(__file__).resolve().parent.parent
MUNICIPAL = "kokuho_healthup_municipal"
FACTS = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
         "third_party_evaluation": False, "designated_model": False}


def request(**facts: Any) -> dict[str, Any]:
    return {"program": MUNICIPAL, "fiscal_year": 2024, "facts": {**FACTS, **facts}}


def hojo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=REPO, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "signing.key"
    generate_key(path)
    return path


@pytest.fixture
def client(store_url: str, key: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_url=store_url, signing_key_file=str(key))) as c:
        yield c


def raw(store_url: str, statement: str, *params: Any) -> None:
    """Run SQL on the store directly: the insider's view."""
    store = open_store(store_url)
    try:
        store._execute(statement, params)
    finally:
        store.close()


def codes(result: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(b["seq"] if b["seq"] is not None else b.get("rule_version"), b["code"]) for b in result["broken"]]


# --- 1. verify covers every stored byte -------------------------------------------------------------

def test_relabelled_kind_edited_rule_text_schema_and_lock_each_caught_over_http_and_cli(
        client: TestClient, store_url: str) -> None:
    made = [client.post("/v1/decisions", json=request(insured_count=n)).json() for n in (30000, 60000, 90000)]
    # 基準額① 4,500 + ② 9,000千円 (1～5万人), 6,000 + 12,000千円 (5～10万人): rules/kokuho_healthup_municipal/v2.yaml
    assert [m["amount_yen"] for m in made] == [13_500_000, 18_000_000, 18_000_000]
    clean = client.get("/v1/log/verify").json()
    # every rule version the service kept at start-up: one per rules/<program>/v<N>.yaml
    assert clean["ok"] and clean["checked"] == 3
    assert clean["rule_versions_checked"] == len(list((REPO / "rules").glob("*/v*.yaml")))
    sha = made[0]["rules_sha256"]
    version = f"{MUNICIPAL}@{made[0]['rules_version']}"
    cli = ("verify-log", "--db", store_url)

    # a decision relabelled as a publication: replay and impact would silently skip it
    raw(store_url, "UPDATE decisions SET kind = 'publish' WHERE seq = 2")
    assert codes(client.get("/v1/log/verify").json()) == [(2, "kind_mismatch")]
    run = hojo(*cli)
    assert run.returncode == 1 and codes(json.loads(run.stdout)) == [(2, "kind_mismatch")]
    assert "FAILED" in run.stderr and "kind_mismatch" in run.stderr
    replayed = hojo("replay", "--db", store_url)  # and a bulk replay no longer skips it without a word
    assert replayed.returncode == 1 and "3 replayed, 2 identical, 0 different, 1 failed" in replayed.stderr
    assert json.loads(replayed.stdout)["failures"][0]["code"] == "kind_mismatch"
    raw(store_url, "UPDATE decisions SET kind = 'decision' WHERE seq = 2")

    # the stored rule text, edited: the running server must not replay from its in-memory copy
    assert client.post(f"/v1/decisions/{made[0]['decision_id']}/replay").json()["identical"] is True
    raw(store_url, "UPDATE rule_versions SET content = replace(content, 'amount: 4500', 'amount: 4600') "
                   "WHERE sha256 = ?", sha)
    assert codes(client.get("/v1/log/verify").json()) == [(version, "rule_text_altered")]
    assert codes(json.loads(hojo(*cli).stdout)) == [(version, "rule_text_altered")]
    replayed = client.post(f"/v1/decisions/{made[0]['decision_id']}/replay")
    assert replayed.status_code == 503 and replayed.json()["error"]["code"] == "rule_text_altered"
    raw(store_url, "UPDATE rule_versions SET content = replace(content, 'amount: 4600', 'amount: 4500') "
                   "WHERE sha256 = ?", sha)

    # the stored facts schema, edited (the rule text's sha256 does not cover it)
    raw(store_url, "UPDATE rule_versions SET facts_schema = replace(facts_schema, '\"minimum\": 0', "
                   "'\"minimum\": 1') WHERE sha256 = ?", sha)
    assert codes(client.get("/v1/log/verify").json()) == [(version, "facts_schema_altered")]
    assert codes(json.loads(hojo(*cli).stdout)) == [(version, "facts_schema_altered")]
    replayed = client.post(f"/v1/decisions/{made[0]['decision_id']}/replay")
    assert replayed.status_code == 503 and replayed.json()["error"]["code"] == "facts_schema_altered"


def test_the_facts_schema_edit_really_changed_bytes(store_url: str, client: TestClient) -> None:
    """The edit above must hit the schema text (else that test would pass vacuously)."""
    made = client.post("/v1/decisions", json=request()).json()
    store = open_store(store_url)
    try:
        schema = store.rule_version(made["rules_sha256"])["facts_schema"]  # type: ignore[index]
    finally:
        store.close()
    assert '"minimum": 0' in schema


def test_a_published_version_that_differs_from_the_lock_is_caught(store_url: str, client: TestClient) -> None:
    made = client.post("/v1/decisions", json=request()).json()
    # An insider swaps the stored text of a published version for another text and keys it by its own sha256,
    # re-pointing the decision at it: each row now matches its own hash, but not the lock.
    store = open_store(store_url)
    try:
        text = store.rule_version(made["rules_sha256"])["content"]  # type: ignore[index]
    finally:
        store.close()
    forged = text.replace("amount: 4500", "amount: 4600")
    forged_sha = hashlib.sha256(forged.encode()).hexdigest()
    raw(store_url, "INSERT INTO rule_versions(sha256, program, version, path, content, facts_schema, first_seen_at, "
                   "facts_schema_sha256) VALUES (?, ?, ?, '', ?, '', '2026-12-01', '')",
        forged_sha, MUNICIPAL, made["rules_version"], forged)
    result = client.get("/v1/log/verify").json()
    assert (f"{MUNICIPAL}@{made['rules_version']}", "lock_mismatch") in codes(result)


def test_an_edited_tree_node_and_a_rewritten_signed_head_are_caught(store_url: str, client: TestClient) -> None:
    for n in range(5):
        client.post("/v1/decisions", json=request(insured_count=10000 + n))
    head = client.get("/v1/log/head").json()
    assert head["tree_size"] == 5 and client.get("/v1/log/verify").json()["signed_heads_checked"] == 1
    raw(store_url, "UPDATE log_tree SET hash = ? WHERE level = 1 AND idx = 0", "ab" * 32)
    assert codes(client.get("/v1/log/verify").json()) == [(1, "tree_mismatch")]  # the node over records 1-2
    raw(store_url, "UPDATE log_tree SET hash = ? WHERE level = 0 AND idx = 3", "cd" * 32)
    assert codes(client.get("/v1/log/verify").json()) == [(4, "tree_mismatch")]
    raw(store_url, "DELETE FROM log_tree")  # the tree is rebuilt from the records ...
    assert client.get("/v1/log/verify").json()["ok"]
    # ... but a record edited with the chain recomputed no longer matches the head signed over it
    store = open_store(store_url)
    try:
        rows = list(store.rows())
    finally:
        store.close()
    prev = rows[2].prev_hash
    for row in rows[2:]:
        decision = json.loads(row.decision_text)
        if row.seq == 3:
            decision["amount_yen"] += 1
        body = json.dumps({"decision": decision, "facts": json.loads(row.facts_text)}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        raw(store_url, "UPDATE decisions SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            json.dumps(decision, sort_keys=True, separators=(",", ":"), ensure_ascii=False), prev, digest, row.seq)
        prev = digest
    raw(store_url, "DELETE FROM log_tree")
    assert codes(client.get("/v1/log/verify").json()) == [(5, "signed_head_mismatch")]


# --- 2. receipts ------------------------------------------------------------------------------------

def test_a_receipt_verifies_offline_and_fails_on_any_altered_byte(client: TestClient, key: Path,
                                                                  tmp_path: Path) -> None:
    made = [client.post("/v1/decisions", json=request(insured_count=1000 * n)).json() for n in range(1, 8)]
    receipt = client.get(f"/v1/decisions/{made[4]['decision_id']}/receipt").json()
    # what_if is part of the answer, not of the record (recomputed from the record when read)
    assert receipt["leaf_index"] == 4 and receipt["record"]["decision"] == {
        k: v for k, v in made[4].items() if k != "what_if"}
    assert receipt["tree_head"]["tree_size"] == 7 and len(receipt["inclusion_proof"]) == 3  # ⌈log2 7⌉
    public = tmp_path / "public.json"
    public.write_text(client.get("/v1/log/public-key").text, encoding="utf-8")
    assert public.read_text(encoding="utf-8").count("BEGIN PUBLIC KEY") == 1

    def check(value: dict[str, Any], name: str) -> subprocess.CompletedProcess[str]:
        path = tmp_path / name
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        return hojo("verify-receipt", str(path), "--public-key", str(public))  # no --db, no HOJO_DB: offline

    good = check(receipt, "receipt.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert f"valid: decision {made[4]['decision_id']} is record 5 of the log of 7 records" in good.stdout
    # the key file's own .pub works too
    assert hojo("verify-receipt", str(tmp_path / "receipt.json"), "--public-key", f"{key}.pub").returncode == 0

    one_yen = copy.deepcopy(receipt)
    one_yen["record"]["decision"]["amount_yen"] += 1
    run = check(one_yen, "yen.json")
    assert run.returncode == 1 and "the record was altered" in run.stdout
    one_fact = copy.deepcopy(receipt)
    one_fact["record"]["facts"]["insured_count"] += 1
    assert check(one_fact, "fact.json").returncode == 1
    proof = copy.deepcopy(receipt)
    sibling = proof["inclusion_proof"][1]
    proof["inclusion_proof"][1] = ("0" if sibling[0] != "0" else "1") + sibling[1:]
    run = check(proof, "proof.json")
    assert run.returncode == 1 and "inclusion proof does not lead" in run.stdout
    signature = copy.deepcopy(receipt)
    raw_sig = bytearray(base64.b64decode(signature["tree_head"]["signature"]))
    raw_sig[10] ^= 1
    signature["tree_head"]["signature"] = base64.b64encode(bytes(raw_sig)).decode()
    run = check(signature, "signature.json")
    assert run.returncode == 1 and "signature does not verify" in run.stdout
    root = copy.deepcopy(receipt)
    root["tree_head"]["tree_size"] = 8  # a head claimed for another size: the signature no longer covers it
    assert check(root, "size.json").returncode == 1
    other = tmp_path / "other.key"
    generate_key(other)
    run = hojo("verify-receipt", str(tmp_path / "receipt.json"), "--public-key", f"{other}.pub")
    assert run.returncode == 1 and "another key" in run.stdout


def test_the_notice_shows_the_signed_receipt_that_covers_the_decision(client: TestClient) -> None:
    made = [client.post("/v1/decisions", json=request(insured_count=1000 * n)).json() for n in range(1, 4)]
    receipt = client.get(f"/v1/decisions/{made[1]['decision_id']}/receipt").json()
    html = client.get(f"/v1/decisions/{made[1]['decision_id']}/notice").text
    # the second of three records: leaf 2 of a tree of (at least) 3, with the head's root and signature
    assert f"第 2 件 / {receipt['tree_head']['tree_size']:,} 件" in html and receipt["tree_head"]["tree_size"] >= 3
    assert receipt["tree_head"]["root_hash"] in html and receipt["tree_head"]["signature"] in html
    assert "受領証" in html


def test_a_receipt_verifies_against_a_later_head_by_a_consistency_proof(client: TestClient, tmp_path: Path) -> None:
    first = client.post("/v1/decisions", json=request()).json()
    receipt = client.get(f"/v1/decisions/{first['decision_id']}/receipt").json()
    for n in range(12):
        client.post("/v1/decisions", json=request(insured_count=2000 + n))
    later = client.get("/v1/log/head").json()
    assert later["tree_size"] == 13 and later["count"] == 13
    proof = client.get("/v1/log/consistency", params={"from": 1, "to": 13}).json()
    public = load_public_key(client.get("/v1/log/public-key").content)
    result = verify_receipt(receipt, public, later, proof["proof"])
    assert result["ok"] and result["later_tree_size"] == 13
    paths = {}
    for name, value in (("receipt", receipt), ("later", later), ("proof", proof),
                        ("key", client.get("/v1/log/public-key").json())):
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(value), encoding="utf-8")
    run = hojo("verify-receipt", str(paths["receipt"]), "--public-key", str(paths["key"]),
               "--later-head", str(paths["later"]), "--consistency", str(paths["proof"]))
    assert run.returncode == 0 and "the log of 13 records still holds it" in run.stdout
    bad = {**proof, "proof": [("f" * 64) for _ in proof["proof"]]}
    paths["proof"].write_text(json.dumps(bad), encoding="utf-8")
    run = hojo("verify-receipt", str(paths["receipt"]), "--public-key", str(paths["key"]),
               "--later-head", str(paths["later"]), "--consistency", str(paths["proof"]))
    assert run.returncode == 1 and "consistency proof does not show" in run.stdout
    assert client.get("/v1/log/consistency", params={"from": 5, "to": 99}).status_code == 422
    wrong = client.get("/v1/log/consistency", params={"from": 9, "to": 4}).json()["error"]
    assert [p["path"] for p in wrong["problems"]] == ["$.query.from"]


def test_without_a_signing_key_receipts_are_refused_and_heads_unsigned(tmp_path: Path) -> None:
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'nokey.sqlite3'}")) as c:
        made = c.post("/v1/decisions", json=request()).json()
        refused = c.get(f"/v1/decisions/{made['decision_id']}/receipt")
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "signing_key_missing"
        head = c.get("/v1/log/head").json()
        assert head["tree_size"] == 1 and head["signature"] is None and head["count"] == 1


# --- 3. anchors -------------------------------------------------------------------------------------

def test_an_anchor_survives_100_more_decisions_and_fails_on_a_recomputed_prefix(
        client: TestClient, store_url: str, tmp_path: Path) -> None:
    for n in range(3):
        client.post("/v1/decisions", json=request(insured_count=5000 + n))
    anchor = tmp_path / "anchor.json"
    anchor.write_text(client.get("/v1/log/head").text, encoding="utf-8")
    for n in range(100):
        client.post("/v1/decisions", json=request(insured_count=6000 + n))
    run = hojo("verify-log", "--anchor", str(anchor), "--db", store_url)
    assert run.returncode == 0, run.stdout
    result = json.loads(run.stdout)
    assert result["appended"] == 100 and result["checked"] == 103
    assert result["consistency"]["from"] == 3 and result["consistency"]["to"] == 103
    assert "100 record(s) appended since the anchor" in run.stderr
    # the old {count, head_hash} anchors from before keep working, and accept growth too
    old = {k: json.loads(anchor.read_text())[k] for k in ("count", "last_seq", "head_hash")}
    assert client.get("/v1/log/verify", params={"count": old["count"], "head_hash": old["head_hash"]}).json()[
        "appended"] == 100
    # an insider rewrites record 2 and recomputes every hash after it, keeping the count
    store = open_store(store_url)
    try:
        rows = list(store.rows())
    finally:
        store.close()
    prev = rows[1].prev_hash
    for row in rows[1:]:
        decision = json.loads(row.decision_text)
        if row.seq == 2:
            decision["amount_yen"] -= 1
        text = json.dumps(decision, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        body = json.dumps({"decision": decision, "facts": json.loads(row.facts_text)}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        raw(store_url, "UPDATE decisions SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?", text, prev, digest,
            row.seq)
        prev = digest
    run = hojo("verify-log", "--anchor", str(anchor), "--db", store_url)
    assert run.returncode == 1
    first = json.loads(run.stdout)["first_broken"]
    assert first["code"] == "prefix_rewritten" and first["seq"] == 3
    assert "the anchored prefix of the log was rewritten" in first["message_en"]
    assert "appended" not in json.loads(run.stdout)


# --- 4. reads that check themselves -----------------------------------------------------------------

def test_a_read_checks_its_record_and_flags_an_edited_amount(client: TestClient, store_url: str) -> None:
    made = [client.post("/v1/decisions", json=request(insured_count=n)).json() for n in (30000, 60000)]
    served = client.get(f"/v1/decisions/{made[1]['decision_id']}").json()
    assert served["integrity"]["ok"] is True and served["integrity"]["problems"] == []
    assert served["amount_yen"] == 18_000_000  # 6,000 + 12,000千円 for 5～10万人
    raw(store_url, "UPDATE decisions SET decision = replace(decision, '\"amount_yen\":18000000', "
                   "'\"amount_yen\":19000000') WHERE seq = 2")
    served = client.get(f"/v1/decisions/{made[1]['decision_id']}").json()
    assert served["amount_yen"] == 19_000_000  # served as stored, and flagged
    assert served["integrity"]["ok"] is False
    assert [p["code"] for p in served["integrity"]["problems"]] == ["hash_mismatch"]
    assert client.get(f"/v1/decisions/{made[0]['decision_id']}").json()["integrity"]["ok"] is True
    explained = hojo("explain", made[1]["decision_id"], "--lang", "en", "--db", store_url)
    assert explained.returncode == 1
    assert explained.stdout.startswith("!! TAMPERED: this record failed its integrity check [hash_mismatch]")
    assert "eligible: amount 19,000,000 yen" in explained.stdout
    assert hojo("explain", made[0]["decision_id"], "--db", store_url).returncode == 0
    page = client.get(f"/workbench/decisions/{made[1]['decision_id']}")
    assert page.status_code == 200 and 'class="tampered"' in page.text and "hash_mismatch" in page.text
    assert 'class="tampered"' not in client.get(f"/workbench/decisions/{made[0]['decision_id']}").text


# --- 5. exports and replay output ------------------------------------------------------------------

def test_exports_page_with_a_cursor_validate_dates_and_carry_facts(client: TestClient) -> None:
    ids = [client.post("/v1/decisions", json=request(insured_count=1000 * n)).json()["decision_id"]
           for n in range(1, 6)]
    first = client.get("/v1/decisions", params={"format": "jsonl", "limit": 2})
    assert [json.loads(line)["decision_id"] for line in first.text.splitlines()] == ids[:2]
    assert first.headers["x-next-after"] == "2"
    rest = client.get("/v1/decisions", params={"format": "jsonl", "limit": 10, "after": 2})
    assert [json.loads(line)["decision_id"] for line in rest.text.splitlines()] == ids[2:]
    assert "x-next-after" not in rest.headers
    csv_page = client.get("/v1/decisions", params={"format": "csv", "limit": 2, "after": 1, "facts": "true"})
    lines = csv_page.text.splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["seq", "kind", "decision_id"] and len(lines) == 3
    assert header[13:] == ["facts.categories", "facts.designated_model", "facts.has_data_health_plan",
                           "facts.insured_count", "facts.third_party_evaluation"]
    assert lines[1].split(",")[0] == "2" and lines[1].endswith('"[""1"", ""3""]",false,true,2000,false')
    assert csv_page.headers["x-next-after"] == "3"
    for name in ("from", "to"):
        bad = client.get("/v1/decisions", params={name: "not-a-date", "format": "csv"})
        assert bad.status_code == 422
        assert [p["path"] for p in bad.json()["error"]["problems"]] == [f"$.query.{name}"]
    assert client.get("/v1/decisions", params={"from": "2020-01-01"}).json()["decisions"][0]["decision_id"] == ids[0]
    assert client.get("/v1/decisions", params={"limit": 5000}).status_code == 422  # json pages stay small


def test_cli_export_pages_and_every_command_survives_a_closed_pipe(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'pipe.sqlite3'}"
    store: SqlStore = open_store(db)
    store.close()
    for n in range(1, 4):
        facts = tmp_path / f"f{n}.json"
        facts.write_text(json.dumps({**FACTS, "insured_count": 1000 * n}), encoding="utf-8")
        assert hojo("decide", "--program", MUNICIPAL, "--fiscal-year", "2024", "--db", db, str(facts)).returncode == 0
    paged = hojo("export", "--format", "csv", "--limit", "1", "--after", "1", "--facts", "--db", db)
    assert paged.returncode == 0 and len(paged.stdout.splitlines()) == 2 and paged.stdout.splitlines()[1][0] == "2"
    assert "next page with --after 2" in paged.stderr
    assert hojo("export", "--since", "yesterday", "--db", db).returncode == 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    # A reader that has gone before the command writes: its first write meets a closed pipe.
    for command in (["export", "--db", db], ["export", "--format", "csv", "--facts", "--db", db],
                    ["verify-log", "--db", db], ["log-head", "--db", db], ["replay", "--db", db], ["check"]):
        with subprocess.Popen([sys.executable, "-m", "service.cli", *command], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.close()
            stderr = proc.stderr.read()
            status = proc.wait(timeout=180)
        assert status == 141, (command, stderr)
        assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, (command, stderr)


def test_hojo_export_into_head_stops_quietly(tmp_path: Path) -> None:
    """The shell pipeline a person types: more output than a pipe holds, cut short by ``head``."""
    db = f"sqlite:///{tmp_path / 'head.sqlite3'}"
    store = open_store(db)
    from service.decisions import DecisionService
    from service.kernel.config import Paths
    from service.rulebook.registry import Rulebook

    paths = Paths()
    service = DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths)
    for n in range(60):
        service.decide(request(insured_count=1000 + n))
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    piped = subprocess.run(f"{sys.executable} -m service.cli export --db {db} | head -n 2", shell=True, cwd=REPO,
                           env=env, capture_output=True, text=True, timeout=180)
    assert len(piped.stdout.splitlines()) == 2 and json.loads(piped.stdout.splitlines()[1])["log"]["seq"] == 2
    assert piped.stderr == ""


def test_a_store_from_before_facts_schemas_were_hashed_is_migrated_at_open(store_url: str) -> None:
    store = open_store(store_url)
    store._execute("ALTER TABLE rule_versions DROP COLUMN facts_schema_sha256")  # the table as it was on main
    store._execute("INSERT INTO rule_versions(sha256, program, version, path, content, facts_schema, first_seen_at) "
                   "VALUES (?, 'p', 1, '', 'text', '{\"type\": \"object\"}', '2026-12-01')",
                   (hashlib.sha256(b"text").hexdigest(),))
    store.close()
    store = open_store(store_url)  # opening migrates: the column, and the digest of the schema as it stands
    try:
        [kept] = list(store.rule_versions())
        assert kept["facts_schema_sha256"] == hashlib.sha256(b'{"type": "object"}').hexdigest()
        store._execute("UPDATE rule_versions SET facts_schema = '{}'")
        assert [p["code"] for p in check_rule_versions(store)[1]] == ["facts_schema_altered"]
    finally:
        store.close()
