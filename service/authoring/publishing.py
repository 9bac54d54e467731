"""Published rule versions never change: the lock file, and publishing a draft.

``rules/published.lock.json`` maps ``program@version`` to the sha256 of the text that was published. A
published file whose text no longer matches, or a locked version whose file is gone, is an error of
``hojo check`` (and so of CI): a correction is a new version with ``supersedes`` and ``change_reason``.

``hojo publish rules/<program>/v<N>.yaml`` turns a draft into a published version, in this order:
the file loads and checks (a window that overlaps a published version needs ``supersedes`` and
``change_reason``); the program's features pass against the rules as they would be after publishing,
run in-process by the service itself (``features``: no pytest, no test extras); the impact report over the
logged decisions is written under ``var/impact/``; only then is the file rewritten (``status: published``,
``published_at``) and its sha256 locked. The caller then logs the publication (``drafting.log_publish``),
which is how every running service learns of it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..kernel import metrics
from ..kernel.config import Paths
from ..kernel.errors import HojoError, Problem, RuleFileError
from ..rulebook.load import load_rule_file, load_rule_text, rule_files
from ..rulebook.model import RuleVersion
from ..rulebook.windows import window_problems
from .features import FeatureReport, TargetFactory, program_scenarios, run_scenarios
from .features import Progress as FeatureProgress

__all__ = ["LOCK_NAME", "PublishError", "check_lock", "features_failed", "lock_new_versions", "publish",
           "published_text", "run_program_features", "staged_rules"]

LOCK_NAME = "published.lock.json"
#: ``progress(stage, done, total)``: stages ``check``, ``features``, ``impact``, ``publish``
PublishProgress = Callable[[str, int, int], None]


class PublishError(HojoError):
    """A draft cannot be published (yet): its checks, features or impact report did not pass."""


def _lock_path(rules_dir: Path) -> Path:
    return rules_dir / LOCK_NAME


def read_lock(rules_dir: Path) -> dict[str, str]:
    path = _lock_path(rules_dir)
    return dict(json.loads(path.read_text(encoding="utf-8"))["published"]) if path.is_file() else {}


def _write_lock(rules_dir: Path, lock: dict[str, str]) -> None:
    text = json.dumps({"comment": "sha256 of every published rule version; written by hojo publish / hojo lock, "
                                  "never by hand", "published": dict(sorted(lock.items()))},
                      ensure_ascii=False, indent=2)
    _lock_path(rules_dir).write_text(text + "\n", encoding="utf-8")


class _Versioned(Protocol):
    """A locked file: a rule version or an allocation file (read-only attributes)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def sha256(self) -> str: ...


def check_lock(versions: Sequence[_Versioned], rules_dir: Path) -> list[Problem]:
    """Return a problem for every published version that changed, or that was published without the lock.

    ``versions`` are rule versions and allocation files alike (``program@allocation_v<N>``).
    """
    lock = read_lock(rules_dir)
    problems = []
    present = {rv.name for rv in versions}
    for rv in versions:
        if rv.status != "published":
            continue
        locked = lock.get(rv.name)
        if locked is None:
            problems.append(Problem(rv.path, "not_locked",
                                    f"{rv.name} は公開済みですが {LOCK_NAME} にありません"
                                    "（hojo publish で公開してください）",
                                    f"{rv.name} is published but not in rules/{LOCK_NAME}: publish it with "
                                    "`hojo publish` (or `hojo lock` for a first version)"))
        elif locked != rv.sha256:
            problems.append(Problem(
                rv.path, "published_version_changed",
                f"公開済みの {rv.name} が公開後に変更されています（公開時 {locked[:12]}…、現在 {rv.sha256[:12]}…）。"
                "公開済みの版は変更せず、新しい版（supersedes と change_reason 付き）を作成してください",
                f"published {rv.name} was changed after publishing (locked sha256 {locked[:12]}…, now "
                f"{rv.sha256[:12]}…): never edit a published version; add v{rv.version + 1} with supersedes and "
                "change_reason"))
    for name in sorted(set(lock) - present):
        problems.append(Problem(f"rules/{LOCK_NAME}", "published_version_missing",
                                f"公開済みの {name} のファイルがありません",
                                f"the published version {name} has no file"))
    return problems


def lock_new_versions(versions: Sequence[_Versioned], rules_dir: Path) -> list[str]:
    """Lock every published version not yet in the lock (first publications); never change an entry."""
    lock = read_lock(rules_dir)
    added = [rv.name for rv in versions if rv.status == "published" and rv.name not in lock]
    for rv in versions:
        if rv.name in added:
            lock[rv.name] = rv.sha256
    if added:
        _write_lock(rules_dir, lock)
    return added


def published_text(text: str, on: date) -> str:
    """Return a draft's text with ``status: published`` and ``published_at`` set (the rest untouched)."""
    if not re.search(r"^status: draft$", text, flags=re.M):
        raise PublishError("下書き（status: draft）ではありません", "the file is not a draft (status: draft)",
                           code="not_a_draft")
    text = re.sub(r"^status: draft$", "status: published", text, count=1, flags=re.M)
    stamp = f'published_at: "{on.isoformat()}"'
    if re.search(r"^published_at: .*$", text, flags=re.M):
        return re.sub(r"^published_at: .*$", stamp, text, count=1, flags=re.M)
    return re.sub(r"^status: published$", f"status: published\n{stamp}", text, count=1, flags=re.M)


