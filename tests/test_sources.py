"""Numbers tied to their sources, and registered source documents (issue 11, item 2).

The main path a policy owner takes: change the band amount 4,500千円 of 基準額① (1～5万人未満) to
5,000千円 in a draft of ``kokuho_healthup_municipal``; ``hojo check`` and ``/v1/drafts/check`` refuse it
with ``number_not_in_source`` at the band's line, because the cited quote (001_… L1786) still prints
「4,500千円」; the owner registers the amended text that prints 5,000千円, cites it, and the check passes.
Every CLI case runs ``hojo`` as a subprocess on a copy of rules/ and seeds/ (the repository is never
written); the API cases use one app on another copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.kernel.config import Paths
from service.lang.numerals import read_numbers
from service.rulebook.fiscal_names import named_fiscal_years

REPO = Path(__file__).resolve().parent.parent
PROGRAM = "kokuho_healthup_municipal"
OLD_BAND = "      - {at_least: 10000, under: 50000, amount: 4500, label_ja: 1～5万人未満}\n"
NEW_BAND = "      - {at_least: 10000, under: 50000, amount: 5000, label_ja: 1～5万人未満}\n"
OLD_CITE = ('    cites: {document: 001_c02c95a32821d2bb.txt, line: 1786, '
            'quote: "基準額① 3,000千円 4,500千円 6,000千円 9,000千円 13,500千円"}\n')
NEW_CITE = ('    cites: {document: sources/r6_healthup_kaisei.txt, line: 3, '
            'quote: "基準額① 3,000千円 5,000千円 6,000千円 9,000千円 13,500千円"}\n')
#: an amended 交付要綱 as an owner would register it (line 3 prints the new 基準額①)
AMENDED = ("令和６年度 国民健康保険保険者努力支援交付金（市町村国保ヘルスアップ事業）交付要綱の一部改正\n"
           "別表 基準額\n"
           "基準額① 3,000千円 5,000千円 6,000千円 9,000千円 13,500千円\n")


def hojo(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=300)


def tree(root: Path) -> Paths:
    """A copy of rules/ and seeds/ (sources/ is created beside the seeds when a source is registered)."""
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "seeds", root / "seeds")
    return Paths(rules=root / "rules", schemas=REPO / "schemas", seeds=root / "seeds")


def env_of(paths: Paths) -> dict[str, str]:
    return {"HOJO_RULES_DIR": str(paths.rules), "HOJO_SEEDS_DIR": str(paths.seeds)}


def draft(replacements: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    """v2 made into the correction draft v3 (same FY2024 window, ``supersedes: 2``), with ``replacements``."""
    text = (REPO / "rules" / PROGRAM / "v2.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 2\nstatus: published\npublished_at: \"2026-11-22\"\n",
                        "version: 3\nstatus: draft\nsupersedes: 2\n"
                        "change_reason: {ja: 基準額①の改正, en: reference amount ① amended}\n")
    assert "version: 3" in text
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def line_in(text: str, needle: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, hits
    return hits[0]


# --- the normaliser ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("quote", "yen"), [
    ("4,500千円", 4_500_000), ("4,500,000円", 4_500_000), ("450万円", 4_500_000), ("４，５００千円", 4_500_000),
    ("4500千円", 4_500_000), ("60.0万円を上限に補助", 600_000), ("1億2,000万円", 120_000_000),
    ("32億円", 3_200_000_000), ("20円/件", 20), ("150百万円", 150_000_000),
])
def test_yen_amounts_are_read_in_every_unit_and_digit_form(quote: str, yen: int) -> None:
    assert yen in read_numbers(quote).yen


@pytest.mark.parametrize(("quote", "rate"), [
    ("補助率10/10", Fraction(1)), ("国 1/2", Fraction(1, 2)), ("２分の１", Fraction(1, 2)), ("２／３", Fraction(2, 3)),
    ("三分の二", Fraction(2, 3)), ("保険料額の５割", Fraction(1, 2)), ("7割軽減", Fraction(7, 10)),
    ("（32％）", Fraction(8, 25)), ("7%", Fraction(7, 100)), ("2割5分", Fraction(1, 4)),
    ("164/1000", Fraction(41, 250)),
])
def test_rates_are_read_in_every_fraction_form(quote: str, rate: Fraction) -> None:
    assert rate in read_numbers(quote).rates


def test_a_number_of_one_unit_is_not_read_as_another() -> None:
    quoted = read_numbers("基準額① 3,000千円 4,500千円")
    assert 4500 not in quoted.yen and Fraction(4500) not in quoted.bare  # 4,500千円 is 4,500,000 yen
    assert Fraction(1, 2) not in read_numbers("国 1/4、都道府県 1/4").rates
    assert read_numbers("基準額②6,000千円").yen == {6_000_000}  # ② is not read as a digit 2
    assert Fraction(4) in read_numbers("＝4：1：1").bare


def test_fiscal_years_named_in_a_version_name() -> None:
    assert named_fiscal_years("令和６年度 市町村国保ヘルスアップ事業") == [2024]
    assert named_fiscal_years("令和元年度") == [2019]
    assert named_fiscal_years("令和４-５年度 保険料") == [2022, 2023]
    assert named_fiscal_years("Municipal programme, FY2025") == [2025]
    assert named_fiscal_years("2026年度") == [2026]


# --- hojo check and hojo source add (subprocess) -----------------------------------------------------

def test_cli_refuses_a_changed_amount_until_a_registered_source_prints_it(tmp_path: Path) -> None:
    paths = tree(tmp_path)
    env = env_of(paths)
    changed = draft([(OLD_BAND, NEW_BAND)])
    (paths.rules / PROGRAM / "v3.yaml").write_text(changed, encoding="utf-8")

    refused = hojo("check", env=env)
    assert refused.returncode == 1, refused.stdout
    problems = [line for line in refused.stdout.splitlines() if "[" in line and line.startswith("rules/")]
    band_line = line_in(changed, NEW_BAND.strip())
    assert problems == [f"rules/{PROGRAM}/v3.yaml:{band_line} $.tables[0].bands[1].amount: [number_not_in_source] "
                        "5,000千円 does not appear in its quote '基準額① 3,000千円 4,500千円 6,000千円 9,000千円 "
                        "13,500千円': cite a source that prints it (register a new document with `hojo source add`) "
                        "or declare where it comes from under number_sources"]
    assert "5,000千円 は引用「基準額① 3,000千円 4,500千円" in refused.stdout

    source = tmp_path / "amended.txt"
    source.write_text(AMENDED, encoding="utf-8")
    added = hojo("source", "add", "--id", "r6_healthup_kaisei", "--title", "ヘルスアップ事業 交付要綱 一部改正",
                 "--date", "2026-12-01", str(source), env=env)
    assert added.returncode == 0, added.stderr
    entry = json.loads(added.stdout)
    assert entry["document"] == "sources/r6_healthup_kaisei.txt" and entry["created"] is True
    assert (paths.seeds.parent / "sources" / "r6_healthup_kaisei.txt").read_text(encoding="utf-8") == AMENDED

    cited = draft([(OLD_BAND, NEW_BAND), (OLD_CITE, NEW_CITE)])
    (paths.rules / PROGRAM / "v3.yaml").write_text(cited, encoding="utf-8")
    passed = hojo("check", env=env)
    assert passed.returncode == 0, passed.stdout
    assert re.search(rf"^ok +rules/{PROGRAM}/v3\.yaml +{PROGRAM}@3 ", passed.stdout, re.M), passed.stdout

    # A registered source never changes: an edited text fails the check (the registry holds its sha256).
    (paths.seeds.parent / "sources" / "r6_healthup_kaisei.txt").write_text(AMENDED.replace("5,000", "5,500"),
                                                                          encoding="utf-8")
    tampered = hojo("check", env=env)
    assert tampered.returncode == 1
    assert "[source_changed] registered source r6_healthup_kaisei no longer has the sha256" in tampered.stdout


def test_cli_refuses_a_rate_above_one_a_gap_and_an_overlap(tmp_path: Path) -> None:
    paths = tree(tmp_path)
    text = draft([('  rate: "10/10"\n', '  rate: "12/10"\n'),
                  ("      - {at_least: 50000, under: 100000, amount: 6000, label_ja: 5～10万人未満}\n"
                   "      - {at_least: 100000, under: 200000, amount: 9000, label_ja: 10～20万人未満}\n",
                   "      - {at_least: 50000, under: 100000, amount: 6000, label_ja: 5～10万人未満}\n"
                   "      - {at_least: 100001, under: 200000, amount: 9000, label_ja: 10～20万人未満}\n")])
    (paths.rules / PROGRAM / "v3.yaml").write_text(text, encoding="utf-8")
    result = hojo("check", env=env_of(paths))
    assert result.returncode == 1
    rate_line = line_in(text, 'rate: "12/10"')
    assert (f"rules/{PROGRAM}/v3.yaml:{rate_line} $.amount.rate: [rate_out_of_range] rate 12/10 must be between 0 "
            "and 1") in result.stdout
    gap_line = line_in(text, "at_least: 100001")
    assert f"rules/{PROGRAM}/v3.yaml:{gap_line} $.tables[0].bands[3]: [band_gap_or_overlap]" in result.stdout
    # 12/10 is also printed nowhere in its quote 「補助率10/10」 (rate_cites): both problems are told
    assert f"rules/{PROGRAM}/v3.yaml:{rate_line} $.amount.rate: [number_not_in_source] 12/10" in result.stdout
    assert result.stdout.splitlines()[-1] == "hojo check: 3 problem(s)"


def test_cli_lists_every_declared_exception_with_its_count_per_program() -> None:
    result = hojo("check", env={})
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert "hojo check: 28 declared number exception(s) in 6 program(s) (numbers no held document prints; " \
           "25 more cited on another line)" in lines
    assert "  kokuho_teishotoku_hokenryo_keigen: 6 (outside_seeds 6)" in lines
    assert "  kouki_hokenryo: 9 (computed 9)" in lines
    assert ("    v1 $.derived[1].value.sum[0].yen = 430000 [outside_seeds] the income limits of the National Health "
            "Insurance Act Enforcement Order art. 29-7 (FY2024); not printed in the seeds") in lines
    assert lines[-1].startswith("hojo check: 52 rule version(s)")


def test_cli_source_add_refuses_path_ids_bad_text_and_a_second_text(tmp_path: Path) -> None:
    paths = tree(tmp_path)
    env = env_of(paths)
    text = tmp_path / "ok.txt"
    text.write_text("通知\n補助率 ２分の１\n", encoding="utf-8")
    not_utf8 = tmp_path / "sjis.txt"
    not_utf8.write_bytes("補助率".encode("shift_jis"))
    for source_id, file, code in (("../x", text, "source_id"), ("/etc/passwd", text, "source_id"),
                                  ("a.b", text, "source_id"), ("ok_id", not_utf8, "source_not_utf8")):
        refused = hojo("source", "add", "--id", source_id, "--title", "t", "--date", "2026-12-01", str(file), env=env)
        assert refused.returncode == 2, refused.stdout
        assert json.loads(refused.stderr)["error"]["problems"][0]["code"] == code
    assert not (paths.seeds.parent / "sources").exists()  # nothing written by a refused call
    assert hojo("source", "add", "--id", "tsuchi_1", "--title", "t", "--date", "2026-12-01", str(text),
                env=env).returncode == 0
    text.write_text("通知\n補助率 ３分の２\n", encoding="utf-8")
    second = hojo("source", "add", "--id", "tsuchi_1", "--title", "t", "--date", "2026-12-01", str(text), env=env)
    assert second.returncode == 2 and json.loads(second.stderr)["error"]["code"] == "source_exists"
    listed = hojo("source", "list", env=env)
    assert "sources/tsuchi_1.txt  2026-12-01" in listed.stdout and "1 registered source(s)" in listed.stdout


# --- the same through the API ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Paths]]:
    root = tmp_path_factory.mktemp("sources_api")
    paths = tree(root)
    app = create_app(paths=paths, db_url=f"sqlite:///{root / 'api.sqlite3'}")
    with TestClient(app) as client:
        yield client, paths


def check(client: TestClient, text: str) -> dict[str, Any]:
    response = client.post("/v1/drafts/check", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_draft_check_refuses_the_changed_amount_then_passes_with_a_registered_source(
        api: tuple[TestClient, Paths]) -> None:
    client, paths = api
    changed = draft([(OLD_BAND, NEW_BAND)])
    refused = check(client, changed)
    assert refused["ok"] is False
    assert [(p["code"], p["line"], p["path"].split(" ")[1]) for p in refused["problems"]] == [
        ("number_not_in_source", line_in(changed, NEW_BAND.strip()), "$.tables[0].bands[1].amount")]
    assert refused["problems"][0]["message_ja"].startswith("5,000千円 は引用「基準額① 3,000千円 4,500千円")

    registered = client.post("/v1/sources", json={"id": "r6_healthup_kaisei", "title": "交付要綱 一部改正",
                                                  "date": "2026-12-01", "text": AMENDED})
    assert registered.status_code == 201, registered.text
    assert registered.json()["sha256"] == __import__("hashlib").sha256(AMENDED.encode()).hexdigest()
    again = client.post("/v1/sources", json={"id": "r6_healthup_kaisei", "title": "交付要綱 一部改正",
                                             "date": "2026-12-01", "text": AMENDED})
    assert again.status_code == 200 and again.json()["created"] is False
    listed = client.get("/v1/sources").json()["sources"]
    assert [s["document"] for s in listed] == ["sources/r6_healthup_kaisei.txt"]

    passed = check(client, draft([(OLD_BAND, NEW_BAND), (OLD_CITE, NEW_CITE)]))
    assert passed["ok"] is True, passed["problems"]
    wrong_quote = check(client, draft([(OLD_BAND, NEW_BAND), (OLD_CITE, NEW_CITE.replace("line: 3", "line: 2"))]))
    assert [p["code"] for p in wrong_quote["problems"]] == ["citation_quote"]


def test_draft_check_refuses_a_rate_above_one_a_negative_amount_a_gap_and_an_overlap(
        api: tuple[TestClient, Paths]) -> None:
    client, _ = api
    rate = draft([('  rate: "10/10"\n', '  rate: "12/10"\n')])
    result = check(client, rate)
    assert [(p["code"], p["line"]) for p in result["problems"]] == [("rate_out_of_range", line_in(rate, "12/10")),
                                                                     ("number_not_in_source", line_in(rate, "12/10"))]
    negative = draft([("amount: 3000, label_ja: 1万人未満}", "amount: -3000, label_ja: 1万人未満}")])
    codes = [(p["code"], p["path"].split(" ")[1]) for p in check(client, negative)["problems"]]
    assert ("schema_minimum", "$.tables[0].bands[0].amount") in codes
    gap = draft([("{at_least: 10000, under: 50000, amount: 4500", "{at_least: 10001, under: 50000, amount: 4500")])
    overlap = draft([("{at_least: 10000, under: 50000, amount: 4500", "{at_least: 9000, under: 50000, amount: 4500")])
    for text, start in ((gap, "at_least: 10001"), (overlap, "at_least: 9000")):
        problems = check(client, text)["problems"]
        assert [(p["code"], p["line"]) for p in problems] == [("band_gap_or_overlap", line_in(text, start))]


def test_a_draft_declares_a_number_no_document_prints_and_the_declaration_is_checked(
        api: tuple[TestClient, Paths]) -> None:
    client, _ = api
    declaration = ("number_sources:\n"
                   "  - {at: \"$.tables[0].bands[1].amount\", value: 5000, kind: outside_seeds, "
                   "why_ja: 改正通知（未登録）による, why_en: from an amending notice not yet held}\n")
    declared = draft([(OLD_BAND, NEW_BAND), ("\nassumptions:\n", "\n" + declaration + "assumptions:\n")])
    result = check(client, declared)
    assert result["ok"] is True, result["problems"]
    assert result["number_sources"] == [{
        "at": "$.tables[0].bands[1].amount", "value": 5000, "kind": "outside_seeds",
        "why_ja": "改正通知（未登録）による", "why_en": "from an amending notice not yet held",
        "declared_in": f"rules/{PROGRAM}/v3.yaml"}]
    stale = check(client, declared.replace("amount: 5000, label_ja: 1～5", "amount: 5500, label_ja: 1～5"))
    assert [p["code"] for p in stale["problems"]] == ["number_source_stale"]
    unneeded = check(client, draft([("\nassumptions:\n", "\n" + declaration.replace("5000", "4500")
                                     + "assumptions:\n")]))
    assert [p["code"] for p in unneeded["problems"]] == ["number_source_unneeded"]
    nowhere = check(client, draft([("\nassumptions:\n", "\n" + declaration.replace("bands[1]", "bands[9]")
                                    + "assumptions:\n")]))
    assert [p["code"] for p in nowhere["problems"]] == ["number_source_unknown_path"]


def test_a_name_that_names_another_fiscal_year_is_a_warning_not_an_error(api: tuple[TestClient, Paths]) -> None:
    client, _ = api
    text = draft([("effective: {from_fiscal_year: 2024, to_fiscal_year: 2024}",
                   "effective: {from_fiscal_year: 2025, to_fiscal_year: 2025}")])
    result = check(client, text)
    assert result["ok"] is True
    assert [(w["code"], w["line"]) for w in result["warnings"]] == [
        ("name_fiscal_year_outside_window", line_in(text, "name_ja: 令和６年度")),
        ("name_fiscal_year_outside_window", line_in(text, "name_en: Municipal"))]
    assert "names fiscal year 2024, outside the version's window 2025-2025" in result["warnings"][0]["message_en"]


@pytest.mark.parametrize(("body", "path", "code"), [
    ({"id": "../x", "title": "t", "date": "2026-12-01", "text": "a"}, "$.id", "source_id"),
    ({"id": "/abs", "title": "t", "date": "2026-12-01", "text": "a"}, "$.id", "source_id"),
    ({"id": "a" * 65, "title": "t", "date": "2026-12-01", "text": "a"}, "$.id", "source_id"),
    ({"id": 7, "title": "t", "date": "2026-12-01", "text": "a"}, "$.id", "source_id"),
    ({"id": "ok", "title": "", "date": "2026-12-01", "text": "a"}, "$.title", "source_title"),
    ({"id": "ok", "title": "t", "date": "2026-02-30", "text": "a"}, "$.date", "source_date"),
    ({"id": "ok", "title": "t", "date": "2026-12-01", "text": "a\x00b"}, "$.text", "source_control_character"),
    ({"id": "ok", "title": "t", "date": "2026-12-01", "text": "x" * 600_000}, "$.text", "source_too_large"),
    ({"id": "ok", "title": "t", "date": "2026-12-01", "text": "  \n"}, "$.text", "source_empty"),
    ({"id": "ok", "title": "t", "date": "2026-12-01"}, "$.text", "required"),
    ({"id": "ok", "title": "t", "date": "2026-12-01", "text": "a", "path": "/etc"}, "$.path", "unknown"),
])
def test_hostile_source_registrations_are_422_and_write_nothing(api: tuple[TestClient, Paths], body: dict[str, Any],
                                                                path: str, code: str) -> None:
    client, paths = api
    response = client.post("/v1/sources", json=body)
    assert response.status_code == 422, response.text
    assert (path, code) in [(p["path"], p["code"]) for p in response.json()["error"]["problems"]]
    assert not (paths.seeds.parent / "sources" / "ok.txt").exists()
    assert not (paths.seeds.parent / "x.txt").exists()


def test_an_oversized_body_is_refused_before_it_is_read(api: tuple[TestClient, Paths]) -> None:
    client, _ = api
    huge = json.dumps({"id": "big", "title": "t", "date": "2026-12-01", "text": "x" * 1_100_000})
    response = client.post("/v1/sources", content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_a_source_cited_by_a_published_version_cannot_be_replaced(api: tuple[TestClient, Paths]) -> None:
    client, paths = api
    body = {"id": "cited_once", "title": "t", "date": "2026-12-01", "text": AMENDED}
    assert client.post("/v1/sources", json=body).status_code == 201
    replaced = client.post("/v1/sources", json={**body, "text": AMENDED + "追記\n", "replace": True})
    assert replaced.status_code == 201  # no published version cites it yet: a replacement is allowed
    published = paths.rules / PROGRAM / "v9.yaml"
    published.write_text("status: published\n# cites sources/cited_once.txt\n", encoding="utf-8")
    try:
        refused = client.post("/v1/sources", json={**body, "replace": True})
    finally:
        published.unlink()
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "source_exists"
    assert f"rules/{PROGRAM}/v9.yaml" in refused.json()["error"]["message_en"]


def test_programs_show_the_declared_number_sources_of_each_version(api: tuple[TestClient, Paths]) -> None:
    client, _ = api
    program = client.get("/v1/programs/kokuho_teishotoku_hokenryo_keigen").json()
    declared = program["versions"][0]["number_sources"]
    assert len(declared) == 6 and {d["kind"] for d in declared} == {"outside_seeds"}
    assert declared[1]["at"] == "$.derived[1].value.sum[0].yen" and declared[1]["value"] == 430000
    assert declared[1]["declared_in"] == "rules/kokuho_teishotoku_hokenryo_keigen/number_sources.yaml"
    assert client.get("/v1/programs/kokuho_healthup_municipal").json()["versions"][1]["number_sources"] == []


def test_the_workbench_program_page_shows_the_declared_numbers_as_assumptions(api: tuple[TestClient, Paths]) -> None:
    client, _ = api
    page = client.get("/workbench/programs/kokuho_teishotoku_hokenryo_keigen").text
    assert 'id="number-sources"' in page and "数値の出所の前提" in page
    assert '<small class="mono">$.derived[1].value.sum[0].yen</small>' in page and "430000" in page
    assert "資料外（法令等）の数値" in page and "国民健康保険法施行令第29条の7" in page
    english = client.get("/workbench/programs/myna_card_shinsatsuken_jukyushasho_kaishu_hojo?lang=en").text
    assert "printed on another line" in english and "28.3万円を上限に補助" in english
    plain = client.get("/workbench/programs/kokuho_healthup_municipal").text
    assert "すべての数値が引用に書かれています" in plain


def test_a_changed_amount_citing_a_registered_source_publishes_and_decides(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    paths = tree(tmp_path)
    # publishing runs the features in a subprocess that reads its folders from the environment, as under hojo serve
    monkeypatch.setenv("HOJO_SEEDS_DIR", str(paths.seeds))
    monkeypatch.setenv("HOJO_IMPACT_DIR", str(tmp_path / "impact"))
    app = create_app(paths=paths, db_url=f"sqlite:///{tmp_path / 'publish.sqlite3'}")
    text = draft([(OLD_BAND, NEW_BAND), (OLD_CITE, NEW_CITE),
                  ("effective: {from_fiscal_year: 2024, to_fiscal_year: 2024}",
                   "effective: {from_fiscal_year: 2026, to_fiscal_year: 2026}")]).replace("supersedes: 2\n", "")
    with TestClient(app) as client:
        unsourced = client.post("/v1/publish", json={"text": text})
        assert unsourced.status_code == 422 and unsourced.json()["error"]["code"] == "draft_invalid"
        assert [p["code"] for p in unsourced.json()["error"]["problems"]] == ["source_unregistered"]
        assert client.post("/v1/sources", json={"id": "r6_healthup_kaisei", "title": "交付要綱 一部改正",
                                                "date": "2026-12-01", "text": AMENDED}).status_code == 201
        published = client.post("/v1/publish", json={"text": text})
        assert published.status_code == 200, published.text
        assert published.json()["published"] == f"{PROGRAM}@3"
        decided = client.post("/v1/decisions", json={"program": PROGRAM, "fiscal_year": 2026, "facts": {
            "insured_count": 30000, "has_data_health_plan": True, "categories": ["1"],
            "third_party_evaluation": False, "designated_model": False}}).json()
    # 基準額① for 1～5万人未満 is 5,000千円 by the registered amendment (L3), and the grant is 10/10 of it
    assert decided["rules_version"] == 3 and decided["cap_yen"] == 5_000_000
    assert "sources/r6_healthup_kaisei.txt" in (paths.rules / PROGRAM / "v3.yaml").read_text(encoding="utf-8")
