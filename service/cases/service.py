"""The case service (案件): open a case, take its steps, show it, list cases, replay and redecide a case.

``POST /v1/cases``, ``POST /v1/cases/{id}/steps`` and ``hojo case …`` call :class:`CaseService`. Each
step is one record of the decision log (``kind = "case_step"``), written before it is answered, linked
to its case (``case_id``) and to the step before it (``previous_step_id`` and that record's log
``hash``). A case stands on the rule version and the lifecycle in force for its fiscal year when it was
opened: every later step reads them back from the store by their sha256, so a correction published
later never changes an open case silently; :meth:`CaseService.redecide` shows what it would change.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.decide import EXPLANATION
from ..kernel.canonical import canonical_json, diff
from ..kernel.errors import ApplicationError, CaseNotFoundError, InvalidRequestError, Problem, StoreError
from ..lang.facts import StrictValidator, normalize, problems_of
from ..rulebook.lifecycle_programs import Lifecycle, load_lifecycle_text
from ..rulebook.model import RuleVersion
from ..store import Query
from .steps import STEP_FIELDS, Deciding, take_step

if TYPE_CHECKING:
    from ..kernel.config import Paths
    from ..rulebook.registry import Rulebook
    from ..store import SqlStore

__all__ = ["CaseService", "replay_step"]

KIND = "case_step"
#: a step's record id is derived from (case, step number): the log's unique decision_id then holds at most one
#: step n per case, so two workers taking the same case's next step at once cannot fork it (one write fails)
_STEP_IDS = uuid.UUID("5b0c7a52-3c1e-4d1f-9a8e-6b1f2c3d4e5f")
_FIELD_ORDER = ("decision_id", "kind", "case_id", "step_no", "previous_step_id", "previous_step_hash", "program",
                "fiscal_year", "rules_version", "rules_sha256", "ruleset", "lifecycle_version", "lifecycle_sha256",
                "lifecycle", *STEP_FIELDS, "decided_at", "requested_by")


class _Versions(Protocol):
    """What a case needs of the auditor: the exact rule version a record names, from the store."""

    @property
    def decider(self) -> Deciding: ...

    def stored_version(self, sha256: str) -> RuleVersion: ...


class _Context(Protocol):
    """What the case service needs from the decision service that hosts it."""

    rulebook: Rulebook
    store: SqlStore
    paths: Paths

    @property
    def auditor(self) -> _Versions: ...


_stored: dict[str, Lifecycle] = {}


def stored_lifecycle(store: SqlStore, paths: Paths, sha256: str) -> Lifecycle:
    """The lifecycle with this sha256, loaded from the text kept in the store (never ``rules/``)."""
    if sha256 in _stored:
        return _stored[sha256]
    kept = store.rule_version(sha256)
    if kept is None:
        raise StoreError("案件に使われた交付の流れが記録にありません",
                         f"the store holds no lifecycle text with sha256 {sha256}", code="rule_version_missing")
    lifecycle = load_lifecycle_text(kept["content"], f"store:{kept['program']}@lifecycle_v{kept['version']}"
                                    f"#{sha256[:12]}", paths.schemas, paths.seeds, check_quotes=False)
    if lifecycle.sha256 != sha256:
        raise StoreError("記録された交付の流れの本文がハッシュと一致しません",
                         f"the stored lifecycle text does not match its sha256 {sha256}", code="rule_version_altered")
    _stored[sha256] = lifecycle
    return lifecycle


def _step_id(case_id: str, step_no: int) -> str:
    return str(uuid.uuid5(_STEP_IDS, f"{case_id}/{step_no}"))


def _parse_on(request: Mapping[str, Any]) -> None:
    try:
        date.fromisoformat(request["on"])
    except ValueError:
        raise InvalidRequestError("日付が正しくありません", "the date is not a calendar date", code="invalid_request",
                                  problems=[Problem("$.on", "not_a_date", f"{request['on']} は存在しない日付です",
                                                    f"{request['on']} is not a calendar date")]) from None


def _compute(auditor: _Versions, store: SqlStore, paths: Paths, recorded: Mapping[str, Any],
             state: Mapping[str, Any] | None, step_input: Mapping[str, Any]) -> dict[str, Any]:
    lifecycle = stored_lifecycle(store, paths, recorded["lifecycle_sha256"])
    rv = auditor.stored_version(recorded["rules_sha256"])
    # in the explanation format the case was written in (steps recorded before format 2 carry no field)
    return take_step(lifecycle, rv, auditor.decider, recorded["fiscal_year"], state, step_input,
                     recorded.get("explanation", 1))


def replay_step(record: Mapping[str, Any], store: SqlStore, paths: Paths, auditor: _Versions) -> dict[str, Any]:
    """Recompute one recorded step from its input and the recorded state of the step before it."""
    recorded = record["decision"]
    previous = None
    if recorded["previous_step_id"] is not None:
        found = store.get(recorded["previous_step_id"])
        previous = None if found is None else found["decision"]["state"]
    body = _compute(auditor, store, paths, recorded, previous, record["facts"])
    replayed = {**recorded, **{key: body[key] for key in STEP_FIELDS}}
    differences = diff(recorded, replayed)
    return {"decision_id": recorded["decision_id"], "kind": KIND, "case_id": recorded["case_id"],
            "identical": not differences, "rules_sha256": recorded["rules_sha256"], "ruleset": recorded["ruleset"],
            "differences": differences, "canonical": canonical_json(replayed)}


class CaseService:
    """Open → take steps → show → list → replay / redecide (the API, the CLI and the workbench)."""

    def __init__(self, decisions: _Context) -> None:
        self.decisions = decisions
        self.rulebook, self.store, self.paths = decisions.rulebook, decisions.store, decisions.paths
        self.auditor = decisions.auditor
        schema = json.loads(Path(self.paths.schemas / "case_request.schema.json").read_text(encoding="utf-8"))
        defs = schema["$defs"]
        self._open = StrictValidator({"$defs": defs, **defs["open"]})
        self._step = StrictValidator({"$defs": defs, **defs["step"]})
        # One step at a time: the step before is read and the next appended under one lock, so two steps
        # of a case never chain on the same predecessor within a process.
        self._lock = threading.Lock()
        for versions in self.rulebook.lifecycles.values():
            for lc in versions.values():
                self.store.save_rule_version(lc.sha256, lc.program, lc.version, lc.path, lc.text)

    # -- reading the log ------------------------------------------------------------------------------
    def _records(self) -> Iterator[dict[str, Any]]:
        for row in self.store.rows(Query(kind=KIND)):
            yield {**row.record(), "log": row.entry()}

    def steps(self, case_id: str) -> list[dict[str, Any]]:
        """The recorded steps of ``case_id`` in log order, or :class:`CaseNotFoundError`."""
        found = [r for r in self._records() if r["decision"]["case_id"] == case_id]
        if not found:
            raise CaseNotFoundError(f"案件 {case_id} はありません", f"no case {case_id}", code="case_not_found")
        return found

    def owner(self, case_id: str) -> str:
        return str(self.steps(case_id)[0]["decision"]["requested_by"])

    # -- acting ---------------------------------------------------------------------------------------
    def _append(self, decision: dict[str, Any], step_input: Mapping[str, Any], rv: RuleVersion) -> dict[str, Any]:
        record = {key: decision[key] for key in _FIELD_ORDER}
        if "explanation" in decision:  # absent from the steps of cases opened before explanation format 2
            record["explanation"] = decision["explanation"]
        entry = self.store.append(record, step_input, rv.text, kind=KIND)
        return {**record, "log": entry}

    def open(self, request: Any, requested_by: str = "cli") -> dict[str, Any]:
        """Open a case with its first step (交付申請 or 概算) under the versions in force for its fiscal year."""
        problems = problems_of(self._open, request)
        if problems:
            raise InvalidRequestError("案件の申請の形式に誤りがあります", "the case request is malformed",
                                      code="invalid_request", problems=problems)
        request = normalize(request)
        _parse_on(request)
        rv = self.rulebook.select(request["program"], request["fiscal_year"], request.get("version"))
        lifecycle = self.rulebook.select_lifecycle(request["program"], request["fiscal_year"])
        first = lifecycle.steps[0]
        step_input = {"step": first["id"], "on": request["on"], "facts": request["facts"],
                      **({"cost_lines": request["cost_lines"]} if "cost_lines" in request else {})}
        body = take_step(lifecycle, rv, self.auditor.decider, request["fiscal_year"], None, step_input, EXPLANATION)
        case_id = str(uuid.uuid4())
        decision = {**body, "decision_id": _step_id(case_id, 1), "kind": KIND, "case_id": case_id, "step_no": 1,
                    "previous_step_id": None, "previous_step_hash": None,
                    "program": rv.program, "fiscal_year": request["fiscal_year"], "rules_version": rv.version,
                    "rules_sha256": rv.sha256, "ruleset": rv.name, "lifecycle_version": lifecycle.version,
                    "lifecycle_sha256": lifecycle.sha256, "lifecycle": lifecycle.name, "explanation": EXPLANATION,
                    "decided_at": datetime.now(UTC).isoformat(timespec="microseconds"), "requested_by": requested_by}
        with self._lock:
            self._append(decision, step_input, rv)
        return self.case(decision["case_id"])

    def step_of(self, case_id: str, step_id: str) -> Mapping[str, Any] | None:
        """The declared step ``step_id`` of the case's lifecycle (to check who may take it)."""
        first = self.steps(case_id)[0]["decision"]
        return stored_lifecycle(self.store, self.paths, first["lifecycle_sha256"]).step(step_id)

    def take(self, case_id: str, request: Any, requested_by: str = "cli") -> dict[str, Any]:
        """Take the case's next step; recorded before it is answered."""
        problems = problems_of(self._step, request)
        if problems:
            raise InvalidRequestError("手続の形式に誤りがあります", "the step request is malformed",
                                      code="invalid_request", problems=problems)
        request = normalize(request)
        _parse_on(request)
        with self._lock:
            steps = self.steps(case_id)
            last = steps[-1]
            recorded = last["decision"]
            body = _compute(self.auditor, self.store, self.paths, recorded, recorded["state"], request)
            rv = self.auditor.stored_version(recorded["rules_sha256"])
            decision = {**{key: recorded[key] for key in _FIELD_ORDER}, **body,
                        # the case keeps the explanation format it was opened in
                        **({"explanation": recorded["explanation"]} if "explanation" in recorded else {}),
                        "decision_id": _step_id(case_id, len(steps) + 1), "step_no": len(steps) + 1,
                        "previous_step_id": recorded["decision_id"], "previous_step_hash": last["log"]["hash"],
                        "decided_at": datetime.now(UTC).isoformat(timespec="microseconds"),
                        "requested_by": requested_by}
            self._append(decision, request, rv)
        return self.case(case_id)

    # -- views ----------------------------------------------------------------------------------------
    @staticmethod
    def _summary(steps: list[dict[str, Any]]) -> dict[str, Any]:
        first, last = steps[0]["decision"], steps[-1]["decision"]
        state = last["state"]
        return {"case_id": first["case_id"], "program": first["program"], "fiscal_year": first["fiscal_year"],
                "applicant": first["requested_by"], "opened_on": first["on"], "ruleset": first["ruleset"],
                "rules_sha256": first["rules_sha256"], "lifecycle": first["lifecycle"],
                "lifecycle_sha256": first["lifecycle_sha256"], "status": state["status"],
                "closed_reason": state["closed_reason"],
                "amounts": {key: state[key] for key in (
                    "applied_yen", "granted_yen", "paid_yen", "planned_eligible_cost_yen",
                    "reported_eligible_cost_yen", "confirmed_yen", "return_yen", "additional_yen", "repaid_yen",
                    "outstanding_yen")},
                "next": last["next"], "late_steps": [s["decision"]["step"] for s in steps if s["decision"]["late"]],
                "last_step_on": state["last_on"]}

    def case(self, case_id: str) -> dict[str, Any]:
        """The case: its summary (what is due and by when) and every step with its log entry."""
        steps = self.steps(case_id)
        return {**self._summary(steps), "steps": [{**s["decision"], "input": s["facts"], "log": s["log"]}
                                                  for s in steps]}

    def list(self, program: str | None = None, fiscal_year: int | None = None, status: str | None = None,
             to_return: bool = False, overdue_on: date | None = None, applicant: str | None = None,
             limit: int = 1000) -> list[dict[str, Any]]:
        """Case summaries, filtered: open or closed, with an amount to return, or overdue on a date."""
        by_case: dict[str, list[dict[str, Any]]] = {}
        for record in self._records():
            by_case.setdefault(record["decision"]["case_id"], []).append(record)
        found = []
        for steps in by_case.values():
            summary = self._summary(steps)
            nxt = summary["next"]
            overdue = bool(nxt and nxt["due"] and overdue_on and date.fromisoformat(nxt["due"]) < overdue_on)
            summary["overdue"] = overdue
            if (program and summary["program"] != program) or (fiscal_year and summary["fiscal_year"] != fiscal_year) \
                    or (status and summary["status"] != status) \
                    or (to_return and not summary["amounts"]["outstanding_yen"]) \
                    or (overdue_on is not None and not overdue) or (applicant and summary["applicant"] != applicant):
                continue
            found.append(summary)
            if len(found) >= limit:
                break
        return found

    # -- audit ----------------------------------------------------------------------------------------
    def replay(self, case_id: str) -> dict[str, Any]:
        """Recompute every step from the first, each from the state the replay itself reached, and check links."""
        steps = self.steps(case_id)
        state: Mapping[str, Any] | None = None
        results, previous = [], None
        for record in steps:
            recorded = record["decision"]
            body = _compute(self.auditor, self.store, self.paths, recorded, state, record["facts"])
            replayed = {**recorded, **{key: body[key] for key in STEP_FIELDS}}
            differences = diff(recorded, replayed)
            expected_link = (None, None) if previous is None else (previous["decision"]["decision_id"],
                                                                   previous["log"]["hash"])
            linked = (recorded["previous_step_id"], recorded["previous_step_hash"]) == expected_link
            results.append({"step_no": recorded["step_no"], "step": recorded["step"],
                            "decision_id": recorded["decision_id"], "identical": not differences, "linked": linked,
                            "differences": differences})
            state, previous = body["state"], record
        return {"case_id": case_id, "identical": all(r["identical"] and r["linked"] for r in results),
                "ruleset": steps[0]["decision"]["ruleset"], "lifecycle": steps[0]["decision"]["lifecycle"],
                "steps": results}

    def redecide(self, case_id: str) -> dict[str, Any]:
        """Every step again under the rule version and lifecycle in force today (not recorded), with the changes."""
        steps = self.steps(case_id)
        first = steps[0]["decision"]
        rv = self.rulebook.select(first["program"], first["fiscal_year"])
        lifecycle = self.rulebook.select_lifecycle(first["program"], first["fiscal_year"])
        state: Mapping[str, Any] | None = None
        results = []
        for record in steps:
            recorded = record["decision"]
            try:
                body = take_step(lifecycle, rv, self.auditor.decider, first["fiscal_year"], state, record["facts"])
            except ApplicationError as exc:  # today's rules may not take this step at all
                results.append({"step_no": recorded["step_no"], "step": recorded["step"], "identical": False,
                                "error": exc.as_dict(), "differences": []})
                break
            today = {**recorded, **{key: body[key] for key in STEP_FIELDS}}
            differences = diff({k: recorded[k] for k in STEP_FIELDS if k != "reasons"},
                               {k: today[k] for k in STEP_FIELDS if k != "reasons"})
            results.append({"step_no": recorded["step_no"], "step": recorded["step"], "identical": not differences,
                            "differences": differences})
            state = body["state"]
        return {"case_id": case_id, "recorded_ruleset": first["ruleset"], "today_ruleset": rv.name,
                "recorded_lifecycle": first["lifecycle"], "today_lifecycle": lifecycle.name,
                "identical": all(r["identical"] for r in results), "steps": results}



_SHARED_LOCK = threading.Lock()


def shared_case_service(state: Any) -> CaseService:
    """The case service of an app's current decision service (``app.state``), made once per lifespan and
    shared by the API and the workbench, so both faces see the same cases service."""
    service: CaseService | None = getattr(state, "cases", None)
    if service is None or service.decisions is not state.service:
        with _SHARED_LOCK:
            service = getattr(state, "cases", None)
            if service is None or service.decisions is not state.service:
                service = CaseService(state.service)
                state.cases = service
    return service
