"""Allocation programs: a budget shared out among all applicants, declared in ``allocation_v<N>.yaml``.

A ``rules/<program>/allocation_v<N>.yaml`` (format: ``schemas/allocation.schema.json``, guide:
``rules/README.md`` §11) declares the applicant's fields, a tree of pools and the remainder rule. A pool
either splits its budget among its parts (``split: {by: <expression summed over the part's members>}`` or
``split: {fixed: {part: "1/2", …}}``) or shares it among its members (``method: share`` — budget × weight ÷
Σ weight; ``pro_rata`` — every weight × min(1, budget ÷ Σ weight), the 交付率; ``undivided`` — one member
takes the pool). The pipeline for one file mirrors the rule files': strict YAML → the format's schema →
file name and folder agree → semantic checks → citations against the seeds. No module knows a program.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator

from ..kernel.errors import Problem
from ..lang.facts import StrictValidator
from .side_documents import read_side_document

__all__ = ["AllocationProgram", "Node", "allocation_files", "load_allocation_file", "load_allocation_text"]

YamlPath = list[str | int]


@dataclass(frozen=True)
class Node:
    """One pool of the tree, with the YAML path it was declared at (for the reasons and errors)."""

    id: str
    spec: Mapping[str, Any]
    parent: str | None
    parts: tuple[Node, ...]

    @property
    def is_leaf(self) -> bool:
        return not self.parts

    def walk(self) -> Iterator[Node]:
        yield self
        for part in self.parts:
            yield from part.walk()


@dataclass(frozen=True)
class AllocationProgram:
    """One ``rules/<program>/allocation_v<N>.yaml``, checked; ``root`` is the whole budget's pool."""

    program: str
    version: int
    status: str
    from_fiscal_year: int
    to_fiscal_year: int
    sha256: str
    text: str
    path: str
    document: Mapping[str, Any]
    root: Node
    #: validates the list of applicants (``$.applicants``)
    applicants_validator: Validator

    @property
    def name(self) -> str:
        return f"{self.program}@allocation_v{self.version}"

    def in_force(self, fiscal_year: int) -> bool:
        return self.status == "published" and self.from_fiscal_year <= fiscal_year <= self.to_fiscal_year

    def nodes(self) -> dict[str, Node]:
        return {node.id: node for node in self.root.walk()}

    def ancestors(self, pool: str) -> list[Node]:
        """The nodes from the root down to ``pool`` (inclusive)."""
        nodes = self.nodes()
        chain = [nodes[pool]]
        while chain[-1].parent is not None:
            chain.append(nodes[chain[-1].parent])
        return list(reversed(chain))

    def summary(self) -> dict[str, Any]:
        doc = self.document
        return {"version": self.version, "status": self.status, "name_ja": doc["name_ja"], "name_en": doc["name_en"],
                "effective": dict(doc["effective"]), "published_at": doc.get("published_at"), "sha256": self.sha256,
                "ruleset": self.name, "source": dict(doc["source"]), "path": self.path,
                "pools": [node.id for node in self.root.walk()]}


@lru_cache(maxsize=4)
def _format_validator(schemas_dir: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads((schemas_dir / "allocation.schema.json").read_text(encoding="utf-8")))


def allocation_files(rules_dir: Path) -> list[Path]:
    """Every ``rules/<program>/allocation_v<N>.yaml``, sorted by program then version."""
    files = [p for p in rules_dir.glob("*/allocation_v*.yaml") if p.stem.removeprefix("allocation_v").isdigit()]
    return sorted(files, key=lambda p: (p.parent.name, int(p.stem.removeprefix("allocation_v"))))


