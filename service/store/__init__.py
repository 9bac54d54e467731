"""Decision stores. ``open_store(url)`` picks the backend from the URL (``sqlite:///path``)."""

from __future__ import annotations

from ..errors import StoreError
from .base import DecisionStore
from .sqlite import SqliteStore

__all__ = ["DecisionStore", "SqliteStore", "open_store"]


def open_store(url: str) -> SqliteStore:
    """Return the store for ``url``: ``sqlite:///relative.db``, ``sqlite:////abs.db`` or ``sqlite://:memory:``."""
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path.removeprefix("/") == "":
            # SQLite would open an anonymous temporary database, deleted on close: decisions answered, not kept.
            raise StoreError("データベース URL にファイルのパスがありません",
                             f"store URL {url!r} names no file (use sqlite:///path or sqlite://:memory:)",
                             code="store_url")
        return SqliteStore(":memory:" if path == ":memory:" else path.removeprefix("/"))
    raise StoreError("対応していないデータベース URL です", f"unsupported store URL {url!r} (use sqlite:///path)",
                     code="store_url")
