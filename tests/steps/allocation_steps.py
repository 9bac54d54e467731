"""Japanese steps for budget allocations (``POST /v1/allocations``), shared by every allocation feature.

The error steps (``応答は 422 である``, ``誤りのコードは …``, ``誤りの箇所は次のとおり:``) are the decision
steps': they read ``ctx["response"]`` whatever route answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, then, when

from .values import fact_name, fiscal_year, value, yen

_REPO = Path(__file__).resolve().parents[2]


def _ok(ctx: dict[str, Any]) -> dict[str, Any]:
    response = ctx["response"]
    assert response.status_code == 200, f"expected 200, got {response.status_code}: {response.text}"
    return response.json()  # type: ignore[no-any-return]


def _share(ctx: dict[str, Any], code: str) -> dict[str, Any]:
    found = [s for s in _ok(ctx)["shares"] if s["code"] == code]
    assert len(found) == 1, f"no share for {code}: {_ok(ctx)['shares']}"
    return dict(found[0])


def _pool(ctx: dict[str, Any], pool: str) -> dict[str, Any]:
    found = [p for p in _ok(ctx)["pools"] if p["pool"] == pool]
    assert len(found) == 1, f"no pool {pool}: {[p['pool'] for p in _ok(ctx)['pools']]}"
    return dict(found[0])


# -- given ---------------------------------------------------------------------------------------
@given(parsers.parse('制度 "{program}" の{fy}の予算 {amount} 円を配分する'), target_fixture="ctx")
def _(program: str, fy: str, amount: str) -> dict[str, Any]:
    return {"request": {"program": program, "fiscal_year": fiscal_year(fy), "budget_yen": yen(amount),
                        "applicants": []}}


@given(parsers.parse('配分する区分は "{pool}" である'))
def _(ctx: dict[str, Any], pool: str) -> None:
    ctx["request"]["pool"] = pool


@given("申請者は次のとおり:")
def _(ctx: dict[str, Any], datatable: list[list[str]]) -> None:
    """The first column is the applicant's code; the others are fields (``score（点数）``); an empty cell is absent."""
    header, *rows = datatable
    names = [fact_name(h) for h in header]
    assert names[0] == "code", f"the first column must be code（申請者コード）, got {header[0]}"
    for row in rows:
        applicant: dict[str, Any] = {"code": row[0].strip()}
        for name, text in zip(names[1:], row[1:], strict=True):
            if text.strip():
                applicant[name] = value(text)
        ctx["request"]["applicants"].append(applicant)


@given(parsers.parse("同じ申請者が {count:d} 団体ある（点数 {score:d}、被保険者数 {insured:d}、種別 \"{kind}\"）"))
def _(ctx: dict[str, Any], count: int, score: int, insured: int, kind: str) -> None:
    ctx["request"]["applicants"] += [{"code": f"{i:06d}", "applicant_type": kind, "score": score,
                                      "insured_count": insured} for i in range(1, count + 1)]


# -- when ----------------------------------------------------------------------------------------
@when("配分を求める")
def _(ctx: dict[str, Any], client: Any) -> None:
    ctx["response"] = client.post("/v1/allocations", json=ctx["request"])


@when("次の本文で配分を求める:")
def _(ctx: dict[str, Any], client: Any, docstring: str) -> None:
    ctx["response"] = client.post("/v1/allocations", content=docstring.encode("utf-8"),
                                  headers={"content-type": "application/json"})


# -- then ----------------------------------------------------------------------------------------
@then(parsers.parse('申請者 "{code}" の配分額は {amount} 円である'))
def _(ctx: dict[str, Any], code: str, amount: str) -> None:
    assert _share(ctx, code)["yen"] == yen(amount), _share(ctx, code)


@then(parsers.parse('申請者 "{code}" の按分額は正確には {exact} 円である'))
def _(ctx: dict[str, Any], code: str, exact: str) -> None:
    assert str(_share(ctx, code)["exact"]) == exact.replace(",", ""), _share(ctx, code)


@then(parsers.parse('申請者 "{code}" は端数の 1 円を受け取る'))
def _(ctx: dict[str, Any], code: str) -> None:
    assert _share(ctx, code)["remainder_yen"] == 1, _share(ctx, code)


