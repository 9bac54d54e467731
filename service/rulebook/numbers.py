"""Every number a rule file states is tied to its source (数値と出典): its quote prints it, or a declaration says why.

Which numbers: every band ``amount`` of a table (in the table's ``unit``), every ``rate`` (``amount.rate``,
``{rate: …, of: …}``, a marginal slice's ``rate``) and every fixed amount ``{yen: N}``. ``{yen: 0}``
and ``{yen: 1}`` are arithmetic (``max(…, 0)``, ``x − 1``), a band amount of 0 is "nothing", and
``rate: "1/1"`` is the identity (the basis already holds its rates): these are not checked. Band
boundaries, condition thresholds and ``{number: …}`` constants are not checked either.

Which quote covers a number: the ``cites`` of the nearest object that encloses it, itself included —
a band amount → its table's ``cites``; a number inside a component, the cap, a derived value → that
item's ``cites``; for the ``amount`` block itself (``amount.rate`` and everything under ``amount.basis``)
its ``rate_cites``. Only the ``quote`` counts, not the rest of the line: the quote is what the file
claims the document says. Quotes are read by :func:`service.lang.numerals.read_numbers`
(千円/万円, full-width digits, separators, ``1/2``, ``2分の1``, ``50%``, ``5割``). A yen amount also
matches a number printed without a unit (a table whose header states the unit, a ratio 「4：1：1」).

A number no quote of its own prints carries a declaration, each ``{at, value, kind, why_ja, why_en}``:
``at`` is the number's JSON path as ``hojo check`` prints it, ``value`` the number exactly as written
(a declaration goes stale, and fails, when the number changes), ``kind`` one of

- ``implied_by_label``: read from a label or heading rather than printed as a figure;
- ``outside_seeds``: from law or a notice the project does not hold (say which in ``why``);
- ``computed``: arithmetic on printed figures (say how, e.g. 6 = 4 + 1 + 1);
- ``cited_elsewhere``: printed on another line, given in the declaration's own ``cites`` (quote-checked,
  and the number must be in that quote).

A draft declares in its own text (``number_sources:``). A published version cannot change, so its
declarations live beside it in ``rules/<program>/number_sources.yaml`` (``declarations:``, each with its
``version``), checked the same way; a declaration there for a draft is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ..kernel.errors import Problem, RuleFileError
from ..lang.facts import json_path
from ..lang.money import UNIT_YEN
from ..lang.numerals import read_numbers
from .citations import check_citations
from .yaml_strict import line_of, load_yaml

__all__ = ["EXCEPTION_KINDS", "SIDE_FILE", "StatedNumber", "check_numbers", "read_side_file", "stated_numbers"]

YamlPath = tuple[str | int, ...]
Locate = Callable[[list[str | int]], str]

#: kinds of declaration that are exceptions (no quote prints the number); ``cited_elsewhere`` is not one
EXCEPTION_KINDS = ("implied_by_label", "outside_seeds", "computed")


@dataclass(frozen=True)
class StatedNumber:
    """One checked number of a rule file, where it is, and the citation that covers it."""

    path: YamlPath
    kind: str  # band_amount | yen | rate
    written: int | str
    cites_path: YamlPath | None
    unit_yen: int = 1

    @property
    def at(self) -> str:
        return json_path(list(self.path))

    def shown(self) -> str:
        if self.kind == "band_amount":
            unit = next(name for name, factor in UNIT_YEN.items() if factor == self.unit_yen)
            return f"{self.written:,}{unit}"
        return f"{self.written:,}円" if self.kind == "yen" else f"{self.written}"


def _cites_of(node: Mapping[str, Any], path: YamlPath) -> YamlPath | None:
    if path == ("amount",) and isinstance(node.get("rate_cites"), Mapping):
        return path + ("rate_cites",)
    return path + ("cites",) if isinstance(node.get("cites"), Mapping) else None


def stated_numbers(node: Any, path: YamlPath = (), cites_path: YamlPath | None = None,
                   unit_yen: int = 1) -> Iterator[StatedNumber]:
    """Yield every checked number of a rule document (see the module docstring for which)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from stated_numbers(item, path + (index,), cites_path, unit_yen)
        return
    if not isinstance(node, Mapping):
        return
    cites_path = _cites_of(node, path) or cites_path
    if len(path) == 2 and path[0] == "tables" and isinstance(node.get("unit"), str):
        unit_yen = UNIT_YEN.get(node["unit"], 1)
    for key, value in node.items():
        if key in ("cites", "rate_cites", "number_sources"):
            continue
        here = path + (key,)
        if key == "yen" and isinstance(value, int) and value not in (0, 1):
            yield StatedNumber(here, "yen", value, cites_path)
        elif key == "rate" and isinstance(value, str) and value != "1/1":
            yield StatedNumber(here, "rate", value, cites_path)
        elif key == "amount" and _is_band(path) and isinstance(value, int) and value != 0:
            yield StatedNumber(here, "band_amount", value, cites_path, unit_yen)
        else:
            yield from stated_numbers(value, here, cites_path, unit_yen)


