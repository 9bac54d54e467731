"""The workbench in a real browser: Debian's headless Chromium driven by Playwright for Python.

Nothing downloads a browser: the setup installs Debian's ``chromium`` (and a Japanese font, so the
screenshots show the text) with apt-get when it is missing, and Playwright launches
``/usr/bin/chromium``. A ``hojo serve`` runs on a free loopback port with a tokens file (an applicant
and a policy owner) and a copy of ``rules/`` that publishing writes to. Each test saves a screenshot
of every page it visits into ``artifacts/workbench/`` (ignored by git) for a person to look at.

Figures by hand (001_c02c95a32821d2bb.txt L1786, L1826): 30,000 insured, categories 1 and 3 →
基準額① 4,500千円 + 基準額② 9,000千円 = 13,500,000円; 基準額① 1～5万人未満 at 5,000千円 → +500,000円.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.web.auth import token_digest
from tests.conftest import declare_number, free_port, start_server

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "artifacts" / "workbench"
CHROMIUM = Path("/usr/bin/chromium")
PROGRAM = "kokuho_healthup_municipal"
APPLICANT, OWNER = "e2e-applicant-token", "e2e-owner-token"
FACTS: dict[str, Any] = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                         "third_party_evaluation": False, "designated_model": False}
BAND = "      - {at_least: 10000, under: 50000, amount: 4500, label_ja: 1～5万人未満}"
LOW_BAND = "      - {at_least: 0, under: 10000, amount: 3000, label_ja: 1万人未満}"
#: A 30,000 insured (区分 1, 3), B 区分 1 and 2, C 5,000 insured, D 60,000 insured, E with a cost of 10,000,000円
BASE: list[dict[str, Any]] = [{}, {"categories": ["1", "2"]}, {"insured_count": 5000}, {"insured_count": 60000},
                              {"eligible_cost_yen": 10_000_000}]
WIDTHS = (1280, 390)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _apt_install(*packages: str) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")  # no prompt may wait for an answer in CI
    command = ["apt-get", "install", "-y", *packages]
    if subprocess.run(command, capture_output=True, env=env).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=False, env=env)
        subprocess.run(command, capture_output=True, check=True, env=env)


def _ensure_browser() -> None:
    """Debian's chromium and a Japanese font, installed with apt-get when missing (we are root)."""
    wanted = [] if CHROMIUM.exists() else ["chromium"]
    fonts = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if fonts is None or not fonts.stdout.strip():
        wanted.append("fonts-ipafont-gothic")
    if wanted:
        _apt_install(*wanted)
    assert CHROMIUM.exists(), "Debian's chromium is not installed at /usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("workbench-e2e")
    rules = base / "rules"
    shutil.copytree(REPO / "rules", rules)
    tokens = base / "tokens.json"
    tokens.write_text(json.dumps({"tokens": [
        {"name": "city-13101", "role": "applicant", "sha256": token_digest(APPLICANT)},
        {"name": "mhlw-owner", "role": "policy_owner", "sha256": token_digest(OWNER)}]}), encoding="utf-8")
    port = free_port()
    proc = start_server(base / "hojo.sqlite3", port, {"HOJO_TOKENS_FILE": str(tokens), "HOJO_RULES_DIR": str(rules),
                                                      "HOJO_IMPACT_DIR": str(base / "impact")})
    url = f"http://127.0.0.1:{port}"
    try:
        # the logged applications the impact preview will find (figures in test_the_impact_of_a_mixed_edit)
        logged = []
        for facts in BASE:
            answer = httpx.post(f"{url}/v1/decisions", json={"program": PROGRAM, "fiscal_year": 2024,
                                                             "facts": {**FACTS, **facts}},
                                headers={"authorization": f"Bearer {APPLICANT}"}, timeout=30)
            assert answer.status_code == 200, answer.text
            logged.append(answer.json())
        assert [d["amount_yen"] for d in logged] == [13_500_000, 9_000_000, 9_000_000, 18_000_000, 10_000_000]
        yield {"url": url, "rules": rules, "logged": logged[0], "base": logged}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _ensure_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Any, url: str, token: str) -> None:
    page.goto(f"{url}/workbench/login")
    page.fill("#token", token)
    page.click("#login")
    page.wait_for_url(f"{url}/workbench")


