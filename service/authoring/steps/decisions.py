"""Steps for decisions (``POST /v1/decisions``): the application, the answer, errors and the record.

Generic: no step names a program; a new subsidy needs new sentences in a feature, never new Python.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ...core.decide import derive_values, validate_facts
from ...core.reference import fired_rules
from ...rulebook.registry import Rulebook
from . import StepMismatch, World, expect, step
from .values import fact_name, fiscal_year, value, yen, yen_words


@lru_cache(maxsize=4)
def _decision_schema(schemas: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads((schemas / "decision.schema.json").read_text(encoding="utf-8")))


def ok(w: World) -> dict[str, Any]:
    """The answer's body, which must be a 200."""
    response = w.ctx["response"]
    if response.status_code != 200:
        raise StepMismatch("応答の状態", "the response status", 200, f"{response.status_code}: {response.text[:300]}")
    return response.json()  # type: ignore[no-any-return]


def _reasons(w: World, kind: str | None = None) -> dict[str, dict[str, Any]]:
    return {r["clause"]: r for r in ok(w)["reasons"] if kind is None or r["kind"] == kind}


def _reason(w: World, kind: str, clause: str) -> dict[str, Any]:
    found = _reasons(w, kind).get(clause)
    if found is None:
        raise StepMismatch(f"理由（{kind}）の一覧", f"the reasons of kind {kind}", clause, sorted(_reasons(w, kind)))
    return found


def _differential(w: World) -> None:
    """Re-decide the conditions with the pure-Python reference evaluator and compare with the engine."""
    if w.rulebook is None:
        return
    body = w.ctx["response"].json()
    rv = w.rulebook().programs[body["program"]][body["rules_version"]]
    expect(body["rules_sha256"], rv.sha256, "判定に使われた規則の版（sha256）",
           "the sha256 of the rule version the target used")
    facts = validate_facts(rv, w.ctx["request"]["facts"])
    derived, _ = derive_values(rv, facts)
    expected = fired_rules(rv, facts, derived)
    if body["eligible"] is False:
        # An ineligible decision computes no amounts, so it reports no component conditions.
        expected = frozenset(rule for rule in expected if not rule.startswith("component__"))
    engine: set[str] = set()
    for r in body["reasons"]:
        if r["kind"] == "clause" and r["outcome"] == "met":
            engine.add(f"clause__{r['clause']}")
        elif r["kind"] == "tier" and r["outcome"] in ("met", "applied"):
            engine.add(f"tier__{r['clause']}")
        elif r["kind"] == "eligibility" and r["outcome"] == "met":
            engine.add("eligibility")
        elif r["kind"] == "component" and r["outcome"] in ("applied", "undetermined"):
            comp = next(c for c in rv.document["amount"]["components"] if c["id"] == r["clause"])
            if "when" in comp:
                engine.add(f"component__{r['clause']}")
        elif r["kind"] == "open_question":
            question = next(q for q in rv.document["open_questions"] if q["id"] == r["clause"])
            if "when" in question and r["outcome"] in ("met", "undetermined"):
                engine.add(f"open__{r['clause']}")
    expect(sorted(engine), sorted(expected), "エンジンと参照評価器が満たすとした条件",
           "the conditions the engine and the reference evaluator found met")
    _columnar_agrees(w.rulebook(), rv, facts, body)
    w.ctx["differential_checked"] = w.ctx.get("differential_checked", 0) + 1


@lru_cache(maxsize=2)
def _decider(rulebook: Rulebook) -> Any:
    from ...core.decide import Decider

    return Decider(rulebook)


