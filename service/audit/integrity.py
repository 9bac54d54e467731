"""Integrity of everything evidence rests on: the chain, the tree, the signed heads, rule texts, the lock.

``verify_store`` is ``hojo verify-log`` and ``GET /v1/log/verify``; ``record_integrity`` is the check a
single read makes before it serves a record. Each kind of tampering has its own ``code`` and is reported
at the record (``seq``) or rule version (``rules_sha256``) it touched:

- records: ``seq_gap``, ``prev_hash_mismatch``, ``not_canonical``, ``hash_mismatch``, ``kind_mismatch``,
  ``column_mismatch`` (``service.store.base.check_row``);
- an anchor: ``log_truncated``, ``prefix_rewritten``, ``tree_inconsistent``;
- the tree and heads: ``tree_mismatch`` (a stored node disagrees with the records), ``signed_head_mismatch``
  (a head the operator signed no longer matches the records);
- rule versions: ``rule_text_altered``, ``facts_schema_altered``, ``lock_mismatch`` (a stored published
  version differs from ``rules/published.lock.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..kernel.canonical import sha256_hex
from ..kernel.errors import StoreError
from ..kernel.merkle import MerkleFrontier, MerkleReader, leaf_hash, node_hash, verify_consistency
from ..store import GENESIS_HASH, LogRow, SqlStore, verify_chain
from ..store.base import check_row
from ..store.sql import schema_digest

__all__ = ["check_rule_versions", "record_integrity", "verify_store"]

_PUBLISHED = re.compile(r"^status:\s*published\s*$", re.M)


def _version_problem(rv: Mapping[str, Any], code: str, en: str, ja: str) -> dict[str, Any]:
    return {"seq": None, "decision_id": None, "rules_sha256": rv["sha256"],
            "rule_version": f"{rv['program']}@{rv['version']}", "code": code, "message_en": en, "message_ja": ja}


def check_rule_versions(store: SqlStore, lock: Mapping[str, str] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Every stored rule text against its sha256, every facts schema against its own, published ones
    against the lock; return (how many checked, problems)."""
    problems, checked = [], 0
    locked_texts = set((lock or {}).values())  # rule versions and allocation files (program@allocation_vN)
    for rv in store.rule_versions():
        checked += 1
        if sha256_hex(rv["content"]) != rv["sha256"]:
            problems.append(_version_problem(rv, "rule_text_altered", "the stored rule text does not match the "
                                             "sha256 decisions were recorded under (edited)",
                                             "記録された規則の本文が、判定に記録された sha256 と"
                                             "一致しません（書き換え）"))
        if schema_digest(rv["facts_schema"]) != rv["facts_schema_sha256"]:
            problems.append(_version_problem(rv, "facts_schema_altered", "the stored facts schema does not match "
                                             "its sha256 (edited)",
                                             "記録された facts スキーマが、その sha256 と一致しません（書き換え）"))
        locked = (lock or {}).get(f"{rv['program']}@{rv['version']}")
        if locked is not None and rv["sha256"] not in locked_texts and _PUBLISHED.search(rv["content"]):
            problems.append(_version_problem(rv, "lock_mismatch", f"the store holds a published text of "
                                             f"{rv['program']}@{rv['version']} that is not the locked one "
                                             f"({locked[:12]}…)",
                                             f"{rv['program']}@{rv['version']} の公開済みの本文が、"
                                             "公開時に固定した sha256 と一致しません"))
    return checked, problems


def _tree_problem(code: str, en: str, ja: str, seq: int | None = None) -> dict[str, Any]:
    return {"seq": seq, "decision_id": None, "code": code, "message_en": en, "message_ja": ja}


def published_lock(rules: Path) -> dict[str, str]:
    """``rules/published.lock.json``: program@version → the sha256 published (empty if there is none)."""
    try:
        return dict(json.loads((rules / "published.lock.json").read_text(encoding="utf-8"))["published"])
    except (OSError, ValueError, KeyError):
        return {}


