"""Routes for applicants and integrators: a program's facts schema, screening, and the printable notice.

- ``GET /v1/programs/{program}/facts-schema?fiscal_year=N``: the JSON Schema of the facts of the version in
  force, each fact titled and described in Japanese and English, with the worked example request;
- ``POST /v1/screenings``: a profile → every program and fiscal year it could apply to (nothing recorded);
- ``GET /v1/decisions/{id}/notice``: the decision as a 交付決定通知書 / 不交付決定通知書 (HTML, A4 print CSS).
"""

from __future__ import annotations

import copy
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from ..kernel.errors import DecisionNotFoundError, SigningKeyError
from ..rulebook.examples import worked_examples
from ..screening import screen
from ..web.auth import ANYONE, AUDIT, Principal, require
from ..web.body import json_body
from .notice import render_notice

__all__ = ["facts_schema_document", "router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}


def facts_schema_document(rv: Any) -> dict[str, Any]:
    """The facts schema of ``rv`` as served: every property with ``title_ja``/``title_en`` and both descriptions."""
    schema = copy.deepcopy(dict(rv.facts_schema))
    for name, prop in schema.get("properties", {}).items():
        if not isinstance(prop, dict):
            continue
        description = prop.get("description", "")
        japanese = any("\u3040" <= ch <= "\u9fff" for ch in description[:30]) and not description[:1].isascii()
        prop["x-title-ja"] = prop.get("title", name)
        prop.setdefault("x-title-en", name.replace("_", " "))
        prop.setdefault("x-description-ja", description if japanese else prop.get("title", name))
        prop.setdefault("x-description-en", description if not japanese else prop["x-title-en"])
    schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    schema["title"] = f"{rv.document['name_ja']} — 事実 / facts"
    return schema


def router() -> APIRouter:
    api = APIRouter(tags=["applicants"], responses={401: _ERROR, 403: _ERROR})

    @api.get("/v1/programs/{program}/facts-schema", summary="The facts a program needs / 制度が必要とする事実",
             responses={404: _ERROR, 422: _ERROR})
    def facts_schema(request: Request, program: str,
                     fiscal_year: Annotated[int, Query(ge=1990, le=2100)],
                     principal: Annotated[Principal, Depends(require(*ANYONE))]) -> dict[str, Any]:
        """The JSON Schema of the facts of the rule version in force for ``fiscal_year``, and a worked example."""
        service = request.app.state.service
        rv = service.rulebook.select(program, fiscal_year)
        example = worked_examples(service.rulebook, program).get(fiscal_year)
        return {"program": program, "fiscal_year": fiscal_year, "ruleset": rv.name, "rules_sha256": rv.sha256,
                "schema": facts_schema_document(rv), "example": example.as_dict() if example else None}

    @api.post("/v1/screenings", summary="Which programs could a profile apply to / 申請できる制度の洗い出し",
              responses={422: _ERROR}, dependencies=[Depends(require(*ANYONE))],  # the token before the body
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "$ref": "#/components/schemas/ScreeningProfile"}}}}})
    def screening(request: Request, body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        """Every program and fiscal year for the applicant type: eligible / ineligible / needs_facts (not recorded)."""
        service = request.app.state.service
        return screen(service.rulebook, service.decider, body)

    @api.get("/v1/decisions/{decision_id}/notice", summary="The decision notice / 交付決定通知書",
             response_class=HTMLResponse, responses={404: _ERROR})
    def notice(request: Request, decision_id: str,
               principal: Annotated[Principal, Depends(require(*ANYONE))]) -> HTMLResponse:
        """The decision laid out as a 交付決定通知書 or 不交付決定通知書, to print on A4."""
        record: dict[str, Any] = request.app.state.service.get(decision_id)
        if not principal.has(AUDIT) and record.get("requested_by") != principal.name:
            raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                        code="decision_not_found")
        if "eligible" not in record:  # an allocation or a publication record, not a decision
            raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                        code="decision_not_found")
        service = request.app.state.service
        names = service.auditor.stored_version(record["rules_sha256"]).document
        try:
            receipt = service.receipt(decision_id)
        except (SigningKeyError, DecisionNotFoundError):  # no signing key, or the record is not in the tree
            receipt = None
        return HTMLResponse(render_notice(record, names["name_ja"], receipt))

    return api