@contextmanager
def staged_rules(paths: Paths, program: str, file_name: str, text: str) -> Iterator[Paths]:
    """The folders as they would be after publishing: the program's folder copied, ``file_name`` set to ``text``.

    Only the program's own folder is staged: its features decide that program alone, and a copy of every
    program (and an app loading all of them) would cost seconds for nothing.
    """
    with tempfile.TemporaryDirectory(prefix="hojo-publish-") as tmp:
        staged = Path(tmp) / "rules"
        staged.mkdir()
        if (paths.rules / program).is_dir():
            shutil.copytree(paths.rules / program, staged / program)
        (staged / program).mkdir(exist_ok=True)
        (staged / program / file_name).write_text(text, encoding="utf-8")
        yield dataclasses.replace(paths, rules=staged)


def run_program_features(program: str, paths: Paths, target: TargetFactory,
                         progress: FeatureProgress | None = None) -> FeatureReport:
    """Run every scenario tagged ``@program`` against an app on ``paths`` (in-process, see ``features``)."""
    scenarios = program_scenarios(paths.features, program)
    if not scenarios:
        raise PublishError(f"@{program} のシナリオがありません（features/{program}.feature）",
                           f"no scenario is tagged @{program} (features/{program}.feature)", code="feature_missing")
    with target(paths) as running:
        return run_scenarios(scenarios, running, paths, program, progress)


def features_failed(report: FeatureReport) -> PublishError:
    """The error of a draft whose features fail: every failed scenario with its step, expected and got."""
    return PublishError(f"{report.program} の feature が通りません（{report.summary_ja()}）",
                        f"the features of {report.program} fail ({report.summary()})", code="features_failed",
                        details={"features": report.as_dict()})


def publish(path: Path, paths: Paths, impact: Callable[[RuleVersion], dict[str, Any]], report_dir: Path,
            target: TargetFactory, on: date | None = None, progress: PublishProgress | None = None,
            ) -> dict[str, Any]:
    """Publish the draft at ``path`` (see the module docstring); return what was done and how long it took.

    ``progress(stage, done, total)`` is told of each stage (``check``, ``features``, ``impact``, ``publish``).
    """
    started = time.monotonic()
    timings: dict[str, float] = {}
    on = on or date.today()
    rules_dir, schemas_dir, seeds_dir = paths.rules, paths.schemas, paths.seeds
    tell = progress or (lambda stage, done, total: None)
    tell("check", 0, 1)
    text = path.read_text(encoding="utf-8")
    new_text = published_text(text, on)
    name = f"rules/{path.relative_to(rules_dir).as_posix()}"
    expected = (path.parent.name, int(path.stem[1:]))
    try:
        candidate = load_rule_text(new_text, name, schemas_dir, seeds_dir, expected)
    except RuleFileError as exc:
        raise PublishError("下書きに誤りがあります", "the draft has errors", code="draft_invalid",
                           problems=exc.problems) from exc
    if candidate.version in {int(p.stem[1:]) for p in rule_files(rules_dir) if p.parent.name == candidate.program
                             and p != path}:
        raise PublishError("同じ版番号のファイルがあります", "another file has this version", code="version_taken")
    if candidate.name in read_lock(rules_dir):
        raise PublishError(f"{candidate.name} は公開済みです", f"{candidate.name} is already published",
                           code="already_published")
    window = window_problems(candidate, _others(rules_dir, schemas_dir, seeds_dir, candidate))
    if window:
        raise PublishError("下書きに誤りがあります", "the draft has errors", code="draft_invalid", problems=window)
    timings["check"] = time.monotonic() - started
    tell("check", 1, 1)

    mark = time.monotonic()
    with staged_rules(paths, candidate.program, path.name, new_text) as staged:
        features = run_program_features(candidate.program, staged, target,
                                        lambda done, total, _: tell("features", done, total))
    timings["features"] = time.monotonic() - mark
    if not features.ok:
        raise features_failed(features)

    mark = time.monotonic()
    tell("impact", 0, 1)
    report = impact(candidate)
    timings["impact"] = time.monotonic() - mark
    tell("impact", 1, 1)
    report_dir.mkdir(parents=True, exist_ok=True)
    report_path = report_dir / f"{candidate.program}-v{candidate.version}-{on.isoformat()}.json"
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    path.write_text(new_text, encoding="utf-8")
    lock = read_lock(rules_dir)
    lock[candidate.name] = candidate.sha256
    _write_lock(rules_dir, lock)
    metrics.count_publish(candidate.program)
    tell("publish", 1, 1)
    timings["total"] = time.monotonic() - started
    return {"published": candidate.name, "sha256": candidate.sha256, "published_at": on.isoformat(),
            "features": features.summary(), "features_ja": features.summary_ja(),
            "impact_report": str(report_path), "impact_total": report["total"],
            "seconds": {k: round(v, 3) for k, v in timings.items()}}


def _others(rules_dir: Path, schemas_dir: Path, seeds_dir: Path, candidate: RuleVersion) -> list[RuleVersion]:
    """The program's other versions on disk (a file that does not load is ``hojo check``'s to report)."""
    others = []
    for file in rule_files(rules_dir):
        if file.parent.name == candidate.program and int(file.stem[1:]) != candidate.version:
            try:
                others.append(load_rule_file(file, rules_dir, schemas_dir, seeds_dir))
            except RuleFileError:
                continue
    return others
