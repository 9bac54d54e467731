"""Two rule versions compared in words, for policy owners: 「基準額① 1～5万人未満: 4,500千円 → 5,000千円」.

Shared by ``hojo diff``, ``GET /v1/programs/{id}/diff`` and the workbench. Also the readable forms
of a band's interval (both ends in the legal words 以上・超・未満・以下) and of a condition, which the
workbench shows next to each clause.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["band_words", "condition_words", "diff_documents", "unit_amount"]

#: the legal comparison words of the rule format (rules/README.md §3)
LEGAL = {"at_least": ("以上", "at least"), "over": ("超", "over"), "under": ("未満", "under"),
         "at_most": ("以下", "at most"), "equals": ("等しい", "equal to")}
_UNIT_YEN = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000, "億円": 100_000_000}


def unit_amount(amount: int, unit: str) -> str:
    """``4,500千円`` (the table's own unit, as the 交付要綱 prints it)."""
    return f"{amount:,}{unit}"


def unit_yen(amount: int, unit: str) -> int:
    return amount * _UNIT_YEN.get(unit, 1)


def band_ends(band: Mapping[str, Any]) -> tuple[tuple[str, int], tuple[str, int | None]]:
    """Return ((lower word, value), (upper word, value or None)) of a band."""
    lower = ("at_least", band["at_least"]) if "at_least" in band else ("over", band["over"])
    if "under" in band:
        return lower, ("under", band["under"])
    if "at_most" in band:
        return lower, ("at_most", band["at_most"])
    return lower, ("no_upper_limit", None)


def end_words(word: str, value: int | None, lang: str) -> str:
    if word == "no_upper_limit":
        return "上限なし" if lang == "ja" else "no upper limit"
    ja, en = LEGAL[word]
    return f"{value:,}{ja}" if lang == "ja" else f"{en} {value:,} ({ja})"


def band_words(band: Mapping[str, Any], lang: str = "ja") -> str:
    """``10,000以上 50,000未満`` / ``at least 10,000 (以上), under 50,000 (未満)``."""
    (lw, lv), (uw, uv) = band_ends(band)
    sep = " " if lang == "ja" else ", "
    return f"{end_words(lw, lv, lang)}{sep}{end_words(uw, uv, lang)}"


def _band_name(band: Mapping[str, Any], lang: str) -> str:
    label = band.get("label_ja")
    return f"{label}（{band_words(band, 'ja')}）" if label and lang == "ja" else (
        f"{label} ({band_words(band, 'en')})" if label else band_words(band, lang))


# -- conditions in words ------------------------------------------------------------------------------
def _operand(value: Any, lang: str) -> str:
    if isinstance(value, Mapping) and "value" in value:
        return f"〔{value['value']}〕" if lang == "ja" else f"[{value['value']}]"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else json.dumps(
        value, ensure_ascii=False)


def condition_words(when: Any, lang: str = "ja") -> str:
    """A condition of the rule format in words: ``insured_count が 10,000 未満``, ``(A かつ B)``."""
    if not isinstance(when, Mapping):
        return json.dumps(when, ensure_ascii=False)
    ja = lang == "ja"
    if "all" in when or "any" in when:
        key = "all" if "all" in when else "any"
        joiner = {"all": (" かつ ", " and "), "any": (" または ", " or ")}[key][0 if ja else 1]
        parts = [condition_words(c, lang) for c in when[key]]
        return parts[0] if len(parts) == 1 else "（" * ja + "(" * (not ja) + joiner.join(parts) + "）" * ja + \
            ")" * (not ja)
    if "not" in when:
        inner = condition_words(when["not"], lang)
        return f"「{inner}」でない" if ja else f"not ({inner})"
    if "clause" in when:
        return f"〔要件 {when['clause']}〕" if ja else f"[clause {when['clause']}]"
    if "count_of" in when:
        parts = [condition_words(c, lang) for c in when["count_of"]]
        word = "at_least" if "at_least" in when else "at_most"
        n = when[word]
        return (f"次のうち{n}つ{LEGAL[word][0]}：" + "、".join(parts)) if ja else (
            f"{LEGAL[word][1]} {n} of: " + "; ".join(parts))
    fact = when.get("fact", "?")
    if "is" in when:
        value = when["is"]
        return f"{fact} が{'はい' if value else 'いいえ'}" if ja else f"{fact} is {str(value).lower()}"
    if "contains" in when:
        item = json.dumps(when["contains"], ensure_ascii=False)
        return f"{fact} に {item} を含む" if ja else f"{fact} contains {item}"
    if "present" in when:
        if ja:
            return f"{fact} が示されている" if when["present"] else f"{fact} が示されていない"
        return f"{fact} is given" if when["present"] else f"{fact} is not given"
    if "one_of" in when:
        values = [str(v) for v in when["one_of"]]
        return f"{fact} が {'・'.join(values)} のいずれか" if ja else f"{fact} is one of {', '.join(values)}"
    for word, (word_ja, word_en) in LEGAL.items():
        if word in when:
            operand = _operand(when[word], lang)
            return f"{fact} が {operand}{word_ja}" if ja else f"{fact} {word_en} {operand} ({word_ja})"
    return json.dumps(when, ensure_ascii=False)


# -- the diff ------------------------------------------------------------------------------------------
def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cites(cites: Any) -> str:
    if not isinstance(cites, Mapping):
        return "—"
    line = f"L{cites.get('line')}" + (f"–L{cites['to_line']}" if "to_line" in cites else "")
    return f"{cites.get('document')} {line}"


class _Diff:
    def __init__(self) -> None:
        self.changes: list[dict[str, str]] = []

    def add(self, kind: str, path: str, ja: str, en: str) -> None:
        self.changes.append({"kind": kind, "path": path, "ja": ja, "en": en})

    def value(self, path: str, label: tuple[str, str], old: Any, new: Any, kind: str = "changed",
              words: Any = None) -> None:
        if old == new:
            return
        show = words or (lambda v, _lang: "—" if v is None else _short(v))
        self.add(kind, path, f"{label[0]}: {show(old, 'ja')} → {show(new, 'ja')}",
                 f"{label[1]}: {show(old, 'en')} → {show(new, 'en')}")

    def items(self, path: str, label: tuple[str, str], old: list[Any], new: list[Any],
              fields: list[tuple[str, tuple[str, str], Any]], title: Any = None) -> None:
        """Compare two lists of ``{id: …}`` items: added, removed, and each listed field changed."""
        before = {item["id"]: item for item in old if isinstance(item, Mapping) and "id" in item}
        after = {item["id"]: item for item in new if isinstance(item, Mapping) and "id" in item}
        for key in [k for k in before if k not in after]:
            self.add("removed", f"{path}.{key}", f"{label[0]}「{key}」を削除", f"{label[1]} '{key}' removed")
        for key in [k for k in after if k not in before]:
            extra = f"：{title(after[key], 'ja')}" if title else ""
            extra_en = f": {title(after[key], 'en')}" if title else ""
            self.add("added", f"{path}.{key}", f"{label[0]}「{key}」を追加{extra}",
                     f"{label[1]} '{key}' added{extra_en}")
        for key in [k for k in before if k in after]:
            for field, field_label, words in fields:
                self.value(f"{path}.{key}.{field}", (f"{label[0]}「{key}」の{field_label[0]}",
                                                     f"{label[1]} '{key}' {field_label[1]}"),
                           before[key].get(field), after[key].get(field), words=words)


def _when_ids(value: Any, lang: str) -> str:
    return "—" if value is None else condition_words(value, lang)


def _text(value: Any, lang: str) -> str:
    if isinstance(value, Mapping) and ("ja" in value or "en" in value):
        return str(value.get(lang) or value.get("ja"))
    return "—" if value is None else _short(value)


def _cite_words(value: Any, _lang: str) -> str:
    return _cites(value)


_REASON = ("理由", "reason")
_COND = ("条件", "condition")
_SOURCE = ("出典", "source")


def _tables(d: _Diff, old: list[Any], new: list[Any]) -> None:
    before = {t["id"]: t for t in old}
    after = {t["id"]: t for t in new}
    for key in [k for k in before if k not in after]:
        d.add("removed", f"tables.{key}", f"基準額表「{before[key]['name_ja']}」を削除",
              f"table '{before[key]['name_en']}' removed")
    for key in [k for k in after if k not in before]:
        d.add("added", f"tables.{key}", f"基準額表「{after[key]['name_ja']}」を追加",
              f"table '{after[key]['name_en']}' added")
    for key in [k for k in before if k in after]:
        a, b = before[key], after[key]
        name_ja, name_en = b["name_ja"], b["name_en"]
        d.value(f"tables.{key}.unit", (f"{name_ja} の単位", f"{name_en} unit"), a["unit"], b["unit"])
        d.value(f"tables.{key}.by", (f"{name_ja} の区分の基準", f"{name_en} banded by"), a["by"], b["by"])
        d.value(f"tables.{key}.cites", (f"{name_ja} の{_SOURCE[0]}", f"{name_en} {_SOURCE[1]}"), a["cites"],
                b["cites"], words=_cite_words)
        old_bands = {band_ends(band): band for band in a["bands"]}
        new_bands = {band_ends(band): band for band in b["bands"]}
        same_shape = len(a["bands"]) == len(b["bands"])
        for i, band in enumerate(b["bands"]):
            ends = band_ends(band)
            prev = old_bands.get(ends) or (a["bands"][i] if same_shape else None)
            if prev is None:
                d.add("added", f"tables.{key}.bands[{i}]",
                      f"{name_ja} に区分 {_band_name(band, 'ja')}: {unit_amount(band['amount'], b['unit'])} を追加",
                      f"{name_en}: band {_band_name(band, 'en')} at {unit_amount(band['amount'], b['unit'])} added")
                continue
            if band_ends(prev) != ends:
                d.add("changed", f"tables.{key}.bands[{i}]",
                      f"{name_ja} の区分の境界: {band_words(prev, 'ja')} → {band_words(band, 'ja')}",
                      f"{name_en} band limits: {band_words(prev, 'en')} → {band_words(band, 'en')}")
            if prev["amount"] != band["amount"] or a["unit"] != b["unit"]:
                d.add("changed", f"tables.{key}.bands[{i}].amount",
                      f"{name_ja} {band.get('label_ja') or band_words(band, 'ja')}: "
                      f"{unit_amount(prev['amount'], a['unit'])} → {unit_amount(band['amount'], b['unit'])}",
                      f"{name_en} for {band.get('label_ja') or band_words(band, 'en')}: "
                      f"{unit_amount(prev['amount'], a['unit'])} → {unit_amount(band['amount'], b['unit'])} "
                      f"({unit_yen(prev['amount'], a['unit']):,} → {unit_yen(band['amount'], b['unit']):,} yen)")
            if prev.get("label_ja") != band.get("label_ja"):
                d.value(f"tables.{key}.bands[{i}].label_ja", (f"{name_ja} の区分名", f"{name_en} band label"),
                        prev.get("label_ja"), band.get("label_ja"))
        if not same_shape:
            for ends, band in old_bands.items():
                if ends not in new_bands:
                    d.add("removed", f"tables.{key}.bands",
                          f"{name_ja} の区分 {_band_name(band, 'ja')}: {unit_amount(band['amount'], a['unit'])} を削除",
                          f"{name_en}: band {_band_name(band, 'en')} removed")


def _amount(d: _Diff, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None,
            when: Callable[[Any, str], str] = _when_ids) -> None:
    if old is None or new is None:
        d.value("amount", ("金額の定め", "amount"), old, new)
        return
    d.value("amount.rate", ("補助率", "rate"), old.get("rate"), new.get("rate"))
    d.value("amount.rate_cites", ("補助率の出典", "rate source"), old.get("rate_cites"), new.get("rate_cites"),
            words=_cite_words)
    d.value("amount.rounding", ("端数処理", "rounding"), old.get("rounding"), new.get("rounding"))
    d.value("amount.basis", ("対象経費（基礎）", "basis"), old.get("basis"), new.get("basis"))
    old_cap, new_cap = old.get("cap") or {}, new.get("cap") or {}
    d.value("amount.cap.value", ("補助上限額の式", "ceiling formula"), old_cap.get("value"), new_cap.get("value"))
    d.value("amount.cap.reason", ("補助上限額の理由", "ceiling reason"), old_cap.get("reason"), new_cap.get("reason"),
            words=_text)
    d.items("amount.components", ("内訳", "component"), old.get("components", []), new.get("components", []),
            [("value", ("式", "formula"), None), ("when", _COND, when), ("reason", _REASON, _text),
             ("cites", _SOURCE, _cite_words)], title=lambda c, lang: c.get(f"name_{lang}", ""))


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any],
                   condition_ja: Callable[[Any], str] | None = None) -> list[dict[str, str]]:
    """Every difference between two rule documents, each ``{kind, path, ja, en}``, in reading order.

    ``condition_ja``: how the Japanese text names a condition (the workbench's words from the facts schema's
    titles); by default the ids, as a rule writer greps for them (the CLI).
    """
    def _when(value: Any, lang: str) -> str:
        if value is not None and lang == "ja" and condition_ja is not None:
            return condition_ja(value)
        return _when_ids(value, lang)

    d = _Diff()
    d.value("version", ("版", "version"), old.get("version"), new.get("version"))
    d.value("status", ("状態", "status"), old.get("status"), new.get("status"))
    d.value("name_ja", ("名称", "name (ja)"), old.get("name_ja"), new.get("name_ja"))
    d.value("name_en", ("英語名", "name (en)"), old.get("name_en"), new.get("name_en"))

    def window(value: Any, lang: str) -> str:
        if not isinstance(value, Mapping):
            return "—"
        a, b = value["from_fiscal_year"], value["to_fiscal_year"]
        return (f"{a}年度" if a == b else f"{a}～{b}年度") if lang == "ja" else (
            f"FY{a}" if a == b else f"FY{a}-{b}")

    d.value("effective", ("適用年度", "effective"), old.get("effective"), new.get("effective"), words=window)
    d.value("facts_schema", ("事実のスキーマ", "facts schema"), old.get("facts_schema"), new.get("facts_schema"))
    d.value("source", ("出典の範囲", "source"), old.get("source"), new.get("source"))
    d.value("supersedes", ("置き換える版", "supersedes"), old.get("supersedes"), new.get("supersedes"))
    d.value("change_reason", ("変更の理由", "change reason"), old.get("change_reason"), new.get("change_reason"),
            words=_text)
    _tables(d, list(old.get("tables", [])), list(new.get("tables", [])))
    _amount(d, old.get("amount"), new.get("amount"), _when)
    d.items("clauses", ("要件", "clause"), old.get("clauses", []), new.get("clauses", []),
            [("when", _COND, _when), ("reason", _REASON, _text), ("cites", _SOURCE, _cite_words)],
            title=lambda c, lang: _text(c.get("reason"), lang))
    old_elig, new_elig = old.get("eligibility") or {}, new.get("eligibility") or {}
    d.value("eligibility.when", ("交付対象の条件", "eligibility condition"), old_elig.get("when"),
            new_elig.get("when"), words=_when)
    d.value("eligibility.reason", ("交付対象の理由", "eligibility reason"), old_elig.get("reason"),
            new_elig.get("reason"), words=_text)
    old_tiers, new_tiers = old.get("tiers") or {}, new.get("tiers") or {}
    d.items("tiers.options", ("区分", "tier option"), old_tiers.get("options", []), new_tiers.get("options", []),
            [("value", ("値", "value"), None), ("when", _COND, _when), ("reason", _REASON, _text)])
    d.items("derived", ("派生値", "derived value"), old.get("derived", []), new.get("derived", []),
            [("value", ("式", "formula"), None), ("rounding", ("端数処理", "rounding"), None),
             ("reason", _REASON, _text)])
    d.items("assumptions", ("読み方の前提", "assumption"), old.get("assumptions", []), new.get("assumptions", []),
            [("ja", ("本文", "text (ja)"), None), ("en", ("英文", "text (en)"), None),
             ("cites", _SOURCE, _cite_words)], title=lambda a, lang: str(a.get(lang, "")))
    d.items("open_questions", ("未確定の点", "open question"), old.get("open_questions", []),
            new.get("open_questions", []),
            [("ja", ("本文", "text (ja)"), None), ("missing", ("資料にないもの", "missing"), None),
             ("when", _COND, _when)], title=lambda q, lang: str(q.get(lang, "")))
    d.value("results", ("結果の値", "results"), old.get("results"), new.get("results"))
    return d.changes
