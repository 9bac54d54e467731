"""The decision store's contract, shared by every backend, and the chain check.

A record is written before its decision is answered; if the write fails, the caller answers with an
error, so no decision exists that the log does not hold. Records are chained:
``hash = sha256(prev_hash ‖ canonical record)``, so an edited, inserted, deleted or reordered record
breaks the chain from that point on. The facts and the decision are stored as canonical JSON text, so
any changed byte either changes the canonical record (the hash no longer matches) or leaves text that is
no longer canonical; both are reported. A truncated tail leaves a valid chain, which is why the head and
the count can be exported and anchored outside the database (``verify_chain(..., expected=...)``).

Every column of a record is either inside the hashed body or compared against it. The ``kind`` column
(判定 decision / 配分 allocation / 公開 publish) is derived from the body: a publication's and an
allocation's body carry ``"kind"`` themselves, a decision's body carries none (that is the record
format every existing log was written in, so old records verify and replay unchanged). ``append``
refuses a record whose body disagrees with its kind, and ``verify_chain`` reports a relabelled row as
``kind_mismatch``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..kernel.canonical import canonical_json, sha256_hex

__all__ = ["GENESIS_HASH", "OUTCOME_FIELDS", "DecisionStore", "LogRow", "OutcomeRow", "Query", "chain_hash",
           "check_row", "record_body", "record_kind", "verify_chain"]

GENESIS_HASH = "0" * 64


def record_body(decision: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """Return the canonical text a log record is hashed over: the whole decision and its facts."""
    return canonical_json({"decision": decision, "facts": facts})


def chain_hash(prev_hash: str, body: str) -> str:
    return sha256_hex(prev_hash + body)


def record_kind(decision: Mapping[str, Any]) -> str:
    """The kind a record's hashed body says it is: its own ``kind``, or ``decision`` when it has none."""
    kind = decision.get("kind", "decision")
    return kind if isinstance(kind, str) else repr(kind)


@dataclass(frozen=True)
class LogRow:
    """One stored record, exactly as its columns hold it (texts unparsed)."""

    seq: int
    kind: str
    record_id: str
    program: str
    fiscal_year: int
    rules_version: int
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


#: the fields of a recorded decision an impact preview compares with the draft's answer
OUTCOME_FIELDS = ("ruleset", "eligible", "amount_yen", "cap_yen")


@dataclass(frozen=True)
class OutcomeRow:
    """One stored record as an impact preview reads it: the facts text, and of the decision only
    :data:`OUTCOME_FIELDS`, picked out by the database (a full decision with its reasons is ~7 KB: fetching
    and parsing each in Python was most of an impact run). A field the decision lacks is None."""

    seq: int
    kind: str
    record_id: str
    program: str
    fiscal_year: int
    rules_sha256: str
    facts_text: str
    outcome: dict[str, Any]


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

    def outcomes(self, query: Query | None = None, kinds: tuple[str, ...] = ()) -> Iterator[OutcomeRow]:
        """Yield the rows of ``kinds`` (all when empty) in log order, filtered, their decisions cut to
        :data:`OUTCOME_FIELDS`: the same values ``rows`` gives, types and all."""

    def head(self) -> dict[str, Any]:
        """Return the chain head: ``{"count", "last_seq", "head_hash"}``, for anchoring outside the store."""

    def count(self) -> int: ...

    def close(self) -> None: ...


def _problem(row: LogRow, code: str, en: str, ja: str) -> dict[str, Any]:
    return {"seq": row.seq, "decision_id": row.record_id, "code": code, "message_en": en, "message_ja": ja}


