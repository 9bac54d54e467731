"""The embedded store: one SQLite file in WAL mode, ``synchronous=FULL``.

With FULL, a commit is on disk before ``append`` returns, so a process killed right after its
response, or a power cut, keeps the record. ``BEGIN IMMEDIATE`` takes the write lock before reading the
chain head, so several processes (uvicorn workers) appending at once still build one chain.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..kernel.errors import StoreError
from .sql import SqlStore, schema_statements

__all__ = ["SqliteStore"]

_SCHEMA = schema_statements("INTEGER")


class SqliteStore(SqlStore):
    errors = (sqlite3.Error,)

    def __init__(self, path: str) -> None:
        super().__init__()
        self.url = "sqlite://:memory:" if path == ":memory:" else f"sqlite:///{path}"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError("記録先のデータベースを開けません", f"cannot open the store {path!r}: {exc}",
                             code="store_unavailable") from exc

    def _conn(self) -> Any:
        return self._db

    def _begin_write(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self._db.execute(f"PRAGMA table_info({table})").fetchall())

    def _in_transaction(self) -> bool:
        return self._db.in_transaction

    def close(self) -> None:
        with self._lock:
            self._db.close()
