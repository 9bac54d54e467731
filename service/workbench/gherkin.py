"""A program's ``.feature`` file (Japanese Gherkin) rendered as readable scenarios.

Not a Gherkin parser for running anything, only for reading: the feature, its rules, each scenario
with its steps, data tables as HTML tables, doc strings as blocks and comments kept as notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .html import esc, tr

__all__ = ["render_feature", "step_html"]

_BLOCKS = {"機能": ("機能", "Feature"), "ルール": ("ルール", "Rule"), "背景": ("背景", "Background"),
           "シナリオアウトライン": ("シナリオアウトライン", "Scenario outline"),
           "シナリオテンプレート": ("シナリオテンプレート", "Scenario outline"),
           "シナリオ": ("シナリオ", "Scenario"), "例": ("例", "Examples"), "サンプル": ("サンプル", "Examples")}
_STEPS = {"前提": "Given", "もし": "When", "ならば": "Then", "かつ": "And", "しかし": "But", "但し": "But",
          "ただし": "But", "*": "*"}


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


_QUOTED_ID = re.compile(r'"([a-z][a-z0-9_@]*)"')


def _fact_cell(cell: str, titles: Mapping[str, str]) -> str:
    """A table cell naming a fact (``insured_count`` or ``insured_count（被保険者数）``) as its title, id small."""
    name = cell.split("（")[0].strip()
    if name in titles:
        return f'{esc(titles[name])} <small class="mono">{esc(name)}</small>'
    return esc(cell)


def step_html(text: str, titles: Mapping[str, str]) -> str:
    """A step's sentence with each quoted fact id shown as its title (「被保険者数」), the id small beside it."""
    out, last = [], 0
    for found in _QUOTED_ID.finditer(text):
        name = found.group(1).split("@")[0]  # program@version names the program
        if name in titles:
            out.append(esc(text[last:found.start()]))
            out.append(f'「{esc(titles[name])}」<small class="mono">{esc(found.group(1))}</small>')
            last = found.end()
    out.append(esc(text[last:]))
    return "".join(out)


def render_feature(text: str, lang: str, titles: Mapping[str, str] | None = None) -> str:
    """HTML for the feature text; step keywords are shown in the page's language.

    ``titles`` (fact id → the facts schema's title), on the Japanese page, names the facts in tables and
    steps by their titles, with the id after them as small text.
    """
    titles = titles if lang == "ja" and titles else {}
    out: list[str] = []
    rows: list[list[str]] = []
    doc: list[str] | None = None
    in_scenario = False

    def flush_table() -> None:
        if rows:
            head, *body = rows
            out.append(("<li>" if in_scenario else "") + "<table><thead><tr>"
                       + "".join(f"<th>{_fact_cell(c, titles)}</th>" for c in head) + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{_fact_cell(c, titles)}</td>" for c in r) + "</tr>"
                                 for r in body)
                       + "</tbody></table>" + ("</li>" if in_scenario else ""))
            rows.clear()

    def close_scenario() -> None:
        nonlocal in_scenario
        flush_table()
        if in_scenario:
            out.append("</ol></div>")
            in_scenario = False

    for raw in text.splitlines():
        line = raw.strip()
        if doc is not None:
            if line in ('"""', "```"):
                out.append(f"<pre>{esc(chr(10).join(doc))}</pre>")
                doc = None
            else:
                doc.append(raw)
            continue
        if line.startswith("|"):
            rows.append(_cells(line))
            continue
        flush_table()
        if line in ('"""', "```"):
            doc = []
            continue
        if not line or line.startswith("# language:"):
            continue
        if line.startswith("#"):
            out.append(f'<div class="gherkin-comment">{esc(line.lstrip("# "))}</div>')
            continue
        if line.startswith("@"):
            out.append(f'<div><small class="mono">{esc(line)}</small></div>')
            continue
        keyword, sep, rest = line.partition(":")
        if not sep:
            keyword, sep, rest = line.partition("：")
        if sep and keyword.strip() in _BLOCKS:
            ja, en = _BLOCKS[keyword.strip()]
            name = tr(lang, ja, en)
            close_scenario()
            if keyword.strip() == "機能":
                out.append(f"<h3>{esc(name)}: {esc(rest.strip())}</h3>")
            elif keyword.strip() == "ルール":
                out.append(f"<h3>{esc(name)}: {esc(rest.strip())}</h3>")
            else:
                out.append(f'<div class="scenario"><div><span class="kw">{esc(name)}</span>{esc(rest.strip())}</div>'
                           "<ol>")
                in_scenario = True
            continue
        word = next((w for w in _STEPS if line.startswith(w + " ") or line.startswith(w + "\u3000")), None)
        if word is not None:
            shown = word if lang == "ja" else _STEPS[word]
            out.append(f'<li><span class="kw">{esc(shown)}</span>{step_html(line[len(word):].strip(), titles)}</li>')
            continue
        out.append(f"<div>{esc(line)}</div>")
    close_scenario()
    return "\n".join(out)
