"""One step of a case (案件の手続), as a pure function of (lifecycle, rule version, state before, input).

The kinds of step are the engine's; which steps a program has, in which order, who takes them, which
pays, their deadlines, what the settlement decides and which costs are excluded are the lifecycle
file's (``service/rulebook/lifecycle_programs.py``). Amounts come from the program's own rule version:
the 申請額 is its decision on the application's facts (the planned eligible cost summed from the cost
lines when they are given); the 確定額 is its decision on the actual eligible cost (or, for a 精算, on
the actual facts), capped by the 交付決定額 when the file says so; the 返還額 is what was paid less the
確定額, never negative; 追加交付 pays the difference the other way only where the file allows it.
Everything is integer yen; no step reads the clock (the date of the act is the request's ``on``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from ..core.decide import EXPLANATION
from ..kernel.errors import CaseStepError, InvalidRequestError, Problem
from ..rulebook.lifecycle_programs import Lifecycle, due_date
from ..rulebook.model import RuleVersion

__all__ = ["STEP_FIELDS", "Deciding", "next_step", "take_step"]

#: the fields of a step record a replay recomputes; the rest (ids, links, time, who) are the record's own
STEP_FIELDS = ("step", "step_kind", "name_ja", "name_en", "by", "on", "due", "late", "result", "lines", "state",
               "next", "reasons")

_INPUTS = {"application": {"facts", "cost_lines"}, "estimate": {"facts", "cost_lines"},
           "grant_decision": {"granted_yen"}, "report": {"cost_lines"}, "settlement": {"facts"},
           "repayment": {"amount_yen"}}


class Deciding(Protocol):
    """What a step needs of the decider: the program's own decision on some facts."""

    def validate_facts(self, rv: RuleVersion, facts: Any) -> dict[str, Any]: ...

    def decide(self, rv: RuleVersion, facts: Mapping[str, Any], explanation: int = ...) -> dict[str, Any]: ...


def _yen(value: int) -> str:
    return f"{value:,} 円"


def _reason(clause: str, kind: str, outcome: str, ja: str, en: str, cites: Mapping[str, Any]) -> dict[str, Any]:
    return {"clause": clause, "kind": kind, "outcome": outcome, "message_ja": ja, "message_en": en,
            "source": dict(cites)}


def _problem(path: str, code: str, ja: str, en: str) -> CaseStepError:
    return CaseStepError(ja, en, code=code, problems=[Problem(path, code, ja, en)])


