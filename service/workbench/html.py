"""Small HTML helpers for the workbench: escaping, the page frame, tables, both languages.

No template engine: every value goes through :func:`esc` (``html.escape``) and the frame is a
``string.Template``. Pages are Japanese by default and English with ``?lang=en``; each label is written
in both, side by side, with :func:`tr`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from string import Template
from urllib.parse import urlencode

__all__ = ["esc", "fiscal_year_words", "lang_of", "link", "page", "table", "tr"]


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def tr(lang: str, ja: str, en: str) -> str:
    """The label in the page's language (both are always written next to each other in the code)."""
    return en if lang == "en" else ja


def lang_of(value: str | None) -> str:
    return "en" if value == "en" else "ja"


def link(path: str, lang: str, **params: object) -> str:
    """A workbench URL keeping the language (``?lang=en``) and the given query parameters."""
    query = {k: v for k, v in params.items() if v is not None}
    if lang == "en":
        query["lang"] = "en"
    return f"{path}?{urlencode(query)}" if query else path


def table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table whose cells are already HTML (escape values with :func:`esc` first)."""
    out = [f'<table class="{esc(cls)}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "".join(out)


_CSS = """
:root { --ink:#1d2a36; --muted:#5b6b7a; --line:#d7dee5; --accent:#1f5fa8; --ok:#1f7a3a; --ng:#b42318; --warn:#a15c00;
        --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font-family: "IPAPGothic","IPAGothic","Noto Sans CJK JP","Hiragino Sans","Yu Gothic",sans-serif;
       color:var(--ink); background:var(--bg); line-height:1.55; font-size:15px; overflow-wrap:anywhere; }
header { background:#17324d; color:#fff; padding:10px 24px; display:flex; gap:20px; align-items:center;
  flex-wrap:wrap; }
