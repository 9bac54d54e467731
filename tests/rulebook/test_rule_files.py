"""The rule format, through fixtures: ``good/`` loads and decides as computed by hand; each ``bad/`` file
fails with exactly the problems pinned in its ``.expected`` file (location, code and English message)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.core.decide import Decider, validate_facts
from service.kernel.config import Paths
from service.kernel.errors import CitationError, RuleFileError, RuleSchemaError, RuleSyntaxError
from service.rulebook.load import load_rule_text
from service.rulebook.registry import Rulebook

HERE = Path(__file__).parent
PATHS = Paths()


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real rule.schema.json beside the fixtures' own facts schema."""
    folder = tmp_path_factory.mktemp("schemas")
    shutil.copy(PATHS.schemas / "rule.schema.json", folder)
    shutil.copytree(HERE / "schemas" / "facts", folder / "facts")
    return folder


def load(path: Path, schemas: Path):  # type: ignore[no-untyped-def]
    return load_rule_text(path.read_text(encoding="utf-8"), f"{path.parent.name}/{path.name}", schemas, PATHS.seeds)


def problems_text(error: RuleFileError) -> str:
    return "".join(f"{p.path}\t{p.code}\t{p.message_en}\n" for p in error.problems)


@pytest.mark.parametrize("fixture", sorted((HERE / "bad").glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_rule_file_is_rejected_with_its_pinned_problems(fixture: Path, schemas: Path) -> None:
    with pytest.raises(RuleFileError) as caught:
        load(fixture, schemas)
    expected = fixture.with_suffix(".expected").read_text(encoding="utf-8")
    assert problems_text(caught.value) == expected
    for problem in caught.value.problems:
        assert problem.message_ja and problem.message_en


@pytest.mark.parametrize(("fixture", "error_type"), [
    ("duplicate_key", RuleSyntaxError), ("float_rate", RuleSyntaxError), ("alias", RuleSyntaxError),
    ("unknown_key", RuleSchemaError), ("missing_reason", RuleSchemaError), ("wrong_quote", CitationError),
])
def test_each_kind_of_mistake_has_its_own_error_type(fixture: str, error_type: type, schemas: Path) -> None:
    with pytest.raises(error_type):
        load(HERE / "bad" / f"{fixture}.yaml", schemas)


@pytest.fixture(scope="module")
def good(schemas: Path):  # type: ignore[no-untyped-def]
    rv = load(HERE / "good" / "fixture_program.yaml", schemas)
    return rv, Decider(Rulebook([rv]), differential=True)


def decide(good, **facts):  # type: ignore[no-untyped-def]
    rv, decider = good
    return decider.decide(rv, validate_facts(rv, facts))


def outcome(decision, clause: str) -> str:  # type: ignore[no-untyped-def]
    return next(r["outcome"] for r in decision["reasons"] if r["clause"] == clause)


def test_two_thirds_of_the_cost_is_rounded_down_once(good) -> None:  # type: ignore[no-untyped-def]
    # 9,999 insured → band 1 (3,000千円); only category "a" → 3,000,000; not within a cap (no count given).
    # cost 1,000,001 × 2/3 = 666,667.33… → 666,667 (切り捨て).
    d = decide(good, insured_count=9999, member=True, categories=["a"], cost_yen=1_000_001)
    assert (d["eligible"], d["cap_yen"], d["amount_yen"]) == (True, 3_000_000, 666_667)
    # the ceiling binds: min(3,000,000, 6,000,000) × 2/3 = 2,000,000
    d = decide(good, insured_count=9999, member=True, categories=["a"], cost_yen=6_000_000)
    assert d["amount_yen"] == 2_000_000


@pytest.mark.parametrize(("insured", "band_yen"), [
    (9_999, 3_000_000), (10_000, 4_500_000), (50_000, 4_500_000), (50_001, 6_000_000)])
def test_band_ends_follow_the_legal_words(good, insured: int, band_yen: int) -> None:  # type: ignore[no-untyped-def]
    # 未満 10,000 / 以上 10,000 以下 50,000 / 超 50,000
    d = decide(good, insured_count=insured, member=True, categories=["a"])
    assert d["cap_yen"] == band_yen


def test_per_item_takes_the_highest_and_at_most_counts_categories(good) -> None:  # type: ignore[no-untyped-def]
    d = decide(good, insured_count=100, member=True, categories=["c", "b"])
    assert d["cap_yen"] == 1_000_000  # at_most 1, highest first: "b" 1,000,000 beats "c" 1
    assert outcome(d, "at_most_two_categories") == "met"
    d = decide(good, insured_count=100, member=True, categories=["a", "b", "c"])
    assert outcome(d, "at_most_two_categories") == "not_met" and d["eligible"] is False and d["amount_yen"] == 0


def test_tiers_derived_values_and_by_result(good) -> None:  # type: ignore[no-untyped-def]
    # 20 municipalities → floor(3) = 3; 3 designated is within; grade H (member, over 50,000) adds 500,000
    d = decide(good, insured_count=60_000, member=True, categories=["a"], municipality_count=20, designated_count=3)
    assert d["results"]["grade"] == "H" and d["cap_yen"] == 6_000_000 + 500_000
    # grade L: min(200,000, max(100,000, 150,000)) = 150,000
    d = decide(good, insured_count=60, member=True, categories=["a"], municipality_count=20, designated_count=3)
    assert d["results"]["grade"] == "L" and d["cap_yen"] == 3_000_000 + 150_000
    # 4 designated > 3 → the bonus's condition fails
    d = decide(good, insured_count=60, member=True, categories=["a"], municipality_count=20, designated_count=4)
    assert d["cap_yen"] == 3_000_000 and outcome(d, "grade_bonus") == "not_met"


def test_not_equals_and_absent_facts(good) -> None:  # type: ignore[no-untyped-def]
    d = decide(good, insured_count=10_000, member=False, categories=[])
    assert outcome(d, "exactly_ten_thousand") == "met" and outcome(d, "not_large_member") == "met"
    assert outcome(d, "within_cap") == "not_met"  # designated_count absent → its leaf is not met
    assert d["results"]["grade"] is None and d["eligible"] is False
    d = decide(good, insured_count=60_000, member=True, categories=[])
    assert outcome(d, "not_large_member") == "not_met"


def test_every_real_rule_file_loads() -> None:
    rulebook = Rulebook.from_dir(PATHS.rules, PATHS.schemas, PATHS.seeds)
    names = {rv.name for rv in rulebook.all_versions()}
    assert {"kokuho_healthup_model_designation@1", "kokuho_healthup_model_designation@2",
            "kokuho_healthup_municipal@1", "kokuho_healthup_municipal@2",
            "kokuho_healthup_prefectural@1", "kokuho_healthup_prefectural@2"} <= names
    # 41 decide/partly programs of the catalog, each with at least one version; 17 reference programs.
    assert len(rulebook.programs) >= 41 and len(rulebook.references) == 17


# --- the arithmetic, list and open-question constructs ---------------------------------------------------


@pytest.fixture(scope="module")
def constructs(schemas: Path):  # type: ignore[no-untyped-def]
    rv = load(HERE / "good" / "constructs_program.yaml", schemas)
    return rv, Decider(Rulebook([rv]), differential=True)


def test_marginal_slices_of_a_decimal_fact(constructs) -> None:  # type: ignore[no-untyped-def]
    # (empty activity and claim lists sum to 0; an absent list would leave the basis, so the amount, not stated)
    # 5.0‰ of 100億円: (1.5 × 1/3 + 1.5 × 4/9 + 0.5 × 2/3) × 10,000,000 = 15,000,000 (catalog E04 example 1)
    d = decide(constructs, applicant_type="kumiai", ratio_permille="5.0", remuneration_yen=10_000_000_000)
    assert (d["eligible"], d["amount_yen"]) == (True, None)  # the lists are not given: the basis is not stated
    d = decide(constructs, applicant_type="kumiai", ratio_permille="5.0", remuneration_yen=10_000_000_000,
               activities=[], claims_yen=[])
    assert (d["eligible"], d["amount_yen"]) == (True, 15_000_000)
    # 4.5‰: 0.5 + 0.6666… = 7/6 × 10,000,000 = 11,666,666.67 → 11,666,666 (one rounding, at the end)
    d = decide(constructs, applicant_type="kumiai", ratio_permille="4.5", remuneration_yen=10_000_000_000,
               activities=[], claims_yen=[])
    assert d["amount_yen"] == 11_666_666
    # 1.5‰ exactly is not over 1.5 (ceil(15.0) = 15); 1.51 is (ceil(15.1) = 16): 0.01 × 1/3 × 10,000,000
    at_the_edge = decide(constructs, applicant_type="kumiai", ratio_permille="1.5", remuneration_yen=10**10)
    assert at_the_edge["eligible"] is False
    assert decide(constructs, applicant_type="kumiai", ratio_permille="1.51", remuneration_yen=10**10,
                  activities=[], claims_yen=[])["amount_yen"] == 33_333


def test_each_by_item_and_item_of_a_scalar_list(constructs) -> None:  # type: ignore[no-untyped-def]
    base = {"applicant_type": "kyokai", "ratio_permille": "1.6", "remuneration_yen": 0}
    d = decide(constructs, **base, activities=[{"activity": "x", "cost_yen": 4_000_000},
                                               {"activity": "y", "cost_yen": 3_000_000},
                                               {"activity": "y", "cost_yen": 1}],
               claims_yen=[800_000, 800_001, 1_200_000])
    # explanation format 2: the components are kept in the detail of the line they make up
    lines = [*d["breakdown"], *(x for b in d["breakdown"] for x in b["detail"] if "component" in x and "yen" in x)]
    by_id = {b["component"]: b["yen"] for b in lines}
    # 2,000,000 + 2,000,000 + 2/3 yen; claims: 0 + 1 + 400,000
    assert by_id["per_activity"] == "12000002/3" and by_id["claims_over_threshold"] == 400_001
    assert d["amount_yen"] == 4_400_001  # floor(4,400,001.67)


def test_one_of_round_to_100_yen_by_fact_and_results_from_components(constructs) -> None:  # type: ignore[no-untyped-def]
    # 50,500 + 10.70% × 470,000 = 100,790 → 100,700 (100円未満切り捨て)
    d = decide(constructs, applicant_type="kumiai", ratio_permille="2", remuneration_yen=0, premium_rate="10.70%",
               income_yen=470_000)
    assert d["results"]["premium_yen"] == 100_700
    d = decide(constructs, applicant_type="kokuho", ratio_permille="2", remuneration_yen=0, premium_rate="10.70%",
               income_yen=470_000)
    assert d["eligible"] is False and d["results"]["premium_yen"] is None  # not eligible: no amounts computed
    assert outcome(d, "society_or_absent") == "not_met"


def test_an_open_question_leaves_the_decision_undetermined_only_where_it_applies(constructs) -> None:  # type: ignore[no-untyped-def]
    facts = {"applicant_type": "kumiai", "ratio_permille": "5.0", "remuneration_yen": 10_000_000_000,
             "activities": [], "claims_yen": []}
    d = decide(constructs, **facts, joint=True)
    assert (d["eligible"], d["amount_yen"]) == (None, None)
    assert outcome(d, "joint_rate_not_stated") == "undetermined"
    rate = next(r for r in d["reasons"] if r["kind"] == "rate")
    assert "補助額は示しません" in rate["message_ja"]  # no amount in the reasons either
    d = decide(constructs, **facts, joint=False)
    assert (d["eligible"], d["amount_yen"]) == (True, 15_000_000)
    assert outcome(d, "joint_rate_not_stated") == "not_applicable"  # format 2: the open point does not apply
    d = decide(constructs, **{**facts, "applicant_type": "kokuho"}, joint=True)
    assert d["eligible"] is False and outcome(d, "joint_rate_not_stated") == "met"  # applies, but moot
