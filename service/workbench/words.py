"""Conditions, rounding and statuses in Japanese words, from the facts schema's titles and the rule file.

``rulediff.condition_words`` names facts by their ids (it is shared with the diff and the CLI, where an id is
what a rule writer greps for). A policy owner reads the Japanese view: a fact is its schema ``title``, a
boolean fact its ``description`` when that is a Japanese statement (「データヘルス計画を策定している」), an
item of a list its enum label (「①国保一般事業」), a clause its reason, a derived value its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..authoring.rulediff import LEGAL
from .forms import enum_labels, is_japanese

__all__ = ["Vocabulary", "condition_ja", "is_japanese", "names_ja", "rounding_words", "version_status_words"]

@dataclass(frozen=True)
class Vocabulary:
    """The Japanese names of one rule version's facts, clauses and derived values."""

    titles: Mapping[str, str] = field(default_factory=dict)
    statements: Mapping[str, str] = field(default_factory=dict)  # boolean fact → 「…している」
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # list/enum fact → value → label
    clauses: Mapping[str, str] = field(default_factory=dict)
    derived: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: Mapping[str, Any], document: Mapping[str, Any]) -> Vocabulary:
        props: Mapping[str, Mapping[str, Any]] = schema.get("properties", {})
        titles = {name: str(p.get("title") or name) for name, p in props.items()}
        statements = {name: str(p.get("x-description-ja") or p["description"]).strip().rstrip(".。")
                      for name, p in props.items() if p.get("type") == "boolean"
                      and is_japanese(str(p.get("x-description-ja") or p.get("description", "")))}
        labels = {}
        for name, p in props.items():
            items = p.get("items", p) if isinstance(p.get("items", p), Mapping) else {}
            if "enum" in items:
                labels[name] = enum_labels(items, str(p.get("description", "")))
        clauses = {c["id"]: str(c["reason"]["ja"]) for c in document.get("clauses", [])
                   if isinstance(c.get("reason"), Mapping)}
        derived = {d["id"]: str(d.get("name_ja", d["id"])) for d in document.get("derived", [])}
        return cls(titles, statements, labels, clauses, derived)

    def title(self, fact: str) -> str:
        return self.titles.get(fact, fact)

    def label(self, fact: str, value: Any) -> str:
        return self.labels.get(fact, {}).get(str(value), str(value))


def _operand(value: Any, words: Vocabulary) -> str:
    if isinstance(value, Mapping) and "value" in value:
        return f"「{words.derived.get(value['value'], value['value'])}」"
    if isinstance(value, Mapping) and "fact" in value:
        return f"「{words.title(value['fact'])}」"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _same_fact_contains(parts: list[Any]) -> str | None:
    facts = {p.get("fact") for p in parts if isinstance(p, Mapping) and set(p) == {"fact", "contains"}}
    return facts.pop() if len(facts) == 1 and all(isinstance(p, Mapping) and "contains" in p for p in parts) else None


