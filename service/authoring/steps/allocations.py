"""Steps for budget allocations (``POST /v1/allocations``, 予算の配分), shared by every allocation feature.

The error steps (``応答は 422 である``, ``誤りのコードは …``, ``誤りの箇所は次のとおり:``) are the decision
steps': they read ``ctx["response"]`` whatever route answered.
"""

from __future__ import annotations

from typing import Any

from ...lang.feature_values import fact_name, fiscal_year, value, yen, yen_words
from . import StepMismatch, World, expect, step
from .decisions import _quoted, ok


def _share(w: World, code: str) -> dict[str, Any]:
    found = [s for s in ok(w)["shares"] if s["code"] == code]
    if len(found) != 1:
        raise StepMismatch("申請者の配分", "the applicant's share", code, [s["code"] for s in ok(w)["shares"]])
    return dict(found[0])


def _pool(w: World, pool: str) -> dict[str, Any]:
    found = [p for p in ok(w)["pools"] if p["pool"] == pool]
    if len(found) != 1:
        raise StepMismatch("配分の区分", "the pool", pool, [p["pool"] for p in ok(w)["pools"]])
    return dict(found[0])


# -- given ---------------------------------------------------------------------------------------
@step("given", '制度 "{program}" の{fy}の予算 {amount} 円を配分する')
def _budget(w: World, program: str, fy: str, amount: str) -> None:
    w.ctx = {"request": {"program": program, "fiscal_year": fiscal_year(fy), "budget_yen": yen(amount),
                         "applicants": []}}


@step("given", '配分する区分は "{pool}" である')
def _pool_named(w: World, pool: str) -> None:
    w.ctx["request"]["pool"] = pool


@step("given", "申請者は次のとおり:")
def _applicants(w: World, datatable: list[list[str]]) -> None:
    """The first column is the applicant's code; the others are fields (``score（点数）``); an empty cell is absent."""
    header, *rows = datatable
    names = [fact_name(h) for h in header]
    expect(names[0], "code", "申請者の表の最初の列", "the applicants table's first column")
    for row in rows:
        applicant: dict[str, Any] = {"code": row[0].strip()}
        for name, text in zip(names[1:], row[1:], strict=True):
            if text.strip():
                applicant[name] = value(text)
        w.ctx["request"]["applicants"].append(applicant)


@step("given", '同じ申請者が {count:d} 団体ある（点数 {score:d}、被保険者数 {insured:d}、種別 "{kind}"）')
def _many(w: World, count: int, score: int, insured: int, kind: str) -> None:
    w.ctx["request"]["applicants"] += [{"code": f"{i:06d}", "applicant_type": kind, "score": score,
                                        "insured_count": insured} for i in range(1, count + 1)]


# -- when ----------------------------------------------------------------------------------------
@step("when", "配分を求める")
def _allocate(w: World) -> None:
    w.ctx["response"] = w.client.post("/v1/allocations", json=w.ctx["request"])


@step("when", "次の本文で配分を求める:")
def _allocate_raw(w: World, docstring: str) -> None:
    w.ctx["response"] = w.client.post("/v1/allocations", content=docstring.encode("utf-8"),
                                      headers={"content-type": "application/json"})


# -- then ----------------------------------------------------------------------------------------
@step("then", '申請者 "{code}" の配分額は {amount} 円である')
def _share_yen(w: World, code: str, amount: str) -> None:
    expect(yen_words(_share(w, code)["yen"]), yen_words(yen(amount)), f"申請者 {code} の配分額",
           f"the share of {code}")


@step("then", '申請者 "{code}" の按分額は正確には {exact} 円である')
def _share_exact(w: World, code: str, exact: str) -> None:
    expect(str(_share(w, code)["exact"]), exact.replace(",", ""), f"申請者 {code} の正確な按分額",
           f"the exact share of {code}")


@step("then", '申請者 "{code}" は端数の 1 円を受け取る')
def _remainder(w: World, code: str) -> None:
    expect(_share(w, code)["remainder_yen"], 1, f"申請者 {code} の端数", f"the remainder yen of {code}")


