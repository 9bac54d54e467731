"""Several uvicorn workers writing at once keep one valid chain, on SQLite and on PostgreSQL.

``hojo serve --workers 2`` runs two processes, each with its own engine and its own store connection;
eight client threads post 25 decisions each. Every answered decision must be in the log, the seq must
run 1..200 without a gap, and the chain must verify.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, free_port

REQUEST: dict[str, Any] = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                           "facts": {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                                     "third_party_evaluation": False, "designated_model": False}}


def serve(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--db", db_url,
                                 "--workers", "2", "--log-level", "warning"], cwd=REPO, stdout=out, stderr=out,
                                env=dict(os.environ))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("hojo serve --workers 2 did not start within 60 s")


@pytest.mark.slow
def test_two_workers_and_eight_clients_build_one_chain(store_url: str, tmp_path: Path) -> None:
    port = free_port()
    proc = serve(store_url, port, tmp_path / "serve.log")
    answered: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(25):
                response = http.post("/v1/decisions", json=REQUEST)
                with lock:
                    if response.status_code == 200:
                        answered.append(response.json()["decision_id"])
                    else:
                        failures.append(response.text)

    try:
        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == [] and len(answered) == 200
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            verified = http.get("/v1/log/verify").json()
            listed = http.get("/v1/decisions", params={"format": "jsonl"}).text.splitlines()
        assert verified["ok"] is True and verified["checked"] == 200, verified["first_broken"]
        assert len(listed) == 200 and {json.loads(line)["decision_id"] for line in listed} == set(answered)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