def check_row(row: LogRow, prev_hash: str | None, prev_seq: int | None) -> dict[str, Any] | None:
    """The first problem of one stored row, or None: its link, its canonical text, its hash, its columns.

    ``prev_hash``/``prev_seq`` are the previous record's (GENESIS_HASH and 0 for the first); None skips the
    link check (a reader that has only this row).
    """
    if prev_seq is not None and row.seq != prev_seq + 1:
        return _problem(row, "seq_gap", f"seq {row.seq} follows {prev_seq}: a record is missing or reordered",
                        f"連番 {row.seq} が {prev_seq} の次にあります（記録の欠落または順序の入れ替え）")
    if prev_hash is not None and row.prev_hash != prev_hash:
        return _problem(row, "prev_hash_mismatch", "prev_hash does not match the previous record's hash "
                        "(a record was inserted, deleted or reordered before it)",
                        "prev_hash が直前の記録のハッシュと一致しません（挿入・削除・入れ替え）")
    try:
        facts, decision = json.loads(row.facts_text), json.loads(row.decision_text)
    except ValueError:
        facts = decision = None
    if not isinstance(decision, dict) or canonical_json(facts) != row.facts_text or canonical_json(
            decision) != row.decision_text:
        return _problem(row, "not_canonical", "the stored text is not the canonical JSON that was hashed",
                        "記録の本文が、ハッシュを計算した正規形の JSON ではありません（書き換え）")
    if chain_hash(row.prev_hash, record_body(decision, facts)) != row.hash:
        return _problem(row, "hash_mismatch", "the record's content does not match its hash (edited)",
                        "記録の内容がハッシュと一致しません（書き換え）")
    if record_kind(decision) != row.kind:
        return _problem(row, "kind_mismatch", f"the kind column says {row.kind!r} but the hashed record is a "
                        f"{record_kind(decision)!r} (relabelled)",
                        f"種類の列（{row.kind}）が、ハッシュされた記録の種類（{record_kind(decision)}）と一致しません"
                        "（書き換え）")
    if (decision.get("decision_id") != row.record_id
            or decision.get("program") != row.program or decision.get("fiscal_year") != row.fiscal_year
            or decision.get("rules_version") != row.rules_version
            or decision.get("rules_sha256") != row.rules_sha256 or decision.get("decided_at") != row.decided_at):
        return _problem(row, "column_mismatch", "an indexed column disagrees with the hashed record",
                        "索引用の列が、ハッシュされた記録と一致しません（書き換え）")
    return None


def verify_chain(rows: Iterable[LogRow], expected: Mapping[str, Any] | None = None,
                 max_problems: int = 100) -> dict[str, Any]:
    """Check every link of the log; return ``{"ok", "checked", "head_hash", "first_broken", "broken"}``.

    ``expected`` (an anchor exported earlier: ``{"count", "head_hash"}``) also catches a truncated tail or
    a rewritten prefix; a log that grew since the anchor is accepted, and ``appended`` says by how much.
    """
    broken: list[dict[str, Any]] = []
    prev_hash, prev_seq, checked = GENESIS_HASH, 0, 0
    anchored_count = None if expected is None else expected.get("count")
    hash_at_anchor = GENESIS_HASH if anchored_count == 0 else None
    for row in rows:
        checked += 1
        found = check_row(row, prev_hash, prev_seq)
        if found and len(broken) < max_problems:
            broken.append(found)
        prev_hash, prev_seq = row.hash, row.seq
        if checked == anchored_count:
            hash_at_anchor = row.hash
    result: dict[str, Any] = {"ok": True, "checked": checked, "head_hash": prev_hash}
    if expected is not None:
        problem = _anchor_problem(expected, checked, prev_hash, hash_at_anchor)
        if problem is not None:
            broken.append(problem)
        elif isinstance(anchored_count, int):
            result["appended"] = checked - anchored_count
    result.update(ok=not broken, first_broken=broken[0] if broken else None, broken=broken)
    return result


def _anchor_problem(expected: Mapping[str, Any], checked: int, head_hash: str,
                    hash_at_anchor: str | None) -> dict[str, Any] | None:
    """Compare the log with an anchor taken earlier: shorter, or its prefix rewritten, is a problem."""
    count, anchored = expected.get("count"), expected.get("head_hash")
    if count is None:  # only a head hash: the log must still end there
        if anchored is None or anchored == head_hash:
            return None
        return {"seq": None, "decision_id": None, "code": "head_mismatch",
                "message_en": f"the log ends with head {head_hash[:12]}…, not {str(anchored)[:12]}… as anchored",
                "message_ja": "記録の先頭ハッシュが、外部に控えた値と一致しません"}
    if not isinstance(count, int) or count < 0:
        return {"seq": None, "decision_id": None, "code": "anchor_invalid",
                "message_en": "the anchor's count is not a whole number", "message_ja": "控えの件数が正しくありません"}
    if checked < count:
        return {"seq": None, "decision_id": None, "code": "log_truncated",
                "message_en": f"the log holds {checked} records, fewer than the {count} anchored: "
                              f"{count - checked} record(s) were removed from the end",
                "message_ja": f"記録は {checked} 件で、控えの {count} 件より少なくなっています"
                              f"（末尾から {count - checked} 件削除）"}
    if anchored is not None and hash_at_anchor != anchored:
        return {"seq": count, "decision_id": None, "code": "prefix_rewritten",
                "message_en": f"record {count} has hash {str(hash_at_anchor)[:12]}…, but the anchor says "
                              f"{str(anchored)[:12]}…: the anchored prefix of the log was rewritten",
                "message_ja": f"{count} 件目の記録のハッシュが控えと一致しません：控えた時点までの記録が"
                              "書き換えられています"}
    return None
