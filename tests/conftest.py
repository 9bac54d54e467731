"""Fixtures shared by the test suite.

The features run against two targets in one run: the app in-process (``TestClient``) and a live server
(``hojo serve`` in a subprocess on a free loopback port). ``--base-url URL`` runs them against an
already running server instead.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent

# The generic Japanese steps, shared by every feature.
pytest_plugins = ["tests.steps.bindings", "tests.conftest_stores"]


def pytest_configure(config: pytest.Config) -> None:
    # One marker per program, named after its rule folder, so adding a subsidy never edits pyproject.toml;
    # --strict-markers still rejects a feature tag that names no program.
    for folder in sorted((REPO / "rules").iterdir()):
        if folder.is_dir():
            config.addinivalue_line("markers", f"{folder.name}: scenarios of the program {folder.name}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--base-url", default=os.environ.get("HOJO_BASE_URL"),
                     help="run the features against this live server instead of in-process + a spawned server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        targets = ["live"] if metafunc.config.getoption("--base-url") else ["in-process", "http"]
        metafunc.parametrize("target", targets, scope="session", indirect=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_path: Path, port: int, extra_env: dict[str, str] | None = None, db_url: str | None = None,
                 workers: int = 1) -> subprocess.Popen[bytes]:
    """Start ``hojo serve`` on loopback and wait until it answers (at most 30 s, 60 s for several workers).

    ``db_path`` names the store (SQLite) and, beside it, the server's log; ``db_url`` overrides the store.
    """
    env = dict(os.environ, HOJO_DIFFERENTIAL="1", **(extra_env or {}))
    log_path = db_path.with_suffix(".log")
    with open(log_path, "ab") as log:  # a file, not a pipe: an unread pipe can fill up and block the server
        proc = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--db",
             db_url or f"sqlite:///{db_path}", "--workers", str(workers), "--log-level", "warning"],
            cwd=REPO, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + (30 if workers == 1 else 60)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hojo serve exited: {log_path.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("hojo serve did not start within 30 s")


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def client(target: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if target == "live":
        with httpx.Client(base_url=request.config.getoption("--base-url"), timeout=30) as c:
            yield c
    elif target == "http":
        proc = start_server(tmp_path_factory.mktemp("live") / "hojo.sqlite3", port := free_port())
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
                yield c
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    else:
        from fastapi.testclient import TestClient

        from service.api import create_app

        app = create_app(db_url=f"sqlite:///{tmp_path_factory.mktemp('inproc') / 'hojo.sqlite3'}", differential=True)
        with TestClient(app) as c:
            yield c


def declare_number(text: str, value: int, at: str = "$.tables[0].bands[1].amount") -> str:
    """``text`` (a draft) with a ``number_sources`` declaration for a changed number appended at the end.

    A draft that changes 基準額① 1～5万人未満 to 5,000千円 must say where the figure comes from, or
    ``hojo check`` refuses it (``number_not_in_source``: its quote prints 4,500千円); appended last, the
    declaration moves no line the tests point at. ``tests/test_sources.py`` covers citing a registered source.
    """
    return text.rstrip("\n") + (f'\nnumber_sources:\n  - {{at: "{at}", value: {value}, kind: outside_seeds, '
                                "why_ja: 改正通知による（テスト用）, why_en: from an amending notice (test)}\n")


def declare_published_number(rules: Path, program: str, version: int, value: int,
                             at: str = "$.tables[0].bands[1].amount") -> None:
    """The side file ``rules/<program>/number_sources.yaml`` declaring a number of a published version."""
    (rules / program / "number_sources.yaml").write_text(
        f"program: {program}\ndeclarations:\n  - {{version: {version}, at: \"{at}\", value: {value}, "
        "kind: outside_seeds, why_ja: 改正通知による（テスト用）, why_en: from an amending notice (test)}\n",
        encoding="utf-8")


def finish_job(client: Any, page: str) -> dict[str, Any]:
    """Follow the background job a draft page started (its ``data-job``) until it is finished, as the page's
    script does; bounded, so a job that never ends fails the test."""
    found = re.search(r'data-job="(/workbench/jobs/[\w-]+)"', page)
    assert found, "a long action answers a page that follows its job"
    seen = []
    for _ in range(1200):
        job: dict[str, Any] = client.get(found.group(1)).json()
        if job["stage"] == "features":
            seen.append(job["done"])
        if job["state"] != "running":
            assert seen == sorted(seen), "the scenarios done only go forward"
            return job
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish in 120 s: {job}")
