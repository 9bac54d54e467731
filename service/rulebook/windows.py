"""Versions whose fiscal-year windows overlap (適用年度の重複): a correction must say what it replaces and why.

Two versions of one program in force for the same fiscal year are allowed only as a correction: the later
one decides from its publication on, so it must carry ``supersedes`` (the published version it replaces,
one whose window it overlaps) and ``change_reason`` (ja/en), which auditors and the version diff show.
Otherwise a second version would silently take over a year already decided under the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..kernel.errors import Problem
from ..lang.facts import json_path
from .model import RuleVersion
from .yaml_strict import line_of

__all__ = ["window_problems"]


def _at(rv: RuleVersion, key: str) -> str:
    where = key if key in rv.document else "effective"
    return f"{rv.path}:{line_of(rv.document, [where])} {json_path([where])}"


def window_problems(rv: RuleVersion, others: Iterable[RuleVersion]) -> list[Problem]:
    """The problems of ``rv`` against the program's other versions: an overlap needs supersedes and change_reason."""
    overlapped = sorted(o.version for o in others
                        if o.program == rv.program and o.status == "published" and o.version < rv.version
                        and o.from_fiscal_year <= rv.to_fiscal_year and rv.from_fiscal_year <= o.to_fiscal_year)
    if not overlapped:
        return []
    years = f"{rv.from_fiscal_year}–{rv.to_fiscal_year}"
    shown = ", ".join(f"v{v}" for v in overlapped)
    problems = []
    supersedes = rv.document.get("supersedes")
    if supersedes is None:
        problems.append(Problem(
            _at(rv, "supersedes"), "overlap_needs_supersedes",
            f"適用年度 {years} が公開済みの版 {shown} と重なります。訂正であれば supersedes: {overlapped[-1]} と"
            "change_reason（ja/en）を書いてください。別の年度の版であれば effective を直してください",
            f"the window FY{years} overlaps the published version(s) {shown}: a correction needs "
            f"`supersedes: {overlapped[-1]}` and a `change_reason` (ja/en); otherwise fix `effective`"))
    elif supersedes not in overlapped:
        problems.append(Problem(
            _at(rv, "supersedes"), "supersedes_not_overlapped",
            f"supersedes: {supersedes} は、適用年度が重なる公開済みの版（{shown}）ではありません",
            f"supersedes: {supersedes} is not a published version whose window this one overlaps ({shown})"))
    if "change_reason" not in rv.document:
        problems.append(Problem(
            _at(rv, "change_reason"), "overlap_needs_change_reason",
            f"公開済みの版 {shown} と適用年度が重なる版には change_reason（変更の理由、ja/en）が必要です",
            f"a version overlapping the published version(s) {shown} needs a change_reason (ja/en)"))
    return problems
