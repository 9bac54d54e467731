"""CI replays every decision of a recorded log (``tests/fixtures/decision_log.jsonl``) and fails on any difference.

The archive was written by ``tests/fixtures/make_decision_log.py`` with the real service. Restored into an
empty store byte for byte, its chain must verify and every decision must replay identically under the
rule text kept with it: a change to the engine, the compiler, the amounts or the reasons that would
alter a past decision is caught here.
"""

from __future__ import annotations

import json
from pathlib import Path

from service.decisions import DecisionService
from service.kernel.config import Paths
from service.rulebook.registry import Rulebook
from service.store import open_store

ARCHIVE = Path(__file__).resolve().parent / "fixtures" / "decision_log.jsonl"


def test_every_decision_of_the_fixture_log_replays_identically(tmp_path: Path) -> None:
    items = [json.loads(line) for line in ARCHIVE.read_text(encoding="utf-8").splitlines()]
    rows = sum("row" in item for item in items)
    store = open_store(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    try:
        assert store.restore(items) == rows >= 200
        paths = Paths()
        service = DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths)
        assert service.auditor.verify()["ok"]
        summary = service.auditor.replay_all()
        assert summary["differences"] == [] and summary["failures"] == []
        assert summary["identical"] == rows
        assert {item["row"]["kind"] for item in items if "row" in item} == {"decision", "allocation"}
    finally:
        store.close()