def draft_2026(page: Any, amount: int = 5000) -> str:
    """The editor's text made into a draft for FY2026 with 基準額① 1～5万人未満 at ``amount`` 千円."""
    text = str(page.input_value("#draft"))
    assert BAND in text
    return declare_number(text.replace(BAND, BAND.replace("amount: 4500", f"amount: {amount}"), 1).replace(
        "effective: {from_fiscal_year: 2024, to_fiscal_year: 2024}",
        "effective: {from_fiscal_year: 2026, to_fiscal_year: 2026}"), amount)


def test_browse_the_program_list_and_a_program(server: dict[str, Any], page: Any) -> None:
    url = server["url"]
    page.goto(f"{url}/workbench")
    assert "ログイン" in page.inner_text("main")  # a token is needed
    shot(page, "01-login")
    login(page, url, APPLICANT)
    assert "制度の一覧" in page.inner_text("h1")
    assert page.locator("table.programs tbody tr").count() >= 61
    assert "city-13101（申請者）" in page.inner_text("header")
    shot(page, "02-programs")
    page.click(f"a[href='/workbench/programs/{PROGRAM}']")
    page.wait_for_url(f"{url}/workbench/programs/{PROGRAM}")
    assert "令和６年度 市町村国保ヘルスアップ事業" in page.inner_text("h1")
    bands = page.locator("table.bands").first.inner_text()
    assert "10,000以上" in bands and "50,000未満" in bands and "4,500千円" in bands and "上限なし" in bands
    assert page.locator("#features .scenario").count() > 10
    assert "データヘルス計画を策定していること。" in page.inner_text("main")
    shot(page, "03-program")
    page.click("a.lang")
    assert "Band tables" in page.inner_text("main") and "at least 10,000 (以上)" in page.inner_text("main")
    shot(page, "04-program-en")


def test_try_an_application_and_see_the_reasons(server: dict[str, Any], page: Any) -> None:
    url = server["url"]
    login(page, url, APPLICANT)
    page.goto(f"{url}/workbench/programs/{PROGRAM}/try?fy=2024")
    page.fill("#f\\.insured_count", "30000")
    page.check("#f\\.has_data_health_plan")
    page.check("input[name='f.categories'][value='1']")
    page.check("input[name='f.categories'][value='3']")
    shot(page, "05-try-form")
    assert "試算は記録されません" in page.inner_text("#simulation-note")
    page.click("#decide")
    page.wait_for_selector("#decision")
    assert page.inner_text("#amount") == "13,500,000円"
    assert page.inner_text("#cap") == "13,500,000円"
    assert "記録されていません" in page.inner_text("#simulated")  # a simulation: the impact preview never sees it
    reasons = page.inner_text("table.reasons")
    assert "データ分析に基づくPDCAサイクルに沿った中長期的なデータヘルス計画を策定している：満たす" in reasons
    assert "001_c02c95a32821d2bb.txt L1770" in reasons and "読み方の前提" in reasons
    shot(page, "06-try-result")


def test_edit_a_draft_band_amount_and_check_it(server: dict[str, Any], page: Any) -> None:
    url = server["url"]
    login(page, url, OWNER)
    page.goto(f"{url}/workbench/programs/{PROGRAM}/draft")
    text = str(page.input_value("#draft"))
    assert "version: 3\nstatus: draft" in text
    # a band that overlaps the next one is shown at its line
    broken = text.replace(BAND, BAND.replace("under: 50000", "under: 60000"), 1)
    page.fill("#draft", broken)
    page.click("#action-check")
    page.wait_for_selector("#check-problems")
    line = broken.splitlines().index(BAND.replace("under: 50000", "under: 60000")) + 1
    marked = page.locator("#check-problems a[data-line]").first.get_attribute("data-line")
    assert marked is not None and abs(int(marked) - line) <= 1
    assert "● " in page.inner_text("#gutter")
    shot(page, "07-draft-problems")
    # the band amount 4,500 → 5,000千円 for FY2024: a correction of v2, refused until it says so
    raised = declare_number(text.replace(BAND, BAND.replace("amount: 4500", "amount: 5000"), 1), 5000)
    page.fill("#draft", raised)
    page.click("#action-check")
    page.wait_for_selector("#check-problems")
    problems = page.inner_text("#check-problems")
    assert "overlap_needs_supersedes" in problems and "supersedes: 2" in problems, problems
    page.fill("#draft", raised.replace("status: draft\n", "status: draft\nsupersedes: 2\n"
                                       "change_reason: {ja: 基準額①の改定, en: reference amount ① revised}\n", 1))
    page.click("#action-check")
    page.wait_for_selector("#check-ok")
    assert "基準額① 1～5万人未満: 4,500千円 → 5,000千円" in page.inner_text("#changes")
    shot(page, "08-draft-checked")


