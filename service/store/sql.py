"""What the SQLite and PostgreSQL stores share: the tables, the chained append, reads and listings.

A backend supplies the connection, its parameter style, how a write transaction takes the chain's lock
(so several processes appending at once still build one chain), and which exceptions are its own.
Every statement is written once, here, with ``?`` placeholders.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from ..kernel import metrics
from ..kernel.canonical import canonical_json, sha256_hex
from ..kernel.errors import DecisionNotFoundError, StoreError
from ..kernel.merkle import leaf_hash, node_hash
from .base import GENESIS_HASH, OUTCOME_FIELDS, LogRow, OutcomeRow, Query, chain_hash, record_kind

__all__ = ["SqlStore", "schema_statements"]


def schema_statements(seq_type: str) -> tuple[str, ...]:
    """The tables and indexes, the same on every backend but for the type of ``seq``."""
    return (
        """CREATE TABLE IF NOT EXISTS rule_versions (
            sha256        TEXT PRIMARY KEY,
            program       TEXT NOT NULL,
            version       INTEGER NOT NULL,
            path          TEXT NOT NULL,
            content       TEXT NOT NULL,
            facts_schema  TEXT NOT NULL DEFAULT '',
            first_seen_at TEXT NOT NULL,
            facts_schema_sha256 TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE IF NOT EXISTS decisions (
            seq           {seq_type} PRIMARY KEY,
            kind          TEXT NOT NULL DEFAULT 'decision',
            decision_id   TEXT NOT NULL UNIQUE,
            program       TEXT NOT NULL,
            fiscal_year   INTEGER NOT NULL,
            rules_version INTEGER NOT NULL,
            rules_sha256  TEXT NOT NULL REFERENCES rule_versions(sha256),
            decided_at    TEXT NOT NULL,
            facts         TEXT NOT NULL,
            decision      TEXT NOT NULL,
            prev_hash     TEXT NOT NULL,
            hash          TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS decisions_program_year ON decisions(program, fiscal_year)",
        "CREATE INDEX IF NOT EXISTS decisions_decided_at ON decisions(decided_at)",
        # The Merkle tree over the log (RFC 9162): the hash of every complete subtree, written once and never
        # changed, so a proof or a root reads O(log n) rows. Level 0 holds the leaf hashes.
        f"""CREATE TABLE IF NOT EXISTS log_tree (
            level         INTEGER NOT NULL,
            idx           {seq_type} NOT NULL,
            hash          TEXT NOT NULL,
            PRIMARY KEY (level, idx))""",
        f"""CREATE TABLE IF NOT EXISTS tree_heads (
            tree_size     {seq_type} PRIMARY KEY,
            head          TEXT NOT NULL)""",
    )

_COLUMNS = ("seq, kind, decision_id, program, fiscal_year, rules_version, rules_sha256, decided_at, facts, decision, "
            "prev_hash, hash")


class SqlStore:
    """The log over a DB-API connection; subclasses set the dialect (see the module docstring)."""

    url: str
    #: the backend's exception base class(es)
    errors: tuple[type[BaseException], ...] = ()
    placeholder = "?"
    #: DDL, one statement per item
    schema: tuple[str, ...] = ()
    #: the expression giving a decision's OUTCOME_FIELDS as one JSON array text (NULL: unreadable text)
    outcome_sql = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # held while a transaction is open: one writer per process
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending] = []
        #: wakes the writer thread of ``append_async`` when a record is queued (or the store closes)
        self._queued = threading.Condition(self._queue_lock)
        self._writer: threading.Thread | None = None
        self._closing = False
        #: rule texts this process knows the store holds (an INSERT per record would be wasted work)
        self._known_rules: set[str] = set()

    # -- dialect hooks ---------------------------------------------------------------------------------
    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.placeholder != "?":
            sql = sql.replace("?", self.placeholder)
        return self._conn().execute(sql, params)

    def _conn(self) -> Any:
        raise NotImplementedError

    def _exclusive(self) -> AbstractContextManager[object]:
        """Held around every write transaction, across processes; SQLite's replaces its busy-handler sleeps."""
        return nullcontext()

    def _begin_write(self) -> None:
        raise NotImplementedError

    def _in_transaction(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _insert_rule_version_sql(self) -> str:
        return ("INSERT INTO rule_versions(sha256, program, version, path, content, facts_schema, first_seen_at, "
                "facts_schema_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING")

    def _has_column(self, table: str, column: str) -> bool:
        raise NotImplementedError

    def _migrate(self) -> None:
        """Bring a store made by an older hojo up to this schema (idempotent; run at open)."""
        if not self._has_column("rule_versions", "facts_schema_sha256"):
            # Stores from before facts schemas were hashed: the hash of each schema text as it stands at the
            # upgrade; from then on an edited schema no longer matches (README, "Evidence").
            self._execute("ALTER TABLE rule_versions ADD COLUMN facts_schema_sha256 TEXT NOT NULL DEFAULT ''")
            for sha, schema in list(self._execute("SELECT sha256, facts_schema FROM rule_versions").fetchall()):
                self._execute("UPDATE rule_versions SET facts_schema_sha256 = ? WHERE sha256 = ?",
                              (schema_digest(schema), sha))

    # -- writing ---------------------------------------------------------------------------------------
    def save_rule_version(self, sha256: str, program: str, version: int, path: str, content: str,
                          facts_schema: str = "") -> None:
        with self._lock, self._exclusive():
            try:
                self._execute(self._insert_rule_version_sql(),
                              (sha256, program, version, path, content, facts_schema, datetime.now(UTC).isoformat(),
                               schema_digest(facts_schema)))
                if facts_schema:  # a row first kept by append() (no schema text then) gets it now
                    self._execute("UPDATE rule_versions SET facts_schema = ?, facts_schema_sha256 = ? "
                                  "WHERE sha256 = ? AND facts_schema = ''",
                                  (facts_schema, schema_digest(facts_schema), sha256))
            except self.errors as exc:
                raise StoreError("規則の版を記録できません", f"cannot keep the rule version: {exc}",
                                 code="store_write_failed") from exc

    def append(self, decision: Mapping[str, Any], facts: Mapping[str, Any], rule_text: str,
               kind: str = "decision") -> dict[str, Any]:
        """Durably append one record and return its log entry; raise :class:`StoreError` if it is not kept.

        Group commit: a caller queues its record, then takes the write lock; whoever holds it writes every
        record queued so far in one transaction (one fsync) and wakes their callers. Each caller returns
        only once its own record is committed, so "recorded before answered" holds for every one of them,
        and a failed commit fails every record of that transaction (none is kept, each caller gets a 503).
        """
        if record_kind(decision) != kind:  # the kind column must be derivable from the hashed body
            raise StoreError("記録の種類が本文と一致しません", f"a {kind!r} record whose body says "
                             f"{record_kind(decision)!r}", code="store_kind_mismatch")
        started = perf_counter()
        ticket = _Pending(decision, facts, rule_text, kind)
        with self._queue_lock:
            self._queue.append(ticket)
        with self._lock:
            if not ticket.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(batch)
        if ticket.error is not None:
            raise ticket.error
        assert ticket.entry is not None
        metrics.observe_append(perf_counter() - started)
        return ticket.entry

    async def append_async(self, decision: Mapping[str, Any], facts: Mapping[str, Any], rule_text: str,
                           kind: str = "decision") -> dict[str, Any]:
        """:meth:`append` for an event loop: the record is queued for this store's writer thread and awaited.

        No thread is held per request: the writer commits everything queued while it was busy in one
        transaction (the same group commit as :meth:`append`, whose callers it shares), and resolves each
        record's future once that transaction is durable, or fails it with the :class:`StoreError`.
        """
        if record_kind(decision) != kind:
            raise StoreError("記録の種類が本文と一致しません", f"a {kind!r} record whose body says "
                             f"{record_kind(decision)!r}", code="store_kind_mismatch")
        started = perf_counter()
        ticket = _Pending(decision, facts, rule_text, kind, future=Future())
        with self._queued:
            if self._closing:
                raise StoreError("記録先は閉じられています", "the store is closed", code="store_unavailable")
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_queued, name="hojo-store-writer", daemon=True)
                self._writer.start()
            self._queue.append(ticket)
            self._queued.notify()
        assert ticket.future is not None
        entry: dict[str, Any] = await asyncio.wrap_future(ticket.future)
        metrics.observe_append(perf_counter() - started)
        return entry

    def _write_queued(self) -> None:
        """The writer thread: commit whatever is queued, as one transaction, until the store closes."""
        while True:
            with self._queued:
                while not self._queue and not self._closing:
                    self._queued.wait()
                if not self._queue:
                    return
            with self._lock:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                if batch:
                    self._write(batch)

    def _stop_writer(self) -> None:
        """Let the writer commit what is queued, then end it (called by ``close`` before the connection goes)."""
        with self._queued:
            self._closing = True
            self._queued.notify()
            writer = self._writer
        if writer is not None and writer is not threading.current_thread():
            writer.join(timeout=30)

    def append_many(self, records: Sequence[tuple[Mapping[str, Any], Mapping[str, Any], str]],
                    kind: str = "decision") -> list[dict[str, Any]]:
        """Durably append ``(decision, facts, rule_text)`` records in one transaction, chained in order, and
        return their log entries; all are kept or none is (:class:`StoreError`). One record per decision,
        as :meth:`append` writes them: a batch is a group commit the caller makes itself."""
        tickets = [_Pending(decision, facts, rule_text, kind) for decision, facts, rule_text in records]
        if not tickets:
            return []
        with self._lock:
            self._write(tickets)
        if tickets[0].error is not None:
            raise tickets[0].error
        return [t.entry for t in tickets if t.entry is not None]

    def _write(self, batch: list[_Pending]) -> None:
        """Write ``batch`` in one transaction, chained in order; mark every ticket done either way."""
        with self._exclusive():
            self._write_locked(batch)
        for ticket in batch:
            if ticket.future is not None:
                if ticket.entry is None:
                    ticket.future.set_exception(ticket.error or StoreError(
                        "判定を記録できませんでした", "the record was not written", code="store_write_failed"))
                else:
                    ticket.future.set_result(ticket.entry)

    def _write_locked(self, batch: list[_Pending]) -> None:
        entries = []
        try:
            self._begin_write()
            row = self._execute("SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev_hash = (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)
            kept = set(self._known_rules)  # a rule text is inserted once per transaction, not once per record
            for ticket in batch:
                decision = ticket.decision
                if decision["rules_sha256"] not in kept:
                    self._execute(self._insert_rule_version_sql(),
                                  (decision["rules_sha256"], decision["program"], decision["rules_version"], "",
                                   ticket.rule_text, "", decision["decided_at"], ""))
                    kept.add(decision["rules_sha256"])
                seq += 1
                facts_text = canonical_json(ticket.facts)
                decision_text = canonical_json(decision)
                # record_body(decision, facts) from the two column texts: the same bytes, serialised once
                digest = chain_hash(prev_hash, f'{{"decision":{decision_text},"facts":{facts_text}}}')
                self._execute(
                    f"INSERT INTO decisions({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (seq, ticket.kind, decision["decision_id"], decision["program"], decision["fiscal_year"],
                     decision["rules_version"], decision["rules_sha256"], decision["decided_at"],
                     facts_text, decision_text, prev_hash, digest))
                entries.append({"seq": seq, "prev_hash": prev_hash, "hash": digest})
                prev_hash = digest
            self._execute("COMMIT")
        except self.errors as exc:
            self._roll_back()
            error = StoreError("判定を記録できなかったため、判定結果は返せません",
                               f"the decision could not be recorded, so it is not answered: {exc}",
                               code="store_write_failed")
            for ticket in batch:
                ticket.error, ticket.done = error, True
            return
        metrics.observe_group_commit(len(batch))
        self._known_rules.update(t.decision["rules_sha256"] for t in batch)
        for ticket, entry in zip(batch, entries, strict=True):
            ticket.entry, ticket.done = entry, True

    def _roll_back(self) -> None:
        try:
            if self._in_transaction():
                self._execute("ROLLBACK")
        except self.errors:
            pass  # a closed or broken connection has no transaction left to roll back

    # -- reading ---------------------------------------------------------------------------------------
    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                return list(self._execute(sql, params).fetchall())
            except self.errors as exc:
                raise StoreError("記録を読めません", f"cannot read the store: {exc}", code="store_unavailable") from exc

    def get(self, decision_id: str) -> dict[str, Any] | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM decisions WHERE decision_id = ?", (decision_id,))
        return _row(rows[0]).record() if rows else None

    def record(self, decision_id: str) -> dict[str, Any]:
        """The stored record of ``decision_id``, or :class:`DecisionNotFoundError`."""
        record = self.get(decision_id)
        if record is None:
            raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                        code="decision_not_found")
        return record

    def rule_version(self, sha256: str) -> dict[str, Any] | None:
        rows = self._read("SELECT program, version, path, content, facts_schema, facts_schema_sha256 "
                          "FROM rule_versions WHERE sha256 = ?", (sha256,))
        if not rows:
            return None
        program, version, path, content, facts_schema, schema_sha = rows[0]
        return {"sha256": sha256, "program": program, "version": int(version), "path": path, "content": content,
                "facts_schema": facts_schema, "facts_schema_sha256": schema_sha}

    def rule_version_text(self, sha256: str) -> str | None:
        found = self.rule_version(sha256)
        return None if found is None else str(found["content"])

    def rows(self, query: Query | None = None, page_size: int = 2000) -> Iterator[LogRow]:
        """Yield rows in seq order, a page at a time (the lock is not held between pages)."""
        for raw in self._pages(_COLUMNS, query or Query(), (), page_size):
            yield _row(raw)

    def outcomes(self, query: Query | None = None, kinds: tuple[str, ...] = (),
                 page_size: int = 2000) -> Iterator[OutcomeRow]:
        """Yield the rows of ``kinds`` (all when empty) in seq order, each decision cut by the database to
        :data:`OUTCOME_FIELDS` as one JSON array text (booleans, integers and nulls exactly as stored)."""
        columns = f"seq, kind, decision_id, program, fiscal_year, rules_sha256, facts, {self.outcome_sql}"
        for seq, kind, record_id, program, fiscal_year, sha, facts, picked in self._pages(
                columns, query or Query(), kinds, page_size):
            if picked is None:  # the database could not read the decision text: the whole text, as ``rows``
                found = self.row_at(int(seq))
                whole = json.loads(found.decision_text if found else "null")
                outcome = {name: whole.get(name) for name in OUTCOME_FIELDS}
            else:
                outcome = dict(zip(OUTCOME_FIELDS, json.loads(picked), strict=True))
            yield OutcomeRow(seq=int(seq), kind=kind, record_id=record_id, program=program,
                             fiscal_year=int(fiscal_year), rules_sha256=sha, facts_text=facts, outcome=outcome)

    def _pages(self, columns: str, query: Query, kinds: tuple[str, ...], page_size: int) -> Iterator[Any]:
        after, left = query.after_seq, query.limit
        while left is None or left > 0:
            where: list[str] = ["seq > ?"]
            params: list[Any] = [after]
            for column, value, op in (("program", query.program, "="), ("fiscal_year", query.fiscal_year, "="),
                                      ("kind", query.kind, "="), ("decided_at", query.decided_from, ">="),
                                      ("decided_at", query.decided_to, "<")):
                if value is not None:
                    where.append(f"{column} {op} ?")
                    params.append(value)
            if kinds:
                where.append(f"kind IN ({', '.join('?' * len(kinds))})")
                params += kinds
            if query.shard is not None:
                # seq mod count, written with integer division: "%" is a placeholder character for psycopg
                where.append("seq - (seq / ?) * ? = ?")
                params += [query.shard[1], query.shard[1], query.shard[0]]
            size = page_size if left is None else min(page_size, left)
            page = self._read(f"SELECT {columns} FROM decisions WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?",
                              (*params, size))
            yield from page
            if len(page) < size:
                return
            after = int(page[-1][0])
            if left is not None:
                left -= len(page)

    def head(self) -> dict[str, Any]:
        rows = self._read("SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1")
        count = self.count()
        if not rows:
            return {"count": 0, "last_seq": 0, "head_hash": GENESIS_HASH}
        return {"count": count, "last_seq": int(rows[0][0]), "head_hash": str(rows[0][1])}

    def count(self) -> int:
        return int(self._read("SELECT count(*) FROM decisions")[0][0])

    def chain_length(self) -> int:
        """The seq of the last record (the chain runs 1..n): read from the index, unlike ``count(*)``.

        Also what ``/readyz`` asks to know that the store answers.
        """
        rows = self._read("SELECT seq FROM decisions ORDER BY seq DESC LIMIT 1")
        return int(rows[0][0]) if rows else 0

    def rule_versions(self) -> Iterator[dict[str, Any]]:
        """Every stored rule version with its texts and the sha256 each was kept under (for verify)."""
        for sha, program, version, content, facts_schema, schema_sha in self._read(
                "SELECT sha256, program, version, content, facts_schema, facts_schema_sha256 FROM rule_versions "
                "ORDER BY program, version, sha256"):
            yield {"sha256": sha, "program": program, "version": int(version), "content": content,
                   "facts_schema": facts_schema, "facts_schema_sha256": schema_sha}

    # -- the Merkle tree over the log (service/kernel/merkle.py) ---------------------------------------
    def _begin_tree(self) -> None:
        """Begin a transaction in which only this connection extends the tree."""
        self._begin_write()

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if self.placeholder != "?":
            sql = sql.replace("?", self.placeholder)
        self._conn().cursor().executemany(sql, rows)

    def tree_size(self) -> int:
        """How many records the stored tree holds as leaves (it trails the log until :meth:`extend_tree`)."""
        # Leaves are written in order from 0, so the last index (one primary-key probe) gives the size.
        return int(self._read("SELECT coalesce(max(idx) + 1, 0) FROM log_tree WHERE level = 0")[0][0])

    def extend_tree(self, page: int = 20_000) -> int:
        """Add every record appended since the last call as a leaf; return the tree's size.

        A leaf is the record's chain hash (32 bytes), so the tree commits to every byte the chain does.
        Only complete subtrees are written, each once: about two rows per record. The tree stops before a
        gap in ``seq`` or an unreadable hash, which ``verify`` reports at that record.
        """
        while True:
            # Read first, outside a write transaction: when the tree is current (most calls of the batch
            # signer), no write lock is taken and no decision waits.
            size = self.tree_size()
            last = self._read("SELECT seq FROM decisions ORDER BY seq DESC LIMIT 1")
            if not last or int(last[0][0]) <= size:
                return size
            with self._lock, self._exclusive():
                try:
                    self._begin_tree()
                    size = int(self._execute("SELECT coalesce(max(idx) + 1, 0) FROM log_tree WHERE level = 0"
                                             ).fetchone()[0])
                    new = self._execute("SELECT seq, hash FROM decisions WHERE seq > ? ORDER BY seq LIMIT ?",
                                        (size, page)).fetchall()
                    frontier: dict[int, bytes] = {}
                    for level in range(size.bit_length()):
                        if size >> level & 1:
                            kept = self._execute("SELECT hash FROM log_tree WHERE level = ? AND idx = ?",
                                                 (level, (size >> level) - 1)).fetchone()
                            frontier[level] = bytes.fromhex(kept[0])
                    nodes: list[tuple[int, int, str]] = []
                    stopped = False
                    for seq, digest in new:
                        try:
                            current = leaf_hash(bytes.fromhex(digest))
                        except ValueError:
                            current = b""
                        if int(seq) != size + 1 or len(current) != 32 or len(digest) != 64:
                            stopped = True
                            break
                        nodes.append((0, size, current.hex()))
                        level = 0
                        while level in frontier:
                            current = node_hash(frontier.pop(level), current)
                            level += 1
                            nodes.append((level, ((size + 1) >> level) - 1, current.hex()))
                        frontier[level] = current
                        size += 1
                    if nodes:
                        self._execute_many("INSERT INTO log_tree(level, idx, hash) VALUES (?, ?, ?)", nodes)
                    self._execute("COMMIT")
                except self.errors as exc:
                    self._roll_back()
                    raise StoreError("記録のハッシュ木を更新できません", f"cannot extend the log's tree: {exc}",
                                     code="store_write_failed") from exc
            if stopped or len(new) < page:
                return size

    def tree_node(self, level: int, index: int) -> bytes:
        """The stored hash of a complete subtree (``service.kernel.merkle.MerkleReader`` reads through this)."""
        rows = self._read("SELECT hash FROM log_tree WHERE level = ? AND idx = ?", (level, index))
        if not rows:
            raise StoreError("記録のハッシュ木が欠けています", f"the log's tree has no node ({level}, {index})",
                             code="tree_node_missing")
        return bytes.fromhex(str(rows[0][0]))

    def tree_level(self, level: int, page_size: int = 10_000) -> Iterator[tuple[int, bytes]]:
        """Every stored node of one level of the tree, by index (for verify), a page at a time."""
        after = -1
        while True:
            page = self._read("SELECT idx, hash FROM log_tree WHERE level = ? AND idx > ? ORDER BY idx LIMIT ?",
                              (level, after, page_size))
            for idx, digest in page:
                yield int(idx), bytes.fromhex(str(digest))
            if len(page) < page_size:
                return
            after = int(page[-1][0])

    def chain_hashes(self, page_size: int = 10_000) -> Iterator[tuple[int, str]]:
        """(seq, hash) of every record, in order: the leaves the tree is built over."""
        after = 0
        while True:
            page = self._read("SELECT seq, hash FROM decisions WHERE seq > ? ORDER BY seq LIMIT ?", (after, page_size))
            for seq, digest in page:
                yield int(seq), str(digest)
            if len(page) < page_size:
                return
            after = int(page[-1][0])

    def save_tree_head(self, tree_size: int, head: Mapping[str, Any]) -> None:
        """Keep a signed tree head (idempotent: the first head of a size is kept)."""
        with self._lock, self._exclusive():
            try:
                self._execute("INSERT INTO tree_heads(tree_size, head) VALUES (?, ?) "
                              "ON CONFLICT (tree_size) DO NOTHING", (tree_size, canonical_json(head)))
            except self.errors as exc:
                raise StoreError("署名付きの木の先頭を記録できません", f"cannot keep the tree head: {exc}",
                                 code="store_write_failed") from exc

    def latest_tree_head(self) -> dict[str, Any] | None:
        rows = self._read("SELECT head FROM tree_heads ORDER BY tree_size DESC LIMIT 1")
        return json.loads(rows[0][0]) if rows else None

    def tree_heads(self) -> list[dict[str, Any]]:
        return [json.loads(text) for (text,) in self._read("SELECT head FROM tree_heads ORDER BY tree_size")]

    def hash_at(self, seq: int) -> str | None:
        """The stored chain hash of record ``seq`` (the chain head at ``seq`` records)."""
        rows = self._read("SELECT hash FROM decisions WHERE seq = ?", (seq,))
        return str(rows[0][0]) if rows else None

    def row_at(self, seq: int) -> LogRow | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM decisions WHERE seq = ?", (seq,))
        return _row(rows[0]) if rows else None

    def row_of(self, decision_id: str) -> LogRow | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM decisions WHERE decision_id = ?", (decision_id,))
        return _row(rows[0]) if rows else None

    def last_seq(self) -> int:
        """The seq of the newest record (0 for an empty log): one index lookup, cheap enough to poll."""
        return int(self._read("SELECT max(seq) FROM decisions")[0][0] or 0)

    # -- archive: the whole store as JSON lines, and back ----------------------------------------------
    def dump(self) -> Iterator[dict[str, Any]]:
        """Yield every rule version, then every log row with all its columns, verbatim (an archive)."""
        for sha, program, version, path, content, facts_schema, first_seen, schema_sha in self._read(
                "SELECT sha256, program, version, path, content, facts_schema, first_seen_at, facts_schema_sha256 "
                "FROM rule_versions ORDER BY sha256"):
            yield {"rule_version": {"sha256": sha, "program": program, "version": int(version), "path": path,
                                    "content": content, "facts_schema": facts_schema, "first_seen_at": first_seen,
                                    "facts_schema_sha256": schema_sha}}
        for raw in self._read(f"SELECT {_COLUMNS} FROM decisions ORDER BY seq"):
            yield {"row": dict(zip(_COLUMNS.split(", "), raw, strict=True))}

    def restore(self, items: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> int:
        """Load an archive from :meth:`dump` into this empty store, byte for byte; return the rows loaded."""
        if self.count():
            raise StoreError("空でない記録先には復元できません", "restore needs an empty store", code="store_not_empty")
        rows = 0
        with self._lock, self._exclusive():
            try:
                self._begin_write()
                for item in items:
                    if "rule_version" in item:
                        rv = item["rule_version"]
                        # An archive from before schemas were hashed: the hash of the schema as archived.
                        self._execute(self._insert_rule_version_sql(),
                                      (rv["sha256"], rv["program"], rv["version"], rv["path"], rv["content"],
                                       rv["facts_schema"], rv["first_seen_at"],
                                       rv.get("facts_schema_sha256", schema_digest(rv["facts_schema"]))))
                    else:
                        row = item["row"]
                        names = list(row)
                        self._execute(f"INSERT INTO decisions({', '.join(names)}) VALUES "
                                      f"({', '.join('?' for _ in names)})", tuple(row[n] for n in names))
                        rows += 1
                self._execute("COMMIT")
            except Exception as exc:  # the backend's errors, or an archive line without its fields
                self._roll_back()
                if not isinstance(exc, (*self.errors, KeyError)):
                    raise
                raise StoreError("記録を復元できません", f"cannot restore the archive: {exc}",
                                 code="store_restore_failed") from exc
        return rows


@dataclass
class _Pending:
    """A record waiting for the group commit, and what became of it."""

    decision: Mapping[str, Any]
    facts: Mapping[str, Any]
    rule_text: str
    kind: str
    done: bool = False
    entry: dict[str, Any] | None = None
    error: StoreError | None = None
    #: set for ``append_async``: resolved by whichever thread commits the record
    future: Future[dict[str, Any]] | None = field(default=None, compare=False)


def _row(raw: Any) -> LogRow:
    seq, kind, record_id, program, fiscal_year, version, sha, decided_at, facts, decision, prev_hash, digest = raw
    return LogRow(seq=int(seq), kind=kind, record_id=record_id, program=program, fiscal_year=int(fiscal_year),
                  rules_version=int(version), rules_sha256=sha, decided_at=decided_at, facts_text=facts,
                  decision_text=decision, prev_hash=prev_hash, hash=digest)


def schema_digest(facts_schema: str) -> str:
    """The sha256 kept for a facts schema text; none for a version kept before its schema was known."""
    return sha256_hex(facts_schema) if facts_schema else ""
