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

__all__ = ["conditional_requirements", "enum_labels", "facts_from_form", "facts_schema_of", "is_japanese",
           "render_fields"]

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


def is_japanese(text: str) -> bool:
    """Japanese help text (kana or kanji, no English word): the only kind shown on the Japanese page."""
    return bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)) and not re.search(
        r"[a-z]{3,}", re.sub(r"[（(][^）)]*[）)]", "", text))  # an acronym (PDCA, PHR) is part of Japanese prose


def conditional_requirements(schema: Mapping[str, Any]) -> dict[str, list[tuple[str, Any]]]:
    """Fields required only when another field has a value (the schema's ``if``/``then``): field → [(fact, value)]."""
    out: dict[str, list[tuple[str, Any]]] = {}
    branches = [schema] + [s for s in schema.get("allOf", []) if isinstance(s, Mapping)]
    for branch in branches:
        condition, then = branch.get("if"), branch.get("then")
        if not isinstance(condition, Mapping) or not isinstance(then, Mapping):
            continue
        for fact, rule in condition.get("properties", {}).items():
            if isinstance(rule, Mapping) and "const" in rule:
                for name in then.get("required", []):
                    out.setdefault(name, []).append((fact, rule["const"]))
    return out


def _value_words(value: Any, lang: str) -> str:
    if value is True:
        return tr(lang, "はい", "yes")
    if value is False:
        return tr(lang, "いいえ", "no")
    return str(value)


