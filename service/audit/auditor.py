"""Auditors' and policy owners' tools over the decision log: replay, redecide, verify, impact.

- **replay** re-runs a recorded decision's canonical facts under the exact rule text it was decided by,
  read from the store by its sha256 (never from today's ``rules/``), and compares field by field;
- **redecide** decides the same facts under the version in force today: the auditor's "what changed";
- **verify** checks the hash chain, the Merkle tree, the signed heads, every stored rule text and facts
  schema and the publication lock (``audit.integrity.verify_store``);
- **impact** decides the logged applications of the draft's programs and fiscal years under a draft
  rule set and reports flips and yen deltas, before the draft is published.

Nothing here writes to the log: a replay or an impact run is a computation, not a decision.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.decide import Decider
from ..kernel.canonical import canonical_json, diff, sha256_hex
from ..kernel.errors import HojoError, StoreError
from ..rulebook.load import load_rule_text
from ..rulebook.model import RuleVersion
from ..store import LogRow, OutcomeRow, Query, SqlStore, open_store
from ..store.base import record_kind
from ..store.sql import schema_digest
from .integrity import published_lock, verify_store

__all__ = ["Auditor", "Progress", "diff"]

#: the fields a replay recomputes; the rest (id, fiscal year, time) are the record's own
DECIDED_FIELDS = ("program", "rules_version", "rules_sha256", "ruleset", "eligible", "amount_yen", "cap_yen",
                  "results", "breakdown", "reasons")

Progress = Callable[[int, int | None], None]

#: the fields of a batch record (``service/batches.py``) that a replay recomputes: a batch answers the outcome
#: and the amounts, without reasons
BATCH_FIELDS = ("program", "rules_version", "rules_sha256", "ruleset", "eligible", "amount_yen", "cap_yen")
#: the record kinds that are decisions (``decision``: one application; ``batch``: a row of a batch)
DECIDED_KINDS = ("decision", "batch")


@dataclass
class _Tally:
    decisions: int = 0
    changed: int = 0
    eligible_to_ineligible: int = 0
    ineligible_to_eligible: int = 0
    to_undetermined: int = 0
    from_undetermined: int = 0
    facts_invalid: int = 0
    yen_delta: int = 0
    yen_before: int = 0  # the grants as logged, so a delta can be read against the whole (after = before + delta)

    def add(self, before: Mapping[str, Any], after: Mapping[str, Any] | None) -> bool:
        self.decisions += 1
        self.yen_before += before["amount_yen"] or 0
        if after is None:
            self.facts_invalid += 1
            self.changed += 1
            return True
        was, now = before["eligible"], after["eligible"]
        if was is True and now is False:
            self.eligible_to_ineligible += 1
        elif was is False and now is True:
            self.ineligible_to_eligible += 1
        elif was is not None and now is None:
            self.to_undetermined += 1
        elif was is None and now is not None:
            self.from_undetermined += 1
        self.yen_delta += (after["amount_yen"] or 0) - (before["amount_yen"] or 0)
        moved = (was, before["amount_yen"], before["cap_yen"]) != (now, after["amount_yen"], after["cap_yen"])
        self.changed += moved
        return moved

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Auditor:
    """Reads the log of ``store`` and decides with ``decider`` (whose rulebook is today's ``rules/``)."""

    store: SqlStore
    decider: Decider
    paths: Any
    _stored: dict[str, RuleVersion] = field(default_factory=dict)

    # -- the exact version a record was decided by ---------------------------------------------------
    def stored_version(self, sha256: str, checked: set[str] | None = None) -> RuleVersion:
        """Return the rule version with this sha256, compiled from the text kept in the store.

        The stored text and facts schema are read and checked against their sha256 every time (once per
        run when ``checked`` is given): a version compiled earlier is never trusted over an altered store.
        """
        if checked is not None and sha256 in checked and sha256 in self._stored:
            return self._stored[sha256]
        kept = self.store.rule_version(sha256)
        if kept is None:
            raise StoreError("判定に使われた規則の版が記録にありません",
                             f"the store holds no rule text with sha256 {sha256}", code="rule_version_missing")
        if sha256_hex(kept["content"]) != sha256:
            raise StoreError("記録された規則の本文がハッシュと一致しません",
                             f"the stored rule text does not match its sha256 {sha256}", code="rule_text_altered")
        if schema_digest(kept["facts_schema"]) != kept["facts_schema_sha256"]:
            raise StoreError("記録された facts スキーマがハッシュと一致しません",
                             f"the stored facts schema of rule version {sha256[:12]}… does not match its sha256",
                             code="facts_schema_altered")
        cached = self._stored.get(sha256)
        if cached is not None and cached.facts_schema_text == (kept["facts_schema"] or cached.facts_schema_text):
            if checked is not None:
                checked.add(sha256)
            return cached
        rv = load_rule_text(kept["content"], f"store:{kept['program']}@{kept['version']}#{sha256[:12]}",
                            self.paths.schemas, self.paths.seeds, facts_schema_text=kept["facts_schema"] or None,
                            check_quotes=False)
        if rv.sha256 != sha256:  # the text is what was hashed when it was used, or the store was altered
            raise StoreError("記録された規則の本文がハッシュと一致しません",
                             f"the stored rule text does not match its sha256 {sha256}", code="rule_text_altered")
        self.decider.register(rv)
        self._stored[sha256] = rv
        if checked is not None:
            checked.add(sha256)
        return rv

    def record(self, decision_id: str) -> dict[str, Any]:
        """The stored record of ``decision_id``, or :class:`DecisionNotFoundError`."""
        return self.store.record(decision_id)

    # -- replay ---------------------------------------------------------------------------------------
    def replay(self, decision_id: str) -> dict[str, Any]:
        return self._replay(self.record(decision_id))

    def _replay(self, record: Mapping[str, Any], recorded_text: str | None = None,
                checked: set[str] | None = None) -> dict[str, Any]:
        """``recorded_text``: the stored canonical text of the decision, when the caller has it at hand;
        ``checked``: the rule versions this run has already read back and checked."""
        if record.get("kind") == "allocation":  # a budget shared out (service/allocation/shares.py), not a decision
            from ..allocation.shares import replay_allocation

            return replay_allocation(record, self.store, self.paths)
        if record.get("kind") == "case_step":  # one step of a case (service/cases), from the step before it
            from ..cases.service import replay_step

            return replay_step(record, self.store, self.paths, self)
        if record.get("kind") == "publish":  # a publication (authoring/drafting.py): its text is kept intact
            published = self.stored_version(record["decision"]["rules_sha256"], checked)
            return {"decision_id": record["decision"]["decision_id"], "identical": True, "kind": "publish",
                    "rules_sha256": published.sha256, "ruleset": published.name, "differences": [],
                    "canonical": canonical_json(record["decision"])}
        recorded = record["decision"]
        rv = self.stored_version(recorded["rules_sha256"], checked)
        # In the explanation format the record was written in (records before format 2 have no field).
        body = self.decider.decide(rv, record["facts"], recorded.get("explanation", 1))
        fields = BATCH_FIELDS if record.get("kind") == "batch" else DECIDED_FIELDS
        replayed = {**recorded, **{key: body[key] for key in fields}}
        canonical = canonical_json(replayed)
        # One comparison of the canonical texts; the field-by-field walk only when they differ.
        same = canonical == (recorded_text if recorded_text is not None else canonical_json(recorded))
        differences = [] if same else diff(recorded, replayed)
        return {"decision_id": recorded["decision_id"], "identical": not differences,
                "rules_sha256": rv.sha256, "ruleset": rv.name, "differences": differences,
                "canonical": canonical}

    def replay_all(self, query: Query | None = None, progress: Progress | None = None,
                   jobs: int = 1) -> dict[str, Any]:
        """Replay every recorded decision and allocation the query selects: the summary and every difference.

        ``jobs`` > 1 replays in that many forked processes, each with its own store connection, taking every
        ``jobs``-th record; the engine is loaded before the fork, so the children start at once.
        """
        started = time.monotonic()
        if self.store.url.endswith(":memory:"):
            jobs = 1  # a memory database is not shared with another process
        if jobs > 1:
            global _FORKED
            _FORKED = self  # the children are forked with this auditor in memory (it cannot be pickled)
            try:
                with multiprocessing.get_context("fork").Pool(jobs) as pool:
                    parts = pool.map(_replay_share_in_child, [(query, index, jobs) for index in range(jobs)])
                broken = [part["child_error"] for part in parts if "child_error" in part]
                if broken:
                    raise StoreError("並列の再現に失敗しました", f"a replay process failed: {broken[0]}",
                                     code="replay_failed")
            finally:
                _FORKED = None
            if progress:
                total = sum(part["replayed"] for part in parts)
                progress(total, total)
        else:
            parts = [self._replay_share((query, 0, 1), progress)]
        elapsed = time.monotonic() - started
        seen = sum(part["replayed"] for part in parts)
        different = sorted((d for part in parts for d in part["differences"]), key=lambda d: d["seq"])
        failed = sorted((f for part in parts for f in part["failures"]), key=lambda f: f["seq"])
        return {"replayed": seen, "identical": sum(part["identical"] for part in parts), "different": len(different),
                "failed": len(failed), "differences": different, "failures": failed,
                "elapsed_seconds": round(elapsed, 3), "per_second": round(seen / elapsed) if elapsed > 0 else None,
                "jobs": jobs}

    def _replay_share(self, share: tuple[Query | None, int, int], progress: Progress | None = None) -> dict[str, Any]:
        query, index, jobs = share
        store = self.store if jobs == 1 else open_store(self.store.url)  # a forked child needs its own connection
        auditor = self if jobs == 1 else Auditor(store, self.decider, self.paths, self._stored)
        total = store.count()
        identical, different, failed, seen = 0, [], [], 0
        checked: set[str] = set()
        try:
            # Decisions and allocations replay; a publish record is an event, not a computation to repeat.
            # Each process reads only its own share of the log (seq % jobs == index), not every row.
            shard = dataclasses.replace(query or Query(), shard=(index, jobs)) if jobs > 1 else (query or Query())
            for row in store.rows(shard):
                if row.kind not in (*DECIDED_KINDS, "allocation", "case_step"):
                    # A record relabelled as a publication would otherwise be skipped without a word.
                    if record_kind(json.loads(row.decision_text)) != row.kind:
                        seen += 1
                        failed.append({"seq": row.seq, "decision_id": row.record_id, "code": "kind_mismatch",
                                       "message_en": f"the kind column says {row.kind!r}, the hashed record does "
                                                     "not: relabelled, not replayed"})
                    continue
                seen += 1
                try:
                    result = auditor._replay(row.record(), row.decision_text, checked)
                except HojoError as exc:
                    failed.append({"seq": row.seq, "decision_id": row.record_id, "code": exc.code,
                                   "message_en": exc.message_en})
                else:
                    if result["identical"]:
                        identical += 1
                    else:
                        different.append({"seq": row.seq, "decision_id": row.record_id,
                                          "differences": result["differences"]})
                if progress:
                    progress(seen, total)
        finally:
            if store is not self.store:
                store.close()
        return {"replayed": seen, "identical": identical, "differences": different, "failures": failed}

    def _decision_rows(self, query: Query) -> Iterator[LogRow]:
        return (row for row in self.store.rows(query) if row.kind in DECIDED_KINDS)

    # -- redecide -------------------------------------------------------------------------------------
    def redecide(self, decision_id: str) -> dict[str, Any]:
        """What today's rules decide for the recorded facts, and how that differs from the record."""
        record = self.record(decision_id)
        recorded = record["decision"]
        rv = self.decider.rulebook.select(recorded["program"], recorded["fiscal_year"])
        facts = self.decider.validate_facts(rv, record["facts"])
        body = self.decider.decide(rv, facts, recorded.get("explanation", 1))  # comparable with the record
        today = {**recorded, **{key: body[key] for key in DECIDED_FIELDS}}
        differences = diff(recorded, today)
        return {"decision_id": decision_id, "identical": not differences, "recorded_ruleset": recorded["ruleset"],
                "today_ruleset": rv.name, "today": today, "differences": differences}

    # -- the chain ------------------------------------------------------------------------------------
    def verify(self, expected: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return verify_store(self.store, self._lock(), expected)

    def _lock(self) -> dict[str, str]:
        return published_lock(Path(self.paths.rules))

    # -- impact of a draft ----------------------------------------------------------------------------
    def impact(self, draft: Iterable[RuleVersion], query: Query | None = None, progress: Progress | None = None,
               max_listed: int = 1000, columnar: bool = True, chunk: int = 50_000) -> dict[str, Any]:
        """Decide the logged applications under ``draft`` (not logged) and report what would change.

        ``columnar``: decide each chunk of the log a table at a time (``core/columnar.py``; versions or rows it
        does not express go to the engine, one by one); the report is the same as the per-record one.
        """
        started = time.monotonic()
        drafts: dict[str, list[RuleVersion]] = {}
        for rv in draft:
            self.decider.register(rv)
            drafts.setdefault(rv.program, []).append(rv)
        tallies = {program: _Tally() for program in drafts}
        changed: list[dict[str, Any]] = []
        seen, total = 0, self.store.count()
        pending: list[tuple[Any, RuleVersion]] = []  # LogRow per record; OutcomeRow columnar

        def settle() -> None:
            decided = self._impact_chunk(pending) if columnar else [self._impact_one(rv, row) for row, rv in pending]
            for (row, _), (before, after) in zip(pending, decided, strict=True):
                if tallies[row.program].add(before, after) and len(changed) < max_listed:
                    changed.append({
                        "decision_id": row.record_id, "program": row.program, "fiscal_year": row.fiscal_year,
                        "before": {k: before.get(k) for k in ("ruleset", "eligible", "amount_yen", "cap_yen")},
                        "after": None if after is None else {k: after[k] for k in ("ruleset", "eligible",
                                                                                   "amount_yen", "cap_yen")}})
            pending.clear()

        rows: Iterator[LogRow] | Iterator[OutcomeRow] = (
            self.store.outcomes(query or Query(), DECIDED_KINDS) if columnar else self._decision_rows(query or Query()))
        for row in rows:
            seen += 1
            if progress and seen % 500 == 0:
                progress(seen, total)
            candidates = [rv for rv in drafts.get(row.program, [])
                          if rv.from_fiscal_year <= row.fiscal_year <= rv.to_fiscal_year]
            if not candidates:
                continue
            pending.append((row, max(candidates, key=lambda v: v.version)))
            if len(pending) >= chunk:
                settle()
        settle()
        if progress:
            progress(seen, total)
        total_tally = _Tally()
        for tally in tallies.values():
            for key, value in tally.as_dict().items():
                setattr(total_tally, key, getattr(total_tally, key) + value)
        elapsed = time.monotonic() - started
        return {"draft": {program: [f"{rv.name}#{rv.sha256[:12]}" for rv in versions]
                          for program, versions in drafts.items()},
                "scanned": seen, "programs": {p: t.as_dict() for p, t in sorted(tallies.items())},
                "total": total_tally.as_dict(), "changed": changed,
                "changed_listed": len(changed), "elapsed_seconds": round(elapsed, 3)}

    def _impact_one(self, rv: RuleVersion, row: LogRow) -> tuple[dict[str, Any], dict[str, Any] | None]:
        record = row.record()
        try:
            after: dict[str, Any] | None = self.decider.decide(rv, self.decider.validate_facts(rv, record["facts"]))
        except HojoError:
            after = None  # the draft's facts schema refuses the recorded facts
        return record["decision"], after

    def _impact_chunk(self, pending: list[tuple[OutcomeRow, RuleVersion]]
                      ) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """The before and after of each pending row, each draft version's rows decided as one table."""
        from ..core.columnar import decide_rows  # Polars is loaded only when a table is decided

        out: list[tuple[dict[str, Any], dict[str, Any] | None]] = [({}, None)] * len(pending)
        groups: dict[str, list[int]] = {}
        for index, (_, rv) in enumerate(pending):
            groups.setdefault(rv.sha256, []).append(index)
        for indexes in groups.values():
            rv = pending[indexes[0]][1]
            result = decide_rows(self.decider, rv, [json.loads(pending[i][0].facts_text) for i in indexes])
            for j, i in enumerate(indexes):
                after = None if result.error[j] is not None else {
                    "ruleset": rv.name, "eligible": result.eligible[j], "amount_yen": result.amount_yen[j],
                    "cap_yen": result.cap_yen[j]}
                out[i] = (pending[i][0].outcome, after)
        return out


_FORKED: Auditor | None = None


def _replay_share_in_child(share: tuple[Query | None, int, int]) -> dict[str, Any]:
    assert _FORKED is not None
    try:
        return _FORKED._replay_share(share)
    except Exception as exc:  # returned as data: an exception that does not unpickle would hang Pool.map
        return {"child_error": f"{type(exc).__name__}: {exc}"}
