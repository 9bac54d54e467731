"""The embedded store: one SQLite file in WAL mode, ``synchronous=FULL``.

With FULL, a commit is on disk before ``append`` returns, so a process killed right after its
response, or a power cut, keeps the record. ``BEGIN IMMEDIATE`` takes the write lock before reading the
chain head, so several processes (uvicorn workers) appending at once still build one chain.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .base import GENESIS_HASH, chain_hash, record_body

__all__ = ["SqliteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rule_versions (
    sha256        TEXT PRIMARY KEY,
    program       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    path          TEXT NOT NULL,
    content       TEXT NOT NULL,
    first_seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id   TEXT NOT NULL UNIQUE,
    program       TEXT NOT NULL,
    fiscal_year   INTEGER NOT NULL,
    rules_version INTEGER NOT NULL,
    rules_sha256  TEXT NOT NULL REFERENCES rule_versions(sha256),
    decided_at    TEXT NOT NULL,
    facts         TEXT NOT NULL,
    decision      TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_program_year ON decisions(program, fiscal_year);
"""


class SqliteStore:
    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError("記録先のデータベースを開けません", f"cannot open the store {path!r}: {exc}",
                             code="store_unavailable") from exc
        self._lock = threading.Lock()

    def save_rule_version(self, sha256: str, program: str, version: int, path: str, content: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO rule_versions(sha256, program, version, path, content, first_seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (sha256, program, version, path, content, datetime.now(UTC).isoformat()))

    def append(self, decision: Mapping[str, Any], facts: Mapping[str, Any], rule_text: str) -> dict[str, Any]:
        body = record_body(decision, facts)
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    "INSERT OR IGNORE INTO rule_versions(sha256, program, version, path, content, first_seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (decision["rules_sha256"], decision["program"], decision["rules_version"], "",
                     rule_text, decision["decided_at"]))
                row = self._db.execute("SELECT hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
                prev_hash = row[0] if row else GENESIS_HASH
                digest = chain_hash(prev_hash, body)
                cursor = self._db.execute(
                    "INSERT INTO decisions(decision_id, program, fiscal_year, rules_version, rules_sha256, "
                    "decided_at, facts, decision, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (decision["decision_id"], decision["program"], decision["fiscal_year"], decision["rules_version"],
                     decision["rules_sha256"], decision["decided_at"], json.dumps(facts, ensure_ascii=False),
                     json.dumps(decision, ensure_ascii=False), prev_hash, digest))
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                try:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # a closed or broken connection has no transaction left to roll back
                raise StoreError("判定を記録できなかったため、判定結果は返せません",
                                 f"the decision could not be recorded, so it is not answered: {exc}",
                                 code="store_write_failed") from exc
        return {"seq": cursor.lastrowid, "prev_hash": prev_hash, "hash": digest}

    def get(self, decision_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT seq, facts, decision, prev_hash, hash FROM decisions WHERE decision_id = ?",
                                   (decision_id,)).fetchone()
        if row is None:
            return None
        seq, facts, decision, prev_hash, digest = row
        return {"decision": json.loads(decision), "facts": json.loads(facts),
                "log": {"seq": seq, "prev_hash": prev_hash, "hash": digest}}

    def rule_version_text(self, sha256: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT content FROM rule_versions WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else str(row[0])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM decisions").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
