"""Evidence anyone can check: signed tree heads, receipts with inclusion proofs, consistency proofs.

The log's records are the leaves of a Merkle tree (``service.kernel.merkle``; a leaf is the record's chain
hash, so the tree commits to every byte the chain does). The operator signs the tree's root with an
Ed25519 key (署名鍵, ``HOJO_SIGNING_KEY_FILE``; ``hojo keygen`` makes one): a **signed tree head** (STH).

- A **receipt** (受領証) is what an applicant keeps: its decision's canonical record, the record's place in
  the log, the inclusion proof and a signed head. ``verify_receipt`` checks it with the public key alone.
- A **consistency proof** shows that a later tree extends an earlier one unchanged: a receipt, or an
  anchor an auditor kept, stays valid however much the log grows, and fails once its prefix is rewritten.

Heads are signed in batches by :class:`Notary` (every N records or T milliseconds, like Certificate
Transparency's merge delay), so a decision never waits for the tree or a signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..kernel.canonical import canonical_json
from ..kernel.errors import DecisionNotFoundError, InvalidRequestError, Problem, SigningKeyError
from ..kernel.merkle import MerkleReader, leaf_hash, verify_consistency, verify_inclusion
from ..store import SqlStore
from ..store.base import chain_hash, record_body, record_kind

__all__ = ["HEAD_FORMAT", "RECEIPT_FORMAT", "Notary", "generate_key", "key_id", "load_private_key",
           "load_public_key", "public_key_document", "verify_head", "verify_receipt"]

log = logging.getLogger("hojo")

HEAD_FORMAT = "hojo-tree-head/1"
RECEIPT_FORMAT = "hojo-receipt/1"
#: the fields of a head the signature covers, in this canonical JSON form
_SIGNED = ("format", "tree_size", "root_hash", "head_hash", "timestamp")


# --- keys --------------------------------------------------------------------------------------------

def generate_key(path: Path) -> Path:
    """Write a new Ed25519 private key to ``path`` (PEM, mode 0600) and its public key to ``path.pub``."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never overwrite a key
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    public = path.with_name(path.name + ".pub")
    public.write_bytes(_public_pem(key.public_key()))
    return public


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError("署名鍵を読めません", f"cannot read the signing key {path}: {exc}",
                              code="signing_key_unreadable") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("署名鍵が Ed25519 ではありません", f"the signing key {path} is not Ed25519",
                              code="signing_key_unreadable")
    return key


