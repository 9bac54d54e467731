"""Several hosts on one PostgreSQL: two ``hojo serve`` processes, as two machines would run them, keep one chain.

Host A runs two workers, host B one, each on its own port, both on the same PostgreSQL schema. Sixteen
clients interleave 20 decisions each over the two hosts (client i sends its j-th decision to host
(i + j) mod 2). Afterwards: one chain of exactly 320 records that verifies, every answered decision id in
the log (nothing answered is missing) and nothing else in it, and each host's ``/metrics`` counts exactly
the decisions that host answered (host A's summed over its two worker processes).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import free_port, start_server

CLIENTS, PER_CLIENT = 16, 20
REQUEST: dict[str, Any] = {"program": "kokuho_healthup_municipal", "fiscal_year": 2024,
                           "facts": {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                                     "third_party_evaluation": False, "designated_model": False}}


def decisions_counted(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=30).text
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples if sample.name == "hojo_decisions_total")


@pytest.mark.slow
def test_two_hosts_on_one_postgresql_build_one_chain(postgres_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    ports = [free_port(), free_port()]
    hosts = [start_server(tmp_path / "host-a.sqlite3", ports[0], db_url=postgres_url, workers=2)]
    try:
        hosts.append(start_server(tmp_path / "host-b.sqlite3", ports[1], db_url=postgres_url))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        answered: list[list[str]] = [[], []]
        failures: list[str] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            with httpx.Client(timeout=30) as http:
                for j in range(PER_CLIENT):
                    host = (index + j) % 2
                    response = http.post(f"{urls[host]}/v1/decisions", json=REQUEST)
                    with lock:
                        if response.status_code == 200:
                            answered[host].append(response.json()["decision_id"])
                        else:
                            failures.append(f"host {host}: {response.status_code} {response.text[:300]}")

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        total = CLIENTS * PER_CLIENT
        assert failures == []
        assert (len(answered[0]), len(answered[1])) == (total // 2, total // 2)

        with httpx.Client(timeout=60) as http:
            verified = http.get(f"{urls[0]}/v1/log/verify").json()
            head = http.get(f"{urls[1]}/v1/log/head").json()
            listed = http.get(f"{urls[1]}/v1/decisions", params={"format": "jsonl"}).text.splitlines()
        assert verified["ok"] is True and verified["checked"] == total, verified["first_broken"]
        assert head["count"] == head["last_seq"] == total and head["head_hash"] == verified["head_hash"]
        logged = [json.loads(line)["decision_id"] for line in listed]
        assert len(logged) == total and set(logged) == set(answered[0]) | set(answered[1])

        assert decisions_counted(urls[0]) == len(answered[0])  # both workers of host A, added up
        assert decisions_counted(urls[1]) == len(answered[1])
        for url in urls:
            scraped = httpx.get(f"{url}/metrics", timeout=30).text
            assert f"hojo_log_chain_length {float(total)}" in scraped  # the store's, the same on every host
            assert httpx.get(f"{url}/readyz", timeout=30).status_code == 200
        assert time.monotonic() - started < 90
    finally:
        for proc in hosts:
            proc.terminate()
        for proc in hosts:
            proc.wait(timeout=20)