@step("then", "配分額の合計は予算 {amount} 円と等しい")
def _sum_is_budget(w: World, amount: str) -> None:
    body = ok(w)
    total = sum(s["yen"] for s in body["shares"])
    expect((total, body["allocated_yen"], body["budget_yen"]), (yen(amount),) * 3, "配分額の合計・配分額・予算",
           "the sum of the shares, allocated_yen and budget_yen")
    expect(body["unallocated_yen"], 0, "配分されない額", "unallocated_yen")
    expect(all(isinstance(s["yen"], int) for s in body["shares"]), True, "配分額が整数の円であること",
           "every share is integer yen")


@step("then", "配分額の合計は {amount} 円で、配分されない額は {rest} 円である")
def _sum_and_rest(w: World, amount: str, rest: str) -> None:
    body = ok(w)
    expect((sum(s["yen"] for s in body["shares"]), body["allocated_yen"]), (yen(amount), yen(amount)),
           "配分額の合計", "the sum of the shares and allocated_yen")
    expect((body["unallocated_yen"], body["budget_yen"] - body["allocated_yen"]), (yen(rest), yen(rest)),
           "配分されない額", "unallocated_yen")


@step("then", '区分 "{pool}" の配分額は {amount} 円である')
def _pool_yen(w: World, pool: str, amount: str) -> None:
    expect(yen_words(_pool(w, pool)["yen"]), yen_words(yen(amount)), f"区分 {pool} の配分額", f"pool {pool}")


@step("then", '区分 "{pool}" の正確な予算は {exact} 円である')
def _pool_exact(w: World, pool: str, exact: str) -> None:
    expect(str(_pool(w, pool)["budget_exact"]), exact.replace(",", ""), f"区分 {pool} の正確な予算",
           f"the exact budget of pool {pool}")


@step("then", '区分 "{pool}" の交付率は {rate} である')
def _pool_rate(w: World, pool: str, rate: str) -> None:
    expect(_pool(w, pool)["rate"], rate, f"区分 {pool} の交付率", f"the rate of pool {pool}")


@step("then", '区分 "{pool}" の交付率の表示は {percent}% である')
def _pool_percent(w: World, pool: str, percent: str) -> None:
    expect(_pool(w, pool)["rate_percent"], percent, f"区分 {pool} の交付率（%）", f"the rate of pool {pool} (%)")


@step("then", '申請者 "{code}" の重みは 0 とされ、その理由が示される')
def _zero_weight(w: World, code: str) -> None:
    share = _share(w, code)
    expect((share["weight"], share["yen"]), (0, 0), f"申請者 {code} の重みと配分額", f"the weight and share of {code}")
    notes = [r for r in ok(w)["reasons"] if r["kind"] == "applicant" and r["clause"] == code]
    expect(len(notes) == 1 and "0" in notes[0]["message_ja"], True, f"申請者 {code} の重み 0 の理由",
           f"the reason for {code}'s zero weight")


@step("then", '配分の読み方の前提 "{assumption}" が示される')
def _allocation_assumption(w: World, assumption: str) -> None:
    found = [r for r in ok(w)["reasons"] if r["kind"] == "assumption" and r["clause"] == assumption]
    expect(bool(found) and found[0]["message_ja"].startswith("読み方の前提"), True, f"読み方の前提 {assumption}",
           f"assumption {assumption}")


@step("then", "配分の理由はすべて日本語と英語で示され、出典の行を引用している")
def _allocation_reasons_cited(w: World) -> None:
    reasons = ok(w)["reasons"]
    expect({r["kind"] for r in reasons} >= {"pool", "remainder"}, True, "配分の理由の種類",
           "the kinds of allocation reasons")
    for r in reasons:
        if not (r["message_ja"] and r["message_en"]):
            raise StepMismatch(f"理由 {r['clause']} の文", f"the messages of reason {r['clause']}", "ja and en", r)
        _quoted(w, r["source"], r["clause"])


@step("then", "その配分を記録から再現すると同じ結果になる")
def _allocation_replays(w: World) -> None:
    body = ok(w)
    replay = w.client.post(f"/v1/decisions/{body['decision_id']}/replay")
    expect(replay.status_code, 200, "再現の応答", "the replay's status")
    expect((replay.json()["identical"], replay.json()["differences"]), (True, []), "再現との違い",
           "the replay's differences")
    record = w.client.get(f"/v1/decisions/{body['decision_id']}").json()
    expect((record["kind"], record["shares"]), ("allocation", body["shares"]), "記録された配分", "the recorded shares")
    expect(len(record["log"]["hash"]), 64, "記録のハッシュの長さ", "the length of the record's hash")