def _applicants_schema(fields: list[Mapping[str, Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {"code": {"type": "string", "minLength": 1, "maxLength": 64, "title": "申請者コード"}}
    for spec in fields:
        prop: dict[str, Any] = {"type": spec["type"], "title": spec["ja"]}
        if "enum" in spec:
            prop["enum"] = list(spec["enum"])
        if "minimum" in spec:
            prop["minimum"] = spec["minimum"]
        if spec["type"] == "integer":
            prop.setdefault("maximum", 10**15)
            prop.setdefault("minimum", -(10**15))
        properties[spec["name"]] = prop
    required = ["code"] + [s["name"] for s in fields if s.get("required", True)]
    item = {"type": "object", "additionalProperties": False, "required": required, "properties": properties}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array", "items": item}


def expression_facts(expr: Mapping[str, Any]) -> list[str]:
    """The applicant fields an expression reads, in order."""
    if "fact" in expr:
        return [str(expr["fact"])]
    out: list[str] = []
    for key in ("product", "sum", "min", "max", "difference"):
        for sub in expr.get(key, []):
            out += expression_facts(sub)
    return out


def _check(doc: Mapping[str, Any], locate: Any) -> list[Problem]:
    problems: list[Problem] = []
    fields = {f["name"]: f for f in doc["applicant"]["fields"]}
    if len(fields) != len(doc["applicant"]["fields"]) or "code" in fields:
        problems.append(Problem(locate(["applicant", "fields"]), "duplicate_field",
                                "申請者の項目名が重複しています（code は予約済み）",
                                "applicant field names must be unique (code is reserved)"))
    for index, spec in enumerate(doc["applicant"]["fields"]):
        if spec["type"] == "string" and "enum" not in spec:
            problems.append(Problem(locate(["applicant", "fields", index]), "string_without_enum",
                                    "文字列の項目には enum（使える値）が必要です",
                                    "a string field needs its enum (the values allowed)"))
    seen: set[str] = set()

    def expression(expr: Mapping[str, Any], where: YamlPath) -> None:
        for name in expression_facts(expr):
            if name not in fields:
                problems.append(Problem(locate(where), "unknown_fact", f"申請者の項目 {name} は宣言されていません",
                                        f"applicant field {name} is not declared"))
            elif fields[name]["type"] != "integer":
                problems.append(Problem(locate(where), "not_a_number", f"項目 {name} は整数ではありません",
                                        f"field {name} is not an integer"))

    def node(spec: Mapping[str, Any], where: YamlPath) -> None:
        if spec["id"] in seen:
            problems.append(Problem(locate([*where, "id"]), "duplicate_pool", f"区分 {spec['id']} が重複しています",
                                    f"pool id {spec['id']} is used twice"))
        seen.add(spec["id"])
        members = spec.get("members")
        if members is not None:
            values = [members["equals"]] if "equals" in members else list(members["one_of"])
            field = fields.get(members["fact"])
            if field is None or "enum" not in field:
                problems.append(Problem(locate([*where, "members"]), "unknown_fact",
                                        f"members の項目 {members['fact']} は enum を持つ文字列の項目ではありません",
                                        f"members.fact {members['fact']} is not a declared string field with an enum"))
            elif set(values) - set(field["enum"]):
                problems.append(Problem(locate([*where, "members"]), "not_in_enum",
                                        f"{sorted(set(values) - set(field['enum']))} は {members['fact']} "
                                        "の値にありません",
                                        f"{sorted(set(values) - set(field['enum']))} not in the enum of "
                                        f"{members['fact']}"))
        if "parts" in spec:
            parts = spec["parts"]
            # Siblings select on one field with disjoint values, so an applicant is in at most one part.
            selectors = [p.get("members") for p in parts]
            if any(s is None for s in selectors) or len({s["fact"] for s in selectors if s}) != 1:
                problems.append(Problem(locate([*where, "parts"]), "parts_members",
                                        "各部分は同じ項目の members で申請者を選んでください",
                                        "every part must select its members on the same field"))
            else:
                chosen = [v for s in selectors if s for v in ([s["equals"]] if "equals" in s else s["one_of"])]
                if len(chosen) != len(set(chosen)):
                    problems.append(Problem(locate([*where, "parts"]), "parts_overlap",
                                            "部分の members が重なっています", "the parts' members overlap"))
            split = spec["split"]
            if "by" in split:
                expression(split["by"], [*where, "split", "by"])
            else:
                ids = {p["id"] for p in parts}
                if set(split["fixed"]) != ids:
                    problems.append(Problem(locate([*where, "split", "fixed"]), "fixed_parts",
                                            f"fixed の部分は {sorted(ids)} と一致させてください",
                                            f"split.fixed must name exactly the parts {sorted(ids)}"))
                total = sum((Fraction(v) for v in split["fixed"].values()), Fraction(0))
                if total != 1:
                    problems.append(Problem(locate([*where, "split", "fixed"]), "fixed_sum",
                                            f"fixed の割合の合計が 1 ではありません（{total}）",
                                            f"the fixed shares must sum to 1 (they sum to {total})"))
            for index, part in enumerate(parts):
                node(part, [*where, "parts", index])
            return
        method = spec["method"]
        if method in ("share", "pro_rata") and "weight" not in spec:
            problems.append(Problem(locate(where), "weight_missing", f"{method} には weight が必要です",
                                    f"method {method} needs a weight"))
        if method == "undivided" and ("weight" in spec or "negative_weight" in spec):
            problems.append(Problem(locate(where), "weight_not_used", "undivided には weight を書きません",
                                    "an undivided pool has no weight"))
        if method == "pro_rata" and "weight" in spec and "fact" not in spec["weight"]:
            problems.append(Problem(locate([*where, "weight"]), "pro_rata_weight",
                                    "pro_rata の weight は申請額（円）の項目そのものです",
                                    "a pro_rata weight is the applied amount in yen: a field, {fact: …}"))
        if "rate_display" in spec and method != "pro_rata":
            problems.append(Problem(locate([*where, "rate_display"]), "rate_display",
                                    "rate_display は pro_rata の区分だけに書きます",
                                    "rate_display belongs to a pro_rata pool"))
        if "weight" in spec:
            expression(spec["weight"], [*where, "weight"])

    node(doc["pool"], ["pool"])
    return problems


def _tree(spec: Mapping[str, Any], parent: str | None = None) -> Node:
    return Node(id=spec["id"], spec=spec, parent=parent,
                parts=tuple(_tree(part, spec["id"]) for part in spec.get("parts", [])))


def load_allocation_text(text: str, name: str, schemas_dir: Path, seeds_dir: Path,
                         expected: tuple[str, int] | None = None, check_quotes: bool = True) -> AllocationProgram:
    """Return the checked allocation program in ``text``; replay passes ``check_quotes=False``."""
    doc = read_side_document(text, name, _format_validator(schemas_dir), ("配分ファイル", "allocation"), "allocation",
                             expected, _check, seeds_dir, check_quotes)
    return AllocationProgram(
        program=doc["program"], version=doc["version"], status=doc["status"],
        from_fiscal_year=doc["effective"]["from_fiscal_year"], to_fiscal_year=doc["effective"]["to_fiscal_year"],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text, path=name, document=doc,
        root=_tree(doc["pool"]), applicants_validator=StrictValidator(_applicants_schema(doc["applicant"]["fields"])))


def load_allocation_file(path: Path, rules_dir: Path, schemas_dir: Path, seeds_dir: Path) -> AllocationProgram:
    name = f"rules/{path.relative_to(rules_dir).as_posix()}"
    expected = (path.parent.name, int(path.stem.removeprefix("allocation_v")))
    return load_allocation_text(path.read_text(encoding="utf-8"), name, schemas_dir, seeds_dir, expected)
