"""Steps for a grant's life (``/v1/cases``, 交付申請から返還まで), shared by every case feature.

A scenario opens a case (``案件を 2025-01-20 に開く``), takes its steps in order (``手続 "…" を 日付 に行う``)
and reads the case back after each one. The facts table is the decision steps' (``申請の事実は次のとおり:``);
the error steps (``応答は 422 である``, ``誤りのコードは …``) read ``ctx["response"]`` whatever route answered.
"""

from __future__ import annotations

from typing import Any

from . import StepMismatch, World, expect, step
from .values import fact_name, fiscal_year, value, yen

#: the case's amounts, as the features name them
AMOUNTS = {"申請額": "applied_yen", "交付決定額": "granted_yen", "支払済額": "paid_yen", "確定額": "confirmed_yen",
           "返還額": "return_yen", "追加交付額": "additional_yen", "返還済額": "repaid_yen",
           "未返還額": "outstanding_yen", "計画の対象経費": "planned_eligible_cost_yen",
           "実績の対象経費": "reported_eligible_cost_yen"}


def _case(w: World) -> dict[str, Any]:
    response = w.ctx["response"]
    if response.status_code != 200:
        raise StepMismatch("応答の状態", "the response status", 200, f"{response.status_code}: {response.text[:300]}")
    return response.json()  # type: ignore[no-any-return]


def _step(w: World, name: str) -> dict[str, Any]:
    found = [s for s in _case(w)["steps"] if s["step"] == name]
    if not found:
        raise StepMismatch("案件の手続", "the case's steps", name, [s["step"] for s in _case(w)["steps"]])
    return dict(found[-1])


def _lines(datatable: list[list[str]]) -> list[dict[str, Any]]:
    header, *rows = datatable
    expect(header[:3], ["金額", "区分", "内容"], "明細の表の見出し", "the cost lines table's header")
    return [{"amount_yen": yen(a), "category": c.strip(), "description": d.strip()} for a, c, d in rows]


def _take(w: World, body: dict[str, Any]) -> None:
    w.ctx["response"] = w.client.post(f"/v1/cases/{w.ctx['case_id']}/steps", json=body)
    if w.ctx["response"].status_code == 200:
        w.ctx["last"] = w.ctx["response"].json()["steps"][-1]


def _last(w: World) -> dict[str, Any]:
    if "last" not in w.ctx:
        raise StepMismatch("直前の手続", "the last step taken", "a step", None)
    return dict(w.ctx["last"])


# -- given ---------------------------------------------------------------------------------------
@step("given", '制度 "{program}" の{fy}の案件とする')
def _case_of(w: World, program: str, fy: str) -> None:
    w.ctx = {"request": {"program": program, "fiscal_year": fiscal_year(fy), "facts": {}}}


@step("given", "計画の費用の明細は次のとおり:")
def _planned_lines(w: World, datatable: list[list[str]]) -> None:
    w.ctx["request"]["cost_lines"] = _lines(datatable)


# -- when ----------------------------------------------------------------------------------------
@step("when", "案件を {on} に開く")
def _open(w: World, on: str) -> None:
    w.ctx["response"] = w.client.post("/v1/cases", json={**w.ctx["request"], "on": on})
    if w.ctx["response"].status_code == 200:
        w.ctx["case_id"] = w.ctx["response"].json()["case_id"]
        w.ctx["last"] = w.ctx["response"].json()["steps"][-1]


@step("when", '手続 "{name}" を {on} に行う')
def _take_step(w: World, name: str, on: str) -> None:
    _take(w, {"step": name, "on": on})


@step("when", '手続 "{name}" を {on} に行い、交付決定額は {amount} 円とする')
def _take_grant(w: World, name: str, on: str, amount: str) -> None:
    _take(w, {"step": name, "on": on, "granted_yen": yen(amount)})


@step("when", '手続 "{name}" を {on} に {amount} 円で行う')
def _take_amount(w: World, name: str, on: str, amount: str) -> None:
    _take(w, {"step": name, "on": on, "amount_yen": yen(amount)})


@step("when", '手続 "{name}" を {on} に行い、費用の明細は次のとおり:')
def _take_lines(w: World, name: str, on: str, datatable: list[list[str]]) -> None:
    _take(w, {"step": name, "on": on, "cost_lines": _lines(datatable)})


