"""Audit export of the decision log: JSON pages, JSONL and CSV (one row per recorded decision).

Every format pages the same way: ``limit`` records after the ``after`` cursor (a ``seq``), and the cursor
of the next page. CSV can carry the facts as columns (``facts.<name>``; nested facts by dotted path, lists
as JSON), so a spreadsheet shows what each decision was decided on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import IO, Any

from ..store import LogRow, Query, SqlStore

__all__ = ["CSV_COLUMNS", "csv_lines", "jsonl_lines", "page", "valid_date", "write_export"]

CSV_COLUMNS = ("seq", "kind", "decision_id", "program", "fiscal_year", "rules_version", "rules_sha256", "eligible",
               "amount_yen", "cap_yen", "decided_at", "prev_hash", "hash")


def valid_date(text: str) -> bool:
    """An ISO date (``2026-04-01``) or date-time (``2026-04-01T09:00:00+09:00``), as ``from``/``to`` take."""
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _entry(row: LogRow) -> dict[str, Any]:
    record = row.record()
    return {**record["decision"], "kind": row.kind, "facts": record["facts"], "log": record["log"]}


def page(store: SqlStore, query: Query) -> dict[str, Any]:
    """Return one page (``query.limit`` records after ``query.after_seq``) and the cursor for the next."""
    rows = list(store.rows(query))
    more = query.limit is not None and len(rows) == query.limit
    return {"decisions": [_entry(row) for row in rows], "next_after": rows[-1].seq if rows and more else None}


def jsonl_lines(store: SqlStore, query: Query, last: list[int] | None = None) -> Iterator[str]:
    """``last`` (if given) receives the seq of each line written: the caller's cursor."""
    for row in store.rows(query):
        yield json.dumps(_entry(row), ensure_ascii=False, sort_keys=True) + "\n"
        if last is not None:
            last[:] = [row.seq]


def _flat(value: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}", out)
    elif isinstance(value, bool):
        out[prefix] = str(value).lower()
    elif value is None:
        out[prefix] = ""
    elif isinstance(value, list):
        out[prefix] = json.dumps(value, ensure_ascii=False)
    else:
        out[prefix] = str(value)


def _facts_columns(row: LogRow) -> dict[str, str]:
    out: dict[str, str] = {}
    _flat(json.loads(row.facts_text), "facts", out)
    return out


def csv_lines(store: SqlStore, query: Query, facts: bool = False, last: list[int] | None = None) -> Iterator[str]:
    """The header, then one line per record; with ``facts``, the log is read twice (columns, then rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    fact_columns = sorted({c for row in store.rows(query) for c in _facts_columns(row)}) if facts else []
    writer.writerow((*CSV_COLUMNS, *fact_columns))
    yield flush()
    for row in store.rows(query):
        decision = json.loads(row.decision_text)
        values = {"seq": row.seq, "kind": row.kind, "decision_id": row.record_id, "program": row.program,
                  "fiscal_year": row.fiscal_year, "rules_version": decision.get("rules_version"),
                  "rules_sha256": row.rules_sha256, "eligible": decision.get("eligible"),
                  "amount_yen": decision.get("amount_yen"), "cap_yen": decision.get("cap_yen"),
                  "decided_at": row.decided_at, "prev_hash": row.prev_hash, "hash": row.hash}
        cells = ["" if values[c] is None else str(values[c]).lower() if isinstance(values[c], bool)
                 else values[c] for c in CSV_COLUMNS]
        if facts:
            own = _facts_columns(row)
            cells += [own.get(c, "") for c in fact_columns]
        writer.writerow(cells)
        yield flush()
        if last is not None:
            last[:] = [row.seq]


def write_export(store: SqlStore, query: Query, fmt: str, out: IO[str], facts: bool = False) -> int | None:
    """Write the export; return the seq of the last record written (the next page's ``after``), if any."""
    last: list[int] = []
    lines = jsonl_lines(store, query, last) if fmt == "jsonl" else csv_lines(store, query, facts, last)
    for line in lines:
        out.write(line)
    return last[0] if last else None
