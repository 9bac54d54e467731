"""Durability: a decision answered 200 is in the log even if the server is SIGKILLed right after answering.

Three cycles on one SQLite file: start ``hojo serve``, decide 15 applications one after another, and kill
the process (no shutdown, no checkpoint) the moment the 15th answer arrives. Then the file is read with
the ``sqlite3`` module alone: every answered decision is there, nothing else is, and the hash chain runs
unbroken across the three restarts.

What SIGKILL proves is that the answer is sent only after the commit; it cannot prove ``fsync``
(the page cache survives a killed process). That part rests on ``synchronous=FULL``, checked in
tests/test_store.py.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port, start_server

pytestmark = pytest.mark.slow

CYCLES = 3
PER_CYCLE = 15
BUDGET_SECONDS = 30.0
GENESIS = "0" * 64
REQUEST: dict[str, Any] = {
    "program": "kokuho_healthup_municipal", "fiscal_year": 2024,
    "facts": {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
              "third_party_evaluation": False, "designated_model": False}}


def expected_hash(prev_hash: str, decision: dict[str, Any], facts: dict[str, Any]) -> str:
    body = json.dumps({"decision": decision, "facts": facts}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def decide_then_kill(db_path: Path) -> list[str]:
    """One cycle: start a server, get PER_CYCLE 200s, SIGKILL it on the last; return the answered ids."""
    port = free_port()
    proc = start_server(db_path, port)  # waits at most 30 s for /healthz
    answered: list[str] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(PER_CYCLE):
                response = client.post("/v1/decisions", json=REQUEST)
                if len(answered) == PER_CYCLE - 1 and response.status_code == 200:
                    proc.kill()  # the instant the last answer is in, before it is even parsed
                assert response.status_code == 200, response.text
                answered.append(response.json()["decision_id"])
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return answered


def read_log(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path, timeout=5) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT seq, decision_id, prev_hash, hash, decision, facts, rules_sha256, "
                          "(SELECT count(*) FROM rule_versions r WHERE r.sha256 = d.rules_sha256) "
                          "FROM decisions d ORDER BY seq").fetchall()


def test_every_answered_decision_survives_sigkill_and_the_chain_holds(tmp_path: Path) -> None:
    db_path = tmp_path / "hojo.sqlite3"
    started = time.monotonic()
    answered: list[str] = []
    for cycle in range(CYCLES):
        answered += decide_then_kill(db_path)
        # The killed server left its write-ahead log behind: the next start has to recover from it.
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0, f"cycle {cycle}: no WAL left, so nothing was tested"
        assert time.monotonic() - started < BUDGET_SECONDS, f"over budget after cycle {cycle}"

    rows = read_log(db_path)
    assert len(answered) == CYCLES * PER_CYCLE == 45
    assert len(set(answered)) == 45
    assert [row[1] for row in rows] == answered  # all present, nothing extra, in the order answered
    assert [row[0] for row in rows] == list(range(1, 46))
    prev = GENESIS
    for seq, _, prev_hash, digest, decision_text, facts_text, rules_sha256, texts_kept in rows:
        decision, facts = json.loads(decision_text), json.loads(facts_text)
        assert prev_hash == prev, f"chain broken at seq {seq}"
        assert digest == expected_hash(prev_hash, decision, facts), f"record {seq} does not match its hash"
        assert (decision["amount_yen"], facts) == (13_500_000, REQUEST["facts"])
        assert texts_kept == 1, f"record {seq} names rule text {rules_sha256} the store lacks"
        prev = digest
