"""A loaded, checked and compiled rule version: everything a decision needs, nothing mutable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema.protocols import Validator

from ..kernel.errors import Problem
from ..lang.expressions import Table
from ..lang.fastcheck import Check
from .conditions import Node, SlotTable

__all__ = ["RuleVersion"]


@dataclass(frozen=True)
class RuleVersion:
    """One ``rules/<program>/v<N>.yaml``; registered in the engine as ``<program>@<version>``."""

    program: str
    version: int
    status: str
    from_fiscal_year: int
    to_fiscal_year: int
    sha256: str
    text: str
    path: str
    document: Mapping[str, Any]
    facts_validator: Validator
    #: the whole facts schema file the version was loaded with (kept in the store beside the rule text)
    facts_schema_text: str
    tables: Mapping[str, Table]
    #: engine rule name -> NNF condition (clauses, tier options, eligibility, component conditions)
    engine_rules: Mapping[str, Node]
    slots: SlotTable
    wanted_slots: frozenset[str]
    #: a compiled check that says True only for facts the facts schema accepts (None: always ask jsonschema)
    facts_fast_check: Check | None = None
    #: declarations for numbers no quote of their own prints (the text's, then the side file's), with ``declared_in``
    number_sources: tuple[Mapping[str, Any], ...] = ()
    #: what ``hojo check`` warns about without refusing (a name naming a fiscal year outside the window)
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.program}@{self.version}"

    def in_force(self, fiscal_year: int) -> bool:
        return self.status == "published" and self.from_fiscal_year <= fiscal_year <= self.to_fiscal_year

    @property
    def clauses(self) -> Mapping[str, Mapping[str, Any]]:
        return {c["id"]: c for c in self.document.get("clauses", [])}

    @property
    def facts_schema(self) -> Mapping[str, Any]:
        """The JSON Schema of this version's facts (the ``$defs`` entry it names, or the whole file)."""
        return _subschema(self.facts_schema_text, self.document["facts_schema"])

    def facts_schema_applicants(self) -> Mapping[str, Mapping[str, Any]]:
        """Who may apply (``x-applicants`` of the facts schema file): applicant type → the facts it implies."""
        return _subschema(self.facts_schema_text, "").get("x-applicants", {})  # type: ignore[no-any-return]

    def summary(self) -> dict[str, Any]:
        doc = self.document
        return {"version": self.version, "status": self.status, "name_ja": doc["name_ja"],
                "name_en": doc["name_en"], "effective": dict(doc["effective"]),
                "published_at": doc.get("published_at"), "sha256": self.sha256,
                "ruleset": self.name, "source": dict(doc["source"]),
                "number_sources": [dict(declared) for declared in self.number_sources]}


@cache
def _subschema(text: str, ref: str) -> Mapping[str, Any]:
    sub: Any = json.loads(text)
    for part in [p for p in ref.partition("#")[2].split("/") if p]:
        sub = sub[part]
    return sub  # type: ignore[no-any-return]
