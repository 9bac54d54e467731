"""The store for many workers and machines: PostgreSQL (``HOJO_DB=postgresql://user@host/db``).

Each append runs in one transaction that first takes ``LOCK TABLE decisions IN SHARE ROW EXCLUSIVE
MODE``: appends from any number of processes are serialised on the chain head (readers are not
blocked), so the log stays one chain. A commit returns only once PostgreSQL has flushed it
(``synchronous_commit`` is left at its default, ``on``).
"""

from __future__ import annotations

from typing import Any

import psycopg

from ..kernel.config import redacted_url as _redacted
from ..kernel.errors import StoreError
from .sql import SqlStore, schema_statements

__all__ = ["PostgresStore"]

_SCHEMA = schema_statements("BIGINT")


class PostgresStore(SqlStore):
    errors = (psycopg.Error,)
    placeholder = "%s"
    # the text is parsed once, into jsonb; its numbers print back with every digit
    outcome_sql = ("(SELECT jsonb_build_array(j -> 'ruleset', j -> 'eligible', j -> 'amount_yen', j -> 'cap_yen')"
                   "::text FROM (SELECT decision::jsonb AS j) AS parsed)")

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
                self._migrate()
        except psycopg.Error as exc:
            raise StoreError("記録先のデータベースを開けません", f"cannot open the store {_redacted(url)}: {exc}",
                             code="store_unavailable") from exc

    def _conn(self) -> Any:
        return self._db

    def _begin_write(self) -> None:
        self._db.execute("BEGIN")
        self._db.execute("LOCK TABLE decisions IN SHARE ROW EXCLUSIVE MODE")

    def _has_column(self, table: str, column: str) -> bool:
        return self._db.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                                "AND table_name = %s AND column_name = %s", (table, column)).fetchone() is not None

    def _begin_tree(self) -> None:
        # Appends lock ``decisions``; the tree has its own lock, so extending it never holds up a decision.
        self._db.execute("BEGIN")
        self._db.execute("LOCK TABLE log_tree IN SHARE ROW EXCLUSIVE MODE")

    def _in_transaction(self) -> bool:
        return bool(self._db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    def close(self) -> None:
        self._stop_writer()
        with self._lock:
            self._db.close()
