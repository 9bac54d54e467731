"""Semantic checks of a rule document that JSON Schema cannot express.

Each check returns problems located at ``file:line``; the loader raises them all at once, so a policy
owner sees every mistake in one run. What is checked:

- ids are unique, and every ``{clause}``, ``{value}``, ``{table}``, ``{component}`` reference resolves
  (derived values may use only earlier ones; clause references may not form a cycle);
- each fact is declared in the program's facts schema and used with a fitting word (``is`` on a
  boolean, the comparison words on an integer, ``contains`` on a list with that item in its enum);
- band tables cover their range with no gap and no overlap: a band ending ``under: X`` (未満) must be
  followed by one starting ``at_least: X`` (以上), ``at_most: X`` (以下) by ``over: X`` (超). A 超/以上
  slip therefore fails loudly instead of deciding the band edge wrongly;
- ``per_item`` prices every item the list may hold, ``by_result`` covers every tier value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from ..kernel.errors import Problem
from .conditions import COMPARISONS

__all__ = ["check_document"]

Locate = Callable[[list[str | int]], str]


class _Checker:
    def __init__(self, doc: Mapping[str, Any], facts_schema: Mapping[str, Any], locate: Locate) -> None:
        self.doc, self.locate, self.problems = doc, locate, []  # type: ignore[var-annotated]
        self.facts: Mapping[str, Any] = facts_schema.get("properties", {})
        self.clauses = {c["id"]: c for c in doc.get("clauses", [])}
        self.derived_ids = [d["id"] for d in doc.get("derived", [])]
        self.tables = {t["id"]: t for t in doc.get("tables", [])}
        self.components = [c["id"] for c in doc.get("amount", {}).get("components", [])]
        #: the item schema of the list that an enclosing ``each`` sums over (None outside ``each``)
        self.item_schema: Mapping[str, Any] | None = None
        tiers = doc.get("tiers")
        self.tier_result = tiers["result"] if tiers else None
        self.tier_values = {o["value"] for o in tiers["options"]} if tiers else set()

    def add(self, path: list[str | int], code: str, ja: str, en: str) -> None:
        self.problems.append(Problem(self.locate(path), code, ja, en))

    # -- facts ------------------------------------------------------------------------------------
    def fact_type(self, name: str, path: list[str | int]) -> str | None:
        if name not in self.facts:
            known = ", ".join(sorted(self.facts))
            self.add(path, "unknown_fact", f"事実「{name}」は facts スキーマにありません（ある事実: {known}）",
                     f"fact '{name}' is not in the facts schema (known: {known})")
            return None
        spec = self.facts[name]
        if "enum" in spec:
            return "enum"
        if spec.get("type") == "string":
            # A string with a pattern is a decimal fact ("10.70%", "1.5‰"), read exactly by expressions.
            return "decimal" if "pattern" in spec else "string"
        return str(spec.get("type", "enum"))

    def enum_of(self, name: str) -> list[str]:
        items = self.facts.get(name, {}).get("items", {})
        return list(items.get("enum", [])) if isinstance(items, Mapping) else []

    def value_ref(self, name: str, path: list[str | int], known: list[str]) -> None:
        if name not in known:
            self.add(path, "unknown_value", f"派生値「{name}」はこの位置より前に定義されていません",
                     f"derived value '{name}' is not defined before this point")

    # -- conditions -------------------------------------------------------------------------------
    def condition(self, cond: Mapping[str, Any], path: list[str | int]) -> None:
        if "clause" in cond:
            if cond["clause"] not in self.clauses:
                self.add(path + ["clause"], "unknown_clause", f"条項「{cond['clause']}」は定義されていません",
                         f"clause '{cond['clause']}' is not defined")
            return
        for key in ("all", "any", "count_of"):
            if key in cond:
                for i, sub in enumerate(cond[key]):
                    self.condition(sub, path + [key, i])
                return
        if "not" in cond:
            self.condition(cond["not"], path + ["not"])
            return
        self.leaf(cond, path)

    def leaf(self, leaf: Mapping[str, Any], path: list[str | int]) -> None:
        if "value" in leaf:
            self.value_ref(leaf["value"], path + ["value"], self.derived_ids)
            kind: str | None = "integer"
        else:
            kind = self.fact_type(leaf["fact"], path + ["fact"])
        if kind is None:
            return
        if "is" in leaf and kind != "boolean":
            self.add(path, "is_needs_boolean", f"「is」は真偽値の事実にだけ使えます（{kind}）",
                     f"'is' applies to boolean facts only, this one is {kind}")
        if "one_of" in leaf:
            enum = list(self.facts.get(leaf["fact"], {}).get("enum", []))
            unknown = [v for v in leaf["one_of"] if v not in enum]
            if kind != "enum" or unknown:
                self.add(path + ["one_of"], "one_of_unknown_value",
                         f"one_of は列挙の事実に、その値だけで使えます（使える値: {enum}、ない値: {unknown}）",
                         f"'one_of' needs a string-enum fact and its values (values: {enum}, unknown: {unknown})")
        if "contains" in leaf:
            enum = self.enum_of(leaf["fact"])
            if kind != "array" or leaf["contains"] not in enum:
                self.add(path + ["contains"], "contains_unknown_item",
                         f"「{leaf['contains']}」はこの一覧の値ではありません（使える値: {enum}）",
                         f"'{leaf['contains']}' is not an item of list fact '{leaf['fact']}' (items: {enum})")
        for word in COMPARISONS:
            if word in leaf:
                if kind != "integer":
                    self.add(path, "comparison_needs_integer", f"比較語「{word}」は整数の事実にだけ使えます",
                             f"comparison '{word}' applies to integer facts only")
                rhs = leaf[word]
                if isinstance(rhs, Mapping) and "value" in rhs:
                    self.value_ref(rhs["value"], path + [word], self.derived_ids)
                elif isinstance(rhs, Mapping):
                    self.fact_type(rhs["fact"], path + [word])

    def clause_cycles(self) -> None:
        def visit(cid: str, stack: list[str]) -> None:
            if cid in stack:
                cycle = " → ".join(stack[stack.index(cid):] + [cid])
                self.add(["clauses"], "clause_cycle", f"条項の参照が循環しています: {cycle}",
                         f"clause references form a cycle: {cycle}")
                raise StopIteration
            for ref in _clause_refs(self.clauses[cid]["when"]):
                if ref in self.clauses:
                    visit(ref, stack + [cid])
        for cid in self.clauses:
            try:
                visit(cid, [])
            except StopIteration:
                return

    # -- expressions ------------------------------------------------------------------------------
    def expression(self, expr: Mapping[str, Any], path: list[str | int], known_values: list[str],
                   known_components: list[str]) -> None:
        if "fact" in expr:
            if self.fact_type(expr["fact"], path + ["fact"]) not in (None, "integer", "decimal"):
                self.add(path, "expression_needs_integer", "金額・数の式には整数か小数文字列の事実を使います",
                         f"fact '{expr['fact']}' in an expression must be an integer or a decimal string")
        elif "item" in expr or "by_item" in expr:
            self.item_expression(expr, path, known_values, known_components)
        elif "each" in expr:
            spec = expr["each"]
            if self.fact_type(spec["fact"], path + ["each", "fact"]) not in (None, "array"):
                self.add(path + ["each"], "each_needs_list", "each は一覧の事実に使います",
                         "each applies to list facts")
            outer = self.item_schema
            self.item_schema = self.facts.get(spec["fact"], {}).get("items", {})
            self.expression(spec["value"], path + ["each", "value"], known_values, known_components)
            self.item_schema = outer
        elif "by_fact" in expr:
            enum = list(self.facts.get(expr["by_fact"], {}).get("enum", []))
            kind = self.fact_type(expr["by_fact"], path + ["by_fact"])
            if kind not in (None, "enum") or set(expr["cases"]) != set(enum):
                self.add(path + ["cases"], "by_fact_cases",
                         f"by_fact は列挙の事実のすべての値 {enum} を網羅してください",
                         f"by_fact needs a string-enum fact and a case for each of its values {enum}")
            for key, sub in expr["cases"].items():
                self.expression(sub, path + ["cases", key], known_values, known_components)
        elif "marginal" in expr:
            spec = expr["marginal"]
            self.expression(spec["of"], path + ["marginal", "of"], known_values, known_components)
            for i, piece in enumerate(spec["slices"]):
                if "up_to" in piece and Fraction(piece["up_to"]) <= Fraction(piece["over"]):
                    self.add(path + ["marginal", "slices", i], "marginal_slice_empty",
                             "段階の上端（up_to）は下端（over）より大きくしてください",
                             "a slice's up_to must be above its over")
        elif "round" in expr:
            self.expression(expr["round"], path + ["round"], known_values, known_components)
        elif "value" in expr:
            self.value_ref(expr["value"], path + ["value"], known_values)
        elif "table" in expr and expr["table"] not in self.tables:
            self.add(path + ["table"], "unknown_table", f"表「{expr['table']}」は定義されていません",
                     f"table '{expr['table']}' is not defined")
        elif "component" in expr and expr["component"] not in known_components:
            self.add(path + ["component"], "unknown_component",
                     f"構成要素「{expr['component']}」はこの位置より前にありません",
                     f"component '{expr['component']}' is not defined before this point")
        elif "count" in expr:
            if self.fact_type(expr["count"]["fact"], path + ["count"]) not in (None, "array"):
                self.add(path, "count_needs_list", "count は一覧の事実に使います", "count applies to list facts")
        elif "rate" in expr:
            self.expression(expr["of"], path + ["of"], known_values, known_components)
        elif "per_item" in expr:
            spec = expr["per_item"]
            enum = self.enum_of(spec["fact"]) if self.fact_type(spec["fact"], path + ["per_item"]) else []
            missing = [item for item in enum if item not in spec["amounts"]]
            unknown = [item for item in spec["amounts"] if item not in enum]
            if missing or unknown:
                self.add(path + ["per_item", "amounts"], "per_item_items",
                         f"一覧の値と金額の対応が合いません（金額がない値: {missing}、一覧にない値: {unknown}）",
                         f"amounts must price exactly the list's items (unpriced: {missing}, unknown: {unknown})")
            for item, sub in spec["amounts"].items():
                self.expression(sub, path + ["per_item", "amounts", item], known_values, known_components)
        elif "by_result" in expr:
            values = sorted(self.tier_values)
            if expr["by_result"] != self.tier_result or set(expr["cases"]) != self.tier_values:
                self.add(path, "by_result_cases",
                         f"by_result は区分「{self.tier_result}」のすべての値 {values} を網羅してください",
                         f"by_result must name the tier result '{self.tier_result}' and cover {values}")
            for key, sub in expr["cases"].items():
                self.expression(sub, path + ["cases", key], known_values, known_components)
        else:
            for key in ("sum", "min", "max", "product", "difference", "quotient"):
                for i, sub in enumerate(expr.get(key, [])):
                    self.expression(sub, path + [key, i], known_values, known_components)

    def item_expression(self, expr: Mapping[str, Any], path: list[str | int], known_values: list[str],
                        known_components: list[str]) -> None:
        """``{item}`` and ``{by_item}`` read the list item that ``each`` is summing."""
        if self.item_schema is None:
            self.add(path, "item_outside_each", "item / by_item は each の中でだけ使えます",
                     "item and by_item can only be used inside each")
            return
        field_name = expr.get("item", expr.get("by_item"))
        fields = self.item_schema.get("properties", {})
        if field_name == ".":
            if "properties" in self.item_schema or "by_item" in expr:
                self.add(path, "item_field", "項目が対象のときは item: \".\" ではなく欄の名前を書きます",
                         "the items are objects: name a field, not '.'")
            return
        if field_name not in fields:
            self.add(path, "item_field", f"一覧の項目に欄「{field_name}」はありません（ある欄: {sorted(fields)}）",
                     f"the list's items have no field '{field_name}' (fields: {sorted(fields)})")
            return
        if "by_item" in expr:
            enum = list(fields[field_name].get("enum", []))
            if set(expr["cases"]) != set(enum):
                self.add(path + ["cases"], "by_item_cases",
                         f"by_item は欄「{field_name}」のすべての値 {enum} を網羅してください",
                         f"by_item must have a case for each value {enum} of field '{field_name}'")
            for key, sub in expr["cases"].items():
                self.expression(sub, path + ["cases", key], known_values, known_components)

    # -- tables -----------------------------------------------------------------------------------
    def table(self, table: Mapping[str, Any], path: list[str | int]) -> None:
        by = table["by"]
        if "fact" in by and self.fact_type(by["fact"], path + ["by"]) not in (None, "integer"):
            self.add(path + ["by"], "table_by_integer", "表は整数の事実で引きます",
                     "a table is looked up by an integer")
        if "value" in by:
            self.value_ref(by["value"], path + ["by"], self.derived_ids)
        bands = table["bands"]
        minimum = self.facts.get(by.get("fact", ""), {}).get("minimum", 0)
        first = bands[0]
        if first.get("at_least") != minimum:
            self.add(path + ["bands", 0], "band_start",
                     f"最初の帯は「at_least: {minimum}」（以上）から始めてください",
                     f"the first band must start with 'at_least: {minimum}'")
        for i, (lower, upper) in enumerate(zip(bands, bands[1:], strict=False)):
            expected = {"under": "at_least", "at_most": "over"}
            end_word = next((w for w in ("under", "at_most") if w in lower), None)
            start_word = next(w for w in ("at_least", "over") if w in upper)
            if end_word is None:
                self.add(path + ["bands", i], "band_unbounded_not_last", "上限なしの帯は最後に置いてください",
                         "only the last band may have no upper limit")
                continue
            if expected[end_word] != start_word or lower[end_word] != upper[start_word]:
                ja_word = {"under": "未満", "at_most": "以下", "at_least": "以上", "over": "超"}
                self.add(path + ["bands", i + 1], "band_gap_or_overlap",
                         f"帯 {i + 1} の終わり「{lower[end_word]}{ja_word[end_word]}」の次は "
                         f"「{lower[end_word]}{ja_word[expected[end_word]]}」で始まるべきですが、"
                         f"「{upper[start_word]}{ja_word[start_word]}」です（隙間または重複）",
                         f"band {i + 1} ends '{end_word}: {lower[end_word]}', so band {i + 2} must start "
                         f"'{expected[end_word]}: {lower[end_word]}', not '{start_word}: {upper[start_word]}' "
                         "(gap or overlap)")
        if "no_upper_limit" not in bands[-1]:
            self.add(path + ["bands", len(bands) - 1], "band_open_top",
                     "最後の帯は no_upper_limit: true にしてください（表の外に出る値をなくすため）",
                     "the last band must be 'no_upper_limit: true' so every value falls in a band")

    # -- the whole document -----------------------------------------------------------------------
    def run(self) -> list[Problem]:
        doc = self.doc
        for section in ("assumptions", "derived", "clauses", "tables", "results"):
            self.unique(section, [item["id"] for item in doc.get(section, [])])
        if doc.get("tiers"):
            self.unique("tiers", [o["id"] for o in doc["tiers"]["options"]])
        self.unique("amount", self.components)
        for i, item in enumerate(doc.get("derived", [])):
            self.expression(item["value"], ["derived", i, "value"], self.derived_ids[:i], [])
        for i, clause in enumerate(doc.get("clauses", [])):
            self.condition(clause["when"], ["clauses", i, "when"])
        self.clause_cycles()
        for i, option in enumerate(doc.get("tiers", {}).get("options", [])):
            self.condition(option["when"], ["tiers", "options", i, "when"])
        self.condition(doc["eligibility"]["when"], ["eligibility", "when"])
        for i, table in enumerate(doc.get("tables", [])):
            self.table(table, ["tables", i])
        amount = doc.get("amount")
        if amount:
            for i, comp in enumerate(amount["components"]):
                if "when" in comp:
                    self.condition(comp["when"], ["amount", "components", i, "when"])
                self.expression(comp["value"], ["amount", "components", i, "value"], self.derived_ids,
                                self.components[:i])
            if "cap" in amount:
                self.expression(amount["cap"]["value"], ["amount", "cap", "value"], self.derived_ids, self.components)
            if "basis" in amount:
                self.expression(amount["basis"], ["amount", "basis"], self.derived_ids, self.components)
        for i, question in enumerate(doc.get("open_questions", [])):
            if "when" in question:
                self.condition(question["when"], ["open_questions", i, "when"])
        self.unique("open_questions", [q["id"] for q in doc.get("open_questions", [])])
        for i, result in enumerate(doc.get("results", [])):
            self.expression(result["value"], ["results", i, "value"], self.derived_ids, self.components)
        return self.problems

    def unique(self, section: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                self.add([section, i], "duplicate_id", f"id「{ident}」が {section} の中で重複しています",
                         f"id '{ident}' is used twice in {section}")
            seen.add(ident)


def _clause_refs(cond: Mapping[str, Any]) -> list[str]:
    if "clause" in cond:
        return [cond["clause"]]
    subs = cond.get("all") or cond.get("any") or cond.get("count_of") or ([cond["not"]] if "not" in cond else [])
    return [ref for sub in subs for ref in _clause_refs(sub)]


def check_document(doc: Mapping[str, Any], facts_schema: Mapping[str, Any], locate: Locate) -> list[Problem]:
    """Return every semantic problem of a schema-valid rule document."""
    return _Checker(doc, facts_schema, locate).run()