def verify_store(store: SqlStore, lock: Mapping[str, str] | None = None,
                 expected: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The chain, the tree and every signed head recomputed from the records; the rule versions; an anchor.

    An anchor (a head kept outside: ``hojo log-head`` or ``GET /v1/log/head``) may be older than the log:
    the log must hold it as a prefix, proven from the records and by the stored tree's consistency proof.
    """
    heads = {int(h["tree_size"]): h for h in store.tree_heads()}
    anchored_size = None if expected is None else expected.get("tree_size", expected.get("count"))
    wanted = set(heads) | ({anchored_size} if isinstance(anchored_size, int) else set())
    roots: dict[int, bytes] = {}
    frontier = MerkleFrontier()
    if 0 in wanted:
        roots[0] = frontier.root()

    def feeding(rows: Iterator[LogRow]) -> Iterator[LogRow]:
        for row in rows:
            try:
                frontier.add(leaf_hash(bytes.fromhex(row.hash)))
            except ValueError:
                frontier.add(leaf_hash(row.hash.encode()))  # not hex: the chain check reports the record
            if frontier.size in wanted:
                roots[frontier.size] = frontier.root()
            yield row

    result = verify_chain(feeding(store.rows()), _chain_anchor(expected))
    broken: list[dict[str, Any]] = result["broken"]
    size = store.extend_tree() if result["ok"] else store.tree_size()
    reader = MerkleReader(store.tree_node)
    if size and not broken:
        found = _check_tree(store, size)
        if found is not None:
            broken.append(found)
    for tree_size, head in sorted(heads.items()):
        root = roots.get(tree_size)
        if root is not None and root.hex() != head.get("root_hash"):
            broken.append(_tree_problem("signed_head_mismatch", f"the head signed for {tree_size} records no "
                                        "longer matches the records: the log was rewritten after it was signed",
                                        f"{tree_size} 件の時点で署名した先頭が、現在の記録と一致しません"
                                        "（署名後の書き換え）",
                                        seq=tree_size))
    if expected is not None and isinstance(anchored_size, int) and expected.get("root_hash") is not None:
        _check_anchored_tree(expected, anchored_size, roots, frontier, reader, size, result, broken)
    checked_versions, version_problems = check_rule_versions(store, lock)
    broken += version_problems
    result.update(ok=not broken, broken=broken, first_broken=broken[0] if broken else None,
                  tree_size=size, root_hash=frontier.root().hex(), signed_heads_checked=len(heads),
                  rule_versions_checked=checked_versions)
    return result


def _chain_anchor(expected: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if expected is None:
        return None
    chain = {k: expected[k] for k in ("count", "head_hash") if expected.get(k) is not None}
    if "count" not in chain and isinstance(expected.get("tree_size"), int):
        chain["count"] = expected["tree_size"]
    return chain or None


def _check_tree(store: SqlStore, size: int) -> dict[str, Any] | None:
    """Every stored node against the records: each leaf against its record's hash, each node against its
    two children. Two levels are read side by side, a page at a time: memory stays small for any log."""
    def mismatch(seq: int, what: str) -> dict[str, Any]:
        return _tree_problem("tree_mismatch", f"the stored Merkle tree does not match the records at record {seq} "
                             f"({what}): a tree node was edited",
                             f"{seq} 件目の記録で、保存されたハッシュ木が記録と一致しません（書き換え）", seq=seq)

    leaves = 0
    for (idx, stored), (seq, digest) in zip(store.tree_level(0), store.chain_hashes(), strict=False):
        leaves += 1
        try:
            expected = leaf_hash(bytes.fromhex(digest))
        except ValueError:
            expected = b""
        if idx != seq - 1 or stored != expected:
            return mismatch(seq, "a leaf")
    if leaves != size:
        return mismatch(leaves + 1, "a missing leaf")
    level = 1
    while size >> level:
        lower = store.tree_level(level - 1)
        count = 0
        for idx, stored in store.tree_level(level):
            left, right = next(lower, None), next(lower, None)
            if left is None or right is None or left[0] != 2 * idx or right[0] != 2 * idx + 1 \
                    or node_hash(left[1], right[1]) != stored:
                return mismatch((idx << level) + 1, f"a node of level {level}")
            count += 1
        if count != size >> level:
            return mismatch((count << level) + 1, f"a missing node of level {level}")
        level += 1
    return None


def _check_anchored_tree(expected: Mapping[str, Any], anchored: int, roots: Mapping[int, bytes],
                         frontier: MerkleFrontier, reader: MerkleReader, size: int, result: dict[str, Any],
                         broken: list[dict[str, Any]]) -> None:
    if any(b["code"] in ("log_truncated", "prefix_rewritten") for b in broken):
        return
    recomputed = roots.get(anchored)
    if recomputed is not None and recomputed.hex() != expected["root_hash"]:
        broken.append(_tree_problem("prefix_rewritten", f"the tree of the first {anchored} records does not have "
                                    "the anchored root: the anchored prefix of the log was rewritten",
                                    f"最初の {anchored} 件から計算した根のハッシュが控えと一致しません"
                                    "（控えた時点までの記録の書き換え）", seq=anchored))
        return
    if anchored > size:
        return
    try:
        proof = reader.consistency(anchored, size)
        proven = verify_consistency(anchored, size, bytes.fromhex(str(expected["root_hash"])), reader.root(size),
                                    proof)
    except (StoreError, ValueError):
        proven = False
    if not proven:
        broken.append(_tree_problem("tree_inconsistent", f"the stored tree gives no valid consistency proof from "
                                    f"the anchored {anchored} records to {size}",
                                    "保存されたハッシュ木から、控えとの一貫性を証明できません", seq=anchored))
        return
    result["consistency"] = {"from": anchored, "to": size, "proof": [p.hex() for p in proof],
                             "verified": True, "appended": size - anchored}
    if frontier.size == size:
        result["appended"] = size - anchored


def record_integrity(store: SqlStore, row: LogRow) -> dict[str, Any]:
    """What a read checks before serving one record: its own hash, its link back, its columns, its leaf."""
    previous = store.row_at(row.seq - 1) if row.seq > 1 else None
    prev_hash = previous.hash if previous is not None else GENESIS_HASH if row.seq == 1 else None
    problems = []
    if row.seq > 1 and previous is None:
        problems.append({"code": "seq_gap", "message_en": f"record {row.seq - 1}, which this one links to, is "
                         "missing", "message_ja": f"この記録がつながる {row.seq - 1} 件目の記録がありません"})
    found = check_row(row, prev_hash, None)
    if found is not None:
        problems.append({k: found[k] for k in ("code", "message_en", "message_ja")})
    if not problems and row.seq <= store.tree_size():
        try:
            leaf_ok = store.tree_node(0, row.seq - 1) == leaf_hash(bytes.fromhex(row.hash))
        except (StoreError, ValueError):
            leaf_ok = False
        if not leaf_ok:
            problems.append({"code": "tree_mismatch", "message_en": "the record is not the leaf the log's tree "
                             "holds at its place", "message_ja": "記録が、ハッシュ木のその位置の葉と一致しません"})
    return {"ok": not problems, "checked": ["hash", "link", "kind", "columns", "tree_leaf"], "seq": row.seq,
            "hash": row.hash, "problems": problems}
