"""A YAML loader for rule files that refuses everything PyYAML would silently coerce.

Rejected, with file and line: duplicate keys (PyYAML keeps the last one), floats (``0.5`` must be
written ``"1/2"``), unquoted dates (PyYAML turns them into ``date`` objects; we keep strings),
non-string mapping keys (``1:`` must be ``"1":``) and aliases (``*ref``: anchor bombs, and a reviewer
cannot see what an alias expands to). Every mapping remembers the line of each key, so schema
errors can point at the line a policy owner has to fix.

Hostile input is refused at the line, before it can exhaust the interpreter: nesting deeper than
:data:`MAX_YAML_DEPTH` (the composer recurses once a level, so 100,000 levels would otherwise end in a
``RecursionError``; the deepest rule file is 14 levels) and integers of more than :data:`MAX_INT_DIGITS`
digits (Python refuses to read one of 4,300 digits, and the engine compares int64 only).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from ..kernel.errors import Problem, RuleSyntaxError

__all__ = ["MAX_INT_DIGITS", "MAX_YAML_DEPTH", "LineDict", "line_of", "load_yaml"]

MAX_YAML_DEPTH = 64
MAX_INT_DIGITS = 15


class LineDict(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _StrictLoader(yaml.SafeLoader):
    depth = 0


def _reject(loader: _StrictLoader, node: Node, code: str, ja: str, en: str) -> RuleSyntaxError:
    path = f"{loader.name}:{node.start_mark.line + 1}"
    return RuleSyntaxError(message_ja=ja, message_en=en, code=code,
                           problems=[Problem(path, code, ja, en)])


def _construct_float(loader: _StrictLoader, node: ScalarNode) -> Any:
    raise _reject(loader, node, "yaml_float",
                  f"小数 {node.value} は使えません。率は \"2/3\" のような文字列、金額は整数の円で書いてください",
                  f"float {node.value} is not allowed: write rates as quoted strings like \"2/3\" "
                  "and money as integer yen")


def _construct_int(loader: _StrictLoader, node: ScalarNode) -> Any:
    digits = str(node.value).lstrip("+-").replace("_", "")
    if len(digits) > MAX_INT_DIGITS:
        raise _reject(loader, node, "yaml_int_too_large",
                      f"整数が大きすぎます（{len(digits):,} 桁、上限 {MAX_INT_DIGITS} 桁）",
                      f"the integer is too large ({len(digits):,} digits, at most {MAX_INT_DIGITS})")
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_mapping(loader: _StrictLoader, node: MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _reject(loader, key_node, "yaml_key_not_string",
                          f"キー {key!r} は文字列にしてください（例: \"{key}\":）",
                          f"key {key!r} must be a string: quote it (\"{key}\":)")
        if key in result:
            first = result.key_lines[key]
            raise _reject(loader, key_node, "yaml_duplicate_key",
                          f"キー「{key}」が重複しています（最初は {first} 行目）",
                          f"duplicate key '{key}' (first defined on line {first})")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _compose_node(loader: _StrictLoader, parent: Node | None, index: Any) -> Node | None:
    if loader.check_event(yaml.AliasEvent):
        event = loader.peek_event()  # type: ignore[no-untyped-call]
        path = f"{loader.name}:{event.start_mark.line + 1}"
        ja = "エイリアス（*参照）は使えません。値を直接書いてください"
        en = "aliases (*ref) are not allowed: write the value out"
        raise RuleSyntaxError(message_ja=ja, message_en=en, code="yaml_alias",
                              problems=[Problem(path, "yaml_alias", ja, en)])
    if loader.depth >= MAX_YAML_DEPTH:
        event = loader.peek_event()  # type: ignore[no-untyped-call]
        path = f"{loader.name}:{event.start_mark.line + 1}"
        ja = f"入れ子が深すぎます（上限 {MAX_YAML_DEPTH} 段）"
        en = f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep"
        raise RuleSyntaxError(message_ja=ja, message_en=en, code="yaml_too_deep",
                              problems=[Problem(path, "yaml_too_deep", ja, en)])
    loader.depth += 1
    try:
        return yaml.SafeLoader.compose_node(loader, parent, index)
    finally:
        loader.depth -= 1


_StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp",
                              yaml.SafeLoader.construct_yaml_str)  # type: ignore[type-var]
_StrictLoader.compose_node = _compose_node  # type: ignore[assignment,method-assign]


def load_yaml(text: str, name: str) -> Any:
    """Return the document in ``text``; ``name`` (the file) appears in every error."""
    loader = _StrictLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        detail = f"{exc.problem or exc}"
        column = mark.column + 1 if mark else 0
        # The parser's words are English: the Japanese message says where, the English one what it said.
        where_ja = f"YAML として読めません（{line} 行 {column} 文字目）"
        raise RuleSyntaxError(message_ja=where_ja,
                              message_en=f"not valid YAML: {detail}", code="yaml_syntax",
                              problems=[Problem(f"{name}:{line}", "yaml_syntax", where_ja,
                                                f"not valid YAML: {detail}")]) from None
    finally:
        loader.dispose()


def line_of(document: Any, path: list[str | int]) -> int:
    """Return the line of the deepest mapping key on ``path`` (a jsonschema ``absolute_path``)."""
    line, node = getattr(document, "line", 0), document
    for step in path:
        if isinstance(node, LineDict) and isinstance(step, str) and step in node:
            line, node = node.key_lines[step], node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            line = getattr(node, "line", line)
        else:
            break
    return int(line)
