"""Checks that keep the data folders consistent with each other (gatekeeper's require-suites idea)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from service.kernel.config import Paths
from service.rulebook.load import rule_files

REPO = Path(__file__).resolve().parent.parent
PATHS = Paths()
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
PROGRAMS = sorted(p.name for p in PATHS.rules.iterdir() if p.is_dir())
REFERENCE = sorted(p for p in PROGRAMS if (PATHS.rules / p / "reference.yaml").is_file())
#: allocation-only programs: rules/<program>/allocation_v<N>.yaml and no v<N>.yaml (POST /v1/allocations)
ALLOCATION = sorted(p for p in PROGRAMS if list((PATHS.rules / p).glob("allocation_v*.yaml"))
                    and not list((PATHS.rules / p).glob("v*.yaml")))
DECIDED = sorted(set(PROGRAMS) - set(REFERENCE) - set(ALLOCATION))
#: A copy of ../shared/catalog/programs.yaml, the contract for program ids (CI may lack shared/).
CATALOG_COPY = REPO / "tests" / "fixtures" / "catalog" / "programs.yaml"
SHARED_CATALOG = REPO.parent / "shared" / "catalog" / "programs.yaml"
CATALOG = yaml.safe_load(CATALOG_COPY.read_text(encoding="utf-8"))["programs"]


@pytest.mark.parametrize("program", DECIDED)
def test_every_program_has_rules_a_facts_schema_and_a_feature(program: str) -> None:
    assert list((PATHS.rules / program).glob("v*.yaml")), f"rules/{program}/ has no v<N>.yaml"
    assert (PATHS.schemas / "facts" / f"{program}.schema.json").is_file()
    feature = REPO / "features" / f"{program}.feature"
    assert feature.is_file(), f"features/{program}.feature is missing"
    text = feature.read_text(encoding="utf-8")
    assert text.startswith("# language: ja") and f"@{program}" in text


@pytest.mark.parametrize("program", ALLOCATION)
def test_every_allocation_program_has_a_feature(program: str) -> None:
    feature = REPO / "features" / f"{program}.feature"
    assert feature.is_file(), f"features/{program}.feature is missing"
    text = feature.read_text(encoding="utf-8")
    assert text.startswith("# language: ja") and f"@{program}" in text


@pytest.mark.parametrize("program", REFERENCE)
def test_a_reference_program_has_no_versions_and_a_scenario(program: str) -> None:
    assert not list((PATHS.rules / program).glob("v*.yaml")), f"reference program {program} has rule versions"
    text = (REPO / "features" / "service" / "reference_programs.feature").read_text(encoding="utf-8")
    assert f"| {program}" in text, f"{program} is not in features/service/reference_programs.feature"


def test_every_catalog_program_is_here_with_its_status() -> None:
    by_status: dict[str, set[str]] = {}
    for entry in CATALOG:
        by_status.setdefault(entry["status"], set()).add(entry["id"])
    assert sum(len(ids) for ids in by_status.values()) == 61
    assert by_status["reference"] == set(REFERENCE)
    # decide and partly programs are decided here; the three allocations are shared out by /v1/allocations.
    assert by_status["decide"] | by_status["partly"] <= set(DECIDED)
    assert set(DECIDED) <= by_status["decide"] | by_status["partly"] | by_status["allocation"]
    assert set(ALLOCATION) == by_status["allocation"]


@pytest.mark.skipif(not SHARED_CATALOG.is_file(), reason="no ../shared/catalog beside this checkout to compare with")
def test_the_catalog_copy_is_the_shared_catalog() -> None:
    assert CATALOG_COPY.read_bytes() == SHARED_CATALOG.read_bytes()


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


# --- published versions never change ------------------------------------------------------------------


def test_every_published_version_is_locked_and_unchanged() -> None:
    from service.authoring.publishing import check_lock
    from service.rulebook.registry import Rulebook

    files = Rulebook.from_dir(PATHS.rules, PATHS.schemas, PATHS.seeds).locked_files()
    assert check_lock(files, PATHS.rules) == []
    assert any("@allocation_v" in f.name for f in files)


def test_editing_a_published_file_without_a_new_version_is_caught(tmp_path: Path) -> None:
    import shutil

    from service.authoring.publishing import check_lock
    from service.rulebook.registry import Rulebook

    rules = tmp_path / "rules"
    shutil.copytree(PATHS.rules, rules)
    published = rules / "kokuho_healthup_prefectural" / "v2.yaml"
    published.write_text(published.read_text(encoding="utf-8").replace(
        "name_en: Prefectural", "name_en: The prefectural", 1), encoding="utf-8")
    problems = check_lock(Rulebook.from_dir(rules, PATHS.schemas, PATHS.seeds).locked_files(), rules)
    assert [(p.path, p.code) for p in problems] == [("rules/kokuho_healthup_prefectural/v2.yaml",
                                                     "published_version_changed")]
    assert "never edit a published version; add v3 with supersedes and change_reason" in problems[0].message_en
