"""The program list for people: by Japanese name, grouped by insurance scheme, searchable and filterable.

A plain GET form (``q``, ``scheme``, ``status``, ``fy``): no script. The scheme is read from the program's
Japanese name (国保・国民健康保険 → 国保, 後期 → 後期, 健保・健康保険組合・被用者保険 → 被用者保険,
else その他), so a new program falls into its group with no code. Years read 令和6年度（2024年度）.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .html import esc, fiscal_year_words, link, table, tr

__all__ = ["SCHEMES", "programs_html", "scheme_of"]

#: the groups of the list, in order: key, Japanese, English
SCHEMES = (("kokuho", "国保", "National Health Insurance (国保)"),
           ("kouki", "後期", "Late-stage elderly (後期)"),
           ("employees", "被用者保険", "Employees' insurance (被用者保険)"),
           ("other", "その他", "Other"))
_SCHEME_WORDS = (("kokuho", ("国保", "国民健康保険")), ("kouki", ("後期",)),
                 ("employees", ("被用者保険", "健康保険組合", "健保", "協会けんぽ")))
_STATUS = {"decide": ("判定可", "decide"), "partly": ("一部判定", "partly"), "reference": ("参照のみ", "reference"),
           "allocation": ("配分", "allocation")}
_LEADING_YEAR = re.compile(r"^(令和|平成)[0-9０-９元・]+年度\s*")


def scheme_of(name_ja: str) -> str:
    for key, words in _SCHEME_WORDS:
        if any(word in name_ja for word in words):
            return key
    return "other"


def _sort_key(entry: Mapping[str, Any]) -> str:
    return _LEADING_YEAR.sub("", str(entry["name_ja"]))


def _matches(entry: Mapping[str, Any], q: str, status: str, fy: int | None) -> bool:
    text = f"{entry['name_ja']} {entry['name_en']} {entry['program']}".lower()
    return ((not q or all(word in text for word in q.lower().split()))
            and (not status or entry["status"] == status)
            and (fy is None or fy in entry.get("fiscal_years", [])))


def _select(name: str, label: str, options: Sequence[tuple[str, str]], chosen: str) -> str:
    return (f'<label for="filter-{name}">{esc(label)}</label> <select name="{name}" id="filter-{name}">'
            + "".join(f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(t)}</option>'
                      for v, t in options) + "</select>")


def programs_html(entries: Sequence[Mapping[str, Any]], params: Mapping[str, str], lang: str) -> str:
    """The list page's body: the filter form, then one table a scheme."""
    q = params.get("q", "").strip()[:100]
    status = params.get("status", "") if params.get("status", "") in _STATUS else ""
    scheme = params.get("scheme", "") if params.get("scheme", "") in {k for k, _, _ in SCHEMES} else ""
    fy_text = params.get("fy", "")
    fy = int(fy_text) if fy_text.isdigit() and len(fy_text) == 4 else None
    years = sorted({y for e in entries for y in e.get("fiscal_years", [])})
    every = tr(lang, "すべて", "all")
    form = ('<form method="get" class="card filters" role="search" action="/workbench">'
            + ('<input type="hidden" name="lang" value="en">' if lang == "en" else "")
            + f'<label for="filter-q">{tr(lang, "名称で探す", "Search by name")}</label> '
            f'<input type="search" name="q" id="filter-q" value="{esc(q)}"> '
            + _select("scheme", tr(lang, "保険の種類", "scheme"),
                      [("", every)] + [(k, tr(lang, ja, en)) for k, ja, en in SCHEMES], scheme) + " "
            + _select("status", tr(lang, "状態", "status"),
                      [("", every)] + [(k, tr(lang, ja, en)) for k, (ja, en) in _STATUS.items()], status) + " "
            + _select("fy", tr(lang, "年度", "fiscal year"),
                      [("", every)] + [(str(y), fiscal_year_words(y, lang)) for y in years], str(fy or ""))
            + f' <button type="submit">{tr(lang, "絞り込む", "filter")}</button></form>')
    shown = sorted((e for e in entries if _matches(e, q, status, fy)), key=_sort_key)
    out = [form, f'<p id="program-count">{tr(lang, f"{len(shown)} 件の制度", f"{len(shown)} programs")}</p>']
    head = [tr(lang, "名称", "name"), tr(lang, "状態", "status"), tr(lang, "年度", "fiscal years"),
            tr(lang, "出典", "source")]
    for key, ja, en in SCHEMES:
        if scheme and key != scheme:
            continue
        group = [e for e in shown if scheme_of(str(e["name_ja"])) == key]
        if not group:
            continue
        rows = []
        for entry in group:
            source = entry.get("source", {})
            first = str(source.get("lines", "")).split("-")[0]
            name = entry["name_ja"] if lang == "ja" else entry["name_en"]
            where = (link(f"/workbench/sources/{source.get('document')}", lang, line=first) + f"#L{first}"
                     if first.isdigit() else link("/workbench/sources", lang))
            words = _STATUS.get(entry["status"], (entry["status"], entry["status"]))
            rows.append([
                f'<a href="{esc(link("/workbench/programs/" + entry["program"], lang))}">{esc(name)}</a> '
                f'<small class="mono">{esc(entry["program"])}</small>',
                f'<span class="badge {esc(entry["status"])}">{esc(words[0] if lang == "ja" else words[1])}</span>',
                "<br>".join(esc(fiscal_year_words(y, lang)) for y in entry.get("fiscal_years", [])) or "—",
                f'<a href="{esc(where)}">{esc(source.get("document", ""))} L{esc(source.get("lines", ""))}</a>'])
        out.append(f'<h2 id="scheme-{key}">{tr(lang, ja, en)}（{len(group)}）</h2>'
                   + table(head, rows, f"programs scheme-{key}"))
    return "".join(out)
