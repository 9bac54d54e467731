"""Checks that keep the data folders consistent with each other (gatekeeper's require-suites idea)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from service.config import Paths
from service.rulebook.load import rule_files

REPO = Path(__file__).resolve().parent.parent
PATHS = Paths()
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
PROGRAMS = sorted(p.name for p in PATHS.rules.iterdir() if p.is_dir())


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_program_has_rules_a_facts_schema_and_a_feature(program: str) -> None:
    assert list((PATHS.rules / program).glob("v*.yaml")), f"rules/{program}/ has no v<N>.yaml"
    assert (PATHS.schemas / "facts" / f"{program}.schema.json").is_file()
    feature = REPO / "features" / f"{program}.feature"
    assert feature.is_file(), f"features/{program}.feature is missing"
    text = feature.read_text(encoding="utf-8")
    assert text.startswith("# language: ja") and f"@{program}" in text


def test_every_feature_tag_is_a_program_or_a_declared_marker() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    markers = {m.split(":")[0] for m in config["tool"]["pytest"]["ini_options"]["markers"]} | set(PROGRAMS)
    for feature in (REPO / "features").rglob("*.feature"):
        for tag in re.findall(r"^\s*@(\w+)", feature.read_text(encoding="utf-8"), flags=re.M):
            assert tag in markers, f"{feature.name}: tag @{tag} is neither a program (rules/ folder) nor a marker"


@pytest.mark.parametrize("schema", sorted((REPO / "schemas").rglob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_a_valid_2020_12_schema(schema: Path) -> None:
    Draft202012Validator.check_schema(json.loads(schema.read_text(encoding="utf-8")))


def test_rule_files_are_named_after_their_version() -> None:
    for path in rule_files(PATHS.rules):
        text = path.read_text(encoding="utf-8")
        assert re.search(rf"^version: {int(path.stem[1:])}$", text, flags=re.M), path
        assert re.search(rf"^program: {path.parent.name}$", text, flags=re.M), path


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds beside this checkout to compare with")
def test_committed_seeds_are_an_exact_copy_of_the_shared_seeds() -> None:
    ours = {p.name: p.read_bytes() for p in PATHS.seeds.glob("*.txt")}
    theirs = {p.name: p.read_bytes() for p in SHARED_SEEDS.glob("*.txt")}
    assert ours == theirs


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"<!-- test-command -->\n```sh\n(.+)\n```", readme)
    assert command, "README.md must mark its test command with <!-- test-command -->"
    assert command.group(1) in ci, f".ci/run does not run the README's test command: {command.group(1)}"
