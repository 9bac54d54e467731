"""The ``hojo`` command run as a user runs it: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.api import create_app

REPO = Path(__file__).resolve().parent.parent
FACTS: dict[str, Any] = {"insured_count": 30000, "has_data_health_plan": True, "categories": ["1", "3"],
                         "third_party_evaluation": False, "designated_model": False}
# Fields that differ between two decisions of the same application by design.
PER_DECISION = {"decision_id", "decided_at", "requested_by"}
ALTERED_QUOTE = "ただし、基準額の合算は最大で３事業分までとする"


def hojo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``hojo ARGS`` from the repository with no HOJO_* settings leaking in from the caller."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=REPO, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=120)


def decide(facts_file: Path, db: Path, program: str = "kokuho_healthup_municipal") -> subprocess.CompletedProcess[str]:
    return hojo("decide", "--program", program, "--fiscal-year", "2024", "--db", f"sqlite:///{db}", str(facts_file))


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def stored_ids(db: Path) -> list[str]:
    if not db.exists():  # a refused application need not even create the store
        return []
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT decision_id FROM decisions ORDER BY seq")]


# --- hojo decide --------------------------------------------------------------------------------------


def test_decide_prints_the_same_decision_as_the_api(tmp_path: Path) -> None:
    cli_db, api_db = tmp_path / "cli.sqlite3", tmp_path / "api.sqlite3"
    result = decide(write_json(tmp_path / "facts.json", FACTS), cli_db)
    assert result.returncode == 0, result.stderr
    from_cli = json.loads(result.stdout)

    with TestClient(create_app(db_url=f"sqlite:///{api_db}")) as client:
        response = client.post("/v1/decisions",
                               json={"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": FACTS})
    assert response.status_code == 200
    from_api = response.json()

    assert list(from_cli) == list(from_api)  # the same fields, in the same order
    for field in from_api.keys() - PER_DECISION:
        assert from_cli[field] == from_api[field], field
    assert from_cli["decision_id"] != from_api["decision_id"]
    # Hand-computed: 30,000 insured → 基準額① 4,500,000 (区分1) + 基準額② 9,000,000 (区分3).
    assert (from_cli["eligible"], from_cli["amount_yen"], from_cli["cap_yen"]) == (True, 13_500_000, 13_500_000)
    assert stored_ids(cli_db) == [from_cli["decision_id"]]
    assert stored_ids(api_db) == [from_api["decision_id"]]


def test_decide_float_for_an_integer_exits_2_with_a_json_error(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    result = decide(write_json(tmp_path / "facts.json", {**FACTS, "insured_count": 30000.0}), db)
    assert result.returncode == 2
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "invalid_facts"
    assert [(p["path"], p["code"]) for p in error["problems"]] == [("$.facts.insured_count", "not_integer")]
    assert stored_ids(db) == []


def test_decide_unknown_program_exits_2_with_a_json_error(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    result = decide(write_json(tmp_path / "facts.json", FACTS), db, program="no_such_program")
    assert result.returncode == 2
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "unknown_program"
    assert {"kokuho_healthup_model_designation", "kokuho_healthup_municipal",
            "kokuho_healthup_prefectural"} <= set(error["programs"])
    assert stored_ids(db) == []


def test_decide_refuses_a_duplicate_key_like_the_api(tmp_path: Path) -> None:
    text = json.dumps(FACTS)[:-1] + ', "insured_count": 5000}'  # 30,000 first, then 5,000
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(text, encoding="utf-8")
    result = decide(facts_file, tmp_path / "cli.sqlite3")
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"]["code"] == "duplicate_key"


# --- hojo check ---------------------------------------------------------------------------------------


def test_check_passes_on_the_shipped_rules() -> None:
    result = hojo("check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    versions = [line for line in lines if line.startswith("ok  rules/") and "/v" in line]
    references = [line for line in lines if line.startswith("ok  rules/") and "/reference.yaml" in line]
    assert f"hojo check: {len(versions)} rule version(s), " in lines[-1]
    assert f"and {len(references)} reference program(s) valid" in lines[-1]
    assert any("rules/kokuho_healthup_municipal/v2.yaml" in line for line in versions)


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the only occurrence of ``text`` in ``path``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(hits) == 1, hits
    return hits[0]


def test_check_reports_an_altered_quote_with_file_and_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    edited = rules / "kokuho_healthup_municipal" / "v2.yaml"
    line = line_of(edited, ALTERED_QUOTE)
    edited.write_text(edited.read_text(encoding="utf-8").replace(ALTERED_QUOTE, ALTERED_QUOTE.replace("３", "４")),
                      encoding="utf-8")

    result = hojo("check", env={"HOJO_RULES_DIR": str(rules)})

    assert result.returncode == 1, result.stdout + result.stderr
    reports = [out for out in result.stdout.splitlines() if "[citation_quote]" in out]
    assert len(reports) == 1, result.stdout
    assert reports[0].startswith(f"rules/kokuho_healthup_municipal/v2.yaml:{line} ")
    assert "最大で４事業分" in reports[0]
    assert result.stdout.splitlines()[-1] == "hojo check: 1 problem(s)"
    # The untouched original still passes: the copy, not the repository, was checked.
    assert line_of(REPO / "rules" / "kokuho_healthup_municipal" / "v2.yaml", ALTERED_QUOTE) == line


# --- help ---------------------------------------------------------------------------------------------


def test_every_command_help_explains_every_option_and_shows_an_example(capsys: Any) -> None:
    import argparse

    import pytest

    from service.cli import build_parser, main

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert {"serve", "decide", "check", "diff", "explain", "replay", "redecide", "verify-log", "log-head", "export",
            "impact", "publish", "lock", "allocate"} <= set(commands)  # and any command added later, checked alike
    for name, command in commands.items():
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        shown = capsys.readouterr().out
        assert "example" in shown and f"\n  hojo {name}" in shown.split("example", 1)[1], name
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"hojo {name} {'/'.join(action.option_strings) or action.dest}: no help text"
            assert action.help in " ".join(shown.split()), (name, action.dest)  # shown, however it was wrapped


def test_serve_help_names_the_operations_routes_and_log_settings() -> None:
    shown = hojo("serve", "--help").stdout
    assert "/healthz, /readyz, /metrics" in shown and "$HOJO_LOG_LEVEL" in shown and "--workers" in shown
    refused = hojo("serve", "--port", "1", env={"HOJO_LOG_LEVEL": "verbose"})
    assert refused.returncode == 2 and "HOJO_LOG_LEVEL='verbose'" in refused.stderr
def test_decide_simulate_prints_the_same_answer_and_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    facts = write_json(tmp_path / "facts.json", FACTS)
    simulated = hojo("decide", "--simulate", "--program", "kokuho_healthup_municipal", "--fiscal-year", "2024",
                     "--db", f"sqlite:///{db}", str(facts))
    assert simulated.returncode == 0, simulated.stderr
    tried = json.loads(simulated.stdout)
    # Hand-computed as above: 基準額① 4,500,000 (区分1) + 基準額② 9,000,000 (区分3).
    assert (tried["eligible"], tried["amount_yen"], tried["recorded"]) == (True, 13_500_000, False)
    assert stored_ids(db) == []  # not even the store file holds a decision
    recorded = json.loads(decide(facts, db).stdout)
    assert "recorded" not in recorded and stored_ids(db) == [recorded["decision_id"]]
    assert list(recorded) + ["recorded"] == list(tried)
    for field in tried.keys() - PER_DECISION - {"recorded"}:
        assert tried[field] == recorded[field], field
