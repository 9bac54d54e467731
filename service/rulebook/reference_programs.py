"""Reference programs: named in the documents, listed by hojo, never decided.

A ``rules/<program>/reference.yaml`` says why the documents hold no applicant-side rule for a program
(a 委託 contract, a budget envelope, narrative) and cites the lines that show it. A decision request for
such a program is refused with ``not_decidable`` and that reason, never answered with an invented amount.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ..kernel.errors import Problem, RuleSchemaError, RuleSemanticError
from ..lang.facts import json_path
from .citations import check_citations
from .yaml_strict import line_of, load_yaml

__all__ = ["ReferenceProgram", "load_reference_file", "reference_files"]


@dataclass(frozen=True)
class ReferenceProgram:
    program: str
    document: Mapping[str, Any]
    sha256: str
    path: str

    def summary(self) -> dict[str, Any]:
        doc = self.document
        return {"program": self.program, "name_ja": doc["name_ja"], "name_en": doc["name_en"], "status": "reference",
                "fiscal_years": [], "versions": [], "source": dict(doc["source"]),
                "why_not_decidable": dict(doc["why_not_decidable"]),
                "cites": [dict(c) for c in doc["cites"]]}


@lru_cache(maxsize=4)
def _validator(schemas_dir: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads((schemas_dir / "reference.schema.json").read_text(encoding="utf-8")))


def reference_files(rules_dir: Path) -> list[Path]:
    return sorted(rules_dir.glob("*/reference.yaml"))


def load_reference_file(path: Path, rules_dir: Path, schemas_dir: Path, seeds_dir: Path) -> ReferenceProgram:
    """Return the checked reference program in ``path``; its quotes are checked against the seeds."""
    name = f"rules/{path.relative_to(rules_dir).as_posix()}"
    text = path.read_text(encoding="utf-8")
    doc = load_yaml(text, name)

    def locate(where: list[str | int]) -> str:
        return f"{name}:{line_of(doc, where)} {json_path(where)}"

    problems = [Problem(locate(list(e.absolute_path)), f"schema_{e.validator}",
                        f"参照のみの制度ファイルの形式に合いません: {e.message}", e.message)
                for e in _validator(schemas_dir).iter_errors(doc)]
    if problems:
        raise RuleSchemaError(f"{name} は形式に合いません", f"{name} does not follow the reference format",
                              code="rule_schema", problems=problems)
    if doc["program"] != path.parent.name:
        problems.append(Problem(locate(["program"]), "file_name_mismatch",
                                f"program はフォルダ名 {path.parent.name} と一致させてください",
                                f"program must match the folder name {path.parent.name}"))
    # check_citations walks {"cites": {...}} mappings; a reference file has a list of them.
    wrapped = {"cites_list": [{"cites": c} for c in doc["cites"]]}
    problems += check_citations(wrapped, seeds_dir, lambda p: locate(["cites", p[1]]))
    if problems:
        raise RuleSemanticError(f"{name} に誤りがあります", f"{name} has errors", code="rule_semantic",
                                problems=problems)
    return ReferenceProgram(program=doc["program"], document=doc, path=name,
                            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
