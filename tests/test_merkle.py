"""The log's Merkle tree against RFC 6962's published roots and a small independent implementation.

The reference below is the RFC's recursive definitions written out literally (MTH, PATH, PROOF/SUBPROOF
over lists of leaves); ``service.kernel.merkle`` builds proofs from stored complete subtrees and verifies
them with the iterative algorithms of RFC 9162. For every size 1..70 every root, every inclusion proof and
every consistency proof must agree, verify, and stop verifying when one byte changes. The same is checked
on the tree a store keeps, on SQLite and PostgreSQL, extended a few records at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from service.kernel.merkle import (
    EMPTY_ROOT,
    MerkleReader,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from service.store import SqlStore, open_store

SIZES = range(1, 71)


# --- the reference: RFC 6962 §2.1 written out ---------------------------------------------------------

def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return ref_leaf(leaves[0])
    k = ref_split(len(leaves))
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = ref_split(len(leaves))
    if m < k:
        return ref_path(m, leaves[:k]) + [ref_mth(leaves[k:])]
    return ref_path(m - k, leaves[k:]) + [ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [ref_mth(leaves)]
    k = ref_split(n)
    if m <= k:
        return ref_subproof(m, leaves[:k], whole) + [ref_mth(leaves[k:])]
    return ref_subproof(m - k, leaves[k:], False) + [ref_mth(leaves[:k])]


def ref_consistency(m: int, leaves: list[bytes]) -> list[bytes]:
    return ref_subproof(m, leaves, True) if 0 < m < len(leaves) else []


def in_memory(leaves: list[bytes]) -> MerkleReader:
    """The complete subtrees of ``leaves``, computed by the reference, as a node source."""
    def node(level: int, index: int) -> bytes:
        width = 1 << level
        chunk = leaves[index * width:(index + 1) * width]
        assert len(chunk) == width, f"asked for an incomplete subtree ({level}, {index})"
        return ref_mth(chunk)
    return MerkleReader(node)


LEAVES = [hashlib.sha256(f"record {i}".encode()).digest() for i in range(max(SIZES))]


def flipped(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


# --- RFC 6962's own test vectors (the eight leaves of the Certificate Transparency test suite) -------

RFC_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f")]
RFC_ROOTS = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
             "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
             "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
             "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
             "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]


def test_the_roots_of_rfc_6962s_test_vectors() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for size in range(1, 9):
        leaves = [leaf_hash(d) for d in RFC_LEAVES[:size]]
        assert leaves == [ref_leaf(d) for d in RFC_LEAVES[:size]]
        reader = MerkleReader(lambda level, index, leaves=leaves: _complete(leaves, level, index))
        assert reader.root(size).hex() == RFC_ROOTS[size - 1] == ref_mth(RFC_LEAVES[:size]).hex()


def _complete(leaf_hashes: list[bytes], level: int, index: int) -> bytes:
    nodes = leaf_hashes[index << level:(index + 1) << level]
    while len(nodes) > 1:
        nodes = [node_hash(nodes[i], nodes[i + 1]) for i in range(0, len(nodes), 2)]
    return nodes[0]


# --- every proof of every size 1..70 -------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_every_inclusion_proof_matches_the_reference_and_verifies(size: int) -> None:
    leaves = LEAVES[:size]
    reader = in_memory(leaves)
    root = reader.root(size)
    assert root == ref_mth(leaves)
    for index in range(size):
        proof = reader.inclusion(index, size)
        assert proof == ref_path(index, leaves)
        leaf = ref_leaf(leaves[index])
        assert verify_inclusion(index, size, leaf, proof, root)
        assert not verify_inclusion(index, size, flipped(leaf), proof, root)
        assert not verify_inclusion(index, size, leaf, proof, flipped(root))
        for i in range(len(proof)):
            assert not verify_inclusion(index, size, leaf, [*proof[:i], flipped(proof[i]), *proof[i + 1:]], root)
        if size > 1:
            assert not verify_inclusion((index + 1) % size, size, leaf, proof, root)  # another position
        assert not verify_inclusion(index, size, leaf, [*proof, root], root)  # a proof too long
        assert not verify_inclusion(size, size, leaf, proof, root)


@pytest.mark.parametrize("second", SIZES)
def test_every_consistency_proof_matches_the_reference_and_verifies(second: int) -> None:
    leaves = LEAVES[:second]
    reader = in_memory(leaves)
    second_root = reader.root(second)
    for first in range(0, second + 1):
        proof = reader.consistency(first, second)
        assert proof == ref_consistency(first, leaves)
        first_root = ref_mth(leaves[:first])
        assert verify_consistency(first, second, first_root, second_root, proof)
        if 0 < first < second:
            assert not verify_consistency(first, second, flipped(first_root), second_root, proof)
            assert not verify_consistency(first, second, first_root, flipped(second_root), proof)
            for i in range(len(proof)):
                assert not verify_consistency(first, second, first_root, second_root,
                                              [*proof[:i], flipped(proof[i]), *proof[i + 1:]])
            # a different (rewritten) prefix of the same size is not consistent with the second tree
            rewritten = ref_mth([flipped(leaves[0]), *leaves[1:first]])
            assert not verify_consistency(first, second, rewritten, second_root, proof)


# --- the tree a store keeps --------------------------------------------------------------------------

@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def a_record(n: int) -> dict[str, Any]:
    return {"decision_id": f"m-{n:03d}", "program": "p", "fiscal_year": 2024, "rules_version": 1,
            "rules_sha256": "c" * 64, "decided_at": f"2026-12-01T00:00:{n % 60:02d}.000000+00:00", "amount_yen": n}


def test_the_stored_tree_grown_in_steps_gives_the_references_proofs(store: SqlStore) -> None:
    """70 records appended and the tree extended at uneven points; every proof read from the store."""
    steps = {1, 2, 3, 7, 8, 9, 16, 31, 33, 64, 70}
    for n in range(1, 71):
        store.append(a_record(n), {}, "rule text")
        if n in steps:
            assert store.extend_tree() == n
    chain = [bytes.fromhex(row.hash) for row in store.rows()]
    reader = MerkleReader(store.tree_node)
    assert store.tree_size() == 70
    for size in sorted(steps):
        leaves = chain[:size]
        assert reader.root(size) == ref_mth(leaves)
        for index in range(size):
            assert reader.inclusion(index, size) == ref_path(index, leaves)
        for first in range(size + 1):
            assert reader.consistency(first, size) == ref_consistency(first, leaves)
    # about two rows per record: the leaves and the complete subtrees above them, nothing recomputed
    assert int(store._read("SELECT count(*) FROM log_tree")[0][0]) == 70 + 35 + 17 + 8 + 4 + 2 + 1


def test_a_proof_reads_logarithmically_many_nodes(store: SqlStore) -> None:
    for n in range(1, 301):
        store.append(a_record(n), {}, "rule text")
    store.extend_tree()
    reads = 0

    def counted(level: int, index: int) -> bytes:
        nonlocal reads
        reads += 1
        return store.tree_node(level, index)

    MerkleReader(counted).inclusion(137, 300)
    assert reads <= 2 * (300).bit_length()  # 18 for 300 leaves, against 599 nodes in the tree
    reads = 0
    MerkleReader(counted).consistency(123, 300)
    assert reads <= 2 * (300).bit_length()
