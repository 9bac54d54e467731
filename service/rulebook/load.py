"""Rule files → checked, compiled :class:`RuleVersion` objects.

The pipeline for one file: strict YAML (``yaml_strict``) → the format's JSON Schema
(``schemas/rule.schema.json``) → file name and folder agree with ``program`` and ``version`` → the
program's facts schema → semantic checks (``check``) → citations against the seeds (``citations``) →
compilation of every condition to an NNF tree (``conditions``). Every problem found is reported at
once, located at ``file:line``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from ..kernel.errors import CitationError, Problem, RuleSchemaError, RuleSemanticError
from ..lang.expressions import Band, Table
from ..lang.facts import StrictValidator, json_path
from ..lang.fastcheck import compile_schema
from ..lang.money import UNIT_YEN
from .bounds import Deadline, size_problems
from .check import check_document
from .citations import check_citations
from .conditions import Node, SlotTable, inline, slots_used, to_nnf
from .fiscal_names import fiscal_year_warnings
from .model import RuleVersion
from .numbers import check_numbers, read_side_file
from .yaml_strict import line_of, load_yaml

__all__ = ["load_rule_text", "raise_problems", "rule_files"]


@lru_cache(maxsize=4)
def _format_validator(schemas_dir: Path) -> Draft202012Validator:
    schema = json.loads((schemas_dir / "rule.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def rule_files(rules_dir: Path) -> list[Path]:
    """Return every ``rules/<program>/v<N>.yaml``, sorted by program then version number."""
    files = [p for p in rules_dir.glob("*/v*.yaml") if p.stem[1:].isdigit()]
    return sorted(files, key=lambda p: (p.parent.name, int(p.stem[1:])))


def _schema_problems(doc: Any, name: str, schemas_dir: Path) -> list[Problem]:
    problems = []
    for error in _format_validator(schemas_dir).iter_errors(doc):
        if error.context:  # a oneOf/anyOf: report the branch that came closest
            error = best_match(error.context)
        problems.append(_schema_problem(error, doc, name))
    return problems


def _schema_problem(error: ValidationError, doc: Any, name: str) -> Problem:
    path = list(error.absolute_path)
    where = f"{name}:{line_of(doc, path)} {json_path(path)}"
    schema = cast(Mapping[str, Any], error.schema)
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        extra = sorted(set(cast(Mapping[str, Any], error.instance)) - set(schema.get("properties", {})))
        return Problem(where, "unknown_key", f"未知のキー {extra} があります（使えるキー: {allowed}）",
                       f"unknown key(s) {extra} (allowed: {allowed})")
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, Mapping) else {}
        missing = [key for key in cast(list[str], error.validator_value) if key not in present]
        return Problem(where, "missing_key", f"必須のキー {', '.join(missing)} がありません", error.message)
    return Problem(where, f"schema_{error.validator}", f"規則ファイルの形式に合いません（{error.validator}）",
                   error.message)


def _facts_schema(ref: str, schemas_dir: Path, text: str | None = None) -> tuple[Mapping[str, Any], Any, str]:
    """Return (the subschema the version uses, a strict validator for it, the schema file's text)."""
    file_name, _, pointer = ref.partition("#")
    if text is None:
        text = (schemas_dir / "facts" / file_name).read_text(encoding="utf-8")
    whole = json.loads(text)
    sub: Any = whole
    for part in [p for p in pointer.split("/") if p]:
        sub = sub[part]
    registry: Registry[Any] = Registry().with_resource(whole["$id"], Resource.from_contents(whole))
    target = whole["$id"] + ("#" + pointer if pointer else "")
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": target}
    return sub, StrictValidator(root, registry=registry), text


def _table(spec: Mapping[str, Any]) -> Table:
    unit = UNIT_YEN[spec["unit"]]
    bands = tuple(
        Band(lower=band.get("at_least", band.get("over", 0)), lower_inclusive="at_least" in band,
             upper=band.get("under", band.get("at_most")), upper_inclusive="at_most" in band,
             amount_yen=band["amount"] * unit, label_ja=band.get("label_ja", ""))
        for band in spec["bands"])
    return Table(id=spec["id"], name_ja=spec["name_ja"], name_en=spec["name_en"], by=dict(spec["by"]), bands=bands)


def _compile(doc: Mapping[str, Any], name: str) -> tuple[dict[str, Node], SlotTable]:
    clauses = {c["id"]: c["when"] for c in doc.get("clauses", [])}
    slots = SlotTable()
    rules: dict[str, Node] = {}
    budget = Deadline(name)  # the last guard: bounds.size_problems has already refused what would not fit

    def compiled(when: Mapping[str, Any]) -> Node:
        return to_nnf(inline(when, clauses, budget), slots, budget=budget)

    for clause_id, when in clauses.items():
        rules[f"clause__{clause_id}"] = compiled(when)
    for option in doc.get("tiers", {}).get("options", []):
        rules[f"tier__{option['id']}"] = compiled(option["when"])
    rules["eligibility"] = compiled(doc["eligibility"]["when"])
    for comp in doc.get("amount", {}).get("components", []):
        if "when" in comp:
            rules[f"component__{comp['id']}"] = compiled(comp["when"])
    for question in doc.get("open_questions", []):
        if "when" in question:
            rules[f"open__{question['id']}"] = compiled(question["when"])
    return rules, slots


def raise_problems(name: str, problems: list[Problem]) -> None:
    """Raise every problem of a file at once: a CitationError if only quotes are wrong, else a semantic error."""
    if problems:
        citation_only = all(p.code.startswith("citation_") for p in problems)
        error_class = CitationError if citation_only else RuleSemanticError
        raise error_class(f"{name} に誤りがあります（{len(problems)} 件）", f"{name} has {len(problems)} error(s)",
                          code="rule_citation" if citation_only else "rule_semantic", problems=problems)


def load_rule_text(text: str, name: str, schemas_dir: Path, seeds_dir: Path,
                   expected: tuple[str, int] | None = None, facts_schema_text: str | None = None,
                   check_quotes: bool = True,
                   side_declarations: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> RuleVersion:
    """Return the checked and compiled rule version in ``text`` (``name`` locates errors).

    ``expected`` is the (program folder, version from the file name) the file must declare. Replay passes
    the facts schema text kept in the store (``facts_schema_text``), so a later change to ``schemas/``
    cannot change a past decision, and skips the quote and number checks that the version passed when it
    was used. ``side_declarations`` are the (location, declaration) pairs of ``rules/<program>/number_sources.yaml``
    for this version (``service.rulebook.numbers``).
    """
    doc = load_yaml(text, name)
    problems = _schema_problems(doc, name, schemas_dir)
    if problems:
        raise RuleSchemaError(f"{name} は規則ファイルの形式に合いません", f"{name} does not follow the rule format",
                              code="rule_schema", problems=problems)

    def locate(path: list[str | int]) -> str:
        return f"{name}:{line_of(doc, path)} {json_path(path)}"

    if expected and (doc["program"], doc["version"]) != expected:
        ja = f"ファイルの場所 rules/{expected[0]}/v{expected[1]}.yaml と program/version が一致しません"
        en = f"program/version must match the file's place rules/{expected[0]}/v{expected[1]}.yaml"
        problems.append(Problem(locate(["program"]), "file_name_mismatch", ja, en))
    if doc["effective"]["from_fiscal_year"] > doc["effective"]["to_fiscal_year"]:
        problems.append(Problem(locate(["effective"]), "effective_order", "適用年度の開始が終了より後です",
                                "effective.from_fiscal_year is after to_fiscal_year"))
    too_large = size_problems(doc, locate)
    if too_large:
        # Refused before the semantic checks, which follow clause references too, and before any expansion.
        raise RuleSemanticError(f"{name} の条件が大きすぎます", f"{name} has conditions too large to compile",
                                code="rule_too_large", problems=problems + too_large)
    try:
        facts_schema, facts_validator, schema_text = _facts_schema(doc["facts_schema"], schemas_dir,
                                                                   facts_schema_text)
    except (OSError, KeyError, ValueError) as exc:
        # The exception itself names the absolute install path: the message says only what the author wrote.
        problems.append(Problem(locate(["facts_schema"]), "facts_schema_missing",
                                f"facts スキーマ schemas/facts/{doc['facts_schema']} を読めません",
                                f"cannot read facts schema schemas/facts/{doc['facts_schema']} "
                                f"({type(exc).__name__})"))
        raise RuleSemanticError(f"{name} に誤りがあります", f"{name} has errors", code="rule_semantic",
                                problems=problems) from None
    problems += check_document(doc, facts_schema, locate)
    declared: list[Mapping[str, Any]] = [{**d, "declared_in": name} for d in doc.get("number_sources", [])]
    if check_quotes:
        problems += check_citations(doc, seeds_dir, locate)
        problems += _number_problems(doc, locate, side_declarations)
    declared += [{**d, "declared_in": where.split(":")[0]} for where, d in side_declarations]
    raise_problems(name, problems)
    engine_rules, slots = _compile(doc, name)
    wanted = frozenset().union(*(slots_used(node) for node in engine_rules.values()))
    return RuleVersion(
        program=doc["program"], version=doc["version"], status=doc["status"],
        from_fiscal_year=doc["effective"]["from_fiscal_year"], to_fiscal_year=doc["effective"]["to_fiscal_year"],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text, path=name, document=doc,
        facts_validator=facts_validator, facts_schema_text=schema_text,
        tables={t["id"]: _table(t) for t in doc.get("tables", [])},
        facts_fast_check=None if "$ref" in json.dumps(facts_schema) else compile_schema(facts_schema),
        engine_rules=engine_rules, slots=slots, wanted_slots=wanted, number_sources=tuple(declared),
        warnings=tuple(fiscal_year_warnings(doc, locate)))


def _number_problems(doc: Mapping[str, Any], locate: Callable[[list[str | int]], str],
                     side: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Problem]:
    """Numbers against their quotes, with the text's declarations then the side file's (published versions only)."""
    problems = []
    if side and doc["status"] != "published":
        problems += [Problem(where, "number_source_side_file_draft",
                             "下書きの数値の出所は下書き自身の number_sources に書いてください",
                             "a draft declares its numbers' sources in its own number_sources, not the side file")
                     for where, _ in side]
        side = ()
    own = list(doc.get("number_sources", []))
    located = [locate(["number_sources", i]) for i in range(len(own))] + [where for where, _ in side]
    return check_numbers(doc, locate, own + [d for _, d in side], located.__getitem__)


def load_rule_file(path: Path, rules_dir: Path, schemas_dir: Path, seeds_dir: Path) -> RuleVersion:
    """Return the rule version in ``path`` (a file under ``rules_dir``), with its side-file declarations."""
    name = f"rules/{path.relative_to(rules_dir).as_posix()}"
    expected = (path.parent.name, int(path.stem[1:]))
    side, _ = read_side_file(rules_dir, path.parent.name, schemas_dir, seeds_dir)  # its own problems: Rulebook
    mine = [(where, d) for where, d in side if d["version"] == expected[1]]
    return load_rule_text(path.read_text(encoding="utf-8"), name, schemas_dir, seeds_dir, expected,
                          side_declarations=[(where, {k: v for k, v in d.items() if k != "version"})
                                             for where, d in mine])
