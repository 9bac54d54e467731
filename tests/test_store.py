"""The SQLite decision log: durability settings, the hash chain, rule texts kept by hash, failed writes.

Every expected hash here is recomputed with ``hashlib`` and ``json`` directly, not with
``service.kernel.canonical``, so a change in the service's canonical form shows up as a failure.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.decisions import DecisionService
from service.kernel.config import Paths
from service.kernel.errors import StoreError
from service.rulebook.registry import Rulebook
from service.store import SqliteStore, open_store

REPO = Path(__file__).resolve().parent.parent
GENESIS = "0" * 64
MUNICIPAL_V2 = REPO / "rules" / "kokuho_healthup_municipal" / "v2.yaml"
REASON_EN = "the municipality has a medium-to-long-term data health plan following a PDCA cycle"
FACTS: dict[str, Any] = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                         "third_party_evaluation": False, "designated_model": False}
REQUEST: dict[str, Any] = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": FACTS}


def canonical(value: Any) -> str:
    """The log's canonical form, written out independently: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def expected_hash(prev_hash: str, decision: dict[str, Any], facts: dict[str, Any]) -> str:
    body = canonical({"decision": decision, "facts": facts})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def paths_for(rules: Path) -> Paths:
    return Paths(rules=rules, schemas=REPO / "schemas", seeds=REPO / "seeds")


def make_service(store: SqliteStore, rules: Path = REPO / "rules") -> DecisionService:
    paths = paths_for(rules)
    return DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hojo.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    opened = open_store(f"sqlite:///{db_path}")
    yield opened
    opened.close()


def raw_rows(db_path: Path) -> list[tuple[Any, ...]]:
    """The decisions table read by a second connection, as an auditor would."""
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT seq, decision_id, prev_hash, hash, decision, facts FROM decisions "
                          "ORDER BY seq").fetchall()


def a_decision(decision_id: str, rules_sha256: str = "a" * 64) -> dict[str, Any]:
    """A hand-made decision with every column the store reads; the text is Japanese on purpose."""
    return {"decision_id": decision_id, "program": "kokuho_healthup_municipal", "fiscal_year": 2024,
            "rules_version": 2, "rules_sha256": rules_sha256, "eligible": True, "amount_yen": 13_500_000,
            "reasons": [{"message_ja": "データヘルス計画を策定している"}],
            "decided_at": "2026-11-22T00:00:00.000000+00:00"}


# --- durability settings ------------------------------------------------------------------------------