@step("when", '手続 "{name}" を {on} に行い、実績の事実は次のとおり:')
def _take_facts(w: World, name: str, on: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    expect(header[:2], ["事実", "値"], "実績の事実の表の見出し", "the actual facts table's header")
    _take(w, {"step": name, "on": on, "facts": {fact_name(n): value(t) for n, t in (r[:2] for r in rows)}})


@step("when", "案件を取り出す")
def _fetch(w: World) -> None:
    w.ctx["response"] = w.client.get(f"/v1/cases/{w.ctx['case_id']}")


# -- then ----------------------------------------------------------------------------------------
@step("then", "案件の{label}は {amount} 円である")
def _amount(w: World, label: str, amount: str) -> None:
    if label not in AMOUNTS:
        raise StepMismatch("案件の金額の名前", "the case amount's name", sorted(AMOUNTS), label)
    expect(_case(w)["amounts"][AMOUNTS[label]], yen(amount), f"案件の{label}", f"the case's {AMOUNTS[label]}")


@step("then", '明細 {number:d} は対象外で、区分は "{category}" である')
def _excluded(w: World, number: int, category: str) -> None:
    last = _last(w)
    line = last["lines"][number - 1]
    expect((line["eligible"], line["category"]), (False, category), f"明細 {number} の判定",
           f"cost line {number}'s classification")
    expect(bool(line["reason_ja"] and line["reason_en"] and line["source"]["quote"]), True,
           f"明細 {number} の理由と出典", f"cost line {number}'s reason and source")
    excluded = [r for r in last["reasons"] if r["kind"] == "excluded_cost" and r["clause"] == category]
    expect(excluded[0]["outcome"] if excluded else None, "excluded", f"対象外経費 {category} の理由",
           f"the excluded_cost reason {category}")


@step("then", "明細 {number:d} は対象である")
def _eligible_line(w: World, number: int) -> None:
    expect(_last(w)["lines"][number - 1]["eligible"], True, f"明細 {number} の判定",
           f"cost line {number}'s classification")


@step("then", '手続 "{name}" は期限 {on} に遅れている')
def _late(w: World, name: str, on: str) -> None:
    taken = _step(w, name)
    expect((taken["late"], taken["due"]), (True, on), f"手続 {name} の期限と遅れ",
           f"step {name}'s due date and lateness")
    expect(name in _case(w)["late_steps"], True, "遅れた手続の一覧", "the case's late steps")
    expect(any(r["kind"] == "deadline" and r["outcome"] == "late" for r in taken["reasons"]), True,
           f"手続 {name} の期限の理由", f"step {name}'s deadline reason")


@step("then", '手続 "{name}" は期限 {on} までに行われた')
def _in_time(w: World, name: str, on: str) -> None:
    taken = _step(w, name)
    expect((taken["late"], taken["due"]), (False, on), f"手続 {name} の期限と遅れ",
           f"step {name}'s due date and lateness")


@step("then", '次の手続は "{name}" で、期限は {on} である')
def _next_due(w: World, name: str, on: str) -> None:
    nxt = _case(w)["next"] or {}
    expect((nxt.get("step"), nxt.get("due")), (name, on), "次の手続と期限", "the next step and its due date")


@step("then", '次の手続は "{name}" で、期限は示されていない')
def _next_undated(w: World, name: str) -> None:
    nxt = _case(w)["next"] or {}
    expect((nxt.get("step"), nxt.get("due", "absent")), (name, None), "次の手続と期限",
           "the next step and its due date")


@step("then", "案件は終了している（{reason}）")
def _closed(w: World, reason: str) -> None:
    case = _case(w)
    expect((case["status"], case["closed_reason"], case["next"]), ("closed", reason, None), "案件の状態",
           "the case's status")


@step("then", '案件は施行中の規則と交付の流れ "{lifecycle}" に基づく')
def _stands_on(w: World, lifecycle: str) -> None:
    """The case stands on the version in force for its fiscal year when it opened — whichever that is, so a
    correction published later (which moves the version in force) does not break the feature."""
    case = _case(w)
    if w.rulebook is not None:
        in_force = w.rulebook().select(case["program"], case["fiscal_year"]).name
        expect(case["ruleset"], in_force, "案件の規則（年度に施行中の版）", "the case's rules (the version in force)")
    expect(case["lifecycle"], lifecycle, "案件の交付の流れ", "the case's lifecycle")
    expect(all(s["ruleset"] == case["ruleset"] and s["lifecycle"] == lifecycle for s in case["steps"]), True,
           "各手続の規則と交付の流れ", "each step's rules and lifecycle")


@step("then", "各手続は案件と前の手続につながっている")
def _linked(w: World) -> None:
    steps = _case(w)["steps"]
    expect(steps[0]["previous_step_id"], None, "最初の手続の前の手続", "the first step's previous step")
    for before, after in zip(steps, steps[1:], strict=False):
        expect((after["case_id"], after["previous_step_id"], after["previous_step_hash"]),
               (before["case_id"], before["decision_id"], before["log"]["hash"]),
               f"手続 {after['step']} のつながり", f"step {after['step']}'s links")
        expect(after["log"]["seq"] > before["log"]["seq"], True, "記録の順序", "the log order")


@step("then", "案件を再現すると、すべての手続が同一である")
def _replayed(w: World) -> None:
    replay = w.client.post(f"/v1/cases/{w.ctx['case_id']}/replay")
    expect(replay.status_code, 200, "再現の応答の状態", "the replay's status")
    body = replay.json()
    expect((body["identical"], len(body["steps"])), (True, len(_case(w)["steps"])), "案件の再現", "the case replay")
    expect(all(s["identical"] and s["linked"] for s in body["steps"]), True, "各手続の再現", "each step's replay")


@step("then", "案件のすべての理由が日本語と英語で示され、出典の行を引用している")
def _cited(w: World) -> None:
    for taken in _case(w)["steps"]:
        for reason in taken["reasons"]:
            expect(bool(reason["message_ja"] and reason["message_en"]), True, "理由の文（日英）",
                   "the reason's sentences (ja/en)")
            source = reason["source"]
            lines = (w.paths.seeds / source["document"]).read_text(encoding="utf-8").split("\n")
            text = "".join(x for x in lines[source["line"] - 1:source.get("to_line", source["line"])] if x.strip())
            expect(source["quote"] in text, True, f"出典 {source['document']} L{source['line']} の引用",
                   f"the quote of {source['document']} L{source['line']}")
