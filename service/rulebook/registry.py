"""The set of loaded rule versions, and which one decides an application."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..kernel.errors import NoRuleVersionError, NotDecidableError, Problem, RuleFileError, UnknownProgramError
from ..lang.facts import did_you_mean
from .allocation_programs import AllocationProgram, allocation_files, load_allocation_file
from .lifecycle_programs import Lifecycle, lifecycle_files, load_lifecycle_file
from .load import load_rule_file, rule_files
from .model import RuleVersion
from .numbers import SIDE_FILE, read_side_file
from .reference_programs import ReferenceProgram, load_reference_file, reference_files
from .sources import check_registry
from .windows import window_problems

__all__ = ["Rulebook"]


class Rulebook:
    """Every rule version by program; the one in force for a fiscal year is the highest published one."""

    def __init__(self, versions: Iterable[RuleVersion], references: Iterable[ReferenceProgram] = (),
                 allocations: Iterable[AllocationProgram] = (), lifecycles: Iterable[Lifecycle] = ()) -> None:
        self._by_program: dict[str, dict[int, RuleVersion]] = {}
        for rv in versions:
            self._by_program.setdefault(rv.program, {})[rv.version] = rv
        self.references: dict[str, ReferenceProgram] = {ref.program: ref for ref in references}
        #: allocation programs (``allocation_v<N>.yaml``) by program and version; a folder may also hold v<N>.yaml
        self.allocations: dict[str, dict[int, AllocationProgram]] = {}
        for ap in allocations:
            self.allocations.setdefault(ap.program, {})[ap.version] = ap
        #: grant lifecycles (``lifecycle_v<N>.yaml``: 交付申請 → … → 返還) by program and version
        self.lifecycles: dict[str, dict[int, Lifecycle]] = {}
        for lc in lifecycles:
            self.lifecycles.setdefault(lc.program, {})[lc.version] = lc

    @classmethod
    def from_dir(cls, rules: Path, schemas: Path, seeds: Path) -> Rulebook:
        """Load every rule file; raise one :class:`RuleFileError` listing the problems of all files."""
        problems: list[Problem] = []
        versions = _load_each(rule_files(rules), lambda p: load_rule_file(p, rules, schemas, seeds), problems)
        problems += [problem for rv in versions for problem in window_problems(rv, versions)]
        references = _load_each(reference_files(rules), lambda p: load_reference_file(p, rules, schemas, seeds),
                                problems)
        both = sorted({rv.program for rv in versions} & {ref.program for ref in references})
        problems += [Problem(f"rules/{program}/reference.yaml", "reference_and_rules",
                             "参照のみの制度に規則の版があります", "a reference program must not have rule versions")
                     for program in both]
        allocations = _load_each(allocation_files(rules), lambda p: load_allocation_file(p, rules, schemas, seeds),
                                 problems)
        problems += [Problem(f"rules/{program}/reference.yaml", "reference_and_allocation",
                             "参照のみの制度に配分ファイルがあります",
                             "a reference program must not have an allocation")
                     for program in sorted({ap.program for ap in allocations} & {ref.program for ref in references})]
        lifecycles = _load_each(lifecycle_files(rules), lambda p: load_lifecycle_file(p, rules, schemas, seeds),
                                problems)
        decided = {rv.program for rv in versions}
        problems += [Problem(lc.path, "lifecycle_without_rules", "交付の流れのファイルに対応する規則の版がありません",
                             "a lifecycle needs the program's rule versions (v<N>.yaml) beside it")
                     for lc in lifecycles if lc.program not in decided]
        problems += _side_file_problems(rules, schemas, seeds, versions)
        problems += check_registry(seeds)
        if problems:
            raise RuleFileError("規則ファイルに誤りがあります", f"{len(problems)} problem(s) in rule files",
                                code="rule_files", problems=problems)
        return cls(versions, references, allocations, lifecycles)

    @property
    def programs(self) -> Mapping[str, Mapping[int, RuleVersion]]:
        return self._by_program

    def add(self, rv: RuleVersion) -> None:
        """Add a version at run time (just published, here or elsewhere); a published one is never replaced.

        Copy on write: a request iterating the versions while a publication arrives sees the old set or the new
        one, never a dict changing under it.
        """
        versions = self._by_program.get(rv.program, {})
        if rv.version in versions and versions[rv.version].sha256 != rv.sha256 \
                and versions[rv.version].status == "published":
            raise ValueError(f"{rv.name} is already loaded with other content")
        self._by_program = {**self._by_program, rv.program: {**versions, rv.version: rv}}

    def all_versions(self) -> list[RuleVersion]:
        return [rv for versions in self._by_program.values() for rv in versions.values()]

    def locked_files(self) -> list[RuleVersion | AllocationProgram | Lifecycle]:
        """Every file rules/published.lock.json covers: rule versions, allocation files and lifecycles."""
        return [*self.all_versions(), *(ap for versions in self.allocations.values() for ap in versions.values()),
                *(lc for versions in self.lifecycles.values() for lc in versions.values())]

    def select(self, program: str, fiscal_year: int, version: int | None = None) -> RuleVersion:
        """Return the version pinned, or the highest published version in force for ``fiscal_year``."""
        versions = self._by_program.get(program)
        if versions is None and program in self.references:
            why = self.references[program].document["why_not_decidable"]
            raise NotDecidableError(
                f"制度「{program}」は判定できません：{why['ja']}", f"program '{program}' is not decidable: {why['en']}",
                code="not_decidable",
                problems=[Problem("$.program", "not_decidable", why["ja"], why["en"])],
                details={"program": self.references[program].summary()})
        if versions is None and program in self.allocations:
            raise NotDecidableError(
                f"制度「{program}」は予算の配分です。POST /v1/allocations に全申請者をまとめて送ってください",
                f"program '{program}' is an allocation: send every applicant at once to POST /v1/allocations",
                code="allocation_program",
                problems=[Problem("$.program", "allocation_program", "申請ごとには判定しない配分の制度です",
                                  "a budget allocation, not decided one application at a time")])
        if versions is None:
            raise unknown_program(program, [*self._by_program, *self.references, *self.allocations],
                                  {"programs": sorted(self._by_program)})
        return _in_force(program, versions, fiscal_year, version, "", "")

    def select_allocation(self, program: str, fiscal_year: int, version: int | None = None) -> AllocationProgram:
        """Return the allocation version pinned, or the highest published one in force for ``fiscal_year``."""
        versions = self.allocations.get(program)
        if versions is None:
            if program in self._by_program or program in self.references:
                raise NotDecidableError(
                    f"制度「{program}」には配分の規則がありません（申請ごとの判定は POST /v1/decisions）",
                    f"program '{program}' has no allocation rules (decide applications with POST /v1/decisions)",
                    code="not_an_allocation",
                    problems=[Problem("$.program", "not_an_allocation", "配分の規則がない制度です",
                                      "the program has no allocation file")],
                    details={"allocations": sorted(self.allocations)})
            raise unknown_program(program, self.allocations, {"allocations": sorted(self.allocations)})
        return _in_force(program, versions, fiscal_year, version, "配分の", "allocation ")


    def select_lifecycle(self, program: str, fiscal_year: int) -> Lifecycle:
        """Return the highest published lifecycle in force for ``fiscal_year`` (the steps of a case)."""
        versions = self.lifecycles.get(program)
        if versions is None:
            if program in self._by_program or program in self.references or program in self.allocations:
                raise NotDecidableError(
                    f"制度「{program}」には交付の流れ（lifecycle）が定められていません",
                    f"program '{program}' has no lifecycle (its steps after the decision are not declared)",
                    code="no_lifecycle",
                    problems=[Problem("$.program", "no_lifecycle", "交付の流れのない制度です",
                                      "the program has no lifecycle file")],
                    details={"lifecycles": sorted(self.lifecycles)})
            raise unknown_program(program, self.lifecycles, {"lifecycles": sorted(self.lifecycles)})
        return _in_force(program, versions, fiscal_year, None, "交付の流れの", "lifecycle ")


def unknown_program(program: str, known: Iterable[str], details: dict[str, Any]) -> UnknownProgramError:
    """No such program, with the closest id as a suggestion and the JSON path of the request's ``program``."""
    guess = did_you_mean(program, known)
    ja = f"制度「{program}」はありません" + (f"（もしかして「{guess}」？）" if guess else "")
    en = f"unknown program '{program}'" + (f" (did you mean '{guess}'?)" if guess else "")
    return UnknownProgramError(ja, en, code="unknown_program",
                               problems=[Problem("$.program", "unknown_program", ja, en)],
                               details={**details, **({"did_you_mean": guess} if guess else {})})


