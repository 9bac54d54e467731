"""Published rule versions never change: the lock file, and publishing a draft.

``rules/published.lock.json`` maps ``program@version`` to the sha256 of the text that was published. A
published file whose text no longer matches, or a locked version whose file is gone, is an error of
``hojo check`` (and so of CI): a correction is a new version with ``supersedes`` and ``change_reason``.

``hojo publish rules/<program>/v<N>.yaml`` turns a draft into a published version, in this order:
the file loads and checks; the program's features pass against the rules as they would be after
publishing; the impact report over the logged decisions is written under ``var/impact/``; only then
is the file rewritten (``status: published``, ``published_at``) and its sha256 locked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..kernel import metrics
from ..kernel.errors import HojoError, Problem, RuleFileError
from ..rulebook.load import load_rule_text, rule_files
from ..rulebook.model import RuleVersion

__all__ = ["LOCK_NAME", "PublishError", "check_lock", "lock_new_versions", "publish", "published_text"]

LOCK_NAME = "published.lock.json"
_REPO = Path(__file__).resolve().parents[2]


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


def _run_features(program: str, rules_dir: Path) -> subprocess.CompletedProcess[str]:
    feature = _REPO / "features" / f"{program}.feature"
    if not feature.is_file():
        raise PublishError(f"features/{program}.feature がありません", f"features/{program}.feature is missing",
                           code="feature_missing")
    # The features are the specification, run in open mode even from a server that has tokens configured.
    env = {k: v for k, v in os.environ.items() if k != "HOJO_TOKENS_FILE"}
    env["HOJO_RULES_DIR"] = str(rules_dir)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_features.py",
                           "-k", f"in-process and {program}"], cwd=_REPO, env=env, capture_output=True, text=True,
                          timeout=900)


def publish(path: Path, rules_dir: Path, schemas_dir: Path, seeds_dir: Path,
            impact: Callable[[RuleVersion], dict[str, Any]], report_dir: Path, on: date | None = None,
            ) -> dict[str, Any]:
    """Publish the draft at ``path`` (see the module docstring); return what was done."""
    on = on or date.today()
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

    with tempfile.TemporaryDirectory(prefix="hojo-publish-") as tmp:
        staged = Path(tmp) / "rules"
        shutil.copytree(rules_dir, staged)
        (staged / path.relative_to(rules_dir)).write_text(new_text, encoding="utf-8")
        features = _run_features(candidate.program, staged)
    if features.returncode != 0:
        tail = "\n".join(features.stdout.splitlines()[-15:])
        raise PublishError(f"{candidate.program} の feature が通りません", f"the features of {candidate.program} fail",
                           code="features_failed", details={"pytest": tail})

    report = impact(candidate)
    report_dir.mkdir(parents=True, exist_ok=True)
    report_path = report_dir / f"{candidate.program}-v{candidate.version}-{on.isoformat()}.json"
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    path.write_text(new_text, encoding="utf-8")
    lock = read_lock(rules_dir)
    lock[candidate.name] = candidate.sha256
    _write_lock(rules_dir, lock)
    metrics.count_publish(candidate.program)
    return {"published": candidate.name, "sha256": candidate.sha256, "published_at": on.isoformat(),
            "features": features.stdout.strip().splitlines()[-1] if features.stdout.strip() else "",
            "impact_report": str(report_path), "impact_total": report["total"]}
