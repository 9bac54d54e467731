"""Checks that every ``cites.quote`` is a verbatim substring of its seed line(s).

A quote that wraps in the PDF text is cited with ``line`` and ``to_line``; the lines are joined with
no separator (the converter wraps mid-word) and blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..kernel.errors import Problem

__all__ = ["check_citations", "iter_cites"]


@lru_cache(maxsize=16)
def _seed_lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").split("\n"))


YamlPath = tuple[str | int, ...]


def iter_cites(node: Any, path: YamlPath = ()) -> Iterator[tuple[YamlPath, Mapping[str, Any]]]:
    """Yield (YAML path, cites mapping) for every citation in a rule document."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("cites", "rate_cites") and isinstance(value, Mapping):
                yield path + (key,), value
            else:
                yield from iter_cites(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_cites(value, path + (index,))


def check_citations(document: Mapping[str, Any], seeds_dir: Path, locate: Any) -> list[Problem]:
    """Return one problem for every citation whose document, line or quote does not match the seeds."""
    problems: list[Problem] = []
    for path, cites in iter_cites(document):
        where = locate(list(path))
        cited = str(cites["document"])
        seed = seeds_dir / cited
        # A bare file name only: "../x" or "/etc/passwd" must not read a file outside the seeds.
        if "/" in cited or "\\" in cited or cited.startswith(".") or not seed.is_file():
            problems.append(Problem(where, "citation_document", f"引用元の文書 {cited[:120]} がありません",
                                    f"cited document {cited[:120]} is not in seeds/"))
            continue
        lines = _seed_lines(seed)
        first, last = int(cites["line"]), int(cites.get("to_line", cites["line"]))
        if not 1 <= first <= last <= len(lines):
            problems.append(Problem(where, "citation_line",
                                    f"行 {first}–{last} は文書の範囲外です（全 {len(lines)} 行）",
                                    f"lines {first}-{last} are outside the document ({len(lines)} lines)"))
            continue
        text = "".join(line for line in lines[first - 1:last] if line.strip())
        quote = str(cites["quote"])
        if quote not in text:
            problems.append(Problem(
                where, "citation_quote",
                f"引用「{quote}」は {cites['document']} の {first} 行目にありません（その行: 「{text[:80]}」）",
                f"quote '{quote}' is not on line {first} of {cites['document']} (the line reads '{text[:80]}')"))
    return problems
