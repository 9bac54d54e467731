"""Applicants and integrators (issue 13): facts discoverable over HTTP, typed OpenAPI and a generated client,
offline API docs, answers that add up and say what would change them, screening, the notice, input handling.

Every amount below is computed by hand from the seeds (the features say where each figure comes from).
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.rulebook.examples import examples

REPO = Path(__file__).resolve().parent.parent
HEALTHUP = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
            "third_party_evaluation": False, "designated_model": False}
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("applicants") / "hojo.sqlite3"
    with TestClient(create_app(db_url=f"sqlite:///{db}")) as c:
        yield c


def decide(client: TestClient, program: str, fiscal_year: int, facts: dict[str, Any],
           version: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"program": program, "fiscal_year": fiscal_year, "facts": facts}
    if version is not None:
        body["version"] = version
    response = client.post("/v1/decisions", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def adds_up(decision: dict[str, Any]) -> bool:
    return sum(Fraction(str(line["yen"])) for line in decision["breakdown"]) == decision["amount_yen"]


# -- 1. facts discoverable and typed ------------------------------------------------------------------
def test_facts_schema_of_the_version_in_force_with_both_languages(client: TestClient) -> None:
    response = client.get("/v1/programs/kokuho_healthup_municipal/facts-schema", params={"fiscal_year": 2024})
    assert response.status_code == 200
    body = response.json()
    assert body["ruleset"] == "kokuho_healthup_municipal@2"
    insured = body["schema"]["properties"]["insured_count"]
    assert insured["type"] == "integer" and insured["x-title-ja"] == "被保険者数"
    assert insured["x-title-en"] and insured["x-description-ja"] and insured["x-description-en"]
    assert set(body["schema"]["required"]) >= {"insured_count", "has_data_health_plan", "categories"}
    # the worked example is a request that decides to its known answer (33,000千円: B13 例1)
    assert body["example"]["expected"] == {"eligible": True, "amount_yen": 33_000_000}
    decided = decide(client, **{k: body["example"]["request"][k] for k in ("program", "fiscal_year", "facts")})
    assert decided["amount_yen"] == 33_000_000
    missing = client.get("/v1/programs/kokuho_healthup_municipal/facts-schema", params={"fiscal_year": 2030})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "no_rule_version"


def test_every_program_and_fiscal_year_has_an_example_that_decides_to_its_known_answer(client: TestClient) -> None:
    listing = client.get("/v1/programs").json()["programs"]
    decidable = [p for p in listing if p["status"] in ("decide", "partly")]
    assert len(decidable) == 41
    without: list[tuple[str, int]] = []
    checked = 0
    for entry in decidable:
        document = client.get(f"/v1/programs/{entry['program']}").json()
        by_year = {e["fiscal_year"]: e for e in document["examples"]}
        without += [(entry["program"], y) for y in entry["fiscal_years"] if y not in by_year]
        for example in document["examples"]:
            decided = decide(client, **example["request"])
            assert decided["eligible"] == example["expected"]["eligible"], example
            if example["expected"]["amount_yen"] is not None:
                assert decided["amount_yen"] == example["expected"]["amount_yen"], example
            checked += 1
    assert without == []
    assert checked == sum(len(p["fiscal_years"]) for p in decidable)  # one per program and fiscal year


def test_openapi_types_the_request_per_program_and_names_the_components(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("Decision", "Reason", "BreakdownLine", "WhatIf", "Problem", "Error", "DecisionRequest"):
        assert name in schemas, name
    union = schemas["DecisionRequest"]
    assert union["discriminator"]["propertyName"] == "program"
    assert len(union["oneOf"]) == 41
    request = schemas["KokuhoHealthupMunicipalRequest"]
    assert request["properties"]["program"]["const"] == "kokuho_healthup_municipal"
    facts = [schemas[ref["$ref"].rsplit("/", 1)[1]] for ref in request["properties"]["facts"]["anyOf"]]
    assert all("insured_count" in f["properties"] for f in facts)
    post = spec["paths"]["/v1/decisions"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionRequest"}
    assert "kokuho_healthup_municipal_2024" in post["requestBody"]["content"]["application/json"]["examples"]
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Decision"}


def test_a_client_generated_from_openapi_builds_a_typed_valid_request_for_every_program(
        client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "openapi.json").write_text(client.get("/openapi.json").text, encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    generated = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", "openapi.json", "--output-path", "hojo_client",
         "--meta", "none"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)})
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        hojo_client = importlib.import_module("hojo_client")
        models = importlib.import_module("hojo_client.models")
        decide_api = importlib.import_module("hojo_client.api.decisions.decide_v1_decisions_post")
        api = hojo_client.Client(base_url="http://testserver").set_httpx_client(client)
        programs = [p for p in client.get("/v1/programs").json()["programs"] if p["status"] in ("decide", "partly")]
        for entry in programs:
            example = client.get(f"/v1/programs/{entry['program']}").json()["examples"][0]
            camel = "".join(part.capitalize() for part in entry["program"].split("_"))
            typed = getattr(models, camel + "Request").from_dict(example["request"])
            # the facts as the typed model of the version they belong to (a program with several versions has
            # one facts class per version; the client picks the one that holds every fact it has)
            facts = example["request"]["facts"]
            versions = [getattr(models, n) for n in dir(models) if re.fullmatch(camel + r"FactsV\d+", n)]
            typed.facts = next(v.from_dict(facts) for v in versions if v.from_dict(facts).to_dict() == facts)
            assert typed.to_dict() == {**example["request"], "facts": facts}
            decision = decide_api.sync(client=api, body=typed)
            assert isinstance(decision, models.Decision), (entry["program"], decision)
            assert decision.eligible == example["expected"]["eligible"]
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "hojo_client" or m.startswith("hojo_client.")]:
            del sys.modules[name]


def test_docs_and_redoc_load_only_same_origin_assets(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert urls, page
        assert all(u.startswith("/") and not u.startswith("//") for u in urls), (page, urls)
        assert "cdn" not in html.lower() and "googleapis" not in html
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert "cdn.redoc.ly" not in client.get("/docs-assets/redoc.standalone.js").text


# -- 2. answers an applicant can act on -----------------------------------------------------------------
def test_twins_and_myna_breakdowns_add_up_to_the_amount(client: TestClient) -> None:
    twins = decide(client, "shussan_ikuji_ichijikin", 2024, {"children_born_count": 2})
    assert twins["amount_yen"] == 1_000_000 and adds_up(twins)  # 500,000 × 2 (B16 例3)
    assert [(line["component"], line["yen"]) for line in twins["breakdown"]] == [("basis", 1_000_000)]
    assert {"fact": "children_born_count", "value": 2} in twins["breakdown"][0]["detail"]
    # マイナ保険証: increase 8.5 → 8 pt in the first half → 20 円/件 (B05 例1), × 3,000 uses = 60,000 円
    myna = decide(client, "myna_hokensho_riyo_sokushin_shienkin", 2023, {
        "period": "first_half", "base_rate_percent": "4.0", "period_average_rate_percent": "12.5",
        "usage_count": 3000})
    assert myna["amount_yen"] == 60_000 and adds_up(myna)
    assert [(line["component"], line["yen"]) for line in myna["breakdown"]] == [("basis", 60_000)]
    detail = myna["breakdown"][0]["detail"]
    assert any(d.get("component") == "unit_price" and d.get("yen") == 20 for d in detail)
    assert {"fact": "usage_count", "value": 3000} in detail
    assert all(line["name_ja"] and line["name_en"] for line in myna["breakdown"])
    # a rate below 1 and a ceiling: the lines are the start, the cut to the ceiling and the rate
    capped = decide(client, "kokuho_healthup_municipal", 2024, {**HEALTHUP, "eligible_cost_yen": 20_000_000})
    assert capped["amount_yen"] == 13_500_000 and adds_up(capped)
    assert [line["yen"] for line in capped["breakdown"]] == [20_000_000, -6_500_000]


def test_not_applicable_and_never_applied_for_a_value_not_computed(client: TestClient) -> None:
    # FY2021, a municipality with no designation count given for its prefecture: the 15% cap is not computed
    facts = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1"],
             "third_party_evaluation": True, "designated_model": False, "prefecture_designated_count": 3}
    body = decide(client, "kokuho_healthup_municipal", 2021, facts)
    reasons = {r["clause"]: r for r in body["reasons"]}
    assert reasons["c2_designation_within_cap"]["outcome"] == "not_applicable"
    assert reasons["designation_cap_count"]["outcome"] == "not_applicable"
    assert all(r["outcome"] != "applied" or "—" not in r["message_ja"] for r in body["reasons"])
    assert body["explanation"] == 2


WHAT_IF_PROGRAMS = ["kokuho_healthup_municipal", "kokuho_healthup_prefectural", "kokuho_healthup_model_designation",
                    "kokuho_kogaku_iryohi_futankin", "shussan_ikuji_ichijikin",
                    "myna_hokensho_riyo_sokushin_shienkin", "myna_card_shinsatsuken_jukyushasho_kaishu_hojo"]


@pytest.mark.parametrize("program", WHAT_IF_PROGRAMS)
def test_what_if_reasons_hold_when_re_decided(client: TestClient, program: str) -> None:
    """Every suggested change, applied and decided again, gives the outcome it promised."""
    suggestions = 0
    ineligible_with_a_way = 0
    for example in examples(program):
        decision = decide(client, **example.request)
        if decision["eligible"] is False and decision["what_if"]:
            ineligible_with_a_way += 1
        for hint in decision["what_if"]:
            assert hint["kind"] == "what_if" and hint["message_ja"] and hint["message_en"] and hint["source"]
            facts = {k: v for k, v in {**example.request["facts"], **hint["change"]}.items() if v is not None}
            again = decide(client, program, example.request["fiscal_year"], facts, example.request.get("version"))
            assert {k: again[k] for k in ("eligible", "amount_yen", "cap_yen")} == hint["promise"], hint
            if decision["eligible"] is False:
                assert ("交付対象になります" in hint["message_ja"]) == (again["eligible"] is True), hint
            else:
                delta = (again["amount_yen"] - decision["amount_yen"],
                         (again["cap_yen"] or 0) - (decision["cap_yen"] or 0))
                assert delta != (0, 0) and f"{abs(delta[0] or delta[1]):,} 円" in hint["message_ja"], hint
            suggestions += 1
    assert suggestions >= 1, f"{program}: no what_if was suggested for any of its feature scenarios"
    if any(e.eligible is False for e in examples(program)) and program != "shussan_ikuji_ichijikin":
        assert ineligible_with_a_way >= 1, program


def test_what_if_names_the_band_edge_and_its_yen(client: TestClient) -> None:
    # 30,000 insured, categories ① and ③: ①4,500千 + ②9,000千 = 13,500千円; at 50,000 insured ①6,000 + ②12,000
    body = decide(client, "kokuho_healthup_municipal", 2024, HEALTHUP)
    edge = next(h for h in body["what_if"] if h["change"] == {"insured_count": 50_000})
    assert edge["message_ja"] == "被保険者数が 50,000 以上なら補助額が 4,500,000 円増えます"
    assert edge["promise"]["amount_yen"] == 18_000_000
    ineligible = decide(client, "kokuho_healthup_municipal", 2024, {**HEALTHUP, "has_data_health_plan": False})
    plan = next(h for h in ineligible["what_if"] if h["clause"] == "data_health_plan")
    assert plan["change"] == {"has_data_health_plan": True} and plan["message_ja"].endswith("なら交付対象になります")
    # the same answer when the decision is read again (what_if is recomputed, not recorded)
    again = client.get(f"/v1/decisions/{ineligible['decision_id']}").json()
    assert again["what_if"] == ineligible["what_if"]


# -- 3. screening -------------------------------------------------------------------------------------------
def test_screening_a_municipality_lists_its_kokuho_programs_and_the_facts_each_needs(client: TestClient) -> None:
    before = client.get("/v1/log/head").json()["count"]
    response = client.post("/v1/screenings", json={"applicant_type": "shichoson", "fiscal_year": 2024,
                                                   "facts": {"insured_count": 30000, "has_data_health_plan": True}})
    assert response.status_code == 200, response.text
    listed = {(p["program"], p["fiscal_year"]): p for p in response.json()["programs"]}
    healthup = listed[("kokuho_healthup_municipal", 2024)]
    assert healthup["status"] == "needs_facts"
    assert [m["fact"] for m in healthup["missing_facts"]] == ["categories", "third_party_evaluation",
                                                              "designated_model"]
    assert healthup["missing_facts"][0]["title_ja"] == "実施する事業区分"
    assert {"kokuho_hokensha_shien_seido", "kokuho_kodomo_kintowari_gengaku", "shussan_ikuji_ichijikin"} <= {
        program for program, _ in listed}
    assert ("kokuho_healthup_prefectural", 2024) not in listed  # a prefecture's program
    # 健保組合 programs: listed as ineligible for a municipality (its insurer type is settled by the profile)
    assert listed[("kenpo_tekiyo_kakudai_support", 2024)]["status"] == "ineligible"
    # with every fact of ヘルスアップ given, it is decided: 4,500千 + 9,000千 = 13,500,000 円, first by amount
    full = client.post("/v1/screenings", json={"applicant_type": "shichoson", "fiscal_year": 2024,
                                               "facts": HEALTHUP}).json()["programs"]
    assert full[0]["program"] == "kokuho_healthup_municipal" and full[0]["status"] == "eligible"
    assert full[0]["amount_yen"] == 13_500_000
    statuses = [p["status"] for p in full]
    assert statuses == sorted(statuses, key=["eligible", "needs_facts", "ineligible"].index)
    assert client.get("/v1/log/head").json()["count"] == before  # nothing recorded
    refused = client.post("/v1/screenings", json={"applicant_type": "city"})
    assert refused.status_code == 422 and refused.json()["error"]["problems"][0]["path"] == "$.applicant_type"


# -- 4. the notice ------------------------------------------------------------------------------------------
def test_the_notice_shows_the_amount_with_separators_and_every_reason(client: TestClient) -> None:
    body = decide(client, "kokuho_healthup_municipal", 2024, HEALTHUP)
    response = client.get(f"/v1/decisions/{body['decision_id']}/notice")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "交付決定通知書" in html and "13,500,000 円" in html and "@page { size: A4" in html
    for r in body["reasons"]:
        assert r["message_ja"].replace("&", "&amp;").replace("<", "&lt;") in html, r["message_ja"]
    assert body["rules_sha256"] in html and body["decision_id"] in html
    assert "受領証" not in html  # this service signs no tree heads: no receipt to show (tests/test_evidence.py)
    refused = decide(client, "kokuho_healthup_municipal", 2024, {**HEALTHUP, "has_data_health_plan": False})
    assert "不交付決定通知書" in client.get(f"/v1/decisions/{refused['decision_id']}/notice").text
    assert client.get("/v1/decisions/00000000-0000-0000-0000-000000000000/notice").status_code == 404


# -- 5. input handling ------------------------------------------------------------------------------------
def test_did_you_mean_for_a_program_and_a_fact_with_the_json_path(client: TestClient) -> None:
    unknown = client.post("/v1/decisions", json={"program": "kokuho_healthup_municipl", "fiscal_year": 2024,
                                                  "facts": HEALTHUP}).json()["error"]
    assert unknown["code"] == "unknown_program" and unknown["did_you_mean"] == "kokuho_healthup_municipal"
    assert unknown["problems"][0]["path"] == "$.program"
    typo = client.post("/v1/decisions", json={"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                                               "facts": {**HEALTHUP, "insured_cont": 1}}).json()["error"]
    problem = next(p for p in typo["problems"] if p["path"] == "$.facts.insured_cont")
    assert "insured_count" in problem["message_ja"] and "did you mean 'insured_count'" in problem["message_en"]


def test_a_version_that_does_not_exist_names_those_that_do(client: TestClient) -> None:
    error = client.post("/v1/decisions", json={"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                                               "version": 9, "facts": HEALTHUP}).json()["error"]
    assert error["code"] == "no_such_version" and error["versions"] == [1, 2]
    assert "ある版: 1, 2" in error["problems"][0]["message_ja"]


def test_nfkc_colliding_keys_are_a_duplicate_key_with_both_paths(client: TestClient) -> None:
    text = ('{"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": '
            '{"insured_count": 1, "ｉｎｓｕｒｅｄ_count": 2, "has_data_health_plan": true}}')
    response = client.post("/v1/decisions", content=text.encode(), headers=JSON)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "duplicate_key"
    assert error["problems"][0]["path"] == "$.facts['ｉｎｓｕｒｅｄ_count']"
    assert "$.facts.insured_count" in error["problems"][0]["message_ja"]


def test_a_100000_item_list_is_refused_quickly_with_a_bounded_answer(client: TestClient) -> None:
    facts = {**HEALTHUP, "categories": ["9"] * 100_000}
    started = time.monotonic()
    response = client.post("/v1/decisions", json={"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                                                  "facts": facts})
    elapsed = time.monotonic() - started
    assert response.status_code == 422 and elapsed < 1.5, elapsed
    problems = response.json()["error"]["problems"]
    assert problems == [{"path": "$.facts.categories", "code": "maxItems",
                         "message_ja": "要素は 5 個以下にしてください（100,000 個あります）",
                         "message_en": "at most 5 items (got 100,000)"}]
    # many distinct problems: at most 30 listed, then how many more
    many = {**HEALTHUP, **{f"unknown_{i}": i for i in range(150)}}
    listed = client.post("/v1/decisions", json={"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                                                "facts": many}).json()["error"]["problems"]
    assert len(listed) == 31 and listed[-1]["code"] == "more_problems"
    assert listed[-1]["message_en"] == "and 120 more problems"


def test_message_ja_is_japanese_only_for_a_json_syntax_error(client: TestClient) -> None:
    response = client.post("/v1/decisions", content=b'{"program": "x",', headers=JSON)
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid_json"
    assert re.fullmatch(r"JSON として読めません（\d+ 行 \d+ 文字目）", error["message_ja"]), error["message_ja"]
    bad_parameter = client.get("/v1/programs/kokuho_healthup_municipal/facts-schema", params={"fiscal_year": "x"})
    assert not re.search(r"[A-Za-z]{3,}", bad_parameter.json()["error"]["problems"][0]["message_ja"].replace(
        "fiscal_year", "").replace("query", ""))


def test_an_oversize_body_is_413(client: TestClient) -> None:
    response = client.post("/v1/screenings", content=b'{"facts": "' + b"x" * 1_000_001 + b'"}', headers=JSON)
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_hojo_decide_reads_the_whole_request_body_from_stdin(tmp_path: Path) -> None:
    request = {"program": "shussan_ikuji_ichijikin", "fiscal_year": 2024, "facts": {"children_born_count": 2}}
    run = subprocess.run([sys.executable, "-m", "service.cli", "decide", "-", "--db", f"sqlite:///{tmp_path}/h.db"],
                         input=json.dumps(request).encode(), capture_output=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["amount_yen"] == 1_000_000
    facts_only = subprocess.run(
        [sys.executable, "-m", "service.cli", "decide", "--program", "shussan_ikuji_ichijikin", "--fiscal-year",
         "2024", "-", "--db", f"sqlite:///{tmp_path}/h.db"], input=b'{"children_born_count": 1}',
        capture_output=True, cwd=REPO, timeout=120)
    assert json.loads(facts_only.stdout)["amount_yen"] == 500_000
    version = subprocess.run([sys.executable, "-m", "service.cli", "--version"], capture_output=True, text=True,
                             cwd=REPO, timeout=60)
    assert version.returncode == 0 and re.fullmatch(r"hojo \d+\.\d+\.\d+\n", version.stdout), version.stdout
