"""The store for many workers and machines: PostgreSQL (``HOJO_DB=postgresql://user@host/db``).

Each append runs in one transaction that first takes ``LOCK TABLE decisions IN SHARE ROW EXCLUSIVE
MODE``: appends from any number of processes are serialised on the chain head (readers are not
blocked), so the log stays one chain. A commit returns only once PostgreSQL has flushed it
(``synchronous_commit`` is left at its default, ``on``).
"""

from __future__ import annotations

from typing import Any

import psycopg

from ..errors import StoreError
from .sql import SqlStore

__all__ = ["PostgresStore"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS rule_versions (
        sha256        TEXT PRIMARY KEY,
        program       TEXT NOT NULL,
        version       INTEGER NOT NULL,
        path          TEXT NOT NULL,
        content       TEXT NOT NULL,
        facts_schema  TEXT NOT NULL DEFAULT '',
        first_seen_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS decisions (
        seq           BIGINT PRIMARY KEY,
        kind          TEXT NOT NULL DEFAULT 'decision',
        decision_id   TEXT NOT NULL UNIQUE,
        program       TEXT NOT NULL,
        fiscal_year   INTEGER NOT NULL,
        rules_version INTEGER NOT NULL,
        rules_sha256  TEXT NOT NULL REFERENCES rule_versions(sha256),
        decided_at    TEXT NOT NULL,
        facts         TEXT NOT NULL,
        decision      TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS decisions_program_year ON decisions(program, fiscal_year)",
    "CREATE INDEX IF NOT EXISTS decisions_decided_at ON decisions(decided_at)",
)


class PostgresStore(SqlStore):
    errors = (psycopg.Error,)
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
            # Two workers starting at once may both try to create the tables: serialise that too.
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(4242001)")
                for statement in _SCHEMA:
                    self._db.execute(statement)
        except psycopg.Error as exc:
            raise StoreError("記録先のデータベースを開けません", f"cannot open the store {_redacted(url)}: {exc}",
                             code="store_unavailable") from exc

    def _conn(self) -> Any:
        return self._db

    def _begin_write(self) -> None:
        self._db.execute("BEGIN")
        self._db.execute("LOCK TABLE decisions IN SHARE ROW EXCLUSIVE MODE")

    def _in_transaction(self) -> bool:
        return bool(self._db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest and ":" in rest.split("@", 1)[0]:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        rest = f"{user}:***@{rest.split('@', 1)[1]}"
    return f"{scheme}{sep}{rest}"