class _Windowed(Protocol):
    """A rule version or an allocation file: a version number, a status and a fiscal-year window."""

    @property
    def version(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def from_fiscal_year(self) -> int: ...
    @property
    def to_fiscal_year(self) -> int: ...

    def in_force(self, fiscal_year: int) -> bool: ...


V = TypeVar("V", bound=_Windowed)


def _in_force(program: str, versions: Mapping[int, V], fiscal_year: int, version: int | None, kind_ja: str,
              kind_en: str) -> V:
    """The version pinned, or the highest published one whose window holds ``fiscal_year``; else a 422."""
    years = sorted({y for v in versions.values() if v.status == "published"
                    for y in range(v.from_fiscal_year, v.to_fiscal_year + 1)})
    if version is not None:
        pinned = versions.get(version)
        if pinned is None:
            shown = ", ".join(str(v) for v in sorted(versions))
            raise NoRuleVersionError(
                f"{program} に{kind_ja}版 {version} はありません（ある版: {shown}）",
                f"{program} has no {kind_en}version {version} (versions: {shown})",
                code="no_such_version",
                problems=[Problem("$.version", "no_such_version", f"ある版: {shown}", f"versions that exist: {shown}")],
                details={"versions": sorted(versions)})
        if not pinned.in_force(fiscal_year):
            raise NoRuleVersionError(
                f"{kind_ja}版 {version} は {fiscal_year} 年度に適用されません",
                f"{kind_en}version {version} does not apply to fiscal year {fiscal_year}",
                code="version_not_in_force",
                problems=[Problem("$.version", "version_not_in_force",
                                  f"{fiscal_year} 年度に適用される版ではありません",
                                  f"not a published version in force for fiscal year {fiscal_year}")],
                details={"versions": sorted(versions)})
        return pinned
    in_force = [v for v in versions.values() if v.in_force(fiscal_year)]
    if not in_force:
        shown = ", ".join(str(y) for y in years)
        rules_ja = f"{kind_ja}規則"
        raise NoRuleVersionError(
            f"{program} には {fiscal_year} 年度の{rules_ja}がありません（ある年度: {shown}）",
            f"{program} has no {kind_en}rules for fiscal year {fiscal_year} (available: {shown})",
            code="no_rule_version",
            problems=[Problem("$.fiscal_year", "no_rule_version", f"規則のある年度: {shown}",
                              f"fiscal years with rules: {shown}")],
            details={"fiscal_years_available": years})
    return max(in_force, key=lambda v: v.version)


T = TypeVar("T")


def _side_file_problems(rules: Path, schemas: Path, seeds: Path, versions: list[RuleVersion]) -> list[Problem]:
    """The problems of every ``rules/<program>/number_sources.yaml``: its own, and declarations for no version."""
    problems: list[Problem] = []
    known = {(rv.program, rv.version) for rv in versions}
    for path in sorted(rules.glob(f"*/{SIDE_FILE}")):
        program = path.parent.name
        side, own = read_side_file(rules, program, schemas, seeds)
        problems += own
        problems += [Problem(where, "number_source_unknown_version", f"{program} に版 {d['version']} はありません",
                             f"{program} has no version {d['version']}")
                     for where, d in side if (program, d["version"]) not in known]
    return problems


def _load_each(paths: Iterable[Path], load: Callable[[Path], T], problems: list[Problem]) -> list[T]:
    """Load every file; collect the problems of those that fail, so one run reports all of them."""
    loaded = []
    for path in paths:
        try:
            loaded.append(load(path))
        except RuleFileError as exc:
            problems += exc.problems or [Problem(str(path), exc.code, exc.message_ja, exc.message_en)]
    return loaded
