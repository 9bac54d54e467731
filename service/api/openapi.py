"""The OpenAPI document, typed for client generators, and Swagger UI / ReDoc served from the service itself.

FastAPI's generated document types the body of ``POST /v1/decisions`` as an object with untyped ``facts``.
Here, once the rulebook is loaded, it becomes a discriminated union on ``program``: one request schema per
program (``KokuhoHealthupMunicipalRequest``) whose ``facts`` is the facts schema of each of its versions,
with the worked example of every fiscal year. The answer is the named component ``Decision`` (with
``Reason``, ``BreakdownLine``, ``WhatIf``), and every error is ``Error`` with its ``Problem`` list, so a
generated client gets readable types.

The documentation pages load their scripts from ``/docs-assets`` (the files of the ``fastapi-offline``
package), never from a CDN: they render on a network without internet access.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from ..rulebook.examples import worked_examples
from ..rulebook.registry import Rulebook

__all__ = ["install"]

ASSETS = Path(fastapi_offline.__file__).parent / "static"
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _camel(identifier: str) -> str:
    return "".join(part.capitalize() for part in identifier.replace("-", "_").split("_") if part)


def _relocate(schema: Any, prefix: str) -> Any:
    """Rewrite ``#/$defs/X`` references to ``#/components/schemas/<prefix>X``."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = f"#/components/schemas/{prefix}{value[len('#/$defs/'):]}"
            else:
                out[key] = _relocate(value, prefix)
        return out
    if isinstance(schema, list):
        return [_relocate(v, prefix) for v in schema]
    return schema


def _untitled(schema: Any) -> Any:
    """Property titles (Japanese) moved to ``x-title-ja``: generators would make class names of them."""
    if isinstance(schema, dict):
        out = {k: _untitled(v) for k, v in schema.items()}
        for prop in out.get("properties", {}).values():
            if isinstance(prop, dict) and "title" in prop:
                prop["x-title-ja"] = prop.pop("title")
                prop["description"] = f"{prop['x-title-ja']}: {prop.get('description', '')}".rstrip(": ")
        return out
    if isinstance(schema, list):
        return [_untitled(v) for v in schema]
    return schema


