"""Several uvicorn workers writing at once keep one valid chain, on SQLite and on PostgreSQL.

``hojo serve --workers 2`` runs two processes, each with its own engine and its own store connection;
eight client threads post 25 decisions each. Every answered decision must be in the log, the seq must
run 1..200 without a gap, and the chain must verify.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port, start_server

REQUEST: dict[str, Any] = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                           "facts": {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                                     "third_party_evaluation": False, "designated_model": False}}


@pytest.mark.slow
def test_two_workers_and_eight_clients_build_one_chain(store_url: str, tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(tmp_path / "serve.sqlite3", port, db_url=store_url, workers=2)
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