def _is_band(path: YamlPath) -> bool:
    return len(path) == 4 and path[0] == "tables" and path[2] == "bands"


def _node(doc: Any, path: YamlPath) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _rate(written: str) -> Fraction:
    numerator, _, denominator = written.partition("/")
    return Fraction(int(numerator), int(denominator))


def printed_in(number: StatedNumber, quote: str) -> bool:
    """True when ``quote`` prints ``number`` (units, separators and fraction forms normalised)."""
    quoted = read_numbers(quote)
    if number.kind == "rate":
        return _rate(str(number.written)) in quoted.rates
    value = int(number.written)
    return value * number.unit_yen in quoted.yen or Fraction(value) in quoted.bare


def _out_of_range(doc: Mapping[str, Any], locate: Locate) -> list[Problem]:
    problems = []
    for number in stated_numbers(doc):
        if number.kind == "rate" and _rate(str(number.written)) > 1:
            problems.append(Problem(locate(list(number.path)), "rate_out_of_range",
                                    f"率 {number.written} は 0 以上 1 以下にしてください（補助額が対象経費を超えます）",
                                    f"rate {number.written} must be between 0 and 1 (the grant would exceed "
                                    "the cost it is a rate of)"))
    return problems


def check_numbers(doc: Mapping[str, Any], locate: Locate, declarations: Sequence[Mapping[str, Any]] = (),
                  declared_at: Callable[[int], str] | None = None) -> list[Problem]:
    """Return a problem for every rate above 1 and every number neither quoted nor declared.

    ``declarations`` are the version's own ``number_sources`` followed by those of the side file;
    ``declared_at(i)`` locates declaration ``i`` (default: ``number_sources[i]`` of the document).
    """
    problems = _out_of_range(doc, locate)
    where = declared_at or (lambda i: locate(["number_sources", i]))
    by_at: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for i, declaration in enumerate(declarations):
        if str(declaration["at"]) in by_at:
            problems.append(Problem(where(i), "number_source_duplicate", f"{declaration['at']} の宣言が重複しています",
                                    f"{declaration['at']} is declared twice"))
        by_at[str(declaration["at"])] = (i, declaration)
    used: set[str] = set()
    for number in stated_numbers(doc):
        quote = str(_node(doc, number.cites_path)["quote"]) if number.cites_path else None
        found = quote is not None and printed_in(number, quote)
        if number.at in by_at:
            used.add(number.at)
            problems += _declared(number, by_at[number.at], found, where)
        elif not found:
            problems.append(_not_in_source(number, quote, locate))
    for at in sorted(set(by_at) - used):
        index = by_at[at][0]
        problems.append(Problem(where(index), "number_source_unknown_path",
                                f"宣言の at「{at}」は検査される数値を指していません",
                                f"declaration 'at: {at}' names no checked number of the file"))
    return problems