def mixed_edit(text: str) -> str:
    """基準額① 1～5万人未満 up 4,500 → 5,500千円, 1万人未満 down 3,000 → 2,500千円, a correction of v2."""
    assert BAND in text and LOW_BAND in text
    edited = text.replace(BAND, BAND.replace("amount: 4500", "amount: 5500"), 1).replace(
        LOW_BAND, LOW_BAND.replace("amount: 3000", "amount: 2500"), 1).replace(
        "status: draft\n", "status: draft\nsupersedes: 2\nchange_reason: {ja: 基準額①の改定, en: revised}\n", 1)
    return edited.rstrip("\n") + "".join(
        ["\nnumber_sources:"] + [f'\n  - {{at: "$.tables[0].bands[{i}].amount", value: {v}, kind: outside_seeds, '
                                 "why_ja: 改正通知による（テスト用）, why_en: from an amending notice (test)}"
                                 for i, v in ((0, 2500), (1, 5500))]) + "\n"


def test_the_impact_of_a_mixed_edit(server: dict[str, Any], page: Any) -> None:
    """By hand from L1786/L1826: A 13,500,000 → 14,500,000 (+1,000,000); B 9,000,000 → 11,000,000 (+2,000,000);
    C 9,000,000 → 8,500,000 (−500,000); D unchanged; E's ceiling 13,500,000 → 14,500,000, its grant 10,000,000.
    Gainers 2, losers 1, unchanged 1, ceiling only 1; +3,000,000 / −500,000 / net +2,500,000;
    59,500,000 → 62,000,000 (+4.2%)."""
    url = server["url"]
    login(page, url, OWNER)
    page.goto(f"{url}/workbench/programs/{PROGRAM}/draft")
    page.fill("#draft", mixed_edit(str(page.input_value("#draft"))))
    page.click("#action-impact")
    page.wait_for_selector("#impact")
    figures = {key: page.inner_text(f"#impact-{key} .value") for key in (
        "gainers", "losers", "unchanged", "newly-eligible", "newly-ineligible", "cap-only", "gross-increase",
        "gross-decrease", "net")}
    assert figures == {"gainers": "2", "losers": "1", "unchanged": "1", "newly-eligible": "0",
                       "newly-ineligible": "0", "cap-only": "1", "gross-increase": "+3,000,000円",
                       "gross-decrease": "−500,000円", "net": "+2,500,000円"}, figures
    assert page.inner_text("#impact-totals .value") == "59,500,000円 → 62,000,000円（+4.2%）"
    assert page.locator("svg#impact-distribution rect").count() == 3  # +1,000,000, +2,000,000, −500,000
    assert page.locator("svg#impact-by-band rect").count() == 2
    rows = page.locator("#changed-decisions tbody tr")
    assert rows.count() == 3
    logged = server["base"]
    assert logged[4]["decision_id"] in page.inner_text("#cap-only-decisions")
    # sorted by the change: the loser first
    page.click("#changed-decisions button.sort[data-col='6']")
    assert logged[2]["decision_id"] in rows.first.inner_text() and "−500,000円" in rows.first.inner_text()
    assert "基準額① 1～5万人未満: 4,500千円 → 5,500千円" in page.inner_text("#changes")
    with page.expect_download() as download:
        page.click("#impact-csv")
    assert Path(download.value.path()).read_text(encoding="utf-8-sig").count("\n") == 5  # a header and 4 rows
    shot(page, "09-draft-impact")


