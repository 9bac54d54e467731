"""Japanese steps for a grant's life (``/v1/cases``), shared by every case feature.

A scenario opens a case (``案件を 2025-01-20 に開く``), takes its steps in order (``手続 "…" を 日付 に行う``)
and reads the case back after each one. The facts table is the decision steps' (``申請の事実は次のとおり:``);
the error steps (``応答は 422 である``, ``誤りのコードは …``) read ``ctx["response"]`` whatever route answered.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from .values import fact_name, fiscal_year, value, yen

_DATE = r"(?P<on>\d{4}-\d{2}-\d{2})"
_YEN = r"(?P<amount>[\d,]+)"
#: the case's amounts, as the features name them
AMOUNTS = {"申請額": "applied_yen", "交付決定額": "granted_yen", "支払済額": "paid_yen", "確定額": "confirmed_yen",
           "返還額": "return_yen", "追加交付額": "additional_yen", "返還済額": "repaid_yen",
           "未返還額": "outstanding_yen", "計画の対象経費": "planned_eligible_cost_yen",
           "実績の対象経費": "reported_eligible_cost_yen"}


def _case(ctx: dict[str, Any]) -> dict[str, Any]:
    response = ctx["response"]
    assert response.status_code == 200, f"expected 200, got {response.status_code}: {response.text}"
    return response.json()  # type: ignore[no-any-return]


def _step(ctx: dict[str, Any], step: str) -> dict[str, Any]:
    found = [s for s in _case(ctx)["steps"] if s["step"] == step]
    assert found, f"no step {step}: {[s['step'] for s in _case(ctx)['steps']]}"
    return dict(found[-1])


def _lines(datatable: list[list[str]]) -> list[dict[str, Any]]:
    header, *rows = datatable
    assert header[:3] == ["金額", "区分", "内容"], f"the table's header must be | 金額 | 区分 | 内容 |, got {header}"
    return [{"amount_yen": yen(a), "category": c.strip(), "description": d.strip()} for a, c, d in rows]


def _take(ctx: dict[str, Any], client: Any, body: dict[str, Any]) -> None:
    case_id = ctx["case_id"]
    ctx["response"] = client.post(f"/v1/cases/{case_id}/steps", json=body)
    if ctx["response"].status_code != 200:
        return
    ctx["last"] = ctx["response"].json()["steps"][-1]


# -- given ---------------------------------------------------------------------------------------
@given(parsers.parse('制度 "{program}" の{fy}の案件とする'), target_fixture="ctx")
def _(program: str, fy: str) -> dict[str, Any]:
    return {"request": {"program": program, "fiscal_year": fiscal_year(fy), "facts": {}}}


@given("計画の費用の明細は次のとおり:")
def _(ctx: dict[str, Any], datatable: list[list[str]]) -> None:
    ctx["request"]["cost_lines"] = _lines(datatable)


# -- when ----------------------------------------------------------------------------------------
@when(parsers.re(rf"案件を {_DATE} に開く"))
def _(ctx: dict[str, Any], client: Any, on: str) -> None:
    ctx["response"] = client.post("/v1/cases", json={**ctx["request"], "on": on})
    if ctx["response"].status_code == 200:
        ctx["case_id"] = ctx["response"].json()["case_id"]
        ctx["last"] = ctx["response"].json()["steps"][-1]


@when(parsers.re(rf'手続 "(?P<step>[a-z_]+)" を {_DATE} に行う'))
def _(ctx: dict[str, Any], client: Any, step: str, on: str) -> None:
    _take(ctx, client, {"step": step, "on": on})


@when(parsers.re(rf'手続 "(?P<step>[a-z_]+)" を {_DATE} に行い、交付決定額は {_YEN} 円とする'))
def _(ctx: dict[str, Any], client: Any, step: str, on: str, amount: str) -> None:
    _take(ctx, client, {"step": step, "on": on, "granted_yen": yen(amount)})


@when(parsers.re(rf'手続 "(?P<step>[a-z_]+)" を {_DATE} に {_YEN} 円で行う'))
def _(ctx: dict[str, Any], client: Any, step: str, on: str, amount: str) -> None:
    _take(ctx, client, {"step": step, "on": on, "amount_yen": yen(amount)})


@when(parsers.re(rf'手続 "(?P<step>[a-z_]+)" を {_DATE} に行い、費用の明細は次のとおり:'))
def _(ctx: dict[str, Any], client: Any, step: str, on: str, datatable: list[list[str]]) -> None:
    _take(ctx, client, {"step": step, "on": on, "cost_lines": _lines(datatable)})


@when(parsers.re(rf'手続 "(?P<step>[a-z_]+)" を {_DATE} に行い、実績の事実は次のとおり:'))
def _(ctx: dict[str, Any], client: Any, step: str, on: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header[:2] == ["事実", "値"], header
    _take(ctx, client, {"step": step, "on": on, "facts": {fact_name(n): value(t) for n, t in (r[:2] for r in rows)}})


@when("案件を取り出す")
def _(ctx: dict[str, Any], client: Any) -> None:
    ctx["response"] = client.get(f"/v1/cases/{ctx['case_id']}")


# -- then ----------------------------------------------------------------------------------------
@then(parsers.re(rf"案件の(?P<label>{'|'.join(AMOUNTS)})は {_YEN} 円である"))
def _(ctx: dict[str, Any], label: str, amount: str) -> None:
    case = _case(ctx)
    assert case["amounts"][AMOUNTS[label]] == yen(amount), (label, case["amounts"], case["steps"][-1]["reasons"])


@then(parsers.re(r"明細 (?P<number>\d+) は対象外で、区分は \"(?P<category>[a-z_]+)\" である"))
def _(ctx: dict[str, Any], number: str, category: str) -> None:
    line = ctx["last"]["lines"][int(number) - 1]
    assert line["eligible"] is False and line["category"] == category, line
    assert line["reason_ja"] and line["reason_en"] and line["source"]["quote"], line
    excluded = [r for r in ctx["last"]["reasons"] if r["kind"] == "excluded_cost" and r["clause"] == category]
    assert excluded and excluded[0]["outcome"] == "excluded", ctx["last"]["reasons"]


@then(parsers.re(r"明細 (?P<number>\d+) は対象である"))
def _(ctx: dict[str, Any], number: str) -> None:
    assert ctx["last"]["lines"][int(number) - 1]["eligible"] is True, ctx["last"]["lines"]


@then(parsers.re(rf'手続 "(?P<step>[a-z_]+)" は期限 {_DATE} に遅れている'))
def _(ctx: dict[str, Any], step: str, on: str) -> None:
    taken = _step(ctx, step)
    assert taken["late"] is True and taken["due"] == on, (taken["due"], taken["late"])
    assert step in _case(ctx)["late_steps"]
    assert any(r["kind"] == "deadline" and r["outcome"] == "late" for r in taken["reasons"]), taken["reasons"]


@then(parsers.re(rf'手続 "(?P<step>[a-z_]+)" は期限 {_DATE} までに行われた'))
def _(ctx: dict[str, Any], step: str, on: str) -> None:
    taken = _step(ctx, step)
    assert taken["late"] is False and taken["due"] == on, (taken["due"], taken["late"])


@then(parsers.re(rf'次の手続は "(?P<step>[a-z_]+)" で、期限は {_DATE} である'))
def _(ctx: dict[str, Any], step: str, on: str) -> None:
    nxt = _case(ctx)["next"]
    assert nxt is not None and nxt["step"] == step and nxt["due"] == on, nxt


@then(parsers.re(r'次の手続は "(?P<step>[a-z_]+)" で、期限は示されていない'))
def _(ctx: dict[str, Any], step: str) -> None:
    nxt = _case(ctx)["next"]
    assert nxt is not None and nxt["step"] == step and nxt["due"] is None, nxt


@then(parsers.parse('案件は終了している（{reason}）'))
def _(ctx: dict[str, Any], reason: str) -> None:
    case = _case(ctx)
    assert case["status"] == "closed" and case["next"] is None and case["closed_reason"] == reason, \
        (case["status"], case["closed_reason"], case["next"])


@then(parsers.parse('案件は規則 "{ruleset}" と交付の流れ "{lifecycle}" に基づく'))
def _(ctx: dict[str, Any], ruleset: str, lifecycle: str) -> None:
    case = _case(ctx)
    assert (case["ruleset"], case["lifecycle"]) == (ruleset, lifecycle), (case["ruleset"], case["lifecycle"])
    assert all(s["ruleset"] == ruleset and s["lifecycle"] == lifecycle for s in case["steps"])


@then("各手続は案件と前の手続につながっている")
def _(ctx: dict[str, Any]) -> None:
    steps = _case(ctx)["steps"]
    assert steps[0]["previous_step_id"] is None
    for before, after in zip(steps, steps[1:], strict=False):
        assert after["case_id"] == before["case_id"] and after["previous_step_id"] == before["decision_id"]
        assert after["previous_step_hash"] == before["log"]["hash"]
        assert after["log"]["seq"] > before["log"]["seq"]


@then("案件を再現すると、すべての手続が同一である")
def _(ctx: dict[str, Any], client: Any) -> None:
    replay = client.post(f"/v1/cases/{ctx['case_id']}/replay")
    assert replay.status_code == 200, replay.text
    body = replay.json()
    assert body["identical"] is True and len(body["steps"]) == len(_case(ctx)["steps"]), body
    assert all(s["identical"] and s["linked"] for s in body["steps"]), body


@then("案件のすべての理由が日本語と英語で示され、出典の行を引用している")
def _(ctx: dict[str, Any]) -> None:
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    for step in _case(ctx)["steps"]:
        for reason in step["reasons"]:
            assert reason["message_ja"] and reason["message_en"], reason
            source = reason["source"]
            lines = (seeds / source["document"]).read_text(encoding="utf-8").split("\n")
            text = "".join(x for x in lines[source["line"] - 1:source.get("to_line", source["line"])] if x.strip())
            assert source["quote"] in text, reason