def next_step(lifecycle: Lifecycle, state: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The step the case takes next, or None once it is closed."""
    if state is None:
        return lifecycle.steps[0]
    if state["status"] == "closed":
        return None
    for step in lifecycle.steps:
        if step["kind"] == "repayment":
            if "settlement" in state["taken_kinds"]:
                return step if state["outstanding_yen"] > 0 else None
            continue
        if step["id"] not in state["taken"]:
            return step
    return None


def _next_view(lifecycle: Lifecycle, fiscal_year: int, state: Mapping[str, Any]) -> dict[str, Any] | None:
    step = next_step(lifecycle, state)
    if step is None:
        return None
    due = due_date(fiscal_year, step["due"]).isoformat() if "due" in step else None
    view = {"step": step["id"], "kind": step["kind"], "by": step["by"], "name_ja": step["name_ja"],
            "name_en": step["name_en"], "due": due}
    if step["kind"] == "repayment":
        view["amount_yen"] = state["outstanding_yen"]
    return view


def _classify(lifecycle: Lifecycle, lines: list[Mapping[str, Any]]) -> tuple[int, list[dict[str, Any]],
                                                                                list[dict[str, Any]]]:
    """Each cost line eligible or excluded, by its category; return (eligible total, lines, reasons)."""
    categories = lifecycle.categories()
    problems = [Problem(f"$.cost_lines[{i}].category", "unknown_category",
                        f"費用の区分「{line['category']}」はありません（使える区分: {', '.join(categories)}）",
                        f"unknown cost category '{line['category']}' (categories: {', '.join(categories)})")
                for i, line in enumerate(lines) if line["category"] not in categories]
    if problems:
        raise InvalidRequestError("費用の明細に誤りがあります", "a cost line is invalid", code="invalid_cost_lines",
                                  problems=problems)
    total, shown, reasons = 0, [], []
    for index, line in enumerate(lines):
        eligible, declared = categories[line["category"]]
        shown.append({"index": index, "amount_yen": line["amount_yen"], "category": line["category"],
                      "category_ja": declared["name_ja"], "description": line["description"], "eligible": eligible,
                      "reason_ja": declared["reason"]["ja"], "reason_en": declared["reason"]["en"],
                      "source": dict(declared["cites"])})
        if eligible:
            total += int(line["amount_yen"])
        else:
            reasons.append(_reason(
                line["category"], "excluded_cost", "excluded",
                f"明細 {index + 1}「{line['description']}」{_yen(line['amount_yen'])}は対象外：{declared['name_ja']}"
                f"（{declared['reason']['ja']}）",
                f"line {index + 1} '{line['description']}' ({line['amount_yen']:,} yen) is excluded: "
                f"{declared['name_en']} ({declared['reason']['en']})", declared["cites"]))
    return total, shown, reasons


def _decision_view(decision: Mapping[str, Any]) -> dict[str, Any]:
    return {"eligible": decision["eligible"], "amount_yen": decision["amount_yen"], "cap_yen": decision["cap_yen"],
            "ruleset": decision["ruleset"]}


def _check_inputs(kind: str, step_input: Mapping[str, Any], lifecycle: Lifecycle) -> None:
    allowed = _INPUTS[kind] | {"step", "on"}
    problems = [Problem(f"$.{key}", "not_for_this_step", f"{key} はこの手続（{kind}）には送りません",
                        f"{key} is not sent with a {kind} step") for key in step_input if key not in allowed]
    required = {"report": ["cost_lines"], "repayment": ["amount_yen"], "application": ["facts"],
                "estimate": ["facts"]}.get(kind, [])
    if kind == "settlement" and lifecycle.document["settlement"]["basis"] == "actual_facts":
        required = ["facts"]
    elif kind == "settlement" and "facts" in step_input:
        problems.append(Problem("$.facts", "not_for_this_step",
                                "額の確定は実績報告の費用から計算します（facts は送りません）",
                                "the settlement is computed from the reported costs: send no facts"))
    problems += [Problem(f"$.{key}", "required", f"この手続には {key} が必要です", f"a {kind} step needs {key}")
                 for key in required if key not in step_input]
    if "cost_lines" in step_input and "cost_fact" not in lifecycle.document:
        problems.append(Problem("$.cost_lines", "no_cost_lines", "この制度は費用の明細を受け付けません",
                                "this program takes no cost lines"))
    if problems:
        raise InvalidRequestError("手続の内容に誤りがあります", f"the {kind} step is malformed",
                                  code="invalid_step", problems=problems)


def take_step(lifecycle: Lifecycle, rv: RuleVersion, decider: Deciding, fiscal_year: int,
              state: Mapping[str, Any] | None, step_input: Mapping[str, Any],
              explanation: int = EXPLANATION) -> dict[str, Any]:
    """Compute one step (the fields of :data:`STEP_FIELDS`); raise a 422 if the case cannot take it now.

    ``explanation``: the format of the program decision's reasons (a replay passes the one the case was
    written in, so steps recorded before format 2 replay identical).
    """
    expected = next_step(lifecycle, state)
    step = lifecycle.step(step_input["step"])
    if step is None:
        raise _problem("$.step", "unknown_step", f"手続「{step_input['step']}」はこの制度にありません",
                       f"no step '{step_input['step']}' in {lifecycle.name} "
                       f"(steps: {', '.join(s['id'] for s in lifecycle.steps)})")
    if expected is None:
        raise _problem("$.step", "case_closed", "この案件は終了しています", "the case is closed")
    if step["id"] != expected["id"]:
        raise _problem("$.step", "step_out_of_order",
                       f"次の手続は「{expected['name_ja']}」（{expected['id']}）です",
                       f"the next step is '{expected['id']}' ({expected['name_en']}), not '{step['id']}'")
    kind = step["kind"]
    _check_inputs(kind, step_input, lifecycle)
    on = date.fromisoformat(step_input["on"])
    if state is not None and on < date.fromisoformat(state["last_on"]):
        raise _problem("$.on", "before_previous_step", f"日付 {on} は前の手続の日（{state['last_on']}）より前です",
                       f"{on} is before the previous step's date ({state['last_on']})")
    new: dict[str, Any] = dict(state) if state is not None else {
        "application_facts": None, "applied_yen": None, "granted_yen": None, "paid_yen": 0,
        "planned_eligible_cost_yen": None, "reported_eligible_cost_yen": None, "confirmed_yen": None,
        "return_yen": 0, "additional_yen": 0, "repaid_yen": 0, "outstanding_yen": 0,
        "taken": [], "taken_kinds": [], "status": "open", "closed_reason": None, "last_on": None}
    new["taken"] = [*new["taken"], step["id"]] if step["id"] not in new["taken"] else list(new["taken"])
    new["taken_kinds"] = sorted(set(new["taken_kinds"]) | {kind})
    new["last_on"] = on.isoformat()
    reasons: list[dict[str, Any]] = [_reason(step["id"], "step", "taken",
                                             f"{step['name_ja']}（{on.isoformat()}）", f"{step['name_en']} ({on})",
                                             step["cites"])]
    due = due_date(fiscal_year, step["due"]) if "due" in step else None
    late = due is not None and on > due
    if due is not None:
        reasons.append(_reason(
            step["id"], "deadline", "late" if late else "on_time",
            f"期限 {due.isoformat()} を過ぎています（{on.isoformat()}、{(on - due).days} 日遅れ）" if late
            else f"期限 {due.isoformat()} までに行われました（{on.isoformat()}）",
            f"after the deadline {due} ({on}, {(on - due).days} days late)" if late
            else f"within the deadline {due} ({on})", step["due"]["cites"]))
    result: dict[str, Any] = {}
    lines: list[dict[str, Any]] = []
    settlement = lifecycle.document["settlement"]
    cost_fact = lifecycle.document.get("cost_fact")

    if kind in ("application", "estimate"):
        facts = dict(step_input["facts"]) if isinstance(step_input["facts"], Mapping) else step_input["facts"]
        if "cost_lines" in step_input:
            if isinstance(facts, dict) and cost_fact in facts:
                raise InvalidRequestError("対象経費は明細か事実のどちらか一方で示してください",
                                          "give the eligible cost either as cost lines or as a fact, not both",
                                          code="invalid_step",
                                          problems=[Problem(f"$.facts.{cost_fact}", "cost_given_twice",
                                                            "明細から計算するので送りません",
                                                            "computed from the cost lines: do not send it")])
            total, lines, excluded = _classify(lifecycle, list(step_input["cost_lines"]))
            reasons += excluded
            facts[cost_fact] = total
            new["planned_eligible_cost_yen"] = total
        facts = decider.validate_facts(rv, facts)
        decision = decider.decide(rv, facts, explanation)
        applied = decision["amount_yen"] if decision["eligible"] else 0
        new["application_facts"] = facts
        if cost_fact and cost_fact in facts and new["planned_eligible_cost_yen"] is None:
            new["planned_eligible_cost_yen"] = facts[cost_fact]
        result = {"decision": _decision_view(decision), "applied_yen": applied}
        reasons += decision["reasons"]
        if not decision["eligible"] or applied is None:
            new.update(status="closed", closed_reason="not_eligible" if not decision["eligible"] else "undetermined",
                       applied_yen=applied)
        else:
            new["applied_yen"] = applied
            if kind == "estimate":
                new["granted_yen"] = applied
                if step.get("pays"):
                    new["paid_yen"] = int(new["paid_yen"]) + applied
                    result["paid_yen"] = applied
    elif kind == "grant_decision":
        applied = int(new["applied_yen"])
        granted = int(step_input.get("granted_yen", applied))
        if granted > applied:
            raise _problem("$.granted_yen", "over_applied",
                           f"交付決定額 {_yen(granted)}は申請額 {_yen(applied)}を超えます",
                           f"the grant {granted:,} yen exceeds the amount applied for ({applied:,} yen)")
        new["granted_yen"] = granted
        result = {"applied_yen": applied, "granted_yen": granted}
        reasons.append(_reason(step["id"], "grant", "applied",
                               f"交付決定額 {_yen(granted)}（申請額 {_yen(applied)}）",
                               f"grant {granted:,} yen (applied for {applied:,} yen)", step["cites"]))
        if step.get("pays"):
            new["paid_yen"] = int(new["paid_yen"]) + granted
            result["paid_yen"] = granted
    elif kind == "report":
        total, lines, excluded = _classify(lifecycle, list(step_input["cost_lines"]))
        reasons += excluded
        new["reported_eligible_cost_yen"] = total
        reported = sum(int(line["amount_yen"]) for line in step_input["cost_lines"])
        result = {"reported_cost_yen": reported, "eligible_cost_yen": total, "excluded_cost_yen": reported - total}
        reasons.append(_reason(step["id"], "report", "applied",
                               f"実績の費用 {_yen(reported)}のうち対象経費 {_yen(total)}"
                               f"（対象外 {_yen(reported - total)}）",
                               f"actual costs {reported:,} yen, of which eligible {total:,} yen "
                               f"(excluded {reported - total:,} yen)", step["cites"]))
    elif kind == "settlement":
        if settlement["basis"] == "reported_costs":
            facts = dict(new["application_facts"])
            facts[str(cost_fact)] = int(new["reported_eligible_cost_yen"])
        else:
            facts = step_input["facts"]
        facts = decider.validate_facts(rv, facts)
        decision = decider.decide(rv, facts, explanation)
        on_actuals = decision["amount_yen"] if decision["eligible"] else 0
        if on_actuals is None:
            raise _problem("$", "undetermined", "実績に対する額が決まりません（規則の未確定事項）",
                           "the amount on the actuals is undetermined (an open question of the rules)")
        granted = new["granted_yen"]
        confirmed = min(int(granted), on_actuals) if settlement["capped_by_grant"] else on_actuals
        paid = int(new["paid_yen"])
        to_return = max(0, paid - confirmed)
        additional = max(0, confirmed - paid) if settlement["additional_payment"] else 0
        new.update(confirmed_yen=confirmed, return_yen=to_return, additional_yen=additional,
                   paid_yen=paid + additional, outstanding_yen=to_return)
        if settlement["basis"] == "actual_facts":
            new["actual_facts"] = facts
        result = {"decision": _decision_view(decision), "amount_on_actuals_yen": on_actuals, "granted_yen": granted,
                  "confirmed_yen": confirmed, "paid_before_yen": paid, "return_yen": to_return,
                  "additional_yen": additional}
        reasons += decision["reasons"]
        capped = (f"交付決定額 {_yen(int(granted))}と実績による額 {_yen(on_actuals)}の小さい方"
                  if settlement["capped_by_grant"] else f"実績による額 {_yen(on_actuals)}")
        capped_en = (f"the smaller of the grant ({int(granted):,} yen) and the amount on the actuals "
                     f"({on_actuals:,} yen)" if settlement["capped_by_grant"]
                     else f"the amount on the actuals ({on_actuals:,} yen)")
        reasons.append(_reason("settlement", "settlement", "applied",
                               f"確定額 {_yen(confirmed)}＝{capped}。支払済 {_yen(paid)} → 返還額 {_yen(to_return)}"
                               f"、追加交付 {_yen(additional)}（{settlement['reason']['ja']}）",
                               f"settled at {confirmed:,} yen = {capped_en}; paid {paid:,} yen → to return "
                               f"{to_return:,} yen, additional payment {additional:,} yen "
                               f"({settlement['reason']['en']})", settlement["cites"]))
        if to_return == 0:
            new.update(status="closed", closed_reason="settled")
    elif kind == "repayment":
        amount = int(step_input["amount_yen"])
        outstanding = int(new["outstanding_yen"])
        if amount > outstanding:
            raise _problem("$.amount_yen", "over_outstanding",
                           f"返還額 {_yen(amount)}は未返還額 {_yen(outstanding)}を超えます",
                           f"{amount:,} yen exceeds the {outstanding:,} yen still to return")
        new.update(repaid_yen=int(new["repaid_yen"]) + amount, outstanding_yen=outstanding - amount)
        result = {"repaid_yen": amount, "outstanding_yen": outstanding - amount}
        reasons.append(_reason(step["id"], "repayment", "applied",
                               f"返還 {_yen(amount)}、残り {_yen(outstanding - amount)}",
                               f"returned {amount:,} yen, {outstanding - amount:,} yen left", step["cites"]))
        if outstanding - amount == 0:
            new.update(status="closed", closed_reason="repaid")
    if new["status"] == "open" and next_step(lifecycle, new) is None:
        new.update(status="closed", closed_reason="settled")
    return {"step": step["id"], "step_kind": kind, "name_ja": step["name_ja"], "name_en": step["name_en"],
            "by": step["by"], "on": on.isoformat(), "due": due.isoformat() if due else None, "late": late,
            "result": result, "lines": lines, "state": new, "next": _next_view(lifecycle, fiscal_year, new),
            "reasons": reasons}
