"""Budget allocations (``service/allocation/shares.py``): exact shares, the remainder rule, the three-stage split,
the 交付率, the log and replay, the CLI, the loader's checks, and the 1,741-municipality timing.

Every figure is computed by hand in the comments.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import sys
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.allocation.shares import AllocationService, allocate
from service.api import create_app
from service.cli import main
from service.decisions import DecisionService
from service.kernel.config import Paths
from service.kernel.errors import InvalidRequestError, RuleFileError
from service.rulebook.allocation_programs import load_allocation_file
from service.rulebook.registry import Rulebook
from service.store import SqliteStore

REPO = Path(__file__).resolve().parent.parent
PATHS = Paths()
RULEBOOK = Rulebook.from_dir(PATHS.rules, PATHS.schemas, PATHS.seeds)


def program(program_id: str) -> Any:
    return RULEBOOK.allocations[program_id][1]


def shares(body: dict[str, Any]) -> dict[str, int]:
    return {s["code"]: s["yen"] for s in body["shares"]}


def municipalities(rows: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    return [{"code": c, "applicant_type": "municipality", "score": s, "insured_count": n} for c, s, n in rows]


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[AllocationService]:
    store = SqliteStore(str(tmp_path / "hojo.sqlite3"))
    try:
        yield AllocationService(DecisionService(RULEBOOK, store, PATHS))
    finally:
        store.close()


# --- the 交付率 (004 L101–L111) ------------------------------------------------------------------------


def test_the_printed_kofu_ritsu_is_exactly_77_over_118() -> None:
    # 7.7億円 ÷ 11.8億円 = 770,000,000 / 1,180,000,000 = 77/118 = 0.652542372… → printed 65.254 %.
    assert Fraction(770_000_000, 1_180_000_000) == Fraction(77, 118)
    body = allocate(program("kenpo_shussan_kosodate_support"), {
        "budget_yen": 770_000_000, "applicants": [{"code": "A", "requested_yen": 800_000},
                                                  {"code": "B", "requested_yen": 1_000_000},
                                                  {"code": "C", "requested_yen": 1_178_200_000}]})
    pool = body["pools"][0]
    assert pool["rate"] == "77/118" and pool["rate_percent"] == "65.254" and pool["weight_total"] == 1_180_000_000
    # 800,000 × 77/118 = 30,800,000/59 = 522,033.898…; 1,000,000 × 77/118 = 652,542.372…;
    # 1,178,200,000 × 77/118 = 768,825,423.728…; floors sum to 769,999,998; the 2 yen go to A (.898) and C (.728).
    assert shares(body) == {"A": 522_034, "B": 652_542, "C": 768_825_424}
    assert body["shares"][0]["exact"] == "30800000/59"
    assert body["allocated_yen"] == 770_000_000 and body["unallocated_yen"] == 0


def test_726_societies_applying_1_18_oku_share_exactly_7_7_oku() -> None:
    # 726 組合 (004 L107), 申請総額 11.8億円: 725 societies of 1,625,344 yen and one of the rest.
    requests = [1_625_344] * 725
    requests.append(1_180_000_000 - sum(requests))
    applicants = [{"code": f"K{i:04d}", "requested_yen": r} for i, r in enumerate(requests)]
    body = allocate(program("kenpo_shussan_kosodate_support"), {"budget_yen": 770_000_000, "applicants": applicants})
    assert body["pools"][0]["rate"] == "77/118"
    assert sum(shares(body).values()) == 770_000_000
    for share, requested in zip(body["shares"], requests, strict=True):
        exact = Fraction(requested) * Fraction(77, 118)
        assert share["yen"] - math.floor(exact) in (0, 1)


def test_applications_within_the_budget_are_paid_in_full_and_the_rest_is_not_allocated() -> None:
    body = allocate(program("kenpo_shussan_kosodate_support"), {
        "budget_yen": 770_000_000, "applicants": [{"code": "A", "requested_yen": 300_000_000},
                                                  {"code": "B", "requested_yen": 200_000_000}]})
    assert body["pools"][0]["rate"] == "1/1"
    assert shares(body) == {"A": 300_000_000, "B": 200_000_000}
    assert (body["allocated_yen"], body["unallocated_yen"]) == (500_000_000, 270_000_000)


# --- score × insured shares (000 L566–L567, 001 L1582–L1583) -----------------------------------------


def test_three_municipalities_share_the_budget_to_the_yen() -> None:
    # Σ = 600×100,000 + 500×60,000 + 250×40,000 = 100,000,000; 1,000,001 × 0.6 / 0.3 / 0.1 =
    # 600,000.6 / 300,000.3 / 100,000.1 → floors 1,000,000, the 1 yen left goes to the largest remainder (.6).
    body = allocate(program("hokensha_doryoku_torikumi_hyoka"), {
        "budget_yen": 1_000_001, "pool": "municipal",
        "applicants": municipalities([("011002", 600, 100_000), ("012025", 500, 60_000), ("012033", 250, 40_000)])})
    assert shares(body) == {"011002": 600_001, "012025": 300_000, "012033": 100_000}
    assert sum(shares(body).values()) == 1_000_001 == body["allocated_yen"]
    assert [s["remainder_yen"] for s in body["shares"]] == [1, 0, 0]
    assert [s["weight"] for s in body["shares"]] == [60_000_000, 30_000_000, 10_000_000]


def test_catalog_b09_example_and_e09c_example() -> None:
    b09 = allocate(program("hokensha_doryoku_torikumi_hyoka"), {
        "budget_yen": 480_000_000, "pool": "municipal",
        "applicants": municipalities([("A", 60, 400_000), ("B", 50, 240_000), ("C", 40, 300_000)])})
    assert shares(b09) == {"A": 240_000_000, "B": 120_000_000, "C": 120_000_000}
    e09c = allocate(program("hokensha_doryoku_yobo_jigyohi_rendo"), {
        "budget_yen": 22_800_000_000,
        "applicants": [{"code": c, "applicant_type": "prefecture", "score": s, "insured_count": n}
                       for c, s, n in (("P1", 80, 1_000_000), ("P2", 60, 500_000), ("P3", 50, 200_000))]})
    # 228億 × 80/120, 30/120, 10/120 = 152億, 57億, 19億.
    assert shares(e09c) == {"P1": 15_200_000_000, "P2": 5_700_000_000, "P3": 1_900_000_000}


def test_ties_in_the_remainder_go_by_code_and_the_order_of_applicants_does_not_matter() -> None:
    rows = [("003", 1, 1), ("001", 1, 1), ("002", 1, 1)]
    body = allocate(program("hokensha_doryoku_torikumi_hyoka"),
                    {"budget_yen": 100, "pool": "municipal", "applicants": municipalities(rows)})
    assert shares(body) == {"001": 34, "002": 33, "003": 33}
    reordered = allocate(program("hokensha_doryoku_torikumi_hyoka"),
                         {"budget_yen": 100, "pool": "municipal", "applicants": municipalities(rows[::-1])})
    assert shares(reordered) == shares(body)


def test_a_negative_total_score_counts_as_zero_with_its_reason() -> None:
    body = allocate(program("hokensha_doryoku_torikumi_hyoka"), {
        "budget_yen": 1_000, "pool": "municipal",
        "applicants": municipalities([("A", 3, 1), ("B", -5, 100), ("C", 1, 1)])})
    assert shares(body) == {"A": 750, "B": 0, "C": 250}
    note = next(r for r in body["reasons"] if r["kind"] == "applicant")
    assert note["clause"] == "B" and "-500 → 0" in note["message_ja"] and note["source"]["line"] == 567


def test_the_whole_budget_is_split_half_and_half_between_the_pools() -> None:
    # 1,000,001 → 1000001/2 each; M1, M2 250,000.25, P1 500,000.5 → the one yen left goes to P1.
    applicants = municipalities([("M1", 10, 1_000), ("M2", 10, 1_000)]) + [
        {"code": "P1", "applicant_type": "prefecture", "score": 7, "insured_count": 300}]
    body = allocate(program("hokensha_doryoku_torikumi_hyoka"), {"budget_yen": 1_000_001, "applicants": applicants})
    assert shares(body) == {"M1": 250_000, "M2": 250_000, "P1": 500_001}
    assert {p["pool"]: (p["budget_exact"], p["yen"]) for p in body["pools"]} == {
        "torikumi_hyoka": (1_000_001, 1_000_001), "municipal": ("1000001/2", 500_000),
        "prefectural": ("1000001/2", 500_001)}


def test_random_allocations_sum_to_the_budget_and_stay_within_a_yen_of_the_exact_share() -> None:
    rng = random.Random(20261122)
    for _ in range(50):
        rows = [(f"{i:06d}", rng.randint(-20, 900), rng.randint(0, 3_000_000)) for i in range(rng.randint(1, 60))]
        rows.append(("999999", 1, 1))  # at least one positive weight
        budget = rng.randint(0, 10**12)
        body = allocate(program("hokensha_doryoku_torikumi_hyoka"),
                        {"budget_yen": budget, "pool": "municipal", "applicants": municipalities(rows)})
        assert sum(shares(body).values()) == budget
        total = sum(max(s, 0) * n for _, s, n in rows)
        for (code, score, insured), share in zip(rows, body["shares"], strict=True):
            exact = Fraction(budget * max(score, 0) * insured, total)
            assert share["code"] == code and -1 < share["yen"] - exact < 1


# --- the three-stage split (001 L3091–L3097) ---------------------------------------------------------


def test_kodomo_three_stage_split() -> None:
    # T = 1,000億円. Stage 1: 後期 1.7兆 vs 現役 22.7兆 → 17/244; stage 2: 国保 24,000,000 vs 被用者 76,000,000;
    # stage 3: 総報酬 2兆 / 118兆 / 80兆 (1 % / 59 % / 40 %).
    #   後期 10^11 × 17/244 = 425,000,000,000/61 = 6,967,213,114.754…
    #   国保 10^11 × 227/244 × 24/100 = 1,362,000,000,000/61 = 22,327,868,852.459…
    #   被用者 4,313,000,000,000/61 = 70,704,918,032.786… → 707,049,180.327…, 41,715,901,639.344…, 28,281,967,213.114…
    # Floors sum to 99,999,999,998; the 2 yen go to 後期 (.754) and 国保 (.459).
    applicants = [
        {"code": "kouki", "insurer_group": "kouki", "premium_burden_yen": 1_700_000_000_000},
        {"code": "kokuho", "insurer_group": "kokuho", "premium_burden_yen": 3_000_000_000_000,
         "member_count": 24_000_000},
        {"code": "kumiai_a", "insurer_group": "hiyosha", "premium_burden_yen": 100_000_000_000,
         "member_count": 500_000, "total_remuneration_yen": 2_000_000_000_000},
        {"code": "kyokai", "insurer_group": "hiyosha", "premium_burden_yen": 10_600_000_000_000,
         "member_count": 40_000_000, "total_remuneration_yen": 118_000_000_000_000},
        {"code": "kyosai", "insurer_group": "hiyosha", "premium_burden_yen": 9_000_000_000_000,
         "member_count": 35_500_000, "total_remuneration_yen": 80_000_000_000_000}]
    body = allocate(program("kodomo_shien_nofukin_buntan"), {"budget_yen": 100_000_000_000, "applicants": applicants})
    assert shares(body) == {"kouki": 6_967_213_115, "kokuho": 22_327_868_853, "kumiai_a": 707_049_180,
                            "kyokai": 41_715_901_639, "kyosai": 28_281_967_213}
    assert sum(shares(body).values()) == 100_000_000_000
    pools = {p["pool"]: p for p in body["pools"]}
    assert pools["shien_nofukin"]["split"] == {"by_total": 24_400_000_000_000,
                                               "parts": {"kouki": 1_700_000_000_000, "genneki": 22_700_000_000_000}}
    assert Fraction(pools["kouki"]["budget_exact"]) == Fraction(10**11) * Fraction(17, 244)
    assert pools["genneki"]["split"]["parts"] == {"kokuho": 24_000_000, "hiyosha": 76_000_000}
    assert Fraction(pools["kokuho"]["budget_exact"]) == Fraction(10**11) * Fraction(227, 244) * Fraction(24, 100)
    assert pools["hiyosha"]["yen"] == 70_704_918_032 and pools["genneki"]["yen"] == 93_032_786_885
    assert [r["clause"] for r in body["reasons"] if r["kind"] == "pool"] == [
        "shien_nofukin", "kouki", "genneki", "kokuho", "hiyosha"]


def test_kodomo_refuses_two_nhi_applicants_because_the_documents_do_not_divide_nhi() -> None:
    applicants = [{"code": "kouki", "insurer_group": "kouki", "premium_burden_yen": 1},
                  {"code": "a", "insurer_group": "kokuho", "premium_burden_yen": 1, "member_count": 1},
                  {"code": "b", "insurer_group": "kokuho", "premium_burden_yen": 1, "member_count": 1},
                  {"code": "h", "insurer_group": "hiyosha", "premium_burden_yen": 1, "member_count": 1,
                   "total_remuneration_yen": 1}]
    with pytest.raises(InvalidRequestError) as caught:
        allocate(program("kodomo_shien_nofukin_buntan"), {"budget_yen": 1_000, "applicants": applicants})
    assert [(p.path, p.code) for p in caught.value.problems] == [("$.applicants[2]", "pool_not_divisible")]


# --- requests refused with their JSON paths ----------------------------------------------------------


@pytest.mark.parametrize(("request_body", "expected"), [
    ({"budget_yen": 10, "pool": "municipal", "applicants": municipalities([("1", 1, 1), ("1", 2, 2)])},
     [("$.applicants[1].code", "duplicate_code")]),
    ({"budget_yen": 10, "applicants": municipalities([("1", 1, 1)])}, [("$.applicants", "empty_pool")]),
    ({"budget_yen": 10, "pool": "municipal", "applicants": municipalities([("1", 0, 1), ("2", -1, 5)])},
     [("$.applicants", "zero_total_weight")]),
    ({"budget_yen": 10, "pool": "prefectural", "applicants": municipalities([("1", 1, 1)])},
     [("$.applicants[0]", "not_in_pool")]),
    ({"budget_yen": 10, "pool": "nowhere", "applicants": municipalities([("1", 1, 1)])}, [("$.pool", "unknown_pool")]),
])
def test_allocation_problems_are_located(request_body: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        allocate(program("hokensha_doryoku_torikumi_hyoka"), request_body)
    assert [(p.path, p.code) for p in caught.value.problems] == expected
    assert all(p.message_ja and p.message_en for p in caught.value.problems)


def test_envelope_problems_through_the_service(service: AllocationService) -> None:
    bad = {"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": -5, "applicants": [],
           "extra": 1}
    with pytest.raises(InvalidRequestError) as caught:
        service.allocate(bad)
    assert sorted((p.path, p.code) for p in caught.value.problems) == [
        ("$.applicants", "minItems"), ("$.budget_yen", "minimum"), ("$.extra", "unknown_field")]
    with pytest.raises(InvalidRequestError) as caught:
        service.allocate({"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": 10.0,
                          "applicants": [{"code": "1"}]})
    assert [(p.path, p.code) for p in caught.value.problems] == [("$.budget_yen", "not_integer")]


# --- the log and replay ------------------------------------------------------------------------------


def test_an_allocation_is_recorded_in_the_chain_and_replays_identically(service: AllocationService) -> None:
    request = {"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": 1_000_001,
               "pool": "municipal", "applicants": municipalities(
                   [("011002", 600, 100_000), ("012025", 500, 60_000), ("012033", 250, 40_000)])}
    body = service.allocate(request)
    record = service.store.get(body["decision_id"])
    assert record is not None and record["kind"] == "allocation"
    assert record["decision"] == body and record["facts"]["applicants"] == request["applicants"]
    assert service.store.rule_version(body["rules_sha256"])["path"] == (  # type: ignore[index]
        "rules/hokensha_doryoku_torikumi_hyoka/allocation_v1.yaml")
    replay = service.decisions.auditor.replay(body["decision_id"])
    assert replay["identical"] is True and replay["differences"] == [] and replay["kind"] == "allocation"
    assert service.decisions.auditor.verify()["ok"] is True


def test_replay_uses_the_rule_text_kept_in_the_store_not_todays_rules(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(PATHS.rules, rules)
    paths = Paths(rules=rules, schemas=PATHS.schemas, seeds=PATHS.seeds)
    request = {"program": "kenpo_shussan_kosodate_support", "fiscal_year": 2024, "budget_yen": 770_000_000,
               "applicants": [{"code": "A", "requested_yen": 800_000}, {"code": "B", "requested_yen": 1_179_200_000}]}
    store = SqliteStore(str(tmp_path / "hojo.sqlite3"))
    try:
        first = AllocationService(DecisionService(Rulebook.from_dir(rules, paths.schemas, paths.seeds), store, paths))
        body = first.allocate(request)
    finally:
        store.close()
    edited = rules / "kenpo_shussan_kosodate_support" / "allocation_v1.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("ties: code_ascending", "ties: code_ascending  # x"),
                      encoding="utf-8")
    store = SqliteStore(str(tmp_path / "hojo.sqlite3"))
    try:
        second = AllocationService(DecisionService(Rulebook.from_dir(rules, paths.schemas, paths.seeds), store, paths))
        assert second.rulebook.allocations["kenpo_shussan_kosodate_support"][1].sha256 != body["rules_sha256"]
        replay = second.decisions.auditor.replay(body["decision_id"])
        assert replay["identical"] is True and replay["rules_sha256"] == body["rules_sha256"]
    finally:
        store.close()


# --- the API: 1,741 municipalities under a second; listing --------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(db_url=f"sqlite:///{tmp_path_factory.mktemp('alloc') / 'hojo.sqlite3'}")
    with TestClient(app) as c:
        yield c


def test_1741_municipalities_through_the_api_in_under_a_second(client: TestClient) -> None:
    rng = random.Random(1741)
    applicants = [{"code": f"{i:06d}", "applicant_type": "municipality", "score": rng.randint(100, 900),
                   "insured_count": rng.randint(300, 2_000_000)} for i in range(1, 1742)]
    body = {"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": 50_000_000_000,
            "pool": "municipal", "applicants": applicants}
    client.post("/v1/allocations", json=body)  # warm-up (first request builds the allocation service)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.post("/v1/allocations", json=body)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    result = response.json()
    assert len(result["shares"]) == 1741 and sum(s["yen"] for s in result["shares"]) == 50_000_000_000
    replay = client.post(f"/v1/decisions/{result['decision_id']}/replay").json()
    assert replay["identical"] is True
    best, worst = min(timings), max(timings)
    sys.stderr.write(f"\n1,741 applicants through POST /v1/allocations: best {best * 1000:.0f} ms, "
                     f"worst {worst * 1000:.0f} ms\n")
    assert worst < 1.0, timings


def test_programs_list_allocations(client: TestClient) -> None:
    listing = {p["program"]: p for p in client.get("/v1/programs").json()["programs"]}
    for program_id in ("hokensha_doryoku_torikumi_hyoka", "hokensha_doryoku_yobo_jigyohi_rendo",
                       "kodomo_shien_nofukin_buntan"):
        assert listing[program_id]["status"] == "allocation"
        assert listing[program_id]["versions"][0]["ruleset"] == f"{program_id}@allocation_v1"
    kenpo = listing["kenpo_shussan_kosodate_support"]
    assert kenpo["status"] != "allocation"
    assert kenpo["allocations"][0]["effective"] == {"from_fiscal_year": 2024, "to_fiscal_year": 2024}
    assert listing["kodomo_shien_nofukin_buntan"]["fiscal_years"] == [2026]


# --- the command line ---------------------------------------------------------------------------------


def test_hojo_allocate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    applicants = tmp_path / "applicants.json"
    applicants.write_text(json.dumps([{"code": "P1", "applicant_type": "prefecture", "score": 80,
                                       "insured_count": 1_000_000},
                                      {"code": "P2", "applicant_type": "prefecture", "score": 60,
                                       "insured_count": 500_000}]), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'hojo.sqlite3'}"
    code = main(["allocate", "--program", "hokensha_doryoku_yobo_jigyohi_rendo", "--fiscal-year", "2024",
                 "--budget-yen", "11000000000", "--db", db, str(applicants)])
    out = capsys.readouterr()
    assert code == 0, out.err
    # Σ = 80,000,000 + 30,000,000 = 110,000,000 → 110億 × 8/11 = 80億, × 3/11 = 30億.
    assert shares(json.loads(out.out)) == {"P1": 8_000_000_000, "P2": 3_000_000_000}
    code = main(["allocate", "--program", "hokensha_doryoku_yobo_jigyohi_rendo", "--fiscal-year", "2024",
                 "--budget-yen", "-1", "--db", db, str(applicants)])
    assert code == 2 and json.loads(capsys.readouterr().err)["error"]["problems"][0]["path"] == "$.budget_yen"


# --- the loader's checks ------------------------------------------------------------------------------


def _broken(tmp_path: Path, old: str, new: str, source: str = "hokensha_doryoku_torikumi_hyoka") -> Path:
    folder = tmp_path / "rules" / source
    folder.mkdir(parents=True)
    text = (PATHS.rules / source / "allocation_v1.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / "allocation_v1.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "allocation_v1.yaml"


@pytest.mark.parametrize(("old", "new", "code"), [
    ('fixed: {municipal: "1/2", prefectural: "1/2"}', 'fixed: {municipal: "1/2", prefectural: "1/3"}', "fixed_sum"),
    ("weight: {product: [{fact: score}, {fact: insured_count}]}", "weight: {product: [{fact: points}, {fact: score}]}",
     "unknown_fact"),
    ("members: {fact: applicant_type, equals: prefecture}", "members: {fact: applicant_type, equals: municipality}",
     "parts_overlap"),
    ("quote: 市町村分（500億円程度）", "quote: 市町村分（600億円程度）", "citation_quote"),
    ("ties: code_ascending", "ties: random", "schema_const"),
    ("method: share\n", "method: share\n      split: {by: {fact: score}}\n", "schema_required"),
    ("version: 1", "version: 2", "file_name_mismatch"),
    ('"1/2", prefectural', '0.5, prefectural', "yaml_float"),
])
def test_a_broken_allocation_file_is_refused_with_its_line(tmp_path: Path, old: str, new: str, code: str) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_allocation_file(path, tmp_path / "rules", PATHS.schemas, PATHS.seeds)
    found = [p.code for p in caught.value.problems]
    assert code in found, [str(p) for p in caught.value.problems]
    assert all(p.path.startswith("rules/hokensha_doryoku_torikumi_hyoka/allocation_v1.yaml:") for p in
               caught.value.problems)