def condition_ja(when: Any, words: Vocabulary) -> str:
    """A condition in Japanese words: 「データヘルス計画を策定している かつ 実施する事業区分に①または②を含む」."""
    if not isinstance(when, Mapping):
        return str(when)
    if "all" in when or "any" in when:
        key = "all" if "all" in when else "any"
        parts = list(when[key])
        fact = _same_fact_contains(parts)
        if fact is not None:  # 「実施する事業区分に①国保一般事業または②生活習慣病予防対策を含む」
            joined = ("または" if key == "any" else "と").join(words.label(fact, p["contains"]) for p in parts)
            return f"{words.title(fact)}に{joined}を含む"
        texts = [condition_ja(c, words) for c in parts]
        joiner = "、かつ、" if key == "all" else "、または、"
        return texts[0] if len(texts) == 1 else "（" + joiner.join(texts) + "）"
    if "not" in when:
        return f"「{condition_ja(when['not'], words)}」に当たらない"
    if "clause" in when:
        return f"「{words.clauses.get(when['clause'], when['clause'])}」"
    if "count_of" in when:
        word = "at_least" if "at_least" in when else "at_most"
        texts = [condition_ja(c, words) for c in when["count_of"]]
        return f"次のうち{when[word]}つ{LEGAL[word][0]}：" + "、".join(texts)
    fact = str(when.get("fact", "?"))
    if "is" in when:
        statement = words.statements.get(fact)
        if statement:
            return statement if when["is"] else f"「{statement}」に当たらない"
        return f"{words.title(fact)}：{'はい' if when['is'] else 'いいえ'}"
    if "contains" in when:
        return f"{words.title(fact)}に{words.label(fact, when['contains'])}を含む"
    if "present" in when:
        return f"{words.title(fact)}が示されている" if when["present"] else f"{words.title(fact)}が示されていない"
    if "one_of" in when:
        return f"{words.title(fact)}が" + "・".join(words.label(fact, v) for v in when["one_of"]) + "のいずれか"
    for word, (word_ja, _) in LEGAL.items():
        if word in when:
            if word == "equals":
                return f"{words.title(fact)}が{_operand(when[word], words)}に等しい"
            return f"{words.title(fact)}が{_operand(when[word], words)}{word_ja}"
    return str(when)


_ROUNDING = {"floor": ("切り捨て", "rounded down"), "ceil": ("切り上げ", "rounded up"),
             "half_up": ("四捨五入", "rounded half up")}


def rounding_words(rounding: Mapping[str, Any] | None, lang: str) -> str:
    """``{mode: floor, unit_yen: 1000}`` → 「1,000円未満切り捨て」 / "rounded down to the 1,000 yen"."""
    if not rounding:
        return "端数処理の定めなし" if lang == "ja" else "no rounding stated"
    unit = int(rounding.get("unit_yen", 1))
    ja, en = _ROUNDING.get(str(rounding.get("mode")), (str(rounding.get("mode")), str(rounding.get("mode"))))
    return f"{unit:,}円未満{ja}" if lang == "ja" else f"{en} to the {unit:,} yen"


_VERSION_STATUS = {"published": ("公開済み", "published"), "draft": ("下書き", "draft"),
                   "superseded": ("訂正済み（後の版に置き換え）", "superseded")}


def version_status_words(status: str, lang: str) -> str:
    words = _VERSION_STATUS.get(status, (status, status))
    return words[0] if lang == "ja" else words[1]


def names_ja(program: str, name_ja: str, versions: Any) -> dict[str, str]:
    """Every id a feature's sentence may quote, by its Japanese name: the program, facts (schema titles),
    clauses (their reasons), tables, components, derived values, results and the readings (前提)."""
    from .forms import facts_schema_of  # the schema of each version, read as the try form reads it

    names = {program: name_ja}
    for rv in versions:
        doc = rv.document
        names.update({n: str(p.get("title") or n) for n, p in facts_schema_of(rv).get("properties", {}).items()})
        names.update({c["id"]: str(c["reason"]["ja"]) for c in doc.get("clauses", []) if "reason" in c})
        names.update({t["id"]: str(t["name_ja"]) for t in doc.get("tables", [])})
        names.update({c["id"]: str(c["name_ja"]) for c in doc.get("amount", {}).get("components", [])
                      if "name_ja" in c})
        names.update({d["id"]: str(d["name_ja"]) for d in doc.get("derived", []) if "name_ja" in d})
        if doc.get("tiers"):
            names[doc["tiers"]["result"]] = str(doc["tiers"]["name_ja"])
            names.update({o["id"]: str(o["reason"]["ja"]) for o in doc["tiers"]["options"] if "reason" in o})
        for item in (*doc.get("assumptions", []), *doc.get("open_questions", [])):
            text = str(item.get("ja", item["id"]))
            names[item["id"]] = text if len(text) <= 40 else text[:39] + "…"
    return names
