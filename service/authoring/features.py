"""The service runs its own Gherkin features (仕様の実行): parse, expand, run every step, report in ja/en.

Publishing, the workbench's 「feature を実行」 and ``hojo check --features`` run the features of a program
in-process against an app built on the rules as they would be after publishing, with the steps of
:mod:`service.authoring.steps` (the same functions pytest-bdd binds in ``tests/``). Nothing here needs the
test extras: ``gherkin-official`` (a main dependency) parses the files and expands outlines, backgrounds and
rules into flat scenarios ("pickles").

A failure names the feature file, the scenario and its line, the step and its line, what was expected and
what came back, in Japanese and English: data for a table, never a traceback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from gherkin.token_scanner import TokenScanner

from ..kernel.config import Paths
from ..rulebook.registry import Rulebook
from .steps import Client, StepMismatch, World, find_steps

__all__ = ["FeatureReport", "FeatureTarget", "Scenario", "TargetFactory", "program_scenarios", "run_scenarios"]

_KIND = {"Context": "given", "Action": "when", "Outcome": "then"}


@dataclass(frozen=True)
class FeatureTarget:
    """Where the steps send their requests, and the rules that target decides with."""

    client: Client
    rulebook: Rulebook


#: builds a target on the given folders (the face that owns the app provides it: ``service.api.app``)
TargetFactory = Callable[[Paths], AbstractContextManager[FeatureTarget]]


@dataclass(frozen=True)
class ScenarioStep:
    kind: str
    keyword: str
    text: str
    line: int
    datatable: list[list[str]] | None
    docstring: str | None


@dataclass(frozen=True)
class Scenario:
    """One runnable scenario: an outline's example row, with the background's steps in front."""

    feature: str
    name: str
    line: int
    tags: frozenset[str]
    steps: tuple[ScenarioStep, ...]


def _ast_steps(node: Any, found: dict[str, tuple[str, int]]) -> None:
    """Map every step id of the Gherkin AST to its keyword and line (pickles keep only the ids)."""
    if isinstance(node, dict):
        if "keyword" in node and "text" in node and "id" in node and "location" in node:
            found[node["id"]] = (node["keyword"].strip(), node["location"]["line"])
        for value in node.values():
            _ast_steps(value, found)
    elif isinstance(node, list):
        for item in node:
            _ast_steps(item, found)


def parse_feature(text: str, name: str) -> list[Scenario]:
    """Every scenario of one feature file, outlines expanded."""
    document: dict[str, Any] = dict(Parser().parse(TokenScanner(text)))
    document["uri"] = name
    where: dict[str, tuple[str, int]] = {}
    _ast_steps(document.get("feature"), where)
    scenarios = []
    pickles: list[Any] = Compiler().compile(document)  # type: ignore[arg-type]
    for pickle in pickles:
        steps, kind = [], "given"
        for raw in pickle["steps"]:
            kind = _KIND.get(raw.get("type", ""), kind)
            keyword, line = where.get(raw["astNodeIds"][0], ("*", 0))
            argument: dict[str, Any] = dict(raw.get("argument", {}))
            table = [[cell["value"] for cell in row["cells"]] for row in argument["dataTable"]["rows"]] \
                if "dataTable" in argument else None
            doc = argument["docString"]["content"] if "docString" in argument else None
            steps.append(ScenarioStep(kind, keyword, raw["text"], line, table, doc))
        scenarios.append(Scenario(name, pickle["name"], int(pickle.get("location", {}).get("line", 0)),
                                  frozenset(t["name"].lstrip("@") for t in pickle.get("tags", [])), tuple(steps)))
    return scenarios


def feature_files(features_dir: Path) -> Iterator[Path]:
    return iter(sorted(features_dir.rglob("*.feature")))


def program_scenarios(features_dir: Path, program: str | None = None) -> list[Scenario]:
    """The scenarios tagged ``@program`` in any feature file (every scenario when ``program`` is None)."""
    found = []
    for path in feature_files(features_dir):
        name = f"features/{path.relative_to(features_dir).as_posix()}"
        found += [s for s in parse_feature(path.read_text(encoding="utf-8"), name)
                  if program is None or program in s.tags]
    return found


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 400 else text[:400] + "…"


@dataclass
class FeatureReport:
    """What a run found: counts, time, and one row per failed scenario."""

    program: str | None
    scenarios: int = 0
    passed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.scenarios > 0 and not self.failures

    def summary(self) -> str:
        failed = f"{len(self.failures)} failed, " if self.failures else ""
        return f"{failed}{self.passed} passed in {self.seconds:.2f}s"

    def summary_ja(self) -> str:
        failed = f"{len(self.failures)} 件が失敗、" if self.failures else ""
        return f"シナリオ {self.scenarios} 件：{failed}{self.passed} 件が成功（{self.seconds:.2f} 秒）"

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.ok, "program": self.program, "scenarios": self.scenarios, "passed_count": self.passed,
                "failed_count": len(self.failures), "seconds": round(self.seconds, 3), "summary": self.summary(),
                "summary_ja": self.summary_ja(), "failures": self.failures}


def _failure(scenario: Scenario, at: ScenarioStep, code: str, message_ja: str, message_en: str, expected: Any,
             got: Any) -> dict[str, Any]:
    return {"feature": scenario.feature, "scenario": scenario.name, "scenario_line": scenario.line,
            "step": f"{at.keyword} {at.text}", "step_line": at.line, "code": code,
            "expected": _shown(expected), "got": _shown(got), "message_ja": message_ja, "message_en": message_en}


def run_scenario(scenario: Scenario, world: World) -> dict[str, Any] | None:
    """Run the steps in order; return the failure of the first one that fails, or None."""
    for at in scenario.steps:
        matches = find_steps(at.kind, at.text)
        if len(matches) != 1:
            if not matches:
                return _failure(scenario, at, "step_undefined", "この文を実行するステップがありません",
                                "no step defines this sentence", "one step definition", [])
            return _failure(scenario, at, "step_ambiguous", "この文に合うステップが複数あります",
                            "several steps match this sentence", "one step definition",
                            [m[0].template for m in matches])
        definition, fields = matches[0]
        try:
            definition.call(world, fields, at.datatable, at.docstring)
        except StepMismatch as exc:
            return _failure(scenario, at, "expectation_failed", f"{exc.what_ja}が期待と異なります",
                            f"{exc.what_en} is not as expected", exc.expected, exc.got)
        except Exception as exc:  # a step that cannot even check (a missing key, a malformed value) fails too
            return _failure(scenario, at, "step_error", "ステップの実行中に誤りが発生しました",
                            "the step raised an error", "", f"{type(exc).__name__}: {exc}")
    return None


Progress = Callable[[int, int, str], None]


def run_scenarios(scenarios: list[Scenario], target: FeatureTarget, paths: Paths, program: str | None = None,
                  progress: Progress | None = None) -> FeatureReport:
    """Run ``scenarios`` one by one against ``target``; ``progress(done, total, scenario)`` after each."""
    report = FeatureReport(program, scenarios=len(scenarios))
    started = time.monotonic()
    for done, scenario in enumerate(scenarios, 1):
        failure = run_scenario(scenario, World(client=target.client, paths=paths, rulebook=lambda: target.rulebook))
        if failure is None:
            report.passed += 1
        else:
            report.failures.append(failure)
        if progress:
            progress(done, len(scenarios), scenario.name)
    report.seconds = time.monotonic() - started
    return report