def _columnar_agrees(rulebook: Rulebook, rv: Any, facts: dict[str, Any], body: dict[str, Any]) -> None:
    """The columnar evaluator (``core/columnar.py``) must answer every scenario as the engine of record does."""
    from ...core.columnar import columnar_version, decide_rows

    columnar = decide_rows(_decider(rulebook), rv, [dict(facts)])
    if columnar_version(rv)[0] is not None and rv.facts_fast_check is not None and rv.facts_fast_check(facts):
        expect(columnar.how, ["columnar"], "列指向評価器の使用（" + str(columnar.fallback_reason) + "）",
               "the columnar evaluator was used")
    expect((columnar.eligible[0], columnar.amount_yen[0], columnar.cap_yen[0]),
           (body["eligible"], body["amount_yen"], body["cap_yen"]), "列指向評価器とエンジンの判定",
           f"the columnar evaluator's answer ({columnar.how}) against the engine's")


def _quoted(w: World, source: dict[str, Any], clause: str) -> None:
    """The quote of a reason must be on its seed line(s)."""
    lines = (w.paths.seeds / source["document"]).read_text(encoding="utf-8").split("\n")
    text = "".join(line for line in lines[source["line"] - 1:source.get("to_line", source["line"])] if line.strip())
    if source["quote"] not in text:
        raise StepMismatch(f"{clause} の引用（{source['document']} {source['line']} 行目）",
                           f"the quote of {clause} on {source['document']} line {source['line']}",
                           source["quote"], text)


# -- given ---------------------------------------------------------------------------------------
@step("given", '制度 "{program}" の{fy}に申請する')
def _apply(w: World, program: str, fy: str) -> None:
    w.ctx = {"request": {"program": program, "fiscal_year": fiscal_year(fy), "facts": {}}}


