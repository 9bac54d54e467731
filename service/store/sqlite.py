"""The embedded store: one SQLite file in WAL mode, ``synchronous=FULL``.

With FULL, a commit is on disk before ``append`` returns, so a process killed right after its
response, or a power cut, keeps the record. ``BEGIN IMMEDIATE`` takes the write lock before reading the
chain head, so several processes (uvicorn workers) appending at once still build one chain.

Processes sharing the file take turns at writing through an ``flock`` on ``<file>-writer.lock`` first:
a waiting writer sleeps in the kernel and wakes the moment the holder commits, where SQLite's own busy
handler polls with sleeps of up to 100 ms (measured: p99 in the hundreds of ms with two workers). While
one process writes, the other's records queue up and go in its next transaction, so the group commit
spans processes. SQLite's write lock and its timeout still guard every writer that does not take the file
lock (an older hojo, the sqlite3 shell).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..kernel.errors import StoreError
from .sql import SqlStore, schema_statements

__all__ = ["SqliteStore"]

_SCHEMA = schema_statements("INTEGER")


class SqliteStore(SqlStore):
    errors = (sqlite3.Error,)
    # json_extract with several paths parses the text once and answers a JSON array (true stays true, not 1);
    # json_valid first, as json_extract stops the whole statement at one malformed text
    outcome_sql = ("CASE WHEN json_valid(decision) THEN json_extract(decision, '$.ruleset', '$.eligible', "
                   "'$.amount_yen', '$.cap_yen') END")

    def __init__(self, path: str) -> None:
        super().__init__()
        self.url = "sqlite://:memory:" if path == ":memory:" else f"sqlite:///{path}"
        #: the file whose ``flock`` orders this file's writers, across processes (none in memory)
        self._turns: int | None = None
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
            if path != ":memory:":
                self._turns = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError("記録先のデータベースを開けません", f"cannot open the store {path!r}: {exc}",
                             code="store_unavailable") from exc

    def _conn(self) -> Any:
        return self._db

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        turns = self._turns
        if turns is None:
            yield
            return
        fcntl.flock(turns, fcntl.LOCK_EX)  # the GIL is released while waiting
        try:
            yield
        finally:
            fcntl.flock(turns, fcntl.LOCK_UN)

    def _begin_write(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _has_column(self, table: str, column: str) -> bool:
        return any(row[1] == column for row in self._db.execute(f"PRAGMA table_info({table})").fetchall())

    def _in_transaction(self) -> bool:
        return self._db.in_transaction

    def close(self) -> None:
        self._stop_writer()
        with self._lock:
            self._db.close()
            if self._turns is not None:
                os.close(self._turns)
                self._turns = None