def render_fields(schema: Mapping[str, Any], lang: str, values: Mapping[str, Any] | None = None,
                  errors: Mapping[str, str] | None = None) -> str:
    """The form's inputs (HTML), pre-filled with ``values`` (the facts last sent), each problem at its field.

    The Japanese page labels a field by its schema ``title`` (the id follows as small text), names each item of
    a list by its label (①国保一般事業), says when a field is required only if another is given, and shows
    help text only when it is Japanese.
    """
    values = values or {}
    errors = errors or {}
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    when = conditional_requirements(schema)
    out = []
    for name, prop in properties.items():
        kind = _kind(prop)
        field = esc(_PREFIX + name)
        title = str(prop.get("title", "") or name)
        if name in required:
            must = tr(lang, "（必須）", " (required)")
        elif name in when:
            ifs = "、".join(f"「{properties.get(f, {}).get('title', f)}」が「{_value_words(v, lang)}」"
                           if lang == "ja" else f"{f} is {_value_words(v, lang)}" for f, v in when[name])
            must = tr(lang, f"（{ifs}のとき必須）", f" (required when {ifs})")
        else:
            must = tr(lang, "（任意）", " (optional)")
        description = str(prop.get("description", ""))
        # the Japanese page reads the schema's x-description-ja, else a description that is Japanese already
        hint_text = description if lang == "en" else str(prop.get("x-description-ja") or "")
        if not hint_text and lang == "ja" and is_japanese(description):
            hint_text = description
        if kind == "enum_list" and lang == "ja":
            listed = enum_labels(prop["items"], description)
            if all(label != value for value, label in listed.items()):
                hint_text = ""  # the description only listed the items' labels, now beside each box
        hint_id = f"{field}-hint"
        hint = f'<span class="hint" id="{hint_id}">{esc(hint_text)}</span>' if hint_text else ""
        problem = errors.get(name)
        error_id = f"{field}-error"
        error = f'<span class="field-error" id="{error_id}" role="alert">{esc(problem)}</span>' if problem else ""
        described = " ".join(i for i, shown in ((hint_id, hint), (error_id, error)) if shown)
        aria = (f' aria-describedby="{described}"' if described else "") + (' aria-invalid="true"' if problem else "")
        label_text = (f"{esc(title)}{esc(must)} <small class=\"mono\">{esc(name)}</small>" if lang == "ja"
                      else f"{esc(title)} <small class=\"mono\">{esc(name)}</small>{esc(must)}")
        given = values.get(name)
        if kind == "integer" and name.endswith("_yen"):
            # money: digits with separators and the unit beside the box; the form reads "1,234,567" back
            value = "" if given is None else (f"{given:,}" if isinstance(given, int) else esc(given))
            control = (f'<input type="text" inputmode="numeric" class="money" name="{field}" id="{field}" '
                       f'value="{value}" autocomplete="off"{aria}> 円')
        elif kind == "integer":
            bounds = "".join(f' {attr}="{prop[key]}"' for key, attr in (("minimum", "min"), ("maximum", "max"))
                             if key in prop)
            value = "" if given is None else esc(given)
            control = f'<input type="number" step="1" name="{field}" id="{field}" value="{value}"{bounds}{aria}>'
        elif kind == "boolean" and name in required:
            checked = " checked" if given is True else ""
            control = (f'<input type="checkbox" name="{field}" id="{field}" value="true"{checked}{aria}> '
                       f'<label for="{field}" class="inline">{tr(lang, "はい", "yes")}</label>')
        elif kind == "boolean":
            options = [("", tr(lang, "未指定", "not given")), ("true", tr(lang, "はい", "yes")),
                       ("false", tr(lang, "いいえ", "no"))]
            chosen = "" if given is None else str(given).lower()
            control = f'<select name="{field}" id="{field}"{aria}>' + "".join(
                f'<option value="{v}"{" selected" if v == chosen else ""}>{esc(t)}</option>' for v, t in options
            ) + "</select>"
        elif kind == "enum":
            labels = enum_labels(prop, description)
            choices = ([] if name in required else [""]) + [str(v) for v in prop["enum"]]
            unset = tr(lang, "未指定", "not given")
            control = f'<select name="{field}" id="{field}"{aria}>' + "".join(
                f'<option value="{esc(v)}"{" selected" if v == given else ""}>'
                f'{esc((labels.get(v, v) if lang == "ja" else v) if v else unset)}</option>'
                for v in choices) + "</select>"
        elif kind == "enum_list":
            chosen_items = set(given or [])
            labels = enum_labels(prop["items"], description)
            boxes = " ".join(
                f'<span class="choice"><input type="checkbox" name="{field}" id="{field}-{esc(v)}" '
                f'value="{esc(v)}"{" checked" if v in chosen_items else ""}> '
                f'<label for="{field}-{esc(v)}" class="inline">{esc(labels.get(str(v), str(v)))}</label></span>'
                for v in prop["items"]["enum"])
            out.append(f'<fieldset class="fact" id="{field}"{aria}><legend>{label_text}</legend>{hint}{error}'
                       f"<div>{boxes}</div></fieldset>")
            continue
        elif kind == "string":
            pattern = f' placeholder="{esc(prop["pattern"])}"' if "pattern" in prop else ""
            control = f'<input type="text" name="{field}" id="{field}" value="{esc(given or "")}"{pattern}{aria}>'
        else:
            text = "" if given is None else json.dumps(given, ensure_ascii=False, indent=1)
            control = (f'<textarea name="{field}" id="{field}" rows="5" cols="40" '
                       f'placeholder="JSON"{aria}>{esc(text)}</textarea>')
        out.append(f'<div class="fact"><label for="{field}">{label_text}</label>{hint}{error}'
                   f"<div>{control}</div></div>")
    return "\n".join(out) + _MONEY_JS


# Separators in money boxes as the user leaves the field (the server reads "1,234,567" back as 1234567).
_MONEY_JS = """<script>
document.querySelectorAll('input.money').forEach(function (box) {
  box.addEventListener('blur', function () {
    var digits = box.value.replace(/[,\\s円]/g, '');
    if (/^[0-9]+$/.test(digits)) { box.value = Number(digits).toLocaleString('ja-JP'); }
  });
});
</script>"""


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
            text = raw[0].strip().replace(",", "").replace("円", "").strip()
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