def _declared(number: StatedNumber, entry: tuple[int, Mapping[str, Any]], found: bool,
              where: Callable[[int], str]) -> list[Problem]:
    index, declaration = entry
    if declaration["value"] != number.written or isinstance(declaration["value"], bool):
        return [Problem(where(index), "number_source_stale",
                        f"宣言の value {declaration['value']!r} は {number.at} の値 {number.written!r} と違います"
                        "（数値を変えたら出典も示し直してください）",
                        f"declared value {declaration['value']!r} is not the value {number.written!r} at "
                        f"{number.at} (a changed number needs its source again)")]
    if found:
        return [Problem(where(index), "number_source_unneeded",
                        f"{number.at} の {number.shown()} は引用に書かれているので宣言は不要です",
                        f"{number.at} ({number.shown()}) is printed in its quote: remove the declaration")]
    if declaration["kind"] == "cited_elsewhere" and not printed_in(number, str(declaration["cites"]["quote"])):
        return [Problem(where(index), "number_not_in_source",
                        f"{number.shown()} は宣言の引用「{declaration['cites']['quote']}」にありません",
                        f"{number.shown()} is not in the declaration's quote '{declaration['cites']['quote']}'")]
    return []


def _not_in_source(number: StatedNumber, quote: str | None, locate: Locate) -> Problem:
    hint_ja = ("数値を示す出典を引用するか（新しい文書は hojo source add で登録）、"
               "number_sources に出所を宣言してください")
    hint_en = ("cite a source that prints it (register a new document with `hojo source add`) or declare "
               "where it comes from under number_sources")
    if quote is None:
        return Problem(locate(list(number.path)), "number_not_in_source",
                       f"{number.shown()} を囲む引用（cites）がありません。{hint_ja}",
                       f"{number.shown()} has no enclosing citation: {hint_en}")
    return Problem(locate(list(number.path)), "number_not_in_source",
                   f"{number.shown()} は引用「{quote}」に書かれていません。{hint_ja}",
                   f"{number.shown()} does not appear in its quote '{quote}': {hint_en}")


SIDE_FILE = "number_sources.yaml"


@lru_cache(maxsize=128)
def _parsed_side_file(path: Path, mtime_ns: int, size: int, name: str,
                      schemas_dir: Path) -> tuple[Any, tuple[Problem, ...]]:
    """The side file parsed and checked against its schema; each version that loads asks again (cached)."""
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"), name)
    except RuleFileError as exc:
        return None, tuple(exc.problems or [Problem(name, exc.code, exc.message_ja, exc.message_en)])
    schema = json.loads((schemas_dir / "number_sources.schema.json").read_text(encoding="utf-8"))
    problems = tuple(Problem(f"{name}:{line_of(doc, list(error.absolute_path))} {json_path(list(error.absolute_path))}",
                             f"schema_{error.validator}", f"number_sources.yaml の形式に合いません: {error.message}",
                             error.message)
                     for error in Draft202012Validator(schema).iter_errors(doc))
    return doc, problems


def read_side_file(rules_dir: Path, program: str, schemas_dir: Path,
                   seeds_dir: Path) -> tuple[list[tuple[str, Mapping[str, Any]]], list[Problem]]:
    """Return ``rules/<program>/number_sources.yaml`` as (located declarations, problems of the file itself).

    The file is strict YAML, follows ``schemas/number_sources.schema.json`` and its ``cites`` are
    quote-checked; whether each declaration fits its version is checked when the version loads.
    """
    path = rules_dir / program / SIDE_FILE
    if not path.is_file():
        return [], []
    name = f"rules/{program}/{SIDE_FILE}"
    stat = path.stat()
    doc, parse_problems = _parsed_side_file(path, stat.st_mtime_ns, stat.st_size, name, schemas_dir)
    if parse_problems or doc is None:
        return [], list(parse_problems)
    problems: list[Problem] = []

    def locate(where: list[str | int]) -> str:
        return f"{name}:{line_of(doc, where)} {json_path(where)}"

    if doc["program"] != program:
        problems.append(Problem(locate(["program"]), "file_name_mismatch",
                                f"program は フォルダ名 {program} と同じにしてください",
                                f"program must be the folder name {program}"))
    problems += check_citations(doc, seeds_dir, locate)
    return [(locate(["declarations", i]), entry) for i, entry in enumerate(doc["declarations"])], problems