header a { color:#fff; text-decoration:none; } header nav { display:flex; gap:16px; flex-wrap:wrap; }
header .brand { font-weight:bold; font-size:18px; }
header .spacer { flex:1; }
header .who { font-size:13px; opacity:.9; }
main { max-width:1180px; margin:0 auto; padding:18px 24px 48px; }
h1 { font-size:22px; margin:8px 0 4px; } h2 { font-size:18px; margin:26px 0 8px; border-bottom:2px solid var(--line);
  padding-bottom:4px; } h3 { font-size:16px; margin:18px 0 6px; }
a { color:var(--accent); }
table { border-collapse:collapse; width:100%; background:#fff; margin:6px 0 14px; font-size:14px; }
th, td { border:1px solid var(--line); padding:5px 8px; text-align:left; vertical-align:top; }
th { background:#eef2f6; font-weight:600; }
td.num, th.num { text-align:right; white-space:nowrap; font-variant-numeric: tabular-nums; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; color:#fff;
  background:var(--muted); white-space:nowrap; }
table.reasons td:first-child, table.programs td:nth-child(3) { white-space:nowrap; }
.badge.decide, .badge.met, .badge.applied, .badge.ok, .badge.published { background:var(--ok); }
.badge.partly, .badge.undetermined, .badge.draft { background:var(--warn); }
.badge.reference, .badge.allocation { background:#5a4fa3; }
.badge.not_met, .badge.ng { background:var(--ng); }
.quote { color:var(--muted); font-size:13px; }
.quote q { color:#324b63; }
.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; margin:10px 0; }
.result { font-size:17px; }
.result .amount { font-size:26px; font-weight:bold; }
.error { background:#fdecea; border:1px solid #f3b8b2; color:#7a1a12; padding:10px 14px; border-radius:6px;
  margin:10px 0; }
.tampered { background:#7a1a12; color:#fff; padding:10px 14px; border-radius:6px; margin:10px 0; font-weight:bold; }
.notice { background:#eaf4ea; border:1px solid #b5dbb8; padding:10px 14px; border-radius:6px; margin:10px 0; }
form.facts label { display:block; margin:8px 0 2px; font-weight:600; }
form.facts .hint { font-weight:normal; color:var(--muted); font-size:12px; }
input[type=number], input[type=text], input[type=password], input[type=search], select { padding:5px 7px;
  font-size:14px; min-width:240px;
  border:1px solid #b8c3cd; border-radius:4px; }
textarea { font-family: "IPAGothic", monospace; font-size:13px; line-height:18px; }
button { padding:7px 16px; margin:4px 6px 4px 0; font-size:14px; border-radius:4px; border:1px solid #1f5fa8;
  background:#1f5fa8; color:#fff; cursor:pointer; }
button.secondary { background:#fff; color:#1f5fa8; }
button.danger { background:#8a1c12; border-color:#8a1c12; }
.editor { display:flex; border:1px solid #b8c3cd; background:#fff; height:560px; }
.editor pre.gutter { margin:0; padding:4px 6px; background:#eef2f6; color:#4a5866; text-align:right; overflow:hidden;
  font-family:"IPAGothic", monospace; font-size:13px; line-height:18px; min-width:56px; user-select:none; }
.editor pre.gutter b { color:var(--ng); }
.editor textarea { flex:1; border:0; padding:4px 8px; resize:none; white-space:pre; overflow:auto; outline:none; }
.problems li { margin:3px 0; }
.scenario { background:#fff; border:1px solid var(--line); border-left:4px solid var(--accent); padding:8px 14px;
  margin:8px 0; border-radius:4px; }
.scenario .kw { font-weight:bold; color:#1f5fa8; margin-right:6px; }
.scenario ol { margin:4px 0; padding-left:20px; list-style:none; }
.scenario table { width:auto; }
.gherkin-comment { color:var(--muted); font-size:13px; white-space:pre-wrap; }
.tabs a { margin-right:10px; } .tabs a.current { font-weight:bold; text-decoration:none; color:var(--ink); }
.delta.plus { color:var(--ok); font-weight:bold; } .delta.minus { color:var(--ng); font-weight:bold; }
ul.changes li { margin:4px 0; }
small.mono, code { font-family: monospace; font-size:12px; }
small.mono { color:var(--muted); overflow-wrap:anywhere; }
.figures { display:grid; grid-template-columns:repeat(auto-fill, minmax(170px, 1fr)); gap:8px; margin:8px 0; }
.figures.money { grid-template-columns:repeat(auto-fill, minmax(230px, 1fr)); }
.figure { border:1px solid var(--line); border-radius:6px; padding:6px 10px; background:#fbfcfd; }
.figure .label { display:block; font-size:12px; color:var(--muted); }
.figure .value { font-size:20px; font-weight:bold; }
.charts h4 { margin:12px 0 2px; font-size:14px; }
svg.chart { max-width:760px; display:block; }
.scroll { max-width:100%; overflow-x:auto; }
button.sort { background:none; border:0; color:var(--ink); padding:0; margin:0; font-weight:600;
  text-decoration:underline; }
button:disabled { opacity:1; background:#e4e8ec; border-color:#b8c3cd; color:#3d4a57; cursor:not-allowed; }
.editor-label { display:block; font-weight:600; margin:8px 0 2px; }
progress { vertical-align:middle; }
select, input, textarea { max-width:100%; }
.two-columns { display:flex; gap:24px; flex-wrap:wrap; } .two-columns > div { flex:1 1 340px; min-width:0; }
label.inline, form.facts label.inline { display:inline; font-weight:normal; margin:0; }
fieldset.fact { border:0; padding:0; margin:8px 0; } fieldset.fact legend { font-weight:600; padding:0; }
.choice { display:inline-block; margin:2px 12px 2px 0; white-space:nowrap; }
.field-error { display:block; color:var(--ng); font-weight:600; font-size:13px; }
[aria-invalid=true] { border-color:var(--ng); outline:2px solid var(--ng); }
input.money { min-width:200px; text-align:right; }
nav.contents { position:sticky; top:0; background:var(--bg); padding:6px 0; border-bottom:1px solid var(--line);
  display:flex; flex-wrap:wrap; gap:4px 14px; font-size:14px; z-index:1; }
.changed-amount { font-weight:bold; }
form.filters label { font-weight:600; margin-right:4px; } form.filters select, form.filters input { min-width:0; }
table.source-text td { padding:1px 8px; border-width:0 0 1px 0; }
table.source-text tr { scroll-margin-top:160px; }
table.source-text td.text { white-space:pre-wrap; font-size:14px; }
table.source-text td.by { font-size:12px; width:30%; }
table.source-text tr.cited td.text { background:#e6f2e8; }
table.source-text tr.marked td { background:#fff1b8; }
table.source-text tr:target td { background:#ffe07a; }
table.source-text tr.marked td, table.source-text tr.marked small.mono, table.source-text tr.marked a { color:#1d2a36; }
a.lineno { color:var(--muted); text-decoration:none; }
td, th { overflow-wrap:anywhere; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; }
@media (max-width: 700px) {
  main { padding:10px 10px 40px; }
  header { padding:8px 10px; gap:10px; }
  table { display:block; overflow-x:auto; }
  input[type=number], input[type=text], input[type=password], input[type=search], select { min-width:0;
    width:100%; }
  .editor { height:420px; }
  input.money { width:calc(100% - 2em); }
  .editor textarea { min-width:0; }
}
"""

_FRAME = Template("""<!doctype html>
<html lang="$lang"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title — hojo</title><style>$css</style></head>
<body><header><a class="brand" href="$home">hojo 補助 · $bench</a>
<nav aria-label="$menu"><a href="$home">$programs</a> <a href="$cases_href">$cases</a>
<a href="$sources_href">$sources</a></nav><span class="spacer"></span><span class="who">$who</span>
<a class="lang" href="$toggle">$toggle_label</a></header>
<main>$body</main></body></html>""")


def page(lang: str, title: str, body: str, who: str, toggle: str) -> str:
    """The whole page: header (home, who is logged in, the language toggle) and ``body`` (HTML)."""
    return _FRAME.substitute(
        lang=lang, title=esc(title), css=_CSS, home=esc(link("/workbench", lang)),
        bench=tr(lang, "政策担当ワークベンチ", "policy owners' workbench"),
        programs=tr(lang, "制度の一覧", "Programs"), cases_href=esc(link("/workbench/cases", lang)),
        cases=tr(lang, "案件", "Cases"), sources_href=esc(link("/workbench/sources", lang)),
        sources=tr(lang, "出典の資料", "Sources"), menu=tr(lang, "メニュー", "menu"), who=who, toggle=esc(toggle),
        toggle_label="English" if lang == "ja" else "日本語", body=body)


def fiscal_year_words(year: int, lang: str) -> str:
    """令和8年度（2026年度） in Japanese (the era year people use, the western year beside it); FY2026 in English."""
    if lang == "en":
        return f"FY{year}"
    era, start = ("令和", 2018) if year >= 2019 else ("平成", 1988)
    number = year - start
    return f"{era}{'元' if number == 1 else number}年度（{year}年度）"