def _no_overflow(page: Any, name: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{name}: the page is {wide} px wide"


def _axe(page: Any, name: str) -> None:
    """axe-core (bundled in the axe-playwright-python wheel, injected from disk): no serious or critical rule."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    bad = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in found
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


class Walk:
    """One browser tab walking the pages in one language at one width: each page checked and photographed."""

    def __init__(self, page: Any, url: str, lang: str, width: int) -> None:
        self.page, self.url, self.lang, self.width = page, url, lang, width

    def visit(self, name: str, path: str, full: bool = True) -> None:
        if self.lang == "en":
            path += ("&" if "?" in path else "?") + "lang=en"
        self.page.goto(f"{self.url}{path}")
        self.check(name, full)

    def check(self, name: str, full: bool = True) -> None:
        where = f"{name} {self.lang} {self.width}"
        _no_overflow(self.page, where)
        _axe(self.page, where)
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"walk-{self.lang}-{self.width}-{name}.png"), full_page=full)


def test_walk_the_pages_in_both_languages_at_desktop_and_phone_width(server: dict[str, Any], browser: Any) -> None:
    """Every page a policy owner uses, in Japanese and English, at 1280 and 390 px: a screenshot each, no page
    wider than the viewport, no serious or critical axe violation; a citation opens its document at the line."""
    url = server["url"]
    for lang in ("ja", "en"):
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
            page = context.new_page()
            page.set_default_timeout(30_000)
            walk = Walk(page, url, lang, width)
            try:
                login(page, url, OWNER)
                walk.visit("programs", "/workbench")
                walk.visit("programs-search", "/workbench?q=%E3%83%98%E3%83%AB%E3%82%B9&fy=2024")
                walk.visit("program", f"/workbench/programs/{PROGRAM}")
                walk.visit("try", f"/workbench/programs/{PROGRAM}/try?fy=2024")
                page.fill("#f\\.insured_count", "30000")
                page.check("#f\\.has_data_health_plan")
                page.check("#f\\.categories-1")
                page.fill("#f\\.eligible_cost_yen", "10000000")
                page.click("#decide")
                page.wait_for_selector("#decision")
                walk.check("try-result")
                walk.visit("try-unknown-year", f"/workbench/programs/{PROGRAM}/try?fy=2025")
                assert page.locator("#unknown-year").count() == 1
                walk.visit("diff", f"/workbench/programs/{PROGRAM}/diff?from=1&to=2")
                walk.visit("sources", "/workbench/sources")
                # a citation opens its document at the line, the paragraph around it marked
                page.goto(f"{url}/workbench/programs/{PROGRAM}" + ("?lang=en" if lang == "en" else ""))
                page.click("table.clauses a.cite >> nth=0")
                page.wait_for_url("**/workbench/sources/001_c02c95a32821d2bb.txt?*line=1770*#L1770")
                assert page.locator("tr#L1770.cited.marked").is_visible()
                top = page.evaluate("document.querySelector('tr#L1770').getBoundingClientRect().top")
                assert 100 < top < 900, top  # scrolled to, with the paragraph above it in view
                walk.check("source-at-line", full=False)
                walk.visit("draft", f"/workbench/programs/{PROGRAM}/draft", full=False)
                page.fill("#draft", mixed_edit(str(page.input_value("#draft"))))
                page.click("#action-impact")
                page.wait_for_selector("#impact")
                walk.check("impact")
                walk.visit("cases", "/workbench/cases")
            finally:
                context.close()


def test_drafting_and_publishing_are_forbidden_to_an_applicant(server: dict[str, Any], page: Any) -> None:
    url = server["url"]
    login(page, url, APPLICANT)
    answer = page.goto(f"{url}/workbench/programs/{PROGRAM}/draft")
    assert answer is not None and answer.status == 403
    alert = page.inner_text("div.error")
    assert "403 権限がありません" in alert and "政策担当" in alert and page.locator("#draft").count() == 0
    assert not (server["rules"] / PROGRAM / "v3.yaml").exists()
    shot(page, "10-publish-forbidden")


def test_a_page_on_another_port_cannot_publish_for_a_logged_in_owner(
        server: dict[str, Any], page: Any, tmp_path: Path) -> None:
    """Same-site CSRF (issue 11): the forged page auto-submits the publish form and fetches /v1/publish."""
    import html

    from tests.test_workbench import draft

    url, rules = server["url"], server["rules"]
    before = sorted(p.name for p in (rules / PROGRAM).iterdir())
    lock = (rules / "published.lock.json").read_text(encoding="utf-8")
    owner = {"authorization": f"Bearer {OWNER}"}
    head = httpx.get(f"{url}/v1/log/head", headers=owner, timeout=30).json()
    forged_text = draft(fiscal_year=2026)
    (tmp_path / "attack.html").write_text(f"""<!doctype html><meta charset="utf-8">
<form id="forged" method="post" action="{url}/workbench/programs/{PROGRAM}/draft">
<input type="hidden" name="text" value="{html.escape(forged_text)}">
<input type="hidden" name="action" value="publish"><input type="hidden" name="lang" value="ja"></form>
<script>
fetch("{url}/v1/publish", {{method: "POST", mode: "no-cors", credentials: "include",
  headers: {{"Content-Type": "text/plain"}}, body: JSON.stringify({{text: {json.dumps(forged_text)}}})}})
  .finally(function () {{ document.getElementById("forged").submit(); }});
</script>""", encoding="utf-8")
    attacker_port = free_port()
    attacker = subprocess.Popen(["python3", "-m", "http.server", str(attacker_port), "--bind", "127.0.0.1",
                                 "--directory", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # bounded: the attacker's server is up within seconds
            try:
                if httpx.get(f"http://127.0.0.1:{attacker_port}/attack.html", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        login(page, url, OWNER)
        seen: dict[str, int] = {}
        page.on("response", lambda r: seen.__setitem__(f"{r.request.method} {r.url.split('127.0.0.1')[1]}",
                                                       r.status))
        with page.expect_response(lambda r: r.url.endswith("/draft") and r.request.method == "POST") as answer:
            page.goto(f"http://127.0.0.1:{attacker_port}/attack.html")
        assert answer.value.status == 403
        assert "cross_origin" in answer.value.text()
        shot(page, "14-forged-publish-refused")
        fetched = next((status for key, status in seen.items() if key.startswith("POST") and "/v1/publish" in key),
                       None)
        assert fetched in (403, 415), seen
    finally:
        attacker.terminate()
        attacker.wait(timeout=10)
    # nothing was published, locked or logged
    assert sorted(p.name for p in (rules / PROGRAM).iterdir()) == before
    assert (rules / "published.lock.json").read_text(encoding="utf-8") == lock
    assert httpx.get(f"{url}/v1/log/head", headers=owner, timeout=30).json() == head


def test_publish_as_owner_and_decide_under_it(server: dict[str, Any], page: Any) -> None:
    url = server["url"]
    login(page, url, OWNER)
    page.goto(f"{url}/workbench/programs/{PROGRAM}/draft")
    page.fill("#draft", draft_2026(page))
    # by keyboard alone: Tab from the editor to 「公開する」, then Enter
    page.focus("#draft")
    for _ in range(20):  # bounded: four buttons follow the editor
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "action-publish":
            break
    assert page.evaluate("document.activeElement.id") == "action-publish"
    page.keyboard.press("Enter")
    # publishing runs as a background job: the page shows its progress (scenarios done / total) with every
    # button disabled, and puts the result in its place when the job is finished
    page.wait_for_selector("#job, div.error", timeout=60_000)
    if page.locator("#job").count():
        assert int(page.inner_text("#job-total")) > 10
        assert page.locator("#draft-form button:disabled").count() == 4
        shot(page, "11-publishing")
    page.wait_for_selector("#published, div.error", timeout=300_000)
    assert page.locator("#draft-form button:disabled").count() == 0  # enabled again for a policy owner
    assert page.locator("#published").count() == 1, page.inner_text("#result")
    assert f"{PROGRAM}@3" in page.inner_text("#published")
    assert "status: published" in (server["rules"] / PROGRAM / "v3.yaml").read_text(encoding="utf-8")
    shot(page, "11-published")
    # it decides at once: FY2026 under v3, 基準額① 5,000千円 + 基準額② 9,000千円
    page.goto(f"{url}/workbench/programs/{PROGRAM}/try?fy=2026")
    page.fill("#f\\.insured_count", "30000")
    page.check("#f\\.has_data_health_plan")
    page.check("input[name='f.categories'][value='1']")
    page.check("input[name='f.categories'][value='3']")
    page.click("#decide")
    page.wait_for_selector("#decision")
    assert page.inner_text("#amount") == "14,000,000円" and f"{PROGRAM}@3" in page.inner_text("#decision")
    shot(page, "12-try-published")
    page.goto(f"{url}/workbench/programs/{PROGRAM}/diff?from=2&to=3")
    changes = page.inner_text("#changes")
    assert "基準額① 1～5万人未満: 4,500千円 → 5,000千円" in changes and "適用年度: 2024年度 → 2026年度" in changes
    shot(page, "13-diff")
