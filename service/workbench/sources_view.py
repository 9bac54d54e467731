"""The law beside the code: each source document line by line, with the clauses that cite each line.

Every ``cites`` of every rule file (clauses, tables, components, assumptions, …) names a document, a line
(and maybe ``to_line``) and a quote. Gathered here, they say which lines of a document are encoded and which
are not: the coverage of a document (cited lines / non-blank lines) and of a program (cited lines / the
non-blank lines of its ``source`` range). A citation links to ``/workbench/sources/<document>?line=N#LN``: the
page marks the paragraph around line N (the run of non-blank lines it sits in) and scrolls to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..rulebook.sources import read_registry, sources_dir
from .html import esc, link, table, tr

__all__ = ["Citation", "citations_of", "coverage_percent", "documents", "document_html", "index_html"]

#: the paragraph marked around a cited line reaches at most this far on either side
_PARAGRAPH_REACH = 8
#: lines shown around the cited one (the whole document with ``all=1``)
_WINDOW = 120


@dataclass(frozen=True)
class Citation:
    program: str
    version: str  # "v2", "reference", "allocation v1"
    where: str  # the cited item's id ("clause data_health_plan", "table reference_amount_1", …)
    document: str
    line: int
    to_line: int
    quote: str


def _walk(node: Any, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every ``cites`` under ``node``, with where it sits: ``clauses data_health_plan``, ``amount cap``, …"""
    if isinstance(node, Mapping):
        here = f"{where.split(' ')[0]} {node['id']}" if isinstance(node.get("id"), str) else where
        for key in ("cites", "rate_cites"):
            cites = node.get(key)
            for one in cites if isinstance(cites, list) else [cites]:
                if isinstance(one, Mapping) and "document" in one and "line" in one:
                    yield (here if key == "cites" else f"{here} rate"), one
        for key, value in node.items():
            if key not in ("cites", "rate_cites"):
                yield from _walk(value, here if isinstance(value, list) and here != where else (
                    key if not where else here if isinstance(node.get("id"), str) else f"{where} {key}"))
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, where)


def citations_of(rulebook: Any) -> list[Citation]:
    """Every citation of every rule file the rulebook holds (decided, reference and allocation programs)."""
    documents: list[tuple[str, str, Mapping[str, Any]]] = []
    for program, versions in rulebook.programs.items():
        documents += [(program, f"v{n}", rv.document) for n, rv in versions.items()]
    for program, ref in rulebook.references.items():
        documents.append((program, "reference", ref.document))
    for program, versions in rulebook.allocations.items():
        documents += [(program, f"allocation v{n}", ap.document) for n, ap in versions.items()]
    out = []
    for program, version, document in documents:
        for where, cites in _walk(document, ""):
            line = int(cites["line"])
            out.append(Citation(program, version, where or "—", str(cites["document"]), line,
                                int(cites.get("to_line", line)), str(cites.get("quote", ""))))
    return out


def documents(seeds: Path) -> dict[str, Path]:
    """The documents a citation may name: the seeds, and the registered sources (``sources/<id>.txt``).

    Only these names are served: a name from the URL is looked up here, never joined to a path.
    """
    found = {path.name: path for path in sorted(seeds.glob("*.txt"))}
    folder = sources_dir(seeds)
    for source_id in read_registry(folder):
        path = folder / f"{source_id}.txt"
        if path.is_file():
            found[f"sources/{source_id}.txt"] = path
    return found


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _cited_lines(cites: Iterable[Citation], document: str) -> dict[int, list[Citation]]:
    by_line: dict[int, list[Citation]] = {}
    for c in cites:
        if c.document == document:
            for n in range(c.line, max(c.line, c.to_line) + 1):
                by_line.setdefault(n, []).append(c)
    return by_line


def coverage_percent(cited: int, total: int) -> str:
    """``12.3%`` from exact integers (half to even on the tenth), ``—`` for an empty range."""
    if total <= 0:
        return "—"
    tenths = round(Fraction(cited * 1000, total))
    return f"{tenths // 10}.{tenths % 10}%"


def _range(lines: str) -> tuple[int, int] | None:
    first, _, last = str(lines).partition("-")
    return (int(first), int(last or first)) if first.strip().isdigit() and (last or first).strip().isdigit() else None


