"""The notice printed to PDF by Chromium, and the API docs rendered with the network off (issue 13).

Debian's headless Chromium (``/usr/bin/chromium``, as in ``tests/test_workbench_e2e.py``) against a live
``hojo serve`` on loopback. Chromium runs with every host but 127.0.0.1 unreachable, so a page that needed
a CDN would stay blank. The PDF's text is read with ``pdftotext`` (poppler-utils, installed with apt-get
when missing, like the browser).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port, start_server
from tests.test_workbench_e2e import ARGS, CHROMIUM, _apt_install, _ensure_browser

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "artifacts" / "applicants"
FACTS = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
         "third_party_evaluation": False, "designated_model": False}
#: every host except loopback resolves nowhere: the pages must need nothing from outside
OFFLINE = [*ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=127.0.0.1:9"
           , "--proxy-bypass-list=127.0.0.1"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("applicants-e2e")
    port = free_port()
    proc = start_server(base / "hojo.sqlite3", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _ensure_browser()
    if shutil.which("pdftotext") is None:
        _apt_install("poppler-utils")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=OFFLINE, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def test_the_notice_prints_to_a_pdf_with_the_amount_and_every_reason(server: str, browser: Any,
                                                                     tmp_path: Path) -> None:
    decision = httpx.post(f"{server}/v1/decisions", json={"program": "kokuho_healthup_municipal",
                                                          "fiscal_year": 2024, "facts": FACTS}, timeout=30).json()
    page = browser.new_page()
    try:
        page.goto(f"{server}/v1/decisions/{decision['decision_id']}/notice")
        pdf = tmp_path / "notice.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        page.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, SHOTS / "notice.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())  # lines wrap in print: compare without white space
    assert "交付決定通知書" in flat
    assert "13,500,000円" in flat  # ①4,500千円 + ②9,000千円 (30,000 insured, categories ① and ③)
    for r in decision["reasons"]:
        assert "".join(r["message_ja"].split()) in flat, r["message_ja"]
    assert decision["decision_id"] in flat


@pytest.mark.parametrize(("path", "selector"), [("/docs", ".swagger-ui .info .title"),
                                                ("/redoc", "[role=navigation], .api-content")])
def test_the_api_docs_render_with_the_network_off(server: str, browser: Any, path: str, selector: str) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((server, "data:", f"blob:{server}")) else None)
    try:
        page.goto(f"{server}{path}")
        page.wait_for_selector(selector, timeout=60_000)
        assert "hojo" in page.inner_text("body")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path.strip('/')}.png"))
    finally:
        page.close()
    assert outside == [], outside
