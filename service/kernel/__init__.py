"""The kernel: what every other part of hojo shares, and which imports nothing else of hojo.

Owns: the typed error tree (``errors``), where data folders and the store are (``config``), canonical
JSON, hashes and record comparison (``canonical``), and the strict JSON reader shared by the API and the
CLI (``strict_json``), the process's metric instruments (``metrics``), its JSON log lines (``logs``), and
the RFC 9162 Merkle tree: roots, proofs and their verifiers (``merkle``).

May import: the standard library only, and prometheus_client in ``metrics``.
"""
