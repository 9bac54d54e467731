"""The decision service: request → validated facts → decision → durable log record → answer.

Shared by the HTTP API and the CLI, so ``hojo decide`` and ``POST /v1/decisions`` are the same code.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .audit.auditor import Auditor
from .core.decide import EXPLANATION, Decider
from .core.what_if import what_if
from .kernel.config import Paths
from .kernel.errors import HojoError, InvalidRequestError
from .lang.facts import StrictValidator, problems_of
from .rulebook.registry import Rulebook
from .store import SqlStore

__all__ = ["DecisionService"]

_FIELD_ORDER = ("decision_id", "program", "fiscal_year", "rules_version", "rules_sha256", "ruleset", "eligible",
                "amount_yen", "cap_yen", "results", "breakdown", "reasons", "explanation", "decided_at", "requested_by")


class DecisionService:
    def __init__(self, rulebook: Rulebook, store: SqlStore, paths: Paths, differential: bool = False) -> None:
        self.rulebook, self.store = rulebook, store
        self.decider = Decider(rulebook, differential=differential)
        self.paths = paths
        self.auditor = Auditor(store, self.decider, paths)
        schema = json.loads(Path(paths.schemas / "application.schema.json").read_text(encoding="utf-8"))
        self._envelope = StrictValidator(schema)
        for rv in rulebook.all_versions():
            store.save_rule_version(rv.sha256, rv.program, rv.version, rv.path, rv.text, rv.facts_schema_text)

    def decide(self, request: Any, requested_by: str = "cli", with_what_if: bool = True) -> dict[str, Any]:
        """Decide ``{"program", "fiscal_year", "facts"[, "version"]}``, record it, and return the decision.

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
        self.store.append(decision, facts, rv.text)
        # what_if is part of the answer, not of the record: recomputed from the record when it is read again.
        return {**decision, "what_if": what_if(self.decider, rv, facts, decision) if with_what_if else []}

    def get(self, decision_id: str) -> dict[str, Any]:
        record = self.store.record(decision_id)
        answer = {**record["decision"], "facts": record["facts"], "log": record["log"]}
        if record.get("kind", "decision") == "decision" and "rules_sha256" in record["decision"]:
            try:
                rv = self.auditor.stored_version(record["decision"]["rules_sha256"])
                answer["what_if"] = what_if(self.decider, rv, record["facts"], record["decision"])
            except HojoError:  # the record is still answered, without what_if, if its rule text cannot be read
                answer["what_if"] = []
        return answer

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
