"""Budget allocations: one budget shared out among every applicant, exactly, logged and replayable.

``POST /v1/allocations`` and ``hojo allocate`` call :class:`AllocationService`. The computation
(:func:`allocate`) reads only the allocation file (``service/rulebook/allocation_programs.py``): the pool
tree gives every applicant an exact ``Fraction`` share of the budget; every share is rounded down to the
yen once, and the yen left over go one each to the largest remainders, ties by applicant code, as the file
declares. The yen therefore sum to the budget exactly (or, for a ``pro_rata`` pool whose applications do
not exceed its budget, to the applications, the rest reported as ``unallocated_yen``).

An allocation is recorded like a decision (same store, same chain, ``kind = "allocation"``) before it is
answered, and ``POST /v1/decisions/{id}/replay`` recomputes it from the rule text kept by its sha256.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..kernel.canonical import canonical_json, diff, sha256_hex
from ..kernel.errors import InvalidRequestError, Problem, StoreError
from ..lang.expressions import Context, evaluate
from ..lang.facts import StrictValidator, normalize, problems_of
from ..lang.money import ROUNDING_MODES
from ..rulebook.allocation_programs import AllocationProgram, Node, expression_facts, load_allocation_text

if TYPE_CHECKING:
    from ..kernel.config import Paths
    from ..rulebook.registry import Rulebook
    from ..store import SqlStore

__all__ = ["ALLOCATED_FIELDS", "AllocationService", "allocate", "replay_allocation"]

#: the fields a replay recomputes; the rest (id, fiscal year, time) are the record's own
ALLOCATED_FIELDS = ("program", "rules_version", "rules_sha256", "ruleset", "pool", "budget_yen", "allocated_yen",
                    "unallocated_yen", "pools", "shares", "reasons")
_FIELD_ORDER = ("decision_id", "kind", "program", "fiscal_year", "rules_version", "rules_sha256", "ruleset",
                "pool", "budget_yen", "allocated_yen", "unallocated_yen", "pools", "shares", "reasons", "decided_at")


def _num(value: Fraction) -> int | str:
    """An exact value as JSON: an integer, or the string ``"n/d"`` (never a float)."""
    return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _text(node: Mapping[str, Any]) -> tuple[str, str]:
    return node["reason"]["ja"], node["reason"]["en"]


def _reason(clause: str, kind: str, ja: str, en: str, cites: Mapping[str, Any]) -> dict[str, Any]:
    return {"clause": clause, "kind": kind, "outcome": "applied", "message_ja": ja, "message_en": en,
            "source": dict(cites)}


def _matches(node: Node, applicant: Mapping[str, Any]) -> bool:
    members = node.spec.get("members")
    if members is None:
        return True
    value = applicant.get(members["fact"])
    return bool(value == members["equals"]) if "equals" in members else value in members["one_of"]


@dataclass
class _Run:
    """The working state of one allocation."""

    program: AllocationProgram
    applicants: list[Mapping[str, Any]]
    problems: list[Problem] = field(default_factory=list)
    #: leaf id -> indexes of its members, in request order
    members: dict[str, list[int]] = field(default_factory=dict)
    exact: dict[int, Fraction] = field(default_factory=dict)
    weights: dict[int, Fraction] = field(default_factory=dict)
    pools: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def value(self, expr: Mapping[str, Any], index: int, node: Node) -> Fraction | None:
        applicant = self.applicants[index]
        result = evaluate(expr, Context(facts=applicant, derived={}, tables={}))
        if result is None:
            for name in expression_facts(expr):
                if name not in applicant:
                    self.problems.append(Problem(
                        f"$.applicants[{index}].{name}", "missing",
                        f"区分「{node.spec['name_ja']}」の按分に必要な項目 {name} がありません",
                        f"field '{name}' is needed to share out the pool '{node.id}'"))
        return result

    def under(self, node: Node) -> list[int]:
        if node.is_leaf:
            return self.members.get(node.id, [])
        return [i for part in node.parts for i in self.under(part)]


def _assign(run: _Run, root: Node, chain: list[Node]) -> None:
    """Put every applicant in exactly one leaf under ``root`` (``chain``: the root's ancestors, all must hold)."""
    for index, applicant in enumerate(run.applicants):
        if not all(_matches(node, applicant) for node in chain):
            run.problems.append(Problem(f"$.applicants[{index}]", "not_in_pool",
                                        f"申請者 {applicant['code']} は区分「{root.spec['name_ja']}」に属しません",
                                        f"applicant {applicant['code']} does not belong to the pool '{root.id}'"))
            continue
        node = root
        while not node.is_leaf:
            found = next((part for part in node.parts if _matches(part, applicant)), None)
            if found is None:
                run.problems.append(Problem(f"$.applicants[{index}]", "not_in_pool",
                                            f"申請者 {applicant['code']} はどの区分にも属しません",
                                            f"applicant {applicant['code']} belongs to no part of '{node.id}'"))
                break
            node = found
        else:
            run.members.setdefault(node.id, []).append(index)


def _share_out(run: _Run, node: Node, budget: Fraction) -> None:
    """Give ``node`` the exact ``budget`` and pass it down to its parts or members."""
    spec = node.spec
    entry: dict[str, Any] = {"pool": node.id, "name_ja": spec["name_ja"], "name_en": spec["name_en"],
                             "parent": node.parent, "members": len(run.under(node)), "budget_exact": _num(budget)}
    run.pools.append(entry)
    if not run.under(node):
        run.problems.append(Problem("$.applicants", "empty_pool",
                                    f"区分「{spec['name_ja']}」（{node.id}）に申請者がいません",
                                    f"the pool '{node.id}' has no applicant, so its budget cannot be shared out"))
        return
    if not node.is_leaf:
        split = spec["split"]
        if "fixed" in split:
            parts = [(part, Fraction(split["fixed"][part.id])) for part in node.parts]
            entry["split"] = {"fixed": {part.id: split["fixed"][part.id] for part in node.parts}}
            for part, share in parts:
                _share_out(run, part, budget * share)
            return
        totals, incomplete = [], False
        for part in node.parts:
            values = [run.value(split["by"], i, node) for i in run.under(part)]
            incomplete |= any(v is None for v in values)
            totals.append(sum((v for v in values if v is not None), Fraction(0)))
        if incomplete:
            return
        if any(t < 0 for t in totals):
            run.problems.append(Problem("$.applicants", "negative_weight",
                                        f"区分「{spec['name_ja']}」の按分の基礎が負です",
                                        f"the split basis of pool '{node.id}' is negative"))
            return
        whole = sum(totals, Fraction(0))
        entry["split"] = {"by_total": _num(whole), "parts": {p.id: _num(t) for p, t in zip(node.parts, totals,
                                                                                          strict=True)}}
        if whole == 0:
            run.problems.append(Problem("$.applicants", "zero_total_weight",
                                        f"区分「{spec['name_ja']}」の按分の基礎の合計が 0 です",
                                        f"the split basis of pool '{node.id}' sums to 0: nothing to share by"))
            return
        for part, total in zip(node.parts, totals, strict=True):
            _share_out(run, part, budget * total / whole)
        return
    indexes = run.members[node.id]
    method = spec["method"]
    if method == "undivided":
        if len(indexes) > 1:
            codes = ", ".join(run.applicants[i]["code"] for i in indexes)
            run.problems.append(Problem(f"$.applicants[{indexes[1]}]", "pool_not_divisible",
                                        f"区分「{spec['name_ja']}」は資料に分け方がないため申請者は1者（合計）に限ります"
                                        f"（{codes}）",
                                        f"the documents do not say how to divide the pool '{node.id}': give it as one "
                                        f"applicant (its total), not {len(indexes)} ({codes})"))
            return
        run.exact[indexes[0]] = budget
        entry["yen_exact"] = _num(budget)
        return
    weights: list[Fraction] = []
    missing = False
    for i in indexes:
        found = run.value(spec["weight"], i, node)
        missing |= found is None
        weight = Fraction(0) if found is None else found
        if weight < 0:
            rule = spec.get("negative_weight", {"treat": "reject"})
            if rule["treat"] == "reject":
                run.problems.append(Problem(f"$.applicants[{i}]", "negative_weight",
                                            f"申請者 {run.applicants[i]['code']} の按分の重みが負です"
                                            f"（{_num(weight)}）",
                                            f"applicant {run.applicants[i]['code']} has a negative weight "
                                            f"({_num(weight)})"))
            else:
                run.notes.append(_reason(
                    run.applicants[i]["code"], "applicant",
                    f"申請者 {run.applicants[i]['code']}: 重み {_num(weight)} → 0。{rule['reason']['ja']}",
                    f"applicant {run.applicants[i]['code']}: weight {_num(weight)} → 0. {rule['reason']['en']}",
                    rule["cites"]))
            weight = Fraction(0)
        run.weights[i] = weight
        weights.append(weight)
    if missing:
        return
    total = sum(weights, Fraction(0))
    entry["weight_total"] = _num(total)
    if method == "share":
        if total == 0:
            run.problems.append(Problem("$.applicants", "zero_total_weight",
                                        f"区分「{spec['name_ja']}」の重みの合計が 0 です（按分できません）",
                                        f"the weights of pool '{node.id}' sum to 0: the budget cannot be shared"))
            return
        for i, weight in zip(indexes, weights, strict=True):
            run.exact[i] = budget * weight / total
        return
    # pro_rata: every weight (an applied amount in yen) times the 交付率 min(1, budget / total)
    rate = Fraction(1) if total == 0 or total <= budget else budget / total
    entry["rate"] = f"{rate.numerator}/{rate.denominator}"
    if "rate_display" in spec:
        shown = spec["rate_display"]
        scale = 10 ** shown["percent_decimals"]
        units = int(ROUNDING_MODES[shown["mode"]](rate * 100 * scale))
        entry["rate_percent"] = f"{units // scale}.{units % scale:0{shown['percent_decimals']}d}" \
            if shown["percent_decimals"] else str(units)
    for i, weight in zip(indexes, weights, strict=True):
        run.exact[i] = weight * rate


def allocate(program: AllocationProgram, request: Mapping[str, Any]) -> dict[str, Any]:
    """Share out ``request["budget_yen"]`` among ``request["applicants"]`` (already valid); no id, no time."""
    applicants: list[Mapping[str, Any]] = request["applicants"]
    run = _Run(program, applicants)
    nodes = program.nodes()
    pool_id = request.get("pool", program.root.id)
    if pool_id not in nodes:
        raise InvalidRequestError(
            f"区分「{pool_id}」はありません", f"no pool '{pool_id}' in {program.name}", code="unknown_pool",
            problems=[Problem("$.pool", "unknown_pool", f"使える区分: {', '.join(nodes)}",
                              f"pools: {', '.join(nodes)}")])
    chain = program.ancestors(pool_id)
    root = chain[-1]
    first: dict[str, int] = {}
    for index, applicant in enumerate(applicants):
        code = applicant["code"]
        if code in first:
            run.problems.append(Problem(f"$.applicants[{index}].code", "duplicate_code",
                                        f"申請者コード {code} が重複しています（最初は $.applicants[{first[code]}]）",
                                        f"applicant code {code} is repeated (first at $.applicants[{first[code]}])"))
        else:
            first[code] = index
    if not run.problems:
        _assign(run, root, chain)
    if not run.problems:
        _share_out(run, root, Fraction(request["budget_yen"]))
    if run.problems:
        raise InvalidRequestError("配分の申請に誤りがあります", "the allocation request cannot be shared out",
                                  code="invalid_allocation", problems=run.problems)
    # One rounding: floor every exact share, then one yen each to the largest remainders (ties: code ascending).
    floors = {i: math.floor(share) for i, share in run.exact.items()}
    target = math.floor(sum(run.exact.values(), Fraction(0)))
    left = target - sum(floors.values())
    order = sorted(run.exact, key=lambda i: (-(run.exact[i] - floors[i]), applicants[i]["code"]))
    extra = {i: 1 for i in order[:left]}
    shares = []
    leaf_of = {i: leaf for leaf, members in run.members.items() for i in members}
    for i, applicant in enumerate(applicants):
        entry = {"code": applicant["code"], "pool": leaf_of[i], "exact": _num(run.exact[i]),
                 "yen": floors[i] + extra.get(i, 0), "remainder_yen": extra.get(i, 0)}
        if i in run.weights:
            entry["weight"] = _num(run.weights[i])
        shares.append(entry)
    for pool in run.pools:
        members = run.under(nodes[pool["pool"]])
        pool["yen"] = sum(int(shares[i]["yen"]) for i in members)
    doc = program.document
    reasons = [_reason(a["id"], "assumption", f"読み方の前提：{a['ja']}", f"reading assumed: {a['en']}", a["cites"])
               for a in doc.get("assumptions", [])]
    if "budget" in doc:
        ja, en = _text(doc["budget"])
        reasons.append(_reason("budget", "budget", f"予算 {request['budget_yen']:,} 円：{ja}",
                               f"budget {request['budget_yen']:,} yen: {en}", doc["budget"]["cites"]))
    for node in root.walk():
        ja, en = _text(node.spec)
        entry = next(p for p in run.pools if p["pool"] == node.id)
        reasons.append(_reason(node.id, "pool", f"{node.spec['name_ja']}（{entry['yen']:,} 円）：{ja}",
                               f"{node.spec['name_en']} ({entry['yen']:,} yen): {en}", node.spec["cites"]))
    remainder = doc["remainder"]
    rja, ren = _text(remainder)
    reasons.append(_reason("remainder", "remainder", f"端数の配分（{left} 円）：{rja}",
                           f"remainder ({left} yen): {ren}", remainder.get("cites", root.spec["cites"])))
    reasons += run.notes
    allocated = sum(int(s["yen"]) for s in shares)
    return {"kind": "allocation", "program": program.program, "rules_version": program.version,
            "rules_sha256": program.sha256, "ruleset": program.name, "pool": root.id,
            "budget_yen": request["budget_yen"], "allocated_yen": allocated,
            "unallocated_yen": request["budget_yen"] - allocated, "pools": run.pools, "shares": shares,
            "reasons": reasons}


class _Context(Protocol):
    """What an allocation needs from the service that hosts it: the rulebook, the log and the data folders."""

    rulebook: Rulebook
    store: SqlStore
    paths: Paths


class AllocationService:
    """Validate → select the allocation in force → share out → record → answer (the API and the CLI)."""

    def __init__(self, decisions: _Context) -> None:
        self.decisions = decisions
        self.rulebook, self.store, self.paths = decisions.rulebook, decisions.store, decisions.paths
        schema = json.loads(Path(self.paths.schemas / "allocation_request.schema.json").read_text(encoding="utf-8"))
        self._envelope = StrictValidator(schema)
        for versions in self.rulebook.allocations.values():
            for ap in versions.values():
                self.store.save_rule_version(ap.sha256, ap.program, ap.version, ap.path, ap.text)

    def validate(self, request: Any) -> tuple[AllocationProgram, dict[str, Any]]:
        problems = problems_of(self._envelope, request)
        if problems:
            raise InvalidRequestError("配分の申請の形式に誤りがあります", "the allocation request is malformed",
                                      code="invalid_request", problems=problems)
        program = self.rulebook.select_allocation(request["program"], request["fiscal_year"], request.get("version"))
        request = normalize(request)
        problems = problems_of(program.applicants_validator, request["applicants"], "$.applicants")
        if problems:
            raise InvalidRequestError("申請者の項目に誤りがあります", "an applicant's fields are invalid",
                                      code="invalid_request", problems=problems)
        return program, request

    def allocate(self, request: Any) -> dict[str, Any]:
        program, request = self.validate(request)
        body = allocate(program, request)
        body.update(decision_id=str(uuid.uuid4()), fiscal_year=request["fiscal_year"],
                    decided_at=datetime.now(UTC).isoformat(timespec="microseconds"))
        record = {key: body[key] for key in _FIELD_ORDER}
        self.store.append(record, request, program.text, kind="allocation")
        return record


_stored: dict[str, AllocationProgram] = {}


def stored_allocation(store: SqlStore, paths: Paths, sha256: str) -> AllocationProgram:
    """The allocation program with this sha256, loaded from the text kept in the store (never ``rules/``)."""
    kept = store.rule_version(sha256)
    if kept is None:
        raise StoreError("配分に使われた規則の版が記録にありません",
                         f"the store holds no rule text with sha256 {sha256}", code="rule_version_missing")
    # Read back and checked every time: a copy compiled earlier is never trusted over an altered store.
    if sha256_hex(kept["content"]) != sha256:
        raise StoreError("記録された規則の本文がハッシュと一致しません",
                         f"the stored rule text does not match its sha256 {sha256}", code="rule_text_altered")
    if sha256 in _stored:
        return _stored[sha256]
    program = load_allocation_text(kept["content"], f"store:{kept['program']}@allocation_v{kept['version']}"
                                   f"#{sha256[:12]}", paths.schemas, paths.seeds, check_quotes=False)
    if program.sha256 != sha256:
        raise StoreError("記録された規則の本文がハッシュと一致しません",
                         f"the stored rule text does not match its sha256 {sha256}", code="rule_text_altered")
    _stored[sha256] = program
    return program


def replay_allocation(record: Mapping[str, Any], store: SqlStore, paths: Paths) -> dict[str, Any]:
    """Recompute a recorded allocation under its exact rule text and compare field by field."""
    recorded = record["decision"]
    program = stored_allocation(store, paths, recorded["rules_sha256"])
    body = allocate(program, record["facts"])
    replayed = {**recorded, **{key: body[key] for key in ALLOCATED_FIELDS}}
    differences = diff(recorded, replayed)
    return {"decision_id": recorded["decision_id"], "kind": "allocation", "identical": not differences,
            "rules_sha256": program.sha256, "ruleset": program.name, "differences": differences,
            "canonical": canonical_json(replayed)}
