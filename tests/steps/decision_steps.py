"""Generic Japanese steps shared by every program's feature (no program-specific Python)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from pytest_bdd import given, parsers, then, when

from service.core.decide import derive_values, validate_facts
from service.core.reference import fired_rules
from service.kernel.config import Paths
from service.rulebook.registry import Rulebook

from .values import fact_name, fiscal_year, value, yen

_REPO = Path(__file__).resolve().parents[2]
_paths = Paths()
_DECISION_SCHEMA = Draft202012Validator(
    json.loads((_REPO / "schemas" / "decision.schema.json").read_text(encoding="utf-8")))
_rulebook: Rulebook | None = None


def _local_rulebook() -> Rulebook:
    global _rulebook
    if _rulebook is None:
        _rulebook = Rulebook.from_dir(_paths.rules, _paths.schemas, _paths.seeds)
    return _rulebook


def _reasons(ctx: dict[str, Any], kind: str | None = None) -> dict[str, dict[str, Any]]:
    body = _ok(ctx)
    return {r["clause"]: r for r in body["reasons"] if kind is None or r["kind"] == kind}


def _ok(ctx: dict[str, Any]) -> dict[str, Any]:
    response = ctx["response"]
    assert response.status_code == 200, f"expected 200, got {response.status_code}: {response.text}"
    return response.json()  # type: ignore[no-any-return]


def _differential(ctx: dict[str, Any]) -> None:
    """Re-decide the conditions with the pure-Python reference evaluator and compare with the engine."""
    body = ctx["response"].json()
    rulebook = _local_rulebook()
    rv = rulebook.programs[body["program"]][body["rules_version"]]
    assert rv.sha256 == body["rules_sha256"], "the server runs other rule files than this checkout"
    facts = validate_facts(rv, ctx["request"]["facts"])
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
    assert engine == expected, f"engine {sorted(engine)} != reference {sorted(expected)}"
    ctx.setdefault("differential_checked", 0)
    ctx["differential_checked"] += 1


# -- given ---------------------------------------------------------------------------------------
@given(parsers.parse('制度 "{program}" の{fy}に申請する'), target_fixture="ctx")
def _(program: str, fy: str) -> dict[str, Any]:
    return {"request": {"program": program, "fiscal_year": fiscal_year(fy), "facts": {}}}


@given("申請の事実は次のとおり:")
def _(ctx: dict[str, Any], datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header[:2] == ["事実", "値"], f"the table's header must be | 事実 | 値 |, got {header}"
    for name, text in (row[:2] for row in rows):
        ctx["request"]["facts"][fact_name(name)] = value(text)


@given(parsers.parse('事実 "{name}" は {text} である'))
def _(ctx: dict[str, Any], name: str, text: str) -> None:
    ctx["request"]["facts"][name] = value(text)


@given(parsers.parse('事実 "{name}" を指定しない'))
def _(ctx: dict[str, Any], name: str) -> None:
    ctx["request"]["facts"].pop(name, None)


@given(parsers.parse("版 {version:d} を指定する"))
def _(ctx: dict[str, Any], version: int) -> None:
    ctx["request"]["version"] = version


# -- when ----------------------------------------------------------------------------------------
@when("判定を求める")
def _(ctx: dict[str, Any], client: Any) -> None:
    ctx["response"] = client.post("/v1/decisions", json=ctx["request"])
    if ctx["response"].status_code == 200:
        _DECISION_SCHEMA.validate(ctx["response"].json())
        _differential(ctx)


@when("次の本文で判定を求める:")
def _(ctx: dict[str, Any], client: Any, docstring: str) -> None:
    ctx["response"] = client.post("/v1/decisions", content=docstring.encode("utf-8"),
                                  headers={"content-type": "application/json"})


@when(parsers.parse('判定 "{decision_id}" を取り出す'))
def _(ctx: dict[str, Any], client: Any, decision_id: str) -> None:
    ctx["response"] = client.get(f"/v1/decisions/{decision_id}")


@when("その判定を記録から取り出す")
def _(ctx: dict[str, Any], client: Any) -> None:
    ctx["decided"] = _ok(ctx)
    ctx["response"] = client.get(f"/v1/decisions/{ctx['decided']['decision_id']}")


# -- then: decisions -----------------------------------------------------------------------------
@then(parsers.parse("補助上限額は {amount} 円である"))
def _(ctx: dict[str, Any], amount: str) -> None:
    assert _ok(ctx)["cap_yen"] == yen(amount), _reasons_text(ctx)


@then("補助上限額は示されない")
def _(ctx: dict[str, Any]) -> None:
    assert _ok(ctx)["cap_yen"] is None


@then(parsers.parse("補助額は {amount} 円である"))
def _(ctx: dict[str, Any], amount: str) -> None:
    assert _ok(ctx)["amount_yen"] == yen(amount), _reasons_text(ctx)
    _adds_up(_ok(ctx))


@then("補助額は示されない")
def _(ctx: dict[str, Any]) -> None:
    assert _ok(ctx)["amount_yen"] is None


@then(parsers.parse('結果 "{name}" は "{text}" である'))
def _(ctx: dict[str, Any], name: str, text: str) -> None:
    assert _ok(ctx)["results"].get(name) == text, _ok(ctx)["results"]


@then(parsers.parse('結果 "{name}" は {number:d} である'))
def _(ctx: dict[str, Any], name: str, number: int) -> None:
    assert _ok(ctx)["results"].get(name) == number, _ok(ctx)["results"]


def _line(ctx: dict[str, Any], component: str) -> dict[str, Any] | None:
    """A breakdown line, or a component kept in the detail of the line it makes up (format 2)."""
    stack = list(_ok(ctx)["breakdown"])
    while stack:
        entry = stack.pop(0)
        if isinstance(entry, dict) and entry.get("component") == component and "yen" in entry:
            return entry
        if isinstance(entry, dict):
            stack += [d for d in entry.get("detail", []) if isinstance(d, dict)]
    return None


def _adds_up(body: dict[str, Any]) -> None:
    """Format 2: the breakdown lines add up to the amount (unit × count, cap, rate and rounding)."""
    if body.get("explanation", 1) >= 2 and isinstance(body["amount_yen"], int):
        total = sum(Fraction(str(line["yen"])) for line in body["breakdown"])
        assert total == body["amount_yen"], (body["amount_yen"], body["breakdown"])


@then(parsers.parse('内訳 "{component}" は {amount} 円である'))
def _(ctx: dict[str, Any], component: str, amount: str) -> None:
    entry = _line(ctx, component)
    assert entry is not None and entry["applied"] and entry["yen"] == yen(amount), _ok(ctx)["breakdown"]
    _adds_up(_ok(ctx))


@then(parsers.parse('内訳 "{component}" は適用されない'))
def _(ctx: dict[str, Any], component: str) -> None:
    entry = _line(ctx, component)
    if entry is None:  # format 2 lists only what moves the amount; the reason says it was not applied
        assert _reasons(ctx, "component")[component]["outcome"] in ("not_met", "not_applicable"), _reasons_text(ctx)
    else:
        assert entry["applied"] is False and entry["yen"] == 0, entry


@then(parsers.parse('内訳 "{component}" で合算される区分は {items} である'))
def _(ctx: dict[str, Any], component: str, items: str) -> None:
    entry = _line(ctx, component)
    assert entry is not None, _ok(ctx)["breakdown"]
    counted = [i["item"] for d in entry["detail"] if "items" in d for i in d["items"] if i["counted"]]
    assert sorted(counted) == sorted(value(items)), entry["detail"]


@then(parsers.parse('要件 "{clause}" を満たす'))
def _(ctx: dict[str, Any], clause: str) -> None:
    assert _reasons(ctx, "clause")[clause]["outcome"] == "met", _reasons_text(ctx)


@then(parsers.parse('要件 "{clause}" を満たさない'))
def _(ctx: dict[str, Any], clause: str) -> None:
    # not_applicable (the facts given do not settle it) is a way of not being met
    assert _reasons(ctx, "clause")[clause]["outcome"] in ("not_met", "not_applicable"), _reasons_text(ctx)


@then(parsers.parse('要件 "{clause}" は該当しない'))
def _(ctx: dict[str, Any], clause: str) -> None:
    assert _reasons(ctx, "clause")[clause]["outcome"] == "not_applicable", _reasons_text(ctx)


@then(parsers.parse('区分の判定 "{option}" が適用される'))
def _(ctx: dict[str, Any], option: str) -> None:
    assert _reasons(ctx, "tier")[option]["outcome"] == "applied", _reasons_text(ctx)


@then(parsers.parse('未確定の点 "{question}" が示される'))
def _(ctx: dict[str, Any], question: str) -> None:
    entry = _reasons(ctx, "open_question")[question]
    assert entry["outcome"] == "undetermined" and entry["message_ja"].startswith("未確定"), entry


@then(parsers.parse('読み方の前提 "{assumption}" が示される'))
def _(ctx: dict[str, Any], assumption: str) -> None:
    entry = _reasons(ctx, "assumption")[assumption]
    assert entry["outcome"] == "applied" and entry["message_ja"].startswith("読み方の前提")


@then("すべての理由が日本語と英語で示され、出典の行を引用している")
def _(ctx: dict[str, Any]) -> None:
    seeds = _REPO / "seeds"
    for r in _ok(ctx)["reasons"]:
        assert r["message_ja"] and r["message_en"], r
        source = r["source"]
        lines = (seeds / source["document"]).read_text(encoding="utf-8").split("\n")
        text = "".join(line for line in lines[source["line"] - 1:source.get("to_line", source["line"])] if line.strip())
        assert source["quote"] in text, f"{r['clause']}: quote not on {source['document']}:{source['line']}"


@then(parsers.parse('理由 "{clause}" の出典は {document} の {line:d} 行目である'))
def _(ctx: dict[str, Any], clause: str, document: str, line: int) -> None:
    source = _reasons(ctx)[clause]["source"]
    assert (source["document"], source["line"]) == (document, line), source


# -- then: errors and records --------------------------------------------------------------------
@then(parsers.parse("応答は {status:d} である"))
def _(ctx: dict[str, Any], status: int) -> None:
    assert ctx["response"].status_code == status, ctx["response"].text


@then(parsers.parse('誤りのコードは "{code}" である'))
def _(ctx: dict[str, Any], code: str) -> None:
    error = ctx["response"].json()["error"]
    assert error["code"] == code and error["message_ja"] and error["message_en"], error


@then("誤りの箇所は次のとおり:")
def _(ctx: dict[str, Any], datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header[:2] == ["箇所", "種類"], header
    problems = ctx["response"].json()["error"]["problems"]
    found = [(p["path"], p["code"]) for p in problems]
    assert sorted(found) == sorted((row[0], row[1]) for row in rows), found
    for p in problems:
        assert p["message_ja"] and p["message_en"], p


@then(parsers.parse('誤りの説明に "{text}" が含まれる'))
def _(ctx: dict[str, Any], text: str) -> None:
    assert text in json.dumps(ctx["response"].json(), ensure_ascii=False), ctx["response"].text


@then("記録された判定は返された判定と同じである")
def _(ctx: dict[str, Any]) -> None:
    record = _ok(ctx)
    _DECISION_SCHEMA.validate(record)
    decided = ctx["decided"]
    assert {k: record[k] for k in decided} == decided
    assert record["facts"] == ctx["request"]["facts"]
    assert len(record["log"]["hash"]) == 64


def _reasons_text(ctx: dict[str, Any]) -> str:
    body = ctx["response"].json()
    return "\n".join(f"{r['outcome']:8} {r['clause']}: {r['message_ja']}" for r in body.get("reasons", [])) or ctx[
        "response"].text


@then(parsers.parse('結果 "{name}" は示されない'))
def _(ctx: dict[str, Any], name: str) -> None:
    assert _ok(ctx)["results"].get(name, "absent") is None, _ok(ctx)["results"]


@then(parsers.parse("{verdict}と判定される"))
def _(ctx: dict[str, Any], verdict: str) -> None:
    expected = {"交付対象": True, "交付対象外": False, "未確定": None}[verdict]
    assert _ok(ctx)["eligible"] is expected, _reasons_text(ctx)
