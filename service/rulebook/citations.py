"""Checks that every ``cites.quote`` is a verbatim substring of its seed line(s).

A citation names a seed (``NNN_<hash>.txt``) or a registered source (``sources/<id>.txt``, see
``service.rulebook.sources``): both are read and quote-checked the same way.

A quote that wraps in the PDF text is cited with ``line`` and ``to_line``; the lines are joined with
no separator (the converter wraps mid-word) and blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..kernel.errors import Problem
from .sources import source_file

__all__ = ["check_citations", "iter_cites"]


def _seed_lines(path: Path) -> tuple[str, ...]:
    stat = path.stat()
    return _lines_of(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _lines_of(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    # mtime and size are in the key so a source registered (or replaced) while serving is read afresh
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
        seed, refused = source_file(str(cites["document"]), seeds_dir)
        if refused is not None:
            problems.append(Problem(where, refused.code, refused.message_ja, refused.message_en))
            continue
        assert seed is not None
        if not seed.is_file():
            cited = str(cites["document"])[:120]
            problems.append(Problem(where, "citation_document", f"引用元の文書 {cited} がありません",
                                    f"cited document {cited} is not in seeds/ or sources/"))
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
