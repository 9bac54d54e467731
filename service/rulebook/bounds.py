"""Bounds on what compiling a rule file may cost (規則の大きさの上限), counted before anything is expanded.

Compilation (``conditions``) inlines every ``{clause: id}`` and expands every ``count_of`` into the
``any`` of its combinations. Both multiply: a ``count_of`` choosing 4 of 7 inside another inside another
writes millions of leaves from 14 KB of YAML, and clauses that each use the previous one twice write
2**n. Any token holder who may check a draft could make the server compile that, so the size of the
expansion is *computed* here, from binomial coefficients and per-clause memos, in time linear in the
file, and a file over a limit is refused as ``rule_too_large`` at the condition that is too large, naming
its clause. Nothing is built.

The limits are set by the engine, not by Python: durable_rules' C core, measured on this project's
patterns, loops without end registering an ``$or`` of about 520 comparisons, corrupts its heap (the process
aborts) once a ruleset holds about 512 comparisons or about 100 of them match one fact at once, and refuses
a sequence of more than 32 expressions (error 113, answered as ``rule_too_large`` by ``service.engine``).
A leaf written once becomes up to three engine comparisons (a negated comparison also holds when its fact
is absent), so the limits keep a whole file under 3 × 128 = 384. Each is still several times the largest
rule file in ``rules/``:

- :data:`MAX_CONDITION_DEPTH`: ``all``/``any``/``not``/``count_of`` levels in one condition, clause
  references followed (the largest in ``rules/`` is 6);
- :data:`MAX_EXPANDED_LEAVES`: leaves of one condition once expanded (the largest in ``rules/`` is 15);
- :data:`MAX_BRANCHES`: conditions side by side in one ``all``/``any`` once expanded (a ``count_of`` choosing
  k of n is an ``any`` of C(n, k)); the largest in ``rules/`` is 7;
- :data:`MAX_DRAFT_LEAVES`: leaves of every condition of the file together, the work per draft (the largest in
  ``rules/`` is 71);
- :data:`COMPILE_SECONDS`: the last guard, a time budget for the compilation itself (``conditions.to_nnf``
  checks it as it builds); within the limits above compiling takes milliseconds, so it never fires on a
  file that passed them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from math import comb
from typing import Any

from ..kernel.errors import Problem, RuleSemanticError

__all__ = ["COMPILE_SECONDS", "MAX_BRANCHES", "MAX_CONDITION_DEPTH", "MAX_DRAFT_LEAVES", "MAX_EXPANDED_LEAVES",
           "Deadline",
           "conditions_of", "size_problems"]

MAX_CONDITION_DEPTH = 16
MAX_EXPANDED_LEAVES = 64
MAX_BRANCHES = 64
MAX_DRAFT_LEAVES = 128
COMPILE_SECONDS = 2.0

Locate = Callable[[list[str | int]], str]


@dataclass(frozen=True)
class _Size:
    leaves: int
    depth: int
    width: int = 1


def conditions_of(doc: Mapping[str, Any]) -> Iterator[tuple[str, list[str | int], Mapping[str, Any]]]:
    """Every condition the compiler expands: (what it is, its YAML path, the condition)."""
    for i, clause in enumerate(doc.get("clauses", [])):
        yield f"clause {clause['id']}", ["clauses", i, "when"], clause["when"]
    for i, option in enumerate(doc.get("tiers", {}).get("options", [])):
        yield f"tier {option['id']}", ["tiers", "options", i, "when"], option["when"]
    yield "eligibility", ["eligibility", "when"], doc["eligibility"]["when"]
    for i, comp in enumerate(doc.get("amount", {}).get("components", [])):
        if "when" in comp:
            yield f"component {comp['id']}", ["amount", "components", i, "when"], comp["when"]
    for i, question in enumerate(doc.get("open_questions", [])):
        if "when" in question:
            yield f"open question {question['id']}", ["open_questions", i, "when"], question["when"]


class _Counter:
    """Expanded sizes, each clause counted once (memo), so the count itself stays linear in the file."""

    def __init__(self, clauses: Mapping[str, Mapping[str, Any]]) -> None:
        self.clauses = clauses
        self.memo: dict[str, _Size] = {}
        self.open: set[str] = set()

    def clause(self, clause_id: str) -> _Size:
        if clause_id in self.memo:
            return self.memo[clause_id]
        if clause_id in self.open or clause_id not in self.clauses:
            return _Size(0, 0)  # a cycle or an unknown clause: ``check`` reports it
        self.open.add(clause_id)
        size = self.size(self.clauses[clause_id])
        self.open.discard(clause_id)
        self.memo[clause_id] = size
        return size

    def size(self, cond: Mapping[str, Any], level: int = 0) -> _Size:
        if level > MAX_CONDITION_DEPTH:
            return _Size(1, level)  # already too deep: no need to count further down
        if "clause" in cond:
            return self.clause(str(cond["clause"]))
        if "not" in cond:
            inner = self.size(cond["not"], level + 1)
            return _Size(inner.leaves, inner.depth + 1, inner.width)
        for key in ("all", "any", "count_of"):
            if key in cond:
                parts = [self.size(sub, level + 1) for sub in cond[key]]
                leaves = sum(p.leaves for p in parts)
                depth = 1 + max((p.depth for p in parts), default=0)
                width = max([len(parts)] + [p.width for p in parts])
                if key == "count_of":
                    k = cond["at_least"] if "at_least" in cond else cond.get("at_most", 0) + 1
                    n = len(parts)
                    # any of the C(n, k) groups of k: each item appears in C(n-1, k-1) of them
                    leaves = comb(n - 1, k - 1) * leaves if 1 <= k <= n else 1
                    width = max(width, comb(n, k)) if 1 <= k <= n else 1
                return _Size(leaves, depth, width)
        return _Size(1, 0)


def size_problems(doc: Mapping[str, Any], locate: Locate) -> list[Problem]:
    """Every condition of a schema-valid rule document that is too deep or expands too far, located."""
    counter = _Counter({c["id"]: c["when"] for c in doc.get("clauses", [])})
    problems, total = [], 0
    for what, path, cond in conditions_of(doc):
        size = counter.size(cond)
        total += size.leaves
        if size.depth > MAX_CONDITION_DEPTH:
            problems.append(Problem(
                locate(path), "rule_too_large",
                f"{what} の条件の入れ子が深すぎます（上限 {MAX_CONDITION_DEPTH} 段、条項の参照を含む）",
                f"{what}: the condition is nested more than {MAX_CONDITION_DEPTH} levels deep "
                "(clause references included)"))
        elif size.width > MAX_BRANCHES:
            problems.append(Problem(
                locate(path), "rule_too_large",
                f"{what} の条件は展開すると {_words(size.width)} 個の条件が並びます（上限 {MAX_BRANCHES}）。"
                "count_of の組合せを見直してください",
                f"{what}: the condition expands to {_words(size.width, 'en')} conditions side by side (limit "
                f"{MAX_BRANCHES}): a count_of choosing k of n is an any of C(n, k) groups"))
        elif size.leaves > MAX_EXPANDED_LEAVES:
            problems.append(Problem(
                locate(path), "rule_too_large",
                f"{what} の条件は展開すると {_words(size.leaves)} 個の比較になります（上限 {MAX_EXPANDED_LEAVES:,}）。"
                "count_of の組合せや、条項を何度も参照する書き方を見直してください",
                f"{what}: the condition expands to {_words(size.leaves, 'en')} comparisons (limit "
                f"{MAX_EXPANDED_LEAVES:,}): count_of combinations and clauses used more than once multiply"))
    if not problems and total > MAX_DRAFT_LEAVES:
        problems.append(Problem(
            locate([]), "rule_too_large",
            f"規則ファイル全体の条件は展開すると {_words(total)} 個の比較になります（上限 {MAX_DRAFT_LEAVES:,}）",
            f"the file's conditions together expand to {_words(total, 'en')} comparisons "
            f"(limit {MAX_DRAFT_LEAVES:,})"))
    return problems


def _words(count: int, lang: str = "ja") -> str:
    """A count that may be astronomically large, written so a message stays short."""
    if count < 10**9:
        return f"{count:,}"
    return f"約 10^{len(str(count)) - 1}" if lang == "ja" else f"about 10^{len(str(count)) - 1}"


class Deadline:
    """The time budget of one compilation: :meth:`check` raises ``rule_too_large`` once it is spent."""

    def __init__(self, name: str, seconds: float = COMPILE_SECONDS) -> None:
        self.name, self.seconds = name, seconds
        self.until = time.monotonic() + seconds
        self.ticks = 0

    def check(self) -> None:
        self.ticks += 1
        if self.ticks % 256 == 0 and time.monotonic() > self.until:
            ja = f"{self.name} のコンパイルが時間の上限（{self.seconds:g} 秒）を超えました"
            en = f"compiling {self.name} took longer than its budget of {self.seconds:g} s"
            raise RuleSemanticError(ja, en, code="rule_too_large",
                                    problems=[Problem(self.name, "rule_too_large", ja, en)])
