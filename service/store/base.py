"""The decision store's contract, shared by every backend, and the chain check.

A record is written before its decision is answered; if the write fails, the caller answers with an
error, so no decision exists that the log does not hold. Records are chained:
``hash = sha256(prev_hash ‖ canonical record)``, so an edited, inserted, deleted or reordered record
breaks the chain from that point on. The facts and the decision are stored as canonical JSON text, so
any changed byte either changes the canonical record (the hash no longer matches) or leaves text that is
no longer canonical; both are reported. A truncated tail leaves a valid chain, which is why the head and
the count can be exported and anchored outside the database (``verify_chain(..., expected=...)``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..kernel.canonical import canonical_json, sha256_hex

__all__ = ["GENESIS_HASH", "DecisionStore", "LogRow", "Query", "chain_hash", "record_body", "verify_chain"]

GENESIS_HASH = "0" * 64


def record_body(decision: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """Return the canonical text a log record is hashed over: the whole decision and its facts."""
    return canonical_json({"decision": decision, "facts": facts})


def chain_hash(prev_hash: str, body: str) -> str:
    return sha256_hex(prev_hash + body)


@dataclass(frozen=True)
class LogRow:
    """One stored record, exactly as its columns hold it (texts unparsed)."""

    seq: int
    kind: str
    record_id: str
    program: str
    fiscal_year: int
    rules_sha256: str
    decided_at: str
    facts_text: str
    decision_text: str
    prev_hash: str
    hash: str

    def entry(self) -> dict[str, Any]:
        return {"seq": self.seq, "prev_hash": self.prev_hash, "hash": self.hash}

    def record(self) -> dict[str, Any]:
        return {"kind": self.kind, "decision": json.loads(self.decision_text), "facts": json.loads(self.facts_text),
                "log": self.entry()}


@dataclass(frozen=True)
class Query:
    """A filter over the log, for listings, exports and bulk replay; ``after_seq`` pages through it."""

    program: str | None = None
    fiscal_year: int | None = None
    decided_from: str | None = None  # ISO date or timestamp, inclusive
    decided_to: str | None = None  # ISO date or timestamp, exclusive
    kind: str | None = None
    after_seq: int = 0
    limit: int | None = None
    #: (index, count): only the records with seq % count == index (one share of a parallel replay)
    shard: tuple[int, int] | None = None


class DecisionStore(Protocol):
    url: str

    def save_rule_version(self, sha256: str, program: str, version: int, path: str, content: str,
                          facts_schema: str = "") -> None:
        """Keep the exact text of a rule version and of its facts schema (idempotent)."""

    def append(self, decision: Mapping[str, Any], facts: Mapping[str, Any], rule_text: str,
               kind: str = "decision") -> dict[str, Any]:
        """Durably append one record; return its log entry (seq, prev_hash, hash)."""

    def get(self, decision_id: str) -> dict[str, Any] | None:
        """Return the stored record (kind, decision, facts, log entry), or None."""

    def rule_version(self, sha256: str) -> dict[str, Any] | None:
        """Return the stored rule version (program, version, path, content, facts_schema), or None."""

    def rule_version_text(self, sha256: str) -> str | None:
        """Return the stored text of a rule version."""

    def rows(self, query: Query | None = None) -> Iterator[LogRow]:
        """Yield stored rows in log order (by seq), filtered."""

    def head(self) -> dict[str, Any]:
        """Return the chain head: ``{"count", "last_seq", "head_hash"}``, for anchoring outside the store."""

    def count(self) -> int: ...

    def close(self) -> None: ...


def _problem(row: LogRow, code: str, en: str, ja: str) -> dict[str, Any]:
    return {"seq": row.seq, "decision_id": row.record_id, "code": code, "message_en": en, "message_ja": ja}


def verify_chain(rows: Iterable[LogRow], expected: Mapping[str, Any] | None = None,
                 max_problems: int = 100) -> dict[str, Any]:
    """Check every link of the log; return ``{"ok", "checked", "head_hash", "first_broken", "broken"}``.

    ``expected`` (``{"count", "head_hash"}`` exported earlier) also catches a truncated tail.
    """
    broken: list[dict[str, Any]] = []
    prev_hash, prev_seq, checked = GENESIS_HASH, 0, 0
    for row in rows:
        checked += 1
        found = None
        if row.seq != prev_seq + 1:
            found = _problem(row, "seq_gap", f"seq {row.seq} follows {prev_seq}: a record is missing or reordered",
                             f"連番 {row.seq} が {prev_seq} の次にあります（記録の欠落または順序の入れ替え）")
        elif row.prev_hash != prev_hash:
            found = _problem(row, "prev_hash_mismatch", "prev_hash does not match the previous record's hash "
                             "(a record was inserted, deleted or reordered before it)",
                             "prev_hash が直前の記録のハッシュと一致しません（挿入・削除・入れ替え）")
        else:
            try:
                facts, decision = json.loads(row.facts_text), json.loads(row.decision_text)
            except ValueError:
                facts = decision = None
            if facts is None or canonical_json(facts) != row.facts_text or canonical_json(
                    decision) != row.decision_text:
                found = _problem(row, "not_canonical", "the stored text is not the canonical JSON that was hashed",
                                 "記録の本文が、ハッシュを計算した正規形の JSON ではありません（書き換え）")
            elif chain_hash(row.prev_hash, record_body(decision, facts)) != row.hash:
                found = _problem(row, "hash_mismatch", "the record's content does not match its hash (edited)",
                                 "記録の内容がハッシュと一致しません（書き換え）")
            elif (decision.get("decision_id") != row.record_id
                  or decision.get("program") != row.program or decision.get("fiscal_year") != row.fiscal_year
                  or decision.get("rules_sha256") != row.rules_sha256 or decision.get("decided_at") != row.decided_at):
                found = _problem(row, "column_mismatch", "an indexed column disagrees with the hashed record",
                                 "索引用の列が、ハッシュされた記録と一致しません（書き換え）")
        if found and len(broken) < max_problems:
            broken.append(found)
        prev_hash, prev_seq = row.hash, row.seq
    if expected is not None:
        if checked != expected.get("count", checked) or prev_hash != expected.get("head_hash", prev_hash):
            broken.append({"seq": None, "decision_id": None, "code": "head_mismatch",
                           "message_en": f"the log ends at {checked} records with head {prev_hash[:12]}…, "
                                         f"not {expected.get('count')} with {str(expected.get('head_hash'))[:12]}… "
                                         "as anchored (records were removed from the end, or added)",
                           "message_ja": "記録の件数・先頭ハッシュが、外部に控えた値と一致しません"
                                         "（末尾の削除または追加）"})
    return {"ok": not broken, "checked": checked, "head_hash": prev_hash,
            "first_broken": broken[0] if broken else None, "broken": broken}
