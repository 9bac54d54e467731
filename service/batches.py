"""Batch decisions (一括判定): many applications of one program and fiscal year, decided a table at a time.

Shared by ``POST /v1/batches`` and ``hojo batch``. Each row is decided by the columnar evaluator
(``core/columnar.py``) when it can express the version and the row's facts are certainly valid, otherwise by
the engine of record, one row at a time; either way the answer is the engine's (the differential tests hold
them equal). Every decided row is recorded in the log as one record of kind ``batch``, in group commits
(``SqlStore.append_many``), before any of the chunk's rows are answered; a replay decides it again with the
engine and compares the batch fields.

A batch row answers (the **batch output row**): ``row`` (the caller's ``id``, or the line number from 1),
``decision_id``, ``program``, ``fiscal_year``, ``rules_version``, ``rules_sha256``, ``ruleset``,
``eligible`` (null: undetermined), ``amount_yen``, ``cap_yen``; or ``row`` and ``error`` (code, messages and
one problem per JSON path, as a 422 of ``POST /v1/decisions``). Reasons are not part of it: ask
``hojo redecide`` or ``POST /v1/decisions`` for one application's reasons.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .kernel.errors import HojoError, InvalidRequestError, Problem
from .kernel.strict_json import parse_json
from .rulebook.model import RuleVersion

if TYPE_CHECKING:
    from .core.columnar import BatchResult
    from .decisions import DecisionService

__all__ = ["BATCH_ROW_FIELDS", "BatchService", "MAX_HTTP_ROWS"]

BATCH_ROW_FIELDS = ("row", "decision_id", "program", "fiscal_year", "rules_version", "rules_sha256", "ruleset",
                    "eligible", "amount_yen", "cap_yen")
#: one HTTP batch: at most this many lines (and ``MAX_HTTP_BYTES``); larger files go through ``hojo batch``
MAX_HTTP_ROWS = 100_000
MAX_HTTP_BYTES = 32 * 1024 * 1024
#: rows decided, recorded (one transaction) and answered together
CHUNK_ROWS = 100_000


class BatchService:
    """Decides batches with the decision service's rulebook, engine and store."""

    def __init__(self, service: DecisionService) -> None:
        self.service = service

    def select(self, program: str, fiscal_year: int, version: int | None = None) -> RuleVersion:
        return self.service.rulebook.select(program, fiscal_year, version)

    # -- JSON Lines -----------------------------------------------------------------------------------
    def parse_lines(self, lines: Iterable[bytes], first: int = 1) -> tuple[list[Any], list[Any],
                                                                         dict[int, dict[str, Any]]]:
        """Return (row ids, facts, errors by index) of ``{"id"?, "facts": {...}}`` lines; a blank line is skipped."""
        ids: list[Any] = []
        facts: list[Any] = []
        errors: dict[int, dict[str, Any]] = {}
        for number, raw in enumerate(lines, start=first):
            if not raw.strip():
                continue
            row_id: Any = number
            try:
                item = parse_json(raw)
                if not isinstance(item, dict) or not isinstance(item.get("facts"), dict) or set(item) - {"id", "facts"}:
                    raise InvalidRequestError(
                        "各行は {\"id\": …, \"facts\": {…}} の形にしてください",
                        'each line must be {"id": …, "facts": {…}}', code="invalid_batch_line",
                        problems=[Problem(f"$[{number}]", "invalid_batch_line", "行の形式が違います",
                                          'not {"id"?, "facts": {…}}')])
                given = item.get("id", number)
                if not isinstance(given, (str, int)) or isinstance(given, bool) or len(str(given)) > 200:
                    raise InvalidRequestError("id は 200 文字以内の文字列か整数です", "id must be a string or an "
                                              "integer of at most 200 characters", code="invalid_batch_line",
                                              problems=[Problem(f"$[{number}].id", "invalid_batch_line",
                                                                "id が不正です", "invalid id")])
                row_id = given
                facts.append(item["facts"])
            except HojoError as exc:
                facts.append(None)
                errors[len(facts) - 1] = exc.as_dict()
            ids.append(row_id)
        return ids, facts, errors

    def decide_rows(self, rv: RuleVersion, fiscal_year: int, ids: list[Any], facts: list[Any],
                    errors: dict[int, dict[str, Any]], requested_by: str, record: bool = True,
                    batch_id: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Decide parsed rows (``None`` facts with an entry in ``errors``), record them, return the output rows."""
        from .core.columnar import decide_rows

        keep = [i for i in range(len(facts)) if i not in errors]
        result = decide_rows(self.service.decider, rv, [facts[i] for i in keep])
        decided, summary = self._finish(rv, fiscal_year, [ids[i] for i in keep], result, requested_by, record,
                                        batch_id)
        rows: list[dict[str, Any]] = [{"row": ids[i], "error": e} for i, e in errors.items()]
        placed = dict(zip(keep, decided, strict=True))
        placed.update(zip(errors, rows, strict=True))
        summary["invalid"] += len(errors)
        summary["rows"] = len(ids)
        return [placed[i] for i in range(len(ids))], summary

    def decide_frame(self, rv: RuleVersion, fiscal_year: int, ids: list[Any], frame: Any, requested_by: str,
                     record: bool = True, batch_id: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Decide a typed table (CSV or Parquet, null = absent), record it, return the output rows."""
        from .core.columnar import decide_frame

        result = decide_frame(self.service.decider, rv, frame, want_facts=record)
        return self._finish(rv, fiscal_year, ids, result, requested_by, record, batch_id)

    def _finish(self, rv: RuleVersion, fiscal_year: int, ids: list[Any], result: BatchResult, requested_by: str,
                record: bool, batch_id: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        batch_id = batch_id or str(uuid.uuid4())
        common = {"program": rv.program, "fiscal_year": fiscal_year, "rules_version": rv.version,
                  "rules_sha256": rv.sha256, "ruleset": rv.name}
        out: dict[Any, dict[str, Any]] = {}
        records = []
        for index, row_id in enumerate(ids):
            if result.error[index] is not None:
                out[index] = {"row": row_id, "error": result.error[index]}
                continue
            decision = {"decision_id": str(uuid.uuid4()), "kind": "batch", **common, "eligible": result.eligible[index],
                        "amount_yen": result.amount_yen[index], "cap_yen": result.cap_yen[index],
                        "decided_at": now, "requested_by": requested_by, "batch_id": batch_id, "batch_row": row_id}
            records.append((decision, result.facts[index] or {}, rv.text))
            out[index] = {"row": row_id, **{k: decision[k] for k in BATCH_ROW_FIELDS if k != "row"}}
        if record and records:
            # All of the chunk is kept, or none of it is answered (StoreError → 503 / exit 2).
            self.service.store.append_many(records, kind="batch")
        rows = [out[i] for i in range(len(ids))]
        counts = result.counts()
        summary = {"batch_id": batch_id, "ruleset": rv.name, "rows": len(rows), **counts,
                   "recorded": len(records) if record else 0, "columnar_fallback": result.fallback_reason}
        return rows, summary


def jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