@step("given", "申請の事実は次のとおり:")
def _facts_table(w: World, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    expect(header[:2], ["事実", "値"], "事実の表の見出し", "the facts table's header")
    for name, text in (row[:2] for row in rows):
        w.ctx["request"]["facts"][fact_name(name)] = value(text)


@step("given", '事実 "{name}" は {text} である')
def _fact(w: World, name: str, text: str) -> None:
    w.ctx["request"]["facts"][name] = value(text)


@step("given", '事実 "{name}" を指定しない')
def _no_fact(w: World, name: str) -> None:
    w.ctx["request"]["facts"].pop(name, None)


@step("given", "版 {version:d} を指定する")
def _pin(w: World, version: int) -> None:
    w.ctx["request"]["version"] = version


# -- when ----------------------------------------------------------------------------------------
@step("when", "判定を求める")
def _decide(w: World) -> None:
    w.ctx["response"] = w.client.post("/v1/decisions", json=w.ctx["request"])
    if w.ctx["response"].status_code == 200:
        _decision_schema(w.paths.schemas).validate(w.ctx["response"].json())
        _differential(w)


@step("when", "次の本文で判定を求める:")
def _decide_raw(w: World, docstring: str) -> None:
    w.ctx["response"] = w.client.post("/v1/decisions", content=docstring.encode("utf-8"),
                                      headers={"content-type": "application/json"})


@step("when", '判定 "{decision_id}" を取り出す')
def _get(w: World, decision_id: str) -> None:
    w.ctx["response"] = w.client.get(f"/v1/decisions/{decision_id}")


@step("when", "その判定を記録から取り出す")
def _get_recorded(w: World) -> None:
    w.ctx["decided"] = ok(w)
    w.ctx["response"] = w.client.get(f"/v1/decisions/{w.ctx['decided']['decision_id']}")


# -- then: decisions -----------------------------------------------------------------------------
@step("then", "補助上限額は {amount} 円である")
def _cap(w: World, amount: str) -> None:
    expect(yen_words(ok(w)["cap_yen"]), yen_words(yen(amount)), "補助上限額", "the ceiling (cap_yen)")


@step("then", "補助上限額は示されない")
def _no_cap(w: World) -> None:
    expect(ok(w)["cap_yen"], None, "補助上限額", "the ceiling (cap_yen)")


@step("then", "補助額は {amount} 円である")
def _amount(w: World, amount: str) -> None:
    expect(yen_words(ok(w)["amount_yen"]), yen_words(yen(amount)), "補助額", "the grant (amount_yen)")
    _adds_up(ok(w))


@step("then", "補助額は示されない")
def _no_amount(w: World) -> None:
    expect(ok(w)["amount_yen"], None, "補助額", "the grant (amount_yen)")


@step("then", '結果 "{name}" は "{text}" である')
def _result_text(w: World, name: str, text: str) -> None:
    expect(ok(w)["results"].get(name), text, f"結果 {name}", f"result {name}")


@step("then", '結果 "{name}" は {number:d} である')
def _result_number(w: World, name: str, number: int) -> None:
    expect(ok(w)["results"].get(name), number, f"結果 {name}", f"result {name}")


@step("then", '結果 "{name}" は示されない')
def _no_result(w: World, name: str) -> None:
    expect(ok(w)["results"].get(name, "absent"), None, f"結果 {name}", f"result {name}")


def _line(w: World, component: str) -> dict[str, Any] | None:
    """A breakdown line, or a component kept in the detail of the line it makes up (format 2)."""
    stack = list(ok(w)["breakdown"])
    while stack:
        entry = stack.pop(0)
        if isinstance(entry, dict) and entry.get("component") == component and "yen" in entry:
            return entry
        if isinstance(entry, dict):
            stack += [d for d in entry.get("detail", []) if isinstance(d, dict)]
    return None


def _component(w: World, component: str) -> dict[str, Any]:
    entry = _line(w, component)
    if entry is None:
        raise StepMismatch("内訳の項目", "the breakdown's components", component,
                           [b.get("component") for b in ok(w)["breakdown"]])
    return dict(entry)


def _adds_up(body: dict[str, Any]) -> None:
    """Format 2: the breakdown lines add up to the amount (unit × count, cap, rate and rounding)."""
    if body.get("explanation", 1) >= 2 and isinstance(body["amount_yen"], int):
        total = sum(Fraction(str(line["yen"])) for line in body["breakdown"])
        expect(total, body["amount_yen"], "内訳の合計", "the sum of the breakdown's lines")


@step("then", '内訳 "{component}" は {amount} 円である')
def _component_yen(w: World, component: str, amount: str) -> None:
    entry = _component(w, component)
    got = yen_words(entry["yen"]) if entry["applied"] else "適用されない / not applied"
    expect(got, yen_words(yen(amount)), f"内訳 {component}", f"breakdown {component}")
    _adds_up(ok(w))


@step("then", '内訳 "{component}" は適用されない')
def _component_not_applied(w: World, component: str) -> None:
    entry = _line(w, component)
    if entry is None:  # format 2 lists only what moves the amount; the reason says it was not applied
        outcome = _reason(w, "component", component)["outcome"]
        if outcome not in ("not_met", "not_applicable"):
            raise StepMismatch(f"内訳 {component} の理由", f"the reason of breakdown {component}",
                               "not_met / not_applicable", outcome)
        return
    expect((entry["applied"], entry["yen"]), (False, 0), f"内訳 {component}（適用, 円）",
           f"breakdown {component} (applied, yen)")


@step("then", '内訳 "{component}" で合算される区分は {items} である')
def _component_items(w: World, component: str, items: str) -> None:
    entry = _component(w, component)
    counted = [i["item"] for d in entry["detail"] if "items" in d for i in d["items"] if i["counted"]]
    expect(sorted(counted), sorted(value(items)), f"内訳 {component} で合算される区分",
           f"the items breakdown {component} counts")


@step("then", '要件 "{clause}" を満たす')
def _met(w: World, clause: str) -> None:
    expect(_reason(w, "clause", clause)["outcome"], "met", f"要件 {clause}", f"clause {clause}")


@step("then", '要件 "{clause}" を満たさない')
def _not_met(w: World, clause: str) -> None:
    # not_applicable (the facts given do not settle it) is a way of not being met
    outcome = _reason(w, "clause", clause)["outcome"]
    if outcome not in ("not_met", "not_applicable"):
        raise StepMismatch(f"要件 {clause}", f"clause {clause}", "not_met / not_applicable", outcome)


@step("then", '要件 "{clause}" は該当しない')
def _not_applicable(w: World, clause: str) -> None:
    expect(_reason(w, "clause", clause)["outcome"], "not_applicable", f"要件 {clause}", f"clause {clause}")


@step("then", '区分の判定 "{option}" が適用される')
def _tier(w: World, option: str) -> None:
    expect(_reason(w, "tier", option)["outcome"], "applied", f"区分 {option}", f"tier {option}")


@step("then", '未確定の点 "{question}" が示される')
def _open_question(w: World, question: str) -> None:
    entry = _reason(w, "open_question", question)
    expect((entry["outcome"], entry["message_ja"].startswith("未確定")), ("undetermined", True),
           f"未確定の点 {question}", f"open question {question}")


@step("then", '読み方の前提 "{assumption}" が示される')
def _assumption(w: World, assumption: str) -> None:
    entry = _reason(w, "assumption", assumption)
    expect((entry["outcome"], entry["message_ja"].startswith("読み方の前提")), ("applied", True),
           f"読み方の前提 {assumption}", f"assumption {assumption}")


@step("then", "すべての理由が日本語と英語で示され、出典の行を引用している")
def _all_reasons_cited(w: World) -> None:
    for r in ok(w)["reasons"]:
        if not (r["message_ja"] and r["message_en"]):
            raise StepMismatch(f"理由 {r['clause']} の文", f"the messages of reason {r['clause']}", "ja and en", r)
        _quoted(w, r["source"], r["clause"])


@step("then", '理由 "{clause}" の出典は {document} の {line:d} 行目である')
def _reason_source(w: World, clause: str, document: str, line: int) -> None:
    source = _reasons(w)[clause]["source"]
    expect((source["document"], source["line"]), (document, line), f"理由 {clause} の出典", f"the source of {clause}")


@step("then", "{verdict}と判定される")
def _verdict(w: World, verdict: str) -> None:
    expected = {"交付対象": True, "交付対象外": False, "未確定": None}[verdict]
    expect(ok(w)["eligible"], expected, "交付対象かどうか（eligible）", "eligible")


# -- then: errors and records --------------------------------------------------------------------
@step("then", "応答は {status:d} である")
def _status(w: World, status: int) -> None:
    response = w.ctx["response"]
    got = response.status_code if response.status_code == status else f"{response.status_code}: {response.text[:300]}"
    expect(got, status, "応答の状態", "the response status")


@step("then", '誤りのコードは "{code}" である')
def _error_code(w: World, code: str) -> None:
    error = w.ctx["response"].json()["error"]
    expect(error["code"], code, "誤りのコード", "the error code")
    if not (error["message_ja"] and error["message_en"]):
        raise StepMismatch("誤りの説明", "the error's messages", "ja and en", error)


@step("then", "誤りの箇所は次のとおり:")
def _error_paths(w: World, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    expect(header[:2], ["箇所", "種類"], "誤りの表の見出し", "the problems table's header")
    problems = w.ctx["response"].json()["error"]["problems"]
    expect(sorted((p["path"], p["code"]) for p in problems), sorted((row[0], row[1]) for row in rows),
           "誤りの箇所と種類", "the problems' paths and codes")
    for p in problems:
        if not (p["message_ja"] and p["message_en"]):
            raise StepMismatch("誤りの説明", "the problem's messages", "ja and en", p)


@step("then", '誤りの説明に "{text}" が含まれる')
def _error_text(w: World, text: str) -> None:
    body = json.dumps(w.ctx["response"].json(), ensure_ascii=False)
    if text not in body:
        raise StepMismatch("誤りの説明", "the error's text", f"…{text}…", body[:300])


@step("then", "記録された判定は返された判定と同じである")
def _recorded_same(w: World) -> None:
    record = ok(w)
    _decision_schema(w.paths.schemas).validate(record)
    decided = w.ctx["decided"]
    expect({k: record[k] for k in decided}, decided, "記録された判定", "the recorded decision")
    expect(record["facts"], w.ctx["request"]["facts"], "記録された事実", "the recorded facts")
    expect(len(record["log"]["hash"]), 64, "記録のハッシュの長さ", "the length of the record's hash")
