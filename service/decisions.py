"""The decision service: request → validated facts → decision → durable log record → answer.

Shared by the HTTP API and the CLI, so ``hojo decide`` and ``POST /v1/decisions`` are the same code. A
simulation (試算: ``POST /v1/simulations``, ``hojo decide --simulate``, the workbench's try-it page) is
the same call with ``record=False``: the same validation and the same answer, but nothing reaches the
log, so impact previews and replays never see it.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .audit.auditor import Auditor
from .audit.evidence import Notary
from .audit.integrity import record_integrity
from .core.decide import EXPLANATION, Decider
from .core.what_if import what_if
from .kernel import metrics
from .kernel.config import Paths
from .kernel.errors import DecisionNotFoundError, HojoError, InvalidRequestError
from .lang.facts import StrictValidator, problems_of
from .rulebook.registry import Rulebook
from .store import Query, SqlStore

__all__ = ["DecisionService"]

log = logging.getLogger("hojo")

_FIELD_ORDER = ("decision_id", "program", "fiscal_year", "rules_version", "rules_sha256", "ruleset", "eligible",
                "amount_yen", "cap_yen", "results", "breakdown", "reasons", "explanation", "decided_at", "requested_by")


class DecisionService:
    def __init__(self, rulebook: Rulebook, store: SqlStore, paths: Paths, differential: bool = False,
                 notary: Notary | None = None) -> None:
        self.rulebook, self.store = rulebook, store
        #: signs the log's tree heads and gives receipts (service/audit/evidence.py)
        self.notary = notary if notary is not None else Notary.from_env(store)
        self.decider = Decider(rulebook, differential=differential)
        self.paths = paths
        self.auditor = Auditor(store, self.decider, paths)
        schema = json.loads(Path(paths.schemas / "application.schema.json").read_text(encoding="utf-8"))
        self._envelope = StrictValidator(schema)
        for rv in rulebook.all_versions():
            store.save_rule_version(rv.sha256, rv.program, rv.version, rv.path, rv.text, rv.facts_schema_text)
        #: the log is read for publications up to this seq (``load_publications``)
        self._publications_seen = 0
        self._publications_lock = threading.Lock()

    def load_publications(self) -> list[str]:
        """Register every version published on this store since the last call, by any process; return their names.

        A publication is a ``publish`` record of the log; its rule text is read from the store's
        ``rule_versions`` and checked against its sha256, so a version published by the CLI, another worker or
        another host decides here too, without a restart and without the file in this host's ``rules/``.
        """
        with self._publications_lock:
            head = self.store.last_seq()
            if head <= self._publications_seen:
                return []
            loaded, seen = [], head
            for row in self.store.rows(Query(kind="publish", after_seq=self._publications_seen)):
                seen = max(seen, row.seq)
                name = self._load_publication(row.program, row.rules_sha256)
                if name:
                    loaded.append(name)
            self._publications_seen = seen
            return loaded

    def _load_publication(self, program: str, sha256: str) -> str | None:
        if any(rv.sha256 == sha256 for rv in self.rulebook.programs.get(program, {}).values()):
            return None
        try:
            rv = self.auditor.stored_version(sha256)  # compiled from the stored text, refused if it was altered
            if rv.program != program or rv.status != "published":
                raise ValueError(f"the stored text of {sha256[:12]} is not a published version of {program}")
            self.decider.add_version(rv)
        except (HojoError, ValueError) as exc:
            # One bad record must not stop the others (nor the service); the operator sees why.
            log.error("publication of %s (%s) not loaded: %s", program, sha256[:12], exc)
            return None
        log.warning("now deciding under %s (published elsewhere, sha256 %s)", rv.name, sha256[:12])
        return rv.name

    def decide(self, request: Any, requested_by: str = "cli", record: bool = True,
               with_what_if: bool = True) -> dict[str, Any]:
        """Decide ``{"program", "fiscal_year", "facts"[, "version"]}``, record it, and return the decision.

        With ``record=False`` (a simulation, 試算) nothing is written and the answer says ``recorded: false``;
        its ``decision_id`` names no record.
        ``with_what_if``: add the ``what_if`` reasons (about as much CPU again as the decision itself).
        """
        problems = problems_of(self._envelope, request)
        if problems:
            raise InvalidRequestError("申請の形式に誤りがあります", "the application is malformed",
                                      code="invalid_request", problems=problems)
        rv = self.rulebook.select(request["program"], request["fiscal_year"], request.get("version"))
        facts = self.decider.validate_facts(rv, request["facts"])
        body = self.decider.decide(rv, facts)
        body.update(decision_id=str(uuid.uuid4()), fiscal_year=request["fiscal_year"], explanation=EXPLANATION,
                    decided_at=datetime.now(UTC).isoformat(timespec="microseconds"), requested_by=requested_by)
        decision = {key: body[key] for key in _FIELD_ORDER}
        # what_if is part of the answer, not of the record: recomputed from the record when it is read again.
        changes = what_if(self.decider, rv, facts, decision) if with_what_if else []
        if not record:
            return {**decision, "what_if": changes, "recorded": False}
        self.store.append(decision, facts, rv.text)
        metrics.count_decision(rv.program, request["fiscal_year"], rv.version, decision["eligible"])
        self.notary.appended()
        return {**decision, "what_if": changes}

    def get(self, decision_id: str) -> dict[str, Any]:
        """The stored decision, its facts and log entry, ``integrity`` (what checking it just found) and, for a
        decision, ``what_if``, recomputed from the record."""
        row = self.store.row_of(decision_id)
        if row is None:
            raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                        code="decision_not_found")
        record = row.record()
        answer = {**record["decision"], "facts": record["facts"], "log": record["log"],
                  "integrity": record_integrity(self.store, row)}
        if record.get("kind", "decision") == "decision" and "rules_sha256" in record["decision"]:
            try:
                rv = self.auditor.stored_version(record["decision"]["rules_sha256"])
                answer["what_if"] = what_if(self.decider, rv, record["facts"], record["decision"])
            except HojoError:  # the record is still answered, without what_if, if its rule text cannot be read
                answer["what_if"] = []
        return answer

    def receipt(self, decision_id: str) -> dict[str, Any]:
        """A receipt for a recorded decision: verifiable offline with the public key (``hojo verify-receipt``)."""
        return self.notary.receipt(self.store.record(decision_id))

    def programs(self) -> list[dict[str, Any]]:
        """Every program: ``decide``, ``partly`` (open questions), ``reference`` or ``allocation`` (a shared budget)."""
        listing = [ref.summary() for ref in self.rulebook.references.values()]
        for program, versions in sorted(self.rulebook.programs.items()):
            newest = versions[max(versions)]
            # "partly": some version leaves every eligible application undetermined (an open question with no
            # condition); open questions that concern only some cases leave the program "decide".
            partly = any("when" not in q for rv in versions.values() for q in rv.document.get("open_questions", []))
            listing.append({
                "program": program, "name_ja": newest.document["name_ja"], "name_en": newest.document["name_en"],
                "status": "partly" if partly else "decide", "source": dict(newest.document["source"]),
                "open_questions": sorted({q["id"] for rv in versions.values()
                                          for q in rv.document.get("open_questions", [])}),
                "fiscal_years": sorted({y for rv in versions.values() if rv.status == "published"
                                        for y in range(rv.from_fiscal_year, rv.to_fiscal_year + 1)}),
                "versions": [rv.summary() for _, rv in sorted(versions.items())]})
        by_id = {entry["program"]: entry for entry in listing}
        for program, allocations in sorted(self.rulebook.allocations.items()):
            newest_allocation = allocations[max(allocations)]
            summaries = [ap.summary() for _, ap in sorted(allocations.items())]
            if program in by_id:  # a decided program whose documents also state a pro-rata rule (交付率)
                by_id[program]["allocations"] = summaries
                continue
            listing.append({
                "program": program, "name_ja": newest_allocation.document["name_ja"],
                "name_en": newest_allocation.document["name_en"], "status": "allocation",
                "source": dict(newest_allocation.document["source"]),
                "fiscal_years": sorted({y for ap in allocations.values() if ap.status == "published"
                                        for y in range(ap.from_fiscal_year, ap.to_fiscal_year + 1)}),
                "versions": summaries})
        return sorted(listing, key=lambda entry: entry["program"])