def _components(rulebook: Rulebook, schemas_dir: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(component schemas, the DecisionRequest union, the request examples by name)."""
    components: dict[str, Any] = {}
    decision = json.loads((schemas_dir / "decision.schema.json").read_text(encoding="utf-8"))
    for name, sub in decision.pop("$defs", {}).items():
        components[name] = _relocate(sub, "")
    decision = {k: v for k, v in decision.items() if k not in ("$schema", "$id")}
    components["Decision"] = _relocate(decision, "")
    components["Problem"] = {"type": "object", "required": ["path", "code", "message_ja", "message_en"],
                             "properties": {"path": {"type": "string", "description": "JSON path, e.g. $.facts.x"},
                                            "code": {"type": "string"}, "message_ja": {"type": "string"},
                                            "message_en": {"type": "string"}}}
    components["ErrorBody"] = {"type": "object", "required": ["code", "message_ja", "message_en"],
                               "properties": {"code": {"type": "string"}, "message_ja": {"type": "string"},
                                              "message_en": {"type": "string"},
                                              "problems": {"type": "array",
                                                           "items": {"$ref": "#/components/schemas/Problem"}}}}
    components["Error"] = {"type": "object", "required": ["error"],
                           "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}}}
    components["ScreeningProfile"] = {
        "type": "object", "required": ["applicant_type"], "additionalProperties": False,
        "properties": {"applicant_type": {"type": "string", "description": "e.g. shichoson (市町村), todofuken"},
                       "fiscal_year": {"type": "integer", "minimum": 1990, "maximum": 2100},
                       "facts": {"type": "object", "description": "any facts already known"}}}
    union: list[dict[str, str]] = []
    mapping: dict[str, str] = {}
    examples: dict[str, Any] = {}
    for program, versions in sorted(rulebook.programs.items()):
        published = [rv for rv in versions.values() if rv.status == "published"]
        if not published:
            continue
        name = _camel(program)
        facts_refs: list[dict[str, str]] = []
        seen: dict[str, str] = {}
        for rv in sorted(published, key=lambda v: v.version):
            text = json.dumps(rv.facts_schema, sort_keys=True)
            if text in seen:
                continue
            facts_name = f"{name}FactsV{rv.version}"
            seen[text] = facts_name
            facts = _untitled(copy.deepcopy(dict(rv.facts_schema)))
            facts["title"] = f"{name}FactsV{rv.version}"
            facts["description"] = (f"{rv.document['name_ja']} / {rv.document['name_en']}: facts "
                                    f"(rule version {rv.version})")
            components[facts_name] = facts
            facts_refs.append({"$ref": f"#/components/schemas/{facts_name}"})
        request_name = f"{name}Request"
        program_examples = worked_examples(rulebook, program)
        components[request_name] = {
            "type": "object", "title": request_name, "additionalProperties": False,
            "description": f"{published[-1].document['name_ja']} — {published[-1].document['name_en']}",
            "required": ["program", "fiscal_year", "facts"],
            "properties": {"program": {"type": "string", "const": program, "enum": [program]},
                           "fiscal_year": {"type": "integer", "minimum": 1990, "maximum": 2100},
                           "version": {"type": "integer", "minimum": 1},
                           "facts": facts_refs[0] if len(facts_refs) == 1 else {"anyOf": facts_refs}},
            "examples": [e.request for e in program_examples.values()][:3]}
        for year, example in program_examples.items():
            examples[f"{program}_{year}"] = {"summary": f"{program} FY{year}: {example.title}"[:200],
                                             "value": example.request}
        union.append({"$ref": f"#/components/schemas/{request_name}"})
        mapping[program] = f"#/components/schemas/{request_name}"
    for component, schema in components.items():
        schema["title"] = component  # generators name their classes after the title
    components["DecisionRequest"] = {"title": "DecisionRequest", "oneOf": union,
                                     "discriminator": {"propertyName": "program", "mapping": mapping}}
    return components, components["DecisionRequest"], examples


def install(app: FastAPI, schemas_dir: Path) -> None:
    """Serve /docs and /redoc from local assets, and the typed /openapi.json."""
    # ReDoc's bundle shows a logo it loads from cdn.redoc.ly: served with the logo from here instead.
    redoc_js = (ASSETS / "redoc.standalone.js").read_text(encoding="utf-8").replace(
        "https://cdn.redoc.ly/redoc/logo-mini.svg", "/docs-assets/favicon.png")

    @app.get("/docs-assets/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        return Response(redoc_js, media_type="text/javascript; charset=utf-8",
                        headers={"cache-control": "max-age=86400"})

    app.mount("/docs-assets", StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} — API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=f"{app.title} — API",
                              redoc_js_url="/docs-assets/redoc.standalone.js",
                              redoc_favicon_url="/docs-assets/favicon.png", with_google_fonts=False)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        service = getattr(app.state, "service", None)
        if service is not None:  # the rulebook is loaded (the lifespan has started)
            components, _, examples = _components(service.rulebook, schemas_dir)
            document.setdefault("components", {}).setdefault("schemas", {}).update(components)
            post = document["paths"]["/v1/decisions"]["post"]
            post["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/DecisionRequest"}, "examples": examples}}}
            decision_ref = {"$ref": "#/components/schemas/Decision"}
            post["responses"]["200"] = {"description": "the decision, recorded",
                                        "content": {"application/json": {"schema": decision_ref}}}
            # a simulation (試算) takes the same body and gives the same answer, plus recorded: false
            simulate = document["paths"]["/v1/simulations"]["post"]
            simulate["requestBody"] = post["requestBody"]
            simulate["responses"]["200"] = {"description": "the decision, not recorded (recorded: false)",
                                            "content": {"application/json": {"schema": decision_ref}}}
            get = document["paths"]["/v1/decisions/{decision_id}"]["get"]
            get["responses"]["200"] = {"description": "the recorded decision with its facts and log entry",
                                       "content": {"application/json": {"schema": decision_ref}}}
            for path in document["paths"].values():
                for operation in path.values():
                    for status, response in operation.get("responses", {}).items():
                        if status[0] in "45" and "content" not in response:
                            response["content"] = {"application/json": {"schema": _ERROR_REF}}
            app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