def test_store_uses_wal_and_synchronous_full(store: SqliteStore, db_path: Path) -> None:
    # synchronous is per connection, so it must be read on the store's own connection.
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # 2 = FULL
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # WAL is a property of the file: a fresh connection sees it too.
    with sqlite3.connect(db_path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- the hash chain -----------------------------------------------------------------------------------


def test_hand_made_records_chain_from_genesis(store: SqliteStore, db_path: Path) -> None:
    decisions = [a_decision(f"d-{n}") for n in range(3)]
    facts = [{**FACTS, "insured_count": 1000 * n} for n in range(3)]
    entries = [store.append(d, f, "rule text") for d, f in zip(decisions, facts, strict=True)]

    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS
    prev = GENESIS
    for entry, decision, fact in zip(entries, decisions, facts, strict=True):
        assert entry["prev_hash"] == prev
        assert entry["hash"] == expected_hash(prev, decision, fact)
        prev = entry["hash"]
    # What a second connection reads is what append returned.
    assert [(r[0], r[2], r[3]) for r in raw_rows(db_path)] == [(e["seq"], e["prev_hash"], e["hash"]) for e in entries]


def test_hash_is_over_utf8_text_not_ascii_escapes(store: SqliteStore) -> None:
    decision = a_decision("d-ja")
    entry = store.append(decision, FACTS, "rule text")
    escaped = json.dumps({"decision": decision, "facts": FACTS}, sort_keys=True, separators=(",", ":"))
    assert "\\u30c7" in escaped  # the same record with \\u escapes ...
    assert entry["hash"] != hashlib.sha256((GENESIS + escaped).encode()).hexdigest()  # ... hashes differently
    assert entry["hash"] == expected_hash(GENESIS, decision, FACTS)


def test_service_decisions_chain_and_are_stored_verbatim(store: SqliteStore, db_path: Path) -> None:
    service = make_service(store)
    # what_if is computed for the answer, not recorded: the stored decision is the answer without it
    decisions = [{k: v for k, v in service.decide(REQUEST).items() if k != "what_if"} for _ in range(4)]

    rows = raw_rows(db_path)
    assert [r[1] for r in rows] == [d["decision_id"] for d in decisions]
    prev = GENESIS
    for (_, _, prev_hash, digest, decision_text, facts_text), decision in zip(rows, decisions, strict=True):
        assert json.loads(decision_text) == decision
        assert json.loads(facts_text) == FACTS
        assert prev_hash == prev
        assert digest == expected_hash(prev, decision, FACTS)
        prev = digest
    # Hand-computed: 30,000 insured → 基準額① 4,500千円 (区分1) + 基準額② 9,000千円 (区分3).
    assert {d["cap_yen"] for d in decisions} == {13_500_000}


def test_get_returns_decision_facts_and_log_entry(store: SqliteStore) -> None:
    decision = a_decision("d-get")
    entry = store.append(decision, FACTS, "rule text")
    assert store.get("d-get") == {"kind": "decision", "decision": decision, "facts": FACTS, "log": entry}
    assert store.get("no-such-id") is None


# --- rule texts, kept by hash -------------------------------------------------------------------------


def test_rule_text_is_stored_by_its_sha256(store: SqliteStore) -> None:
    make_service(store)
    text = MUNICIPAL_V2.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert store.rule_version_text(digest) == text
    assert store.rule_version_text("f" * 64) is None


def test_old_rule_text_survives_editing_the_rules_folder(tmp_path: Path, db_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    edited_file = rules / "kokuho_healthup_municipal" / "v2.yaml"
    old_text = edited_file.read_text(encoding="utf-8")
    old_sha = hashlib.sha256(old_text.encode("utf-8")).hexdigest()

    first = open_store(f"sqlite:///{db_path}")
    old_decision = make_service(first, rules).decide(REQUEST)
    first.close()
    assert old_decision["rules_sha256"] == old_sha

    # A policy owner rewords one reason (the rules still load) and the service restarts.
    assert old_text.count(REASON_EN) == 1
    new_text = old_text.replace(REASON_EN, REASON_EN + " (revised)")
    edited_file.write_text(new_text, encoding="utf-8")
    second = open_store(f"sqlite:///{db_path}")
    try:
        new_decision = make_service(second, rules).decide(REQUEST)
        new_sha = hashlib.sha256(new_text.encode("utf-8")).hexdigest()
        assert new_decision["rules_sha256"] == new_sha != old_sha
        assert second.rule_version_text(old_sha) == old_text
        assert second.rule_version_text(new_sha) == new_text
        assert REASON_EN + " (revised)" in json.dumps(new_decision["reasons"])
        assert REASON_EN + " (revised)" not in json.dumps(second.get(old_decision["decision_id"]))
        # The old decision still names the old text, and the chain runs across the restart.
        assert second.get(old_decision["decision_id"])["decision"]["rules_sha256"] == old_sha
        assert second.get(new_decision["decision_id"])["log"]["prev_hash"] == (
            second.get(old_decision["decision_id"])["log"]["hash"])
    finally:
        second.close()


def test_append_keeps_a_rule_text_it_has_not_seen(store: SqliteStore) -> None:
    # A record must never point at a rule text the store lacks (the foreign key would also refuse it).
    text = "program: x\n# 本文\n"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    store.append(a_decision("d-new-rule", rules_sha256=sha), FACTS, text)
    assert store.rule_version_text(sha) == text


# --- failed writes ------------------------------------------------------------------------------------


class _FailingInsert:
    """Wraps the store's connection; the decisions INSERT fails as a full disk would, mid-transaction."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self._real = real

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("INSERT INTO decisions"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._real.execute(sql, *args)

    @property
    def in_transaction(self) -> bool:
        return self._real.in_transaction

    def close(self) -> None:
        self._real.close()


def test_failed_insert_raises_store_error_and_rolls_everything_back(
        store: SqliteStore, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = store.append(a_decision("d-before"), FACTS, "rule text")
    monkeypatch.setattr(store, "_db", _FailingInsert(store._db))
    new_rule = "program: y\n"
    new_sha = hashlib.sha256(new_rule.encode()).hexdigest()

    with pytest.raises(StoreError) as caught:
        store.append(a_decision("d-lost", rules_sha256=new_sha), FACTS, new_rule)

    assert caught.value.code == "store_write_failed"
    assert "disk is full" in caught.value.message_en
    monkeypatch.undo()
    assert [r[1] for r in raw_rows(db_path)] == ["d-before"]
    assert store.rule_version_text(new_sha) is None  # the rule text inserted in that transaction is gone too
    assert not store._db.in_transaction
    # The next write chains from the last kept record, as if the failed one never happened.
    assert store.append(a_decision("d-after"), FACTS, "rule text")["prev_hash"] == kept["hash"]


def test_write_to_a_read_only_connection_raises_store_error(store: SqliteStore, db_path: Path) -> None:
    store._db.execute("PRAGMA query_only=ON")  # SQLite itself refuses the write: no monkeypatching involved
    with pytest.raises(StoreError) as caught:
        store.append(a_decision("d-ro"), FACTS, "rule text")
    assert caught.value.code == "store_write_failed"
    assert raw_rows(db_path) == []
    assert store.count() == 0


def test_append_after_close_raises_store_error(store: SqliteStore, db_path: Path) -> None:
    store.close()
    with pytest.raises(StoreError):
        store.append(a_decision("d-closed"), FACTS, "rule text")
    assert raw_rows(db_path) == []


# --- store URLs ---------------------------------------------------------------------------------------


def test_relative_url_is_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    opened = open_store("sqlite:///var/sub/hojo.sqlite3")
    try:
        opened.append(a_decision("d-rel"), FACTS, "rule text")
    finally:
        opened.close()
    assert [r[1] for r in raw_rows(tmp_path / "var" / "sub" / "hojo.sqlite3")] == ["d-rel"]


def test_absolute_url_has_four_slashes(tmp_path: Path) -> None:
    target = tmp_path / "abs" / "hojo.sqlite3"
    url = f"sqlite:///{target}"
    assert url.startswith("sqlite:////")
    opened = open_store(url)
    try:
        opened.append(a_decision("d-abs"), FACTS, "rule text")
    finally:
        opened.close()
    assert [r[1] for r in raw_rows(target)] == ["d-abs"]


def test_memory_url_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    opened = open_store("sqlite://:memory:")
    try:
        entry = opened.append(a_decision("d-mem"), FACTS, "rule text")
        assert entry["prev_hash"] == GENESIS
        assert opened.count() == 1
        assert opened._db.execute("PRAGMA database_list").fetchone()[2] == ""  # no file behind "main"
    finally:
        opened.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["mysql://db/hojo", "file:///tmp/hojo.sqlite3",
                                 "sqlite:/hojo.sqlite3", "hojo.sqlite3", ""])
def test_other_urls_are_refused(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert caught.value.code == "store_url"
    assert list(tmp_path.iterdir()) == []  # nothing was created on the way


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
def test_url_without_a_path_is_refused(url: str) -> None:
    with pytest.raises(StoreError):
        open_store(url).close()
