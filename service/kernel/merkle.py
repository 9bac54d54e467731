"""The Merkle tree over the decision log (RFC 9162 §2.1, as RFC 6962 and Certificate Transparency build it).

``MTH({}) = SHA-256()``, a leaf ``SHA-256(0x00 ‖ d)``, a node ``SHA-256(0x01 ‖ left ‖ right)``, the split
at the largest power of two below the size. Proofs are built from the hashes of *complete* subtrees
(``level``, ``index``: the ``2**level`` leaves from ``index * 2**level``), which never change once the
log has grown past them, so a store keeps them and a proof reads O(log n) of them. The verifiers are the
algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, and need nothing but the proof: a receipt is checked with
no database (``hojo verify-receipt``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

__all__ = ["EMPTY_ROOT", "MerkleFrontier", "MerkleReader", "leaf_hash", "node_hash", "verify_consistency",
           "verify_inclusion"]

EMPTY_ROOT = hashlib.sha256(b"").digest()

#: ``(level, index)`` → the hash of that complete subtree
NodeSource = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


class MerkleReader:
    """Roots and proofs of a log's tree, from the complete subtrees ``node`` reads (each read once)."""

    def __init__(self, node: NodeSource) -> None:
        self._node = node
        self._seen: dict[tuple[int, int], bytes] = {}

    def _complete(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._seen:
            self._seen[key] = self._node(level, index)
        return self._seen[key]

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range the RFC's recursion reaches (``start`` aligned to the range's size)."""
        size = end - start
        if size == 0:
            return EMPTY_ROOT
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            return self._complete(level, start >> level)
        k = _split(size)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int) -> bytes:
        return self.subtree(0, size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1)."""
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self.subtree(start + k, end))
                end = start + k
            else:
                path.append(self.subtree(start, start + k))
                start += k
        path.reverse()  # the recursion appends the sibling nearest the leaf first
        return path

    def consistency(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1); empty when ``first`` is 0 or equals ``second``."""
        if not 0 <= first <= second:
            raise ValueError(f"no consistency proof from {first} to {second}")
        if first in (0, second):
            return []
        proof: list[bytes] = []
        start, end, m, whole = 0, second, first, True
        while True:
            size = end - start
            if m == size:
                if not whole:
                    proof.append(self.subtree(start, end))
                break
            k = _split(size)
            if m <= k:
                proof.append(self.subtree(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree(start, start + k))
                start, m, whole = start + k, m - k, False
        proof.reverse()
        return proof


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf hash ``leaf`` at ``index`` in the tree ``root``?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``first`` leaves a prefix of the tree of ``second``?"""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof  # the empty tree is a prefix of every tree
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


class MerkleFrontier:
    """The root of a growing tree from its right edge only (one complete subtree per bit of the size)."""

    def __init__(self) -> None:
        self.size = 0
        self._edge: dict[int, bytes] = {}

    def add(self, leaf: bytes) -> None:
        current, level = leaf, 0
        while level in self._edge:
            current = node_hash(self._edge.pop(level), current)
            level += 1
        self._edge[level] = current
        self.size += 1

    def root(self) -> bytes:
        acc: bytes | None = None
        for level in sorted(self._edge):
            acc = self._edge[level] if acc is None else node_hash(self._edge[level], acc)
        return EMPTY_ROOT if acc is None else acc