@then(parsers.parse("配分額の合計は予算 {amount} 円と等しい"))
def _(ctx: dict[str, Any], amount: str) -> None:
    body = _ok(ctx)
    assert sum(s["yen"] for s in body["shares"]) == body["allocated_yen"] == yen(amount) == body["budget_yen"]
    assert body["unallocated_yen"] == 0
    assert all(isinstance(s["yen"], int) for s in body["shares"])


@then(parsers.parse("配分額の合計は {amount} 円で、配分されない額は {rest} 円である"))
def _(ctx: dict[str, Any], amount: str, rest: str) -> None:
    body = _ok(ctx)
    assert sum(s["yen"] for s in body["shares"]) == body["allocated_yen"] == yen(amount), body["allocated_yen"]
    assert body["unallocated_yen"] == yen(rest) == body["budget_yen"] - body["allocated_yen"]


@then(parsers.parse('区分 "{pool}" の配分額は {amount} 円である'))
def _(ctx: dict[str, Any], pool: str, amount: str) -> None:
    assert _pool(ctx, pool)["yen"] == yen(amount), _pool(ctx, pool)


@then(parsers.parse('区分 "{pool}" の正確な予算は {exact} 円である'))
def _(ctx: dict[str, Any], pool: str, exact: str) -> None:
    assert str(_pool(ctx, pool)["budget_exact"]) == exact.replace(",", ""), _pool(ctx, pool)


@then(parsers.parse('区分 "{pool}" の交付率は {rate} である'))
def _(ctx: dict[str, Any], pool: str, rate: str) -> None:
    assert _pool(ctx, pool)["rate"] == rate, _pool(ctx, pool)


@then(parsers.parse('区分 "{pool}" の交付率の表示は {percent}% である'))
def _(ctx: dict[str, Any], pool: str, percent: str) -> None:
    assert _pool(ctx, pool)["rate_percent"] == percent, _pool(ctx, pool)


@then(parsers.parse('申請者 "{code}" の重みは 0 とされ、その理由が示される'))
def _(ctx: dict[str, Any], code: str) -> None:
    assert _share(ctx, code)["weight"] == 0 and _share(ctx, code)["yen"] == 0, _share(ctx, code)
    notes = [r for r in _ok(ctx)["reasons"] if r["kind"] == "applicant" and r["clause"] == code]
    assert len(notes) == 1 and "0" in notes[0]["message_ja"], _ok(ctx)["reasons"]


@then(parsers.parse('配分の読み方の前提 "{assumption}" が示される'))
def _(ctx: dict[str, Any], assumption: str) -> None:
    found = [r for r in _ok(ctx)["reasons"] if r["kind"] == "assumption" and r["clause"] == assumption]
    assert found and found[0]["message_ja"].startswith("読み方の前提"), _ok(ctx)["reasons"]


@then("配分の理由はすべて日本語と英語で示され、出典の行を引用している")
def _(ctx: dict[str, Any]) -> None:
    seeds = _REPO / "seeds"
    reasons = _ok(ctx)["reasons"]
    assert {r["kind"] for r in reasons} >= {"pool", "remainder"}
    for r in reasons:
        assert r["message_ja"] and r["message_en"], r
        source = r["source"]
        lines = (seeds / source["document"]).read_text(encoding="utf-8").split("\n")
        text = "".join(line for line in lines[source["line"] - 1:source.get("to_line", source["line"])]
                       if line.strip())
        assert source["quote"] in text, f"{r['clause']}: quote not on {source['document']}:{source['line']}"


@then("その配分を記録から再現すると同じ結果になる")
def _(ctx: dict[str, Any], client: Any) -> None:
    body = _ok(ctx)
    replay = client.post(f"/v1/decisions/{body['decision_id']}/replay")
    assert replay.status_code == 200, replay.text
    assert replay.json()["identical"] is True, replay.json()["differences"]
    record = client.get(f"/v1/decisions/{body['decision_id']}").json()
    assert record["kind"] == "allocation" and record["shares"] == body["shares"]
    assert len(record["log"]["hash"]) == 64
