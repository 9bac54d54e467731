"""Audit export of the decision log: JSON pages, JSONL and CSV (one row per recorded decision)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from ..store import LogRow, Query, SqlStore

__all__ = ["CSV_COLUMNS", "csv_lines", "jsonl_lines", "page", "write_export"]

CSV_COLUMNS = ("seq", "kind", "decision_id", "program", "fiscal_year", "rules_version", "rules_sha256", "eligible",
               "amount_yen", "cap_yen", "decided_at", "prev_hash", "hash")


def _entry(row: LogRow) -> dict[str, Any]:
    record = row.record()
    return {**record["decision"], "kind": row.kind, "facts": record["facts"], "log": record["log"]}


def page(store: SqlStore, query: Query) -> dict[str, Any]:
    """Return one page (``query.limit`` records after ``query.after_seq``) and the cursor for the next."""
    rows = list(store.rows(query))
    more = query.limit is not None and len(rows) == query.limit
    return {"decisions": [_entry(row) for row in rows], "next_after": rows[-1].seq if rows and more else None}


def jsonl_lines(store: SqlStore, query: Query) -> Iterator[str]:
    for row in store.rows(query):
        yield json.dumps(_entry(row), ensure_ascii=False, sort_keys=True) + "\n"


def csv_lines(store: SqlStore, query: Query) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for row in store.rows(query):
        decision = json.loads(row.decision_text)
        values = {"seq": row.seq, "kind": row.kind, "decision_id": row.record_id, "program": row.program,
                  "fiscal_year": row.fiscal_year, "rules_version": decision.get("rules_version"),
                  "rules_sha256": row.rules_sha256, "eligible": decision.get("eligible"),
                  "amount_yen": decision.get("amount_yen"), "cap_yen": decision.get("cap_yen"),
                  "decided_at": row.decided_at, "prev_hash": row.prev_hash, "hash": row.hash}
        writer.writerow(["" if values[c] is None else str(values[c]).lower() if isinstance(values[c], bool)
                         else values[c] for c in CSV_COLUMNS])
        yield flush()


def write_export(store: SqlStore, query: Query, fmt: str, out: IO[str]) -> None:
    for line in (jsonl_lines if fmt == "jsonl" else csv_lines)(store, query):
        out.write(line)
