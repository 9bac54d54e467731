"""Cases (案件): ``/v1/cases`` — open a case, take its steps, see it, list, replay and redecide whole cases."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ..cases.service import CaseService, shared_case_service
from ..kernel.errors import CaseNotFoundError
from ..web.auth import ANYONE, AUDIT, OWNER, ForbiddenError, Principal, require
from ..web.body import json_body

__all__ = ["case_service", "router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}


def case_service(request: Request) -> CaseService:
    """The case service of the app's current decision service (made once per lifespan)."""
    return shared_case_service(request.app.state)


def _own(service: CaseService, case_id: str, principal: Principal) -> None:
    """An applicant sees and acts on its own cases only; another's case answers like one that does not exist."""
    if not principal.has(AUDIT) and service.owner(case_id) != principal.name:
        raise CaseNotFoundError(f"案件 {case_id} はありません", f"no case {case_id}", code="case_not_found")


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/cases", tags=["cases"], responses={401: _ERROR, 403: _ERROR})
    date_schema = {"type": "string", "format": "date"}

    @api.post("", summary="Open a case with its first step / 案件を開く（交付申請・概算）",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["program", "fiscal_year", "on", "facts"],
                  "properties": {"program": {"type": "string"}, "fiscal_year": {"type": "integer"},
                                 "version": {"type": "integer"}, "on": date_schema, "facts": {"type": "object"},
                                 "cost_lines": {"type": "array", "items": {"type": "object"}}}}}}}},
              responses={404: _ERROR, 422: _ERROR, 503: _ERROR})
    def open_case(request: Request, body: Annotated[Any, Depends(json_body)],
                  principal: Annotated[Principal, Depends(require(*ANYONE))]) -> dict[str, Any]:
        """The application (or estimate) decided under the versions in force for the fiscal year; recorded first."""
        return case_service(request).open(body, requested_by=principal.name)

    @api.get("", summary="Cases: open, to return, overdue / 案件の一覧", responses={422: _ERROR})
    def list_cases(
        request: Request, principal: Annotated[Principal, Depends(require(*ANYONE))],
        program: Annotated[str | None, Query(max_length=80)] = None,
        fiscal_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
        status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
        to_return: Annotated[bool, Query(description="only cases with an amount still to return")] = False,
        overdue_on: Annotated[date | None, Query(description="only cases whose next step was due before this date")]
        = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """Policy owners and auditors see every case; an applicant sees its own."""
        applicant = None if principal.has(AUDIT) else principal.name
        cases = case_service(request).list(program, fiscal_year, status, to_return, overdue_on, applicant, limit)
        return {"cases": cases, "count": len(cases),
                "outstanding_yen": sum(int(c["amounts"]["outstanding_yen"]) for c in cases)}

    @api.get("/{case_id}", summary="A case: its steps and what is due / 案件", responses={404: _ERROR})
    def get_case(request: Request, case_id: str,
                 principal: Annotated[Principal, Depends(require(*ANYONE))]) -> dict[str, Any]:
        service = case_service(request)
        _own(service, case_id, principal)
        return service.case(case_id)

    @api.post("/{case_id}/steps", summary="Take the case's next step / 次の手続",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["step", "on"],
                  "properties": {"step": {"type": "string"}, "on": date_schema, "facts": {"type": "object"},
                                 "cost_lines": {"type": "array", "items": {"type": "object"}},
                                 "granted_yen": {"type": "integer"}, "amount_yen": {"type": "integer"}}}}}}},
              responses={404: _ERROR, 422: _ERROR, 503: _ERROR})
    def take_step(request: Request, case_id: str, body: Annotated[Any, Depends(json_body)],
                  principal: Annotated[Principal, Depends(require(*ANYONE))]) -> dict[str, Any]:
        """The applicant's steps by the case's applicant; the grantor's (交付決定, 額の確定) by a policy owner."""
        service = case_service(request)
        _own(service, case_id, principal)
        declared = service.step_of(case_id, body["step"]) if isinstance(body, dict) and isinstance(
            body.get("step"), str) else None
        if declared is not None and declared["by"] == "grantor" and not principal.has(OWNER):
            raise ForbiddenError(f"「{declared['name_ja']}」は交付する側（政策担当）が行います",
                                 f"'{declared['id']}' is the grantor's step (policy owner)", code="forbidden")
        if declared is not None and declared["by"] == "applicant" and principal.role == "auditor" \
                and not principal.open_mode:
            raise ForbiddenError("監査担当は手続を行えません", "an auditor takes no step", code="forbidden")
        return service.take(case_id, body, requested_by=principal.name)

    @api.post("/{case_id}/replay", summary="Replay a whole case / 案件の再現", responses={404: _ERROR, 503: _ERROR})
    def replay_case(request: Request, case_id: str,
                    _: Annotated[Principal, Depends(require(*AUDIT))]) -> dict[str, Any]:
        """Every step recomputed from the first under the versions the case stands on, and every link checked."""
        return case_service(request).replay(case_id)

    @api.post("/{case_id}/redecide", summary="What today's rules would change / 現行規則での再計算",
              responses={404: _ERROR})
    def redecide_case(request: Request, case_id: str,
                      _: Annotated[Principal, Depends(require(*AUDIT))]) -> dict[str, Any]:
        """The case's steps under the versions in force today (not recorded), step by step."""
        return case_service(request).redecide(case_id)

    return api
