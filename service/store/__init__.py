"""Decision stores. ``open_store(url)`` picks the backend from the URL.

``sqlite:///relative.db``, ``sqlite:////absolute.db``, ``sqlite://:memory:`` (the embedded default), or
``postgresql://user@host:port/db`` (many workers, many machines).
"""

from __future__ import annotations

from ..kernel.errors import StoreError
from .base import GENESIS_HASH, DecisionStore, LogRow, OutcomeRow, Query, verify_chain
from .sql import SqlStore
from .sqlite import SqliteStore

__all__ = ["GENESIS_HASH", "DecisionStore", "LogRow", "OutcomeRow", "Query", "SqlStore", "SqliteStore", "open_store",
           "verify_chain"]


def open_store(url: str) -> SqlStore:
    """Return the store for ``url``."""
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path.removeprefix("/") == "":
            # SQLite would open an anonymous temporary database, deleted on close: decisions answered, not kept.
            raise StoreError("データベース URL にファイルのパスがありません",
                             f"store URL {url!r} names no file (use sqlite:///path or sqlite://:memory:)",
                             code="store_url")
        return SqliteStore(":memory:" if path == ":memory:" else path.removeprefix("/"))
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # psycopg is loaded only for a PostgreSQL store

        return PostgresStore(url)
    raise StoreError("対応していないデータベース URL です",
                     f"unsupported store URL {url!r} (use sqlite:///path or postgresql://user@host/db)",
                     code="store_url")
