"""The "try it" form, generated from a rule version's facts schema, and the facts read back from it.

One input per property, by type: an integer is a number box, a boolean a checkbox (a select with "not
given" when the fact is optional, since an absent fact is not the same as ``false``), a string enum a
select, a list of enum values a row of checkboxes, any other string (a decimal such as ``"10.70%"``) a
text box, and anything else (lists of objects) a JSON text area.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..rulebook.model import RuleVersion
from .html import esc, tr

__all__ = ["enum_labels", "facts_from_form", "facts_schema_of", "render_fields"]

_PREFIX = "f."
# a description that names each value: 事業区分: "1" ①国保一般事業, "2" ②生活習慣病予防対策, …
_NAMED_VALUE = re.compile(r'"([^"]+)"\s+([^,"]+?)\s*(?=,\s*"|[.。]?\s*$)')


def enum_labels(items: Mapping[str, Any], description: str) -> dict[str, str]:
    """Each enum value's Japanese label: the ``title`` of a ``oneOf`` const, else the schema's description
    (where each value is written as ``"1" ①国保一般事業``); a value with neither is its own label."""
    labels = {str(v): str(v) for v in items.get("enum", [])}
    labels.update({m.group(1): m.group(2) for m in _NAMED_VALUE.finditer(description) if m.group(1) in labels})
    for option in items.get("oneOf", []):
        if "const" in option and "title" in option:
            labels[str(option["const"])] = str(option["title"])
    return labels


def facts_schema_of(rv: RuleVersion) -> Mapping[str, Any]:
    """The subschema of the facts schema file that the version names (``file.json#/$defs/fy2024``)."""
    whole = json.loads(rv.facts_schema_text)
    sub: Any = whole
    for part in [p for p in str(rv.document["facts_schema"]).partition("#")[2].split("/") if p]:
        sub = sub[part]
    return dict(sub)


def _kind(prop: Mapping[str, Any]) -> str:
    if "enum" in prop:
        return "enum"
    kind = prop.get("type")
    if kind == "integer":
        return "integer"
    if kind == "boolean":
        return "boolean"
    if kind == "string":
        return "string"
    if kind == "array" and isinstance(prop.get("items"), Mapping) and "enum" in prop["items"]:
        return "enum_list"
    return "json"


def render_fields(schema: Mapping[str, Any], lang: str, values: Mapping[str, Any] | None = None) -> str:
    """The form's inputs (HTML), pre-filled with ``values`` (the facts last sent)."""
    values = values or {}
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        kind = _kind(prop)
        field = esc(_PREFIX + name)
        title = prop.get("title", "")
        must = tr(lang, "（必須）", " (required)") if name in required else tr(lang, "（任意）", " (optional)")
        hint = f'<span class="hint">{esc(prop.get("description", ""))}</span>'
        label_text = f"{esc(name)} {esc(title)}{must}"
        given = values.get(name)
        if kind == "integer":
            bounds = "".join(f' {attr}="{prop[key]}"' for key, attr in (("minimum", "min"), ("maximum", "max"))
                             if key in prop)
            value = "" if given is None else esc(given)
            control = f'<input type="number" step="1" name="{field}" id="{field}" value="{value}"{bounds}>'
        elif kind == "boolean" and name in required:
            checked = " checked" if given is True else ""
            control = (f'<input type="checkbox" name="{field}" id="{field}" value="true"{checked}> '
                       f'{tr(lang, "はい", "yes")}')
        elif kind == "boolean":
            options = [("", tr(lang, "未指定", "not given")), ("true", tr(lang, "はい", "yes")),
                       ("false", tr(lang, "いいえ", "no"))]
            chosen = "" if given is None else str(given).lower()
            control = f'<select name="{field}" id="{field}">' + "".join(
                f'<option value="{v}"{" selected" if v == chosen else ""}>{esc(t)}</option>' for v, t in options
            ) + "</select>"
        elif kind == "enum":
            choices = ([] if name in required else [""]) + [str(v) for v in prop["enum"]]
            unset = tr(lang, "未指定", "not given")
            control = f'<select name="{field}" id="{field}">' + "".join(
                f'<option value="{esc(v)}"{" selected" if v == given else ""}>{esc(v or unset)}</option>'
                for v in choices) + "</select>"
        elif kind == "enum_list":
            chosen_items = set(given or [])
            control = " ".join(
                f'<label style="display:inline;font-weight:normal"><input type="checkbox" name="{field}" '
                f'value="{esc(v)}"{" checked" if v in chosen_items else ""}> {esc(v)}</label>'
                for v in prop["items"]["enum"])
        elif kind == "string":
            pattern = f' placeholder="{esc(prop["pattern"])}"' if "pattern" in prop else ""
            control = f'<input type="text" name="{field}" id="{field}" value="{esc(given or "")}"{pattern}>'
        else:
            text = "" if given is None else json.dumps(given, ensure_ascii=False, indent=1)
            control = (f'<textarea name="{field}" id="{field}" rows="5" cols="80" '
                       f'placeholder="JSON">{esc(text)}</textarea>')
        out.append(f'<div class="fact"><label for="{field}">{label_text}</label>{hint}<div>{control}</div></div>')
    return "\n".join(out)


def facts_from_form(schema: Mapping[str, Any], form: list[tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
    """The facts the form holds, typed by the schema; and the fields that could not be read (bad JSON)."""
    given: dict[str, list[str]] = {}
    for key, value in form:
        if key.startswith(_PREFIX):
            given.setdefault(key[len(_PREFIX):], []).append(value)
    required = set(schema.get("required", []))
    facts: dict[str, Any] = {}
    unreadable = []
    for name, prop in schema.get("properties", {}).items():
        kind = _kind(prop)
        raw = [v for v in given.get(name, []) if v.strip() != ""]
        if kind == "boolean" and name in required:
            facts[name] = bool(raw)
        elif kind == "enum_list":
            if raw or name in required:
                facts[name] = raw
        elif not raw:
            continue
        elif kind == "integer":
            text = raw[0].strip().replace(",", "")
            try:
                facts[name] = int(text)
            except ValueError:
                facts[name] = text  # left to the facts schema, which names the field and the type
        elif kind == "boolean":
            facts[name] = raw[0] == "true"
        elif kind in ("enum", "string"):
            facts[name] = raw[0]
        else:
            try:
                facts[name] = json.loads(raw[0])
            except ValueError:
                unreadable.append(name)
    return facts, unreadable