def load_public_key(text: bytes) -> Ed25519PublicKey:
    """A public key from PEM, or from the JSON of ``GET /v1/log/public-key``; ValueError if neither."""
    stripped = text.strip()
    if stripped.startswith(b"{"):
        stripped = str(json.loads(stripped)["public_key_pem"]).encode()
    key = serialization.load_pem_public_key(stripped)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Ed25519PublicKey) -> str:
    """sha256 of the raw 32-byte public key, in hex: which key signed a head."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_key_document(key: Ed25519PublicKey) -> dict[str, str]:
    return {"algorithm": "Ed25519", "key_id": key_id(key), "public_key_pem": _public_pem(key).decode()}


# --- heads -------------------------------------------------------------------------------------------

def _message(head: Mapping[str, Any]) -> bytes:
    return canonical_json({k: head[k] for k in _SIGNED}).encode("utf-8")


def sign_head(key: Ed25519PrivateKey, tree_size: int, root: bytes, head_hash: str) -> dict[str, Any]:
    head: dict[str, Any] = {"format": HEAD_FORMAT, "tree_size": tree_size, "root_hash": root.hex(),
                            "head_hash": head_hash,
                            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")}
    head["key_id"] = key_id(key.public_key())
    head["signature"] = base64.b64encode(key.sign(_message(head))).decode("ascii")
    return head


def verify_head(head: Mapping[str, Any], public_key: Ed25519PublicKey) -> str | None:
    """None when ``head`` is signed by ``public_key``; else why not."""
    try:
        if head.get("format") != HEAD_FORMAT:
            return f"the tree head's format is {head.get('format')!r}, not {HEAD_FORMAT!r}"
        if head.get("key_id") != key_id(public_key):
            return "the tree head was signed by another key (key_id differs from the public key given)"
        public_key.verify(base64.b64decode(str(head["signature"]), validate=True), _message(head))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return "the tree head's signature does not verify with the public key (the head or signature was altered)"
    return None


def with_anchor(head: Mapping[str, Any]) -> dict[str, Any]:
    """A head with the chain fields ``hojo verify-log --anchor`` also reads (count, last_seq)."""
    return {**head, "count": head["tree_size"], "last_seq": head["tree_size"]}


# --- the operator's side -----------------------------------------------------------------------------

@dataclass
class Notary:
    """Keeps the tree up with the log and signs its heads: in batches, in the background, or on demand."""

    store: SqlStore
    key: Ed25519PrivateKey | None
    every_records: int = 1024
    every_ms: int = 1000
    _appended: int = 0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _signing: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_env(cls, store: SqlStore) -> Notary:
        path = os.environ.get("HOJO_SIGNING_KEY_FILE")
        return cls(store, load_private_key(path) if path else None,
                   every_records=int(os.environ.get("HOJO_HEAD_EVERY_RECORDS", "1024")),
                   every_ms=int(os.environ.get("HOJO_HEAD_EVERY_MS", "1000")))

    def _require_key(self) -> Ed25519PrivateKey:
        if self.key is None:
            raise SigningKeyError("署名鍵が設定されていないため、署名付きの証明を出せません",
                                  "no signing key is configured (HOJO_SIGNING_KEY_FILE), so no signed evidence "
                                  "can be given", code="signing_key_missing")
        return self.key

    def public_key(self) -> dict[str, str]:
        return public_key_document(self._require_key().public_key())

    # -- batches --------------------------------------------------------------------------------------
    def start(self) -> None:
        """Sign a head every ``every_ms`` milliseconds, or sooner after ``every_records`` records."""
        if self.key is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="hojo-notary", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def appended(self) -> None:
        """Called after each record is appended: wakes the signer once a batch is full."""
        self._appended += 1
        if self._appended >= self.every_records:
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.every_ms / 1000)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.head()
            except Exception:  # a failed batch is retried at the next tick; receipts sign on demand anyway
                log.exception("hojo: signing a tree head failed")

    # -- heads, receipts, proofs ----------------------------------------------------------------------
    def head(self) -> dict[str, Any]:
        """The head of the whole log as it stands: the stored one if it is current, else newly signed."""
        with self._signing:
            self._appended = 0
            size = self.store.extend_tree()
            latest = self.store.latest_tree_head()
            if latest is not None and latest["tree_size"] == size and (
                    self.key is None or latest.get("key_id") == key_id(self.key.public_key())):
                return with_anchor(latest)
            root = MerkleReader(self.store.tree_node).root(size)
            head_hash = self.store.hash_at(size) if size else "0" * 64
            if self.key is None:  # unsigned: still an anchor an auditor can keep
                return with_anchor({"format": HEAD_FORMAT, "tree_size": size, "root_hash": root.hex(),
                                    "head_hash": head_hash, "timestamp": None, "key_id": None, "signature": None})
            head = sign_head(self.key, size, root, str(head_hash))
            self.store.save_tree_head(size, head)
            return with_anchor(head)

    def head_covering(self, size: int) -> dict[str, Any]:
        """A signed head of at least ``size`` records: the latest batch's, or a new one."""
        latest = self.store.latest_tree_head()
        if latest is not None and latest["tree_size"] >= size and latest.get("key_id") == key_id(
                self._require_key().public_key()):
            return latest
        return self.head()

    def receipt(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A self-contained receipt for a stored record (``store.get``): verifiable offline."""
        self._require_key()
        seq = int(record["log"]["seq"])
        head = self.head_covering(seq)
        size = int(head["tree_size"])
        if size < seq:  # the tree stops before a broken record (verify-log names it)
            raise DecisionNotFoundError("この記録はハッシュ木に含まれていません（記録の連鎖が壊れています）",
                                        f"record {seq} is not in the log's tree (the chain is broken before it)",
                                        code="not_in_tree")
        proof = MerkleReader(self.store.tree_node).inclusion(seq - 1, size)
        return {"format": RECEIPT_FORMAT,
                "record": {"kind": record["kind"], "decision": record["decision"], "facts": record["facts"],
                           "log": dict(record["log"])},
                "leaf_index": seq - 1, "inclusion_proof": [p.hex() for p in proof],
                "tree_head": {k: v for k, v in head.items() if k not in ("count", "last_seq")}}

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        """The RFC 9162 proof that the tree of ``first`` records is a prefix of the tree of ``second``."""
        size = self.store.extend_tree()
        problems = []
        if first > second:
            problems.append(Problem("$.query.from", "range", "from は to 以下にしてください",
                                    f"from ({first}) must not exceed to ({second})"))
        if second > size:
            problems.append(Problem("$.query.to", "range", f"記録は {size} 件です",
                                    f"to ({second}) exceeds the log's {size} records"))
        if problems:
            raise InvalidRequestError("一貫性の証明の範囲が正しくありません", "invalid consistency range",
                                      code="invalid_range", problems=problems)
        reader = MerkleReader(self.store.tree_node)
        return {"from": first, "to": second, "first_root": reader.root(first).hex(),
                "second_root": reader.root(second).hex(),
                "proof": [p.hex() for p in reader.consistency(first, second)]}


# --- the applicant's and auditor's side: offline ----------------------------------------------------

def verify_receipt(receipt: Mapping[str, Any], public_key: Ed25519PublicKey,
                   later_head: Mapping[str, Any] | None = None,
                   consistency: Sequence[str] | None = None) -> dict[str, Any]:
    """Check a receipt with nothing but the operator's public key; ``{"ok", "reasons", ...}``.

    With ``later_head`` and its ``consistency`` proof (``GET /v1/log/consistency?from=<receipt's size>&to=
    <later size>``), the receipt is also shown to be in the later, larger log, unchanged.
    """
    try:
        return _verify_receipt(receipt, public_key, later_head, consistency)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return {"ok": False, "reasons": [f"the receipt is malformed ({type(exc).__name__}: {exc})"]}


def _verify_receipt(receipt: Mapping[str, Any], public_key: Ed25519PublicKey,
                    later_head: Mapping[str, Any] | None, consistency: Sequence[str] | None) -> dict[str, Any]:
    reasons: list[str] = []
    if receipt.get("format") != RECEIPT_FORMAT:
        return {"ok": False, "reasons": [f"not a hojo receipt (format {receipt.get('format')!r})"]}
    record, head = receipt["record"], receipt["tree_head"]
    entry = record["log"]
    digest = chain_hash(entry["prev_hash"], record_body(record["decision"], record["facts"]))
    if digest != entry["hash"]:
        reasons.append("the record was altered: its decision and facts do not hash to the record's hash")
    if record_kind(record["decision"]) != record["kind"]:
        reasons.append(f"the record's kind {record['kind']!r} is not what its hashed body says")
    index, size = int(receipt["leaf_index"]), int(head["tree_size"])
    if index != int(entry["seq"]) - 1:
        reasons.append(f"the leaf index {index} is not the record's place in the log (seq {entry['seq']})")
    proof = [bytes.fromhex(p) for p in receipt["inclusion_proof"]]
    root = bytes.fromhex(head["root_hash"])
    if not verify_inclusion(index, size, leaf_hash(bytes.fromhex(entry["hash"])), proof, root):
        reasons.append("the inclusion proof does not lead from the record to the signed root "
                       "(the record, the proof or the head was altered)")
    signature = verify_head(head, public_key)
    if signature:
        reasons.append(signature)
    result: dict[str, Any] = {"decision_id": record["decision"].get("decision_id"), "leaf_index": index,
                              "tree_size": size, "root_hash": head["root_hash"]}
    if later_head is not None:
        later_problem = verify_head(later_head, public_key)
        later_size = int(later_head["tree_size"])
        if later_problem:
            reasons.append(f"later head: {later_problem}")
        elif not verify_consistency(size, later_size, root, bytes.fromhex(later_head["root_hash"]),
                                    [bytes.fromhex(p) for p in consistency or []]):
            reasons.append(f"the consistency proof does not show the tree of {size} records as a prefix of the "
                           f"later tree of {later_size} (the log was rewritten, or the proof altered)")
        else:
            result["later_tree_size"] = later_size
    return {"ok": not reasons, "reasons": reasons, **result}
