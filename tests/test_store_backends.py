"""The same store tests on SQLite and on a real PostgreSQL server (``tests/conftest_stores.py``).

The chain, reads and listings, failed writes, the archive, verification of every kind of tampering,
and concurrent writers (separate connections, as separate uvicorn workers have) keeping one chain.
Tampering is done with the backend's own SQL, as someone with database access would do it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from service.kernel.errors import StoreError
from service.store import GENESIS_HASH, Query, SqlStore, open_store, verify_chain

FACTS: dict[str, Any] = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"]}


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def a_decision(n: int, program: str = "kokuho_healthup_municipal", fiscal_year: int = 2024) -> dict[str, Any]:
    return {"decision_id": f"d-{n:04d}", "program": program, "fiscal_year": fiscal_year, "rules_version": 2,
            "rules_sha256": "a" * 64, "eligible": True, "amount_yen": 1000 * n,
            "reasons": [{"message_ja": "データヘルス計画を策定している"}],
            "decided_at": f"2026-11-{1 + n % 28:02d}T00:00:{n % 60:02d}.000000+00:00"}


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def sql(store: SqlStore, statement: str, *params: Any) -> None:
    """Run a statement directly on the backend (the tamperer's view)."""
    store._execute(statement, params)


def filled(store: SqlStore, n: int = 5) -> list[dict[str, Any]]:
    return [store.append(a_decision(i), {**FACTS, "insured_count": i}, "rule text") for i in range(1, n + 1)]


# --- the chain ------------------------------------------------------------------------------------


def test_records_chain_from_genesis_with_hashes_computed_independently(store: SqlStore) -> None:
    entries = filled(store, 3)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    prev = GENESIS_HASH
    for i, entry in enumerate(entries, 1):
        body = canonical({"decision": a_decision(i), "facts": {**FACTS, "insured_count": i}})
        assert entry == {"seq": i, "prev_hash": prev, "hash": hashlib.sha256((prev + body).encode()).hexdigest()}
        prev = entry["hash"]
    assert store.head() == {"count": 3, "last_seq": 3, "head_hash": prev}
    assert verify_chain(store.rows()) == {"ok": True, "checked": 3, "head_hash": prev, "first_broken": None,
                                          "broken": []}


def test_get_and_rule_versions(store: SqlStore) -> None:
    entry = store.append(a_decision(1), FACTS, "program: x\n# 本文\n")
    assert store.get("d-0001") == {"kind": "decision", "decision": a_decision(1), "facts": FACTS, "log": entry}
    assert store.get("nope") is None
    assert store.rule_version_text("a" * 64) == "program: x\n# 本文\n"
    store.save_rule_version("b" * 64, "p", 3, "rules/p/v3.yaml", "text", '{"$id": "x"}')
    assert store.rule_version("b" * 64) == {"sha256": "b" * 64, "program": "p", "version": 3,
                                            "path": "rules/p/v3.yaml", "content": "text",
                                            "facts_schema": '{"$id": "x"}',
                                            "facts_schema_sha256": hashlib.sha256(b'{"$id": "x"}').hexdigest()}
    # A rule text first kept by append (no schema known then) gets its schema when the service saves it.
    store.save_rule_version("a" * 64, "kokuho_healthup_municipal", 2, "rules/x/v2.yaml", "ignored", '{"s": 1}')
    assert store.rule_version("a" * 64)["facts_schema"] == '{"s": 1}'
    assert store.rule_version("a" * 64)["content"] == "program: x\n# 本文\n"  # the first text is never replaced


def test_rows_filter_and_page(store: SqlStore) -> None:
    for i in range(1, 8):
        store.append(a_decision(i, fiscal_year=2021 if i % 2 else 2024), FACTS, "rule text")
    assert [r.seq for r in store.rows(Query(fiscal_year=2021))] == [1, 3, 5, 7]
    assert [r.seq for r in store.rows(Query(after_seq=2, limit=3))] == [3, 4, 5]
    assert [r.seq for r in store.rows(Query(decided_from="2026-11-03", decided_to="2026-11-05"))] == [2, 3]
    assert [r.seq for r in store.rows(Query(program="other"))] == []
    assert [r.seq for r in store.rows(page_size=2)] == list(range(1, 8))
    assert [r.seq for r in store.rows(Query(shard=(1, 3)))] == [1, 4, 7]  # a parallel replay's share


def test_a_failed_append_leaves_nothing_and_the_chain_resumes(store: SqlStore,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    kept = store.append(a_decision(1), FACTS, "rule text")
    real = store._execute

    def failing(statement: str, params: tuple[Any, ...] = ()) -> Any:
        if statement.startswith("INSERT INTO decisions"):
            raise store.errors[0]("disk full (simulated)")
        return real(statement, params)

    monkeypatch.setattr(store, "_execute", failing)
    with pytest.raises(StoreError) as caught:
        store.append(a_decision(2), FACTS, "another rule text")
    assert caught.value.code == "store_write_failed"
    monkeypatch.undo()
    assert store.count() == 1
    assert store.rule_version_text(hashlib.sha256(b"another rule text").hexdigest()) is None
    assert store.append(a_decision(3), FACTS, "rule text")["prev_hash"] == kept["hash"]


def test_an_archive_restores_byte_for_byte(store: SqlStore, tmp_path: Any) -> None:
    filled(store, 4)
    archive = list(store.dump())
    other = open_store(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    try:
        assert other.restore(archive) == 4
        assert list(other.dump()) == archive
        assert verify_chain(other.rows())["ok"]
        with pytest.raises(StoreError):
            other.restore(archive)  # never over an existing log
    finally:
        other.close()


# --- tampering: each kind is reported at the record it touched -------------------------------------


def broken_at(store: SqlStore, **expected: Any) -> list[tuple[int | None, str]]:
    result = verify_chain(store.rows(), expected or None)
    return [(b["seq"], b["code"]) for b in result["broken"]]


def test_one_changed_byte_in_any_record_is_reported_at_exactly_that_record(store: SqlStore) -> None:
    filled(store, 6)
    assert broken_at(store) == []
    # A yen figure in the decision, edited in place: still valid JSON, canonical, but not what was hashed.
    sql(store, "UPDATE decisions SET decision = replace(decision, '\"amount_yen\":4000', '\"amount_yen\":4001') "
               "WHERE seq = 4")
    assert broken_at(store) == [(4, "hash_mismatch")]


@pytest.mark.parametrize("seq", [1, 3, 6])
def test_a_changed_byte_anywhere_in_facts_is_caught(store: SqlStore, seq: int) -> None:
    filled(store, 6)
    sql(store, "UPDATE decisions SET facts = replace(facts, 'true', 'TRUE') WHERE seq = ?", seq)
    assert broken_at(store) == [(seq, "not_canonical")]


def test_an_edited_hash_column_or_index_column_is_caught(store: SqlStore) -> None:
    filled(store, 4)
    sql(store, "UPDATE decisions SET program = 'kokuho_healthup_prefectural' WHERE seq = 2")
    assert broken_at(store) == [(2, "column_mismatch")]
    sql(store, "UPDATE decisions SET program = 'kokuho_healthup_municipal' WHERE seq = 2")
    sql(store, "UPDATE decisions SET hash = ? WHERE seq = 4", "f" * 64)
    assert broken_at(store) == [(4, "hash_mismatch")]


def test_deleted_inserted_and_reordered_records_are_caught(store: SqlStore) -> None:
    filled(store, 5)
    sql(store, "DELETE FROM decisions WHERE seq = 3")
    assert broken_at(store) == [(4, "seq_gap")]


def test_a_record_inserted_with_a_fitting_seq_is_caught(store: SqlStore) -> None:
    filled(store, 4)
    sql(store, "UPDATE decisions SET seq = seq + 100 WHERE seq >= 3")
    sql(store, "UPDATE decisions SET seq = seq - 99 WHERE seq >= 103")  # 3, 4 become 4, 5
    forged = canonical(a_decision(99))
    sql(store, "INSERT INTO decisions(seq, kind, decision_id, program, fiscal_year, rules_version, rules_sha256, "
               "decided_at, facts, decision, prev_hash, hash) VALUES (3, 'decision', 'd-0099', "
               "'kokuho_healthup_municipal', 2024, 2, ?, ?, ?, ?, ?, ?)",
        "a" * 64, a_decision(99)["decided_at"], canonical(FACTS), forged, "0" * 64, "0" * 64)
    assert broken_at(store)[0] == (3, "prev_hash_mismatch")


def test_swapped_records_are_caught(store: SqlStore) -> None:
    filled(store, 4)
    sql(store, "UPDATE decisions SET seq = 100 WHERE seq = 2")
    sql(store, "UPDATE decisions SET seq = 2 WHERE seq = 3")
    sql(store, "UPDATE decisions SET seq = 3 WHERE seq = 100")
    assert broken_at(store)[0] == (2, "prev_hash_mismatch")


def test_a_truncated_tail_is_caught_by_the_anchored_head(store: SqlStore) -> None:
    filled(store, 5)
    anchor = store.head()
    sql(store, "DELETE FROM decisions WHERE seq = 5")
    assert broken_at(store) == []  # the chain alone cannot see a missing tail ...
    assert broken_at(store, **anchor) == [(None, "log_truncated")]  # ... the anchor kept outside can
    assert "1 record(s) were removed from the end" in verify_chain(store.rows(), anchor)["broken"][0]["message_en"]


def test_an_anchor_accepts_growth_and_says_how_much(store: SqlStore) -> None:
    filled(store, 3)
    anchor = store.head()
    for i in range(4, 104):
        store.append(a_decision(i), FACTS, "rule text")
    result = verify_chain(store.rows(), anchor)
    assert result["ok"] and result["checked"] == 103 and result["appended"] == 100


def test_an_anchored_prefix_recomputed_with_the_same_count_is_called_rewritten(store: SqlStore) -> None:
    """An insider edits record 2 and recomputes every hash after it: the chain is valid, the anchor is not."""
    filled(store, 4)
    anchor = store.head()
    rows = list(store.rows())
    prev = rows[0].hash
    for row in rows[1:]:
        decision = json.loads(row.decision_text)
        if row.seq == 2:
            decision["amount_yen"] += 1
        body = canonical({"decision": decision, "facts": json.loads(row.facts_text)})
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        sql(store, "UPDATE decisions SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?", canonical(decision),
            prev, digest, row.seq)
        prev = digest
    assert broken_at(store) == []  # a recomputed chain is a valid chain ...
    assert broken_at(store, **anchor) == [(4, "prefix_rewritten")]  # ... but not the one anchored
    assert "rewritten" in verify_chain(store.rows(), anchor)["broken"][0]["message_en"]


def test_a_relabelled_kind_and_an_edited_rules_version_are_caught(store: SqlStore) -> None:
    """The kind column is derived from the hashed body: relabelling a decision as a publication is tampering."""
    filled(store, 4)
    sql(store, "UPDATE decisions SET kind = 'publish' WHERE seq = 2")
    assert broken_at(store) == [(2, "kind_mismatch")]
    sql(store, "UPDATE decisions SET kind = 'decision' WHERE seq = 2")
    sql(store, "UPDATE decisions SET rules_version = 7 WHERE seq = 3")
    assert broken_at(store) == [(3, "column_mismatch")]


def test_append_refuses_a_kind_its_body_does_not_carry(store: SqlStore) -> None:
    with pytest.raises(StoreError) as caught:
        store.append(a_decision(1), FACTS, "rule text", kind="publish")
    assert caught.value.code == "store_kind_mismatch" and store.count() == 0
    entry = store.append({**a_decision(2), "kind": "publish"}, {}, "rule text", kind="publish")
    assert entry["seq"] == 1 and broken_at(store) == []


# --- concurrent writers ----------------------------------------------------------------------------


def test_writers_on_separate_connections_build_one_chain(store_url: str) -> None:
    """Four connections (as four workers have) append 50 records each at once."""
    stores = [open_store(store_url) for _ in range(4)]
    errors: list[BaseException] = []

    def write(index: int, opened: SqlStore) -> None:
        try:
            for n in range(50):
                opened.append(a_decision(1000 * (index + 1) + n), FACTS, "rule text")
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i, s)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        result = verify_chain(stores[0].rows())
        assert result["ok"] and result["checked"] == 200, result["first_broken"]
        assert [r.seq for r in stores[0].rows()] == list(range(1, 201))
    finally:
        for opened in stores:
            opened.close()


def test_threads_sharing_one_store_are_group_committed_into_one_chain(store: SqlStore,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight request threads on one connection (one worker's thread pool): every record kept, in one chain,
    with fewer commits than records when they queue up behind each other."""
    commits = 0
    real = store._execute

    def counting(statement: str, params: tuple[Any, ...] = ()) -> Any:
        nonlocal commits
        commits += statement == "COMMIT"
        return real(statement, params)

    monkeypatch.setattr(store, "_execute", counting)
    entries: list[dict[str, Any]] = []
    lock = threading.Lock()

    def write(index: int) -> None:
        for n in range(50):
            entry = store.append(a_decision(1000 * (index + 1) + n), FACTS, "rule text")
            with lock:
                entries.append(entry)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(e["seq"] for e in entries) == list(range(1, 401))
    result = verify_chain(store.rows())
    assert result["ok"] and result["checked"] == 400
    assert 1 <= commits <= 400


def test_awaited_appends_are_group_committed_by_the_writer_thread(store: SqlStore,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """64 requests on one event loop await their records (``append_async``, as POST /v1/decisions does) while
    a thread appends synchronously (as the CLI does): every record kept, one chain, each caller told its own
    entry, and fewer commits than records (the writer takes whatever queued while it was committing)."""
    commits = 0
    real = store._execute

    def counting(statement: str, params: tuple[Any, ...] = ()) -> Any:
        nonlocal commits
        commits += statement == "COMMIT"
        return real(statement, params)

    monkeypatch.setattr(store, "_execute", counting)
    beside: list[dict[str, Any]] = []
    thread = threading.Thread(target=lambda: beside.extend(
        store.append(a_decision(9000 + n), FACTS, "rule text") for n in range(16)))

    async def requests() -> list[dict[str, Any]]:
        thread.start()
        return list(await asyncio.gather(*(store.append_async(a_decision(n), {**FACTS, "insured_count": n},
                                                              "rule text") for n in range(1, 65))))

    awaited = asyncio.run(requests())
    thread.join(timeout=60)
    assert sorted(e["seq"] for e in awaited + beside) == list(range(1, 81))
    by_id = {row.record_id: row for row in store.rows()}
    for n, entry in enumerate(awaited, 1):  # each awaiting request got its own record's entry
        assert by_id[f"d-{n:04d}"].entry() == entry
    result = verify_chain(store.rows())
    assert result["ok"] and result["checked"] == 80, result["first_broken"]
    assert 1 <= commits < 80