def index_html(entries: list[dict[str, Any]], cites: list[Citation], files: Mapping[str, Path], lang: str) -> str:
    """Every document with its coverage, then every program's coverage of its own source range."""
    rows = []
    texts = {name: _lines(path) for name, path in files.items()}
    for name, text in texts.items():
        cited = _cited_lines(cites, name)
        nonblank = [i for i, t in enumerate(text, 1) if t.strip()]
        covered = sum(1 for i in nonblank if i in cited)
        title = next((t.strip() for t in text if t.strip()), name)
        rows.append([f'<a href="{esc(link(f"/workbench/sources/{name}", lang))}">{esc(title[:60])}</a> '
                     f'<small class="mono">{esc(name)}</small>', f'<span class="num">{len(nonblank):,}</span>',
                     f'<span class="num">{covered:,}</span>',
                     f'<span class="num">{coverage_percent(covered, len(nonblank))}</span>'])
    out = [f"<h1>{tr(lang, '出典の資料と規則の対応', 'Source documents and the rules citing them')}</h1>",
           "<p>" + tr(lang, "各資料の行のうち、規則ファイルが引用している行の割合です（空行を除く）。",
                      "The share of each document's lines (blank lines aside) that a rule file cites.") + "</p>",
           table([tr(lang, "資料", "document"), tr(lang, "行数", "lines"), tr(lang, "引用された行", "cited"),
                  tr(lang, "割合", "coverage")], rows, "sources")]
    program_rows = []
    for entry in entries:
        source = entry.get("source", {})
        span = _range(source.get("lines", ""))
        lines_of = texts.get(str(source.get("document")))
        if span is None or lines_of is None:
            continue
        cited = _cited_lines(cites, str(source["document"]))
        nonblank = [i for i in range(span[0], min(span[1], len(lines_of)) + 1) if lines_of[i - 1].strip()]
        covered = sum(1 for i in nonblank if i in cited)
        name = entry["name_ja"] if lang == "ja" else entry["name_en"]
        href = link(f"/workbench/sources/{source['document']}", lang, line=span[0]) + f"#L{span[0]}"
        program_rows.append([f'<a href="{esc(link("/workbench/programs/" + entry["program"], lang))}">{esc(name)}</a>',
                             f'<a href="{esc(href)}">L{span[0]}–L{span[1]}</a>',
                             f'<span class="num">{len(nonblank):,}</span>', f'<span class="num">{covered:,}</span>',
                             f'<span class="num">{coverage_percent(covered, len(nonblank))}</span>'])
    out.append(f"<h2>{tr(lang, '制度ごと（出典の範囲）', 'By program (its source range)')}</h2>")
    head = [tr(lang, "制度", "program"), tr(lang, "範囲", "range"), tr(lang, "行数", "lines"),
            tr(lang, "引用された行", "cited"), tr(lang, "割合", "coverage")]
    out.append(table(head, program_rows, "program-coverage"))
    return "".join(out)


def _paragraph(text: list[str], line: int | None) -> range:
    """The run of non-blank lines around ``line`` (at most ``_PARAGRAPH_REACH`` each side)."""
    if line is None or not 1 <= line <= len(text):
        return range(0)
    start = end = line
    while start > 1 and text[start - 2].strip() and line - start < _PARAGRAPH_REACH:
        start -= 1
    while end < len(text) and text[end].strip() and end - line < _PARAGRAPH_REACH:
        end += 1
    return range(start, end + 1)


def document_html(name: str, path: Path, cites: list[Citation], names: Mapping[str, str], line: int | None,
                  lang: str, show_all: bool = False) -> str:
    """The document line by line: number, text, and the rule items citing it (linked to their program)."""
    text = _lines(path)
    cited = _cited_lines(cites, name)
    marked = _paragraph(text, line)
    nonblank = sum(1 for t in text if t.strip())
    covered = sum(1 for i, t in enumerate(text, 1) if t.strip() and i in cited)
    # a window of the document around the cited line (the whole text on asking): a 5,000-line page is slow to
    # read on a phone; coverage above still counts every line
    if show_all:
        first, last = 1, len(text)
    else:
        centre = line if line and 1 <= line <= len(text) else 1
        first = max(1, centre - _WINDOW // 2)
        last = min(len(text), first + _WINDOW - 1)
    rows = []
    for number, content in enumerate(text[first - 1:last], first):
        by = cited.get(number, [])
        who = "".join(
            f'<a href="{esc(link("/workbench/programs/" + c.program, lang))}">'
            f"{esc(names.get(c.program, c.program))}</a> <small class=\"mono\">{esc(c.version)} {esc(c.where)}</small>"
            "<br>" for c in by[:6]) + (f"<small>…+{len(by) - 6}</small>" if len(by) > 6 else "")
        classes = " ".join(k for k, on in (("cited", bool(by)), ("marked", number in marked)) if on)
        rows.append(f'<tr id="L{number}" class="{classes}"><td class="num">'
                    f'<a href="#L{number}" class="lineno">{number}</a></td>'
                    f'<td class="text">{esc(content) or "&nbsp;"}</td><td class="by">{who}</td></tr>')
    head = "".join(f'<th scope="col">{tr(lang, ja, en)}</th>' for ja, en in (
        ("行", "line"), ("本文", "text"), ("引用している規則", "cited by")))
    share = coverage_percent(covered, nonblank)
    summary = tr(lang, f"引用された行 {covered:,} / {nonblank:,} 行（{share}、空行を除く）",
                 f"cited lines {covered:,} / {nonblank:,} ({share}, blank lines aside)")
    here = f"/workbench/sources/{name}"
    moves = []
    if first > 1:
        back = max(1, first - _WINDOW // 2)
        moves.append(f'<a href="{esc(link(here, lang, line=back))}#L{back}">{tr(lang, "前の行", "earlier lines")}</a>')
    if last < len(text):
        ahead = min(len(text), last + _WINDOW // 2)
        moves.append(f'<a href="{esc(link(here, lang, line=ahead))}#L{ahead}">{tr(lang, "後の行", "later lines")}</a>')
    if not show_all and (first > 1 or last < len(text)):
        moves.append(f'<a href="{esc(link(here, lang, all=1))}">{tr(lang, "全文を表示", "the whole document")}</a>')
    shown = tr(lang, f"{first:,}～{last:,} 行目を表示（全 {len(text):,} 行）",
               f"lines {first:,}–{last:,} of {len(text):,}")
    nav = f'<p class="tabs">{esc(shown)} · {" · ".join(moves)}</p>' if moves else ""
    return (f'<h1>{esc(name)}</h1><p id="coverage">{esc(summary)} · '
            f'<a href="{esc(link("/workbench/sources", lang))}">{tr(lang, "資料の一覧", "all documents")}</a></p>'
            f'{nav}<table class="source-text"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f"</table>{nav}")
