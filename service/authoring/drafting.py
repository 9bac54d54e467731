"""A policy owner's draft, from the version in force to a published version deciding in the running service.

Shared by the workbench pages (``service/workbench``), the API (``/v1/drafts/*``, ``/v1/publish``) and
the CLI, so every action is the same code wherever it is started:

- :func:`draft_text`: the YAML of a version, made into ``v<N+1>`` with ``status: draft``;
- :func:`check_draft`: load and check a draft text as ``rules/<program>/v<N>.yaml`` (format, logic, bands,
  quotations), every problem at its ``file:line``;
- :func:`run_draft_features`: the program's features against the rules as they would be once published
  (run in-process by ``service.authoring.features`` on a staged copy of the program's folder);
- :func:`publish_draft`: write ``rules/<program>/v<N>.yaml``, run :func:`service.authoring.publishing.publish`
  (features → impact report → ``status: published`` and the lock), load the new version into the
  running service so it decides at once, keep its text in the store, and log the publication itself.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..kernel.config import Paths
from ..kernel.errors import Problem, RuleFileError
from ..rulebook.load import load_rule_file, load_rule_text, rule_files
from ..rulebook.model import RuleVersion
from ..rulebook.windows import window_problems
from .features import Progress as FeatureProgress
from .features import TargetFactory
from .publishing import (
    PublishError,
    PublishProgress,
    publish,
    published_text,
    read_lock,
    run_program_features,
    staged_rules,
)

__all__ = ["DraftCheck", "check_draft", "draft_head", "draft_text", "log_publish", "problem_line", "publish_draft",
           "run_draft_features"]

_LINE = re.compile(r"^rules/[^:]+\.yaml:(\d+)")
#: what a program id may be (``schemas/rule.schema.json``): checked before any path is built from one, so
#: ``../x`` or ``/etc`` never names a file outside ``rules/``
PROGRAM_ID = re.compile(r"[a-z][a-z0-9_]{0,79}")
#: one publication at a time in a process (it writes rules/ and the lock file)
_PUBLISHING = threading.Lock()


def draft_text(rv: RuleVersion, version: int | None = None) -> str:
    """Return the text of ``rv`` as the draft ``v<version>`` (default N+1): ``status: draft``, no ``published_at``."""
    version = rv.version + 1 if version is None else version
    text = re.sub(r"^version: \d+[ \t]*$", f"version: {version}", rv.text, count=1, flags=re.M)
    text = re.sub(r"^status: published[ \t]*$", "status: draft", text, count=1, flags=re.M)
    return re.sub(r"^published_at: .*\n", "", text, count=1, flags=re.M)


def draft_head(text: str) -> tuple[str | None, int | None]:
    """The ``program`` and ``version`` a draft text declares (read before the full load, to name the file)."""
    program = re.search(r"^program:[ \t]*([a-z][a-z0-9_]*)[ \t]*(?:#.*)?$", text, flags=re.M)
    version = re.search(r"^version:[ \t]*(\d+)[ \t]*(?:#.*)?$", text, flags=re.M)
    return (program.group(1) if program else None, int(version.group(1)) if version else None)


def problem_line(problem: Problem) -> int | None:
    """The line of a rule-file problem (its path is ``rules/<program>/v<N>.yaml:<line> $.json.path``)."""
    found = _LINE.match(problem.path)
    return int(found.group(1)) if found else None


@dataclass
class DraftCheck:
    program: str
    version: int
    name: str
    rv: RuleVersion | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.rv is not None and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "file": self.name, "program": self.program, "version": self.version,
                "sha256": self.rv.sha256 if self.rv else None,
                "problems": [{**p.as_dict(), "line": problem_line(p)} for p in self.problems],
                "warnings": [{**w.as_dict(), "line": problem_line(w)} for w in (self.rv.warnings if self.rv else ())],
                "number_sources": [dict(d) for d in (self.rv.number_sources if self.rv else ())]}


def check_draft(text: str, paths: Paths, program: str | None = None, version: int | None = None) -> DraftCheck:
    """Load ``text`` as ``rules/<program>/v<version>.yaml`` (both default to what the text declares)."""
    declared_program, declared_version = draft_head(text)
    program = program or declared_program or "unknown"
    version = version if version is not None else (declared_version or 0)
    if not PROGRAM_ID.fullmatch(program):
        return DraftCheck("unknown", version, "rules/unknown", None, [Problem(
            "$.program", "invalid_program_id", "制度の ID は英小文字で始まる英小文字・数字・_ です",
            "a program id is lower-case letters, digits and _, starting with a letter")])
    name = f"rules/{program}/v{version}.yaml"
    try:
        rv = load_rule_text(text, name, paths.schemas, paths.seeds, (program, version))
    except RuleFileError as exc:
        return DraftCheck(program, version, name, None,
                          exc.problems or [Problem(name, exc.code, exc.message_ja, exc.message_en)])
    if not (paths.rules / program).is_dir():
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.startswith("program:")), 1)
        return DraftCheck(program, version, name, rv, [Problem(
            f"{name}:{line} $.program", "unknown_program", f"制度「{program}」の規則フォルダがありません",
            f"there is no rules folder for program '{program}'")])
    return DraftCheck(program, version, name, rv, window_problems(rv, _program_versions(paths, program, version)))


def _program_versions(paths: Paths, program: str, but: int) -> list[RuleVersion]:
    """The program's versions on disk other than ``v<but>`` (one that does not load is ``hojo check``'s to report)."""
    found = []
    for file in rule_files(paths.rules):
        if file.parent.name == program and int(file.stem[1:]) != but:
            try:
                found.append(load_rule_file(file, paths.rules, paths.schemas, paths.seeds))
            except RuleFileError:
                continue
    return found


def run_draft_features(text: str, paths: Paths, program: str, version: int, target: TargetFactory,
                       progress: FeatureProgress | None = None) -> dict[str, Any]:
    """Run the program's features in-process with this draft published as ``v<version>`` (nothing is written).

    ``progress(done, total, scenario)`` after each scenario (the workbench's job shows it).
    """
    as_published = published_text(text, date.today()) if re.search(r"^status: draft$", text, re.M) else text
    with staged_rules(paths, program, f"v{version}.yaml", as_published) as staged:
        report = run_program_features(program, staged, target, progress)
    output = "\n".join(f"{f['feature']}:{f['step_line']} {f['scenario']}\n    {f['step']}\n"
                       f"    expected: {f['expected']}\n    got:      {f['got']}" for f in report.failures)
    return {**report.as_dict(), "program": program, "version": version, "output": output}


def log_publish(service: Any, rv: RuleVersion, published_by: str, impact_total: dict[str, Any],
                report: str | None = None) -> dict[str, Any]:
    """Append the publication to the decision log (kind ``publish``), chained like every decision."""
    record = {"decision_id": str(uuid.uuid4()), "kind": "publish", "program": rv.program,
              "fiscal_year": rv.from_fiscal_year, "rules_version": rv.version, "rules_sha256": rv.sha256,
              "ruleset": rv.name, "effective": dict(rv.document["effective"]),
              "published_at": rv.document.get("published_at"), "published_by": published_by,
              "impact_total": impact_total, "impact_report": report,
              "decided_at": datetime.now(UTC).isoformat(timespec="microseconds")}
    entry = service.store.append(record, {}, rv.text, kind="publish")
    return {**record, "log": entry}


#: how soon every other running service decides under a new version: it polls the log (``DecisionService``)
LIVE_WITHIN_SECONDS = 5


def publish_draft(service: Any, paths: Paths, program: str, version: int, text: str | None, published_by: str,
                  report_dir: Path, target: TargetFactory, on: date | None = None,
                  progress: PublishProgress | None = None) -> dict[str, Any]:
    """Write the draft (if ``text``), publish it, load it into ``service`` and log the publication.

    ``service`` is a :class:`service.decisions.DecisionService`. A draft file this call wrote is removed
    again when publishing fails, so a failed attempt leaves ``rules/`` as it was. The ``publish`` record
    in the log (with the text kept in ``rule_versions``) is what every other service on the same store
    polls for, so they all decide under the new version within ``LIVE_WITHIN_SECONDS``.
    """
    if not PROGRAM_ID.fullmatch(program):
        raise PublishError("制度の ID は英小文字で始まる英小文字・数字・_ です",
                           "a program id is lower-case letters, digits and _, starting with a letter",
                           code="invalid_program_id", problems=[Problem("$.program", "invalid_program_id",
                                                                        "制度の ID が正しくありません",
                                                                        "not a program id")])
    with _PUBLISHING:
        return _publish_draft(service, paths, program, version, text, published_by, report_dir, target, on, progress)


def _publish_draft(service: Any, paths: Paths, program: str, version: int, text: str | None, published_by: str,
                   report_dir: Path, target: TargetFactory, on: date | None,
                   progress: PublishProgress | None) -> dict[str, Any]:
    path = paths.rules / program / f"v{version}.yaml"
    name = f"{program}@{version}"
    if name in read_lock(paths.rules):
        raise PublishError(f"{name} は公開済みです", f"{name} is already published", code="already_published")
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    if before is not None and re.search(r"^status: published", before, re.M):
        raise PublishError(f"{name} は公開済みです", f"{name} is already published", code="already_published")
    if text is None and before is None:
        raise PublishError(f"rules/{program}/v{version}.yaml がありません",
                           f"rules/{program}/v{version}.yaml does not exist: give the draft text",
                           code="draft_missing")
    if text is not None:
        checked = check_draft(text, paths, program, version)
        if not checked.ok:
            raise PublishError("下書きに誤りがあります", "the draft has errors", code="draft_invalid",
                               problems=checked.problems)
        if not (paths.rules / program).is_dir():
            raise PublishError(f"制度「{program}」はありません", f"unknown program '{program}'", code="unknown_program")
        path.write_text(text, encoding="utf-8")
    try:
        result = publish(path.resolve(), dataclasses.replace(paths, rules=paths.rules.resolve()),
                         impact=lambda rv: service.auditor.impact([rv]), report_dir=report_dir, target=target, on=on,
                         progress=progress)
    except BaseException:
        if text is not None:
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(before, encoding="utf-8")
        raise
    rv = load_rule_file(path, paths.rules, paths.schemas, paths.seeds)
    service.decider.add_version(rv)
    service.store.save_rule_version(rv.sha256, rv.program, rv.version, rv.path, rv.text, rv.facts_schema_text)
    logged = log_publish(service, rv, published_by, result["impact_total"], result["impact_report"])
    return {**result, "program": program, "version": version, "published_by": published_by,
            "log_record": logged["decision_id"], "log": logged["log"], "live_within_seconds": LIVE_WITHIN_SECONDS,
            "live_ja": f"同じ記録先を使う稼働中のすべての hojo で {LIVE_WITHIN_SECONDS} 秒以内にこの版で判定します",
            "live_en": f"live in the running service(s) on this store within {LIVE_WITHIN_SECONDS} s"}
