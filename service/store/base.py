"""The decision store's contract, shared by every backend.

A record is written before its decision is answered; if the write fails, the caller answers with an
error, so no decision exists that the log does not hold. Records are chained:
``hash = sha256(prev_hash ‖ canonical record)``, so an edited, inserted, deleted or reordered record
breaks the chain from that point on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..canonical import canonical_json, sha256_hex

__all__ = ["GENESIS_HASH", "DecisionStore", "chain_hash", "record_body"]

GENESIS_HASH = "0" * 64


def record_body(decision: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """Return the canonical text a log record is hashed over: the whole decision and its facts."""
    return canonical_json({"decision": decision, "facts": facts})


def chain_hash(prev_hash: str, body: str) -> str:
    return sha256_hex(prev_hash + body)


class DecisionStore(Protocol):
    def save_rule_version(self, sha256: str, program: str, version: int, path: str, content: str) -> None:
        """Keep the exact text of a rule version (idempotent)."""

    def append(self, decision: Mapping[str, Any], facts: Mapping[str, Any], rule_text: str) -> dict[str, Any]:
        """Durably append one decision; return its log entry (seq, prev_hash, hash)."""

    def get(self, decision_id: str) -> dict[str, Any] | None:
        """Return the stored record (decision, facts, log entry), or None."""

    def rule_version_text(self, sha256: str) -> str | None:
        """Return the stored text of a rule version."""

    def close(self) -> None: ...
