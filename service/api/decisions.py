"""``POST /v1/decisions``, ``POST /v1/simulations`` (the same decision, not recorded) and ``GET /v1/decisions/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..kernel.errors import DecisionNotFoundError
from ..web.auth import ANYONE, AUDIT, Principal, require
from ..web.body import json_body

__all__ = ["router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}


def router(application_schema: dict[str, Any], decision_schema: dict[str, Any]) -> APIRouter:
    api = APIRouter(tags=["decisions"],
                    responses={401: _ERROR, 403: _ERROR})

    @api.post("/v1/decisions", summary="Decide an application / 申請を判定する",
              openapi_extra={"requestBody": {"required": True,
                                             "content": {"application/json": {"schema": application_schema}}}},
              responses={200: {"content": {"application/json": {"schema": decision_schema}}},
                         404: _ERROR, 422: _ERROR, 503: _ERROR})
    def decide(request: Request, body: Annotated[Any, Depends(json_body)],
               principal: Annotated[Principal, Depends(require(*ANYONE))],
               what_if: Annotated[bool, Query(description="add what would change the decision")] = True,
               ) -> JSONResponse:
        """Decide eligibility and the amount in exact yen, record the decision, and return it with reasons.

        ``what_if`` (default true) adds what would change the decision, each re-decided; false skips it.
        """
        decision = request.app.state.service.decide(body, requested_by=principal.name, with_what_if=what_if)
        request.state.program, request.state.decision_id = decision["program"], decision["decision_id"]
        # Serialised once, directly: FastAPI's generic encoder walks every reason of a large decision again.
        return JSONResponse(decision)

    @api.get("/v1/decisions/{decision_id}", summary="A recorded decision / 記録された判定", responses={404: _ERROR})
    def get_decision(request: Request, decision_id: str,
                     principal: Annotated[Principal, Depends(require(*ANYONE))]) -> dict[str, Any]:
        """Return the stored decision with its canonical facts and its log entry (seq, prev_hash, hash).

        An applicant sees only the decisions it asked for; an auditor or a policy owner sees every one.
        """
        record: dict[str, Any] = request.app.state.service.get(decision_id)
        if not principal.has(AUDIT) and record.get("requested_by") != principal.name:
            # The same answer as for an id that does not exist: another applicant's ids are not disclosed.
            raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                        code="decision_not_found")
        return record

    @api.get("/v1/decisions/{decision_id}/receipt", summary="A receipt anyone can check offline / 判定の受領証",
             responses={404: _ERROR, 503: _ERROR})
    def receipt(request: Request, decision_id: str,
                principal: Annotated[Principal, Depends(require(*ANYONE))]) -> dict[str, Any]:
        """The decision's canonical record, its leaf index, an inclusion proof and a signed tree head covering it.

        Check it with ``hojo verify-receipt RECEIPT.json --public-key KEY`` (no database, no token needed).
        Who may fetch it: the applicant that asked for the decision, auditors and policy owners.
        """
        service = request.app.state.service
        record = service.store.record(decision_id)
        if not principal.has(AUDIT) and record["decision"].get("requested_by") != principal.name:
            raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                        code="decision_not_found")
        return service.notary.receipt(record)  # type: ignore[no-any-return]
    @api.post("/v1/simulations", summary="Try an application without recording it / 試算（記録しない）",
              openapi_extra={"requestBody": {"required": True,
                                             "content": {"application/json": {"schema": application_schema}}}},
              responses={200: {"content": {"application/json": {"schema": decision_schema}}},
                         404: _ERROR, 422: _ERROR})
    def simulate(request: Request, body: Annotated[Any, Depends(json_body)],
                 principal: Annotated[Principal, Depends(require(*ANYONE))],
                 what_if: Annotated[bool, Query(description="add what would change the decision")] = True,
                 ) -> JSONResponse:
        """The answer ``POST /v1/decisions`` would give, plus ``recorded: false``: nothing is written to the log,
        so no impact preview, replay or export ever counts it. (A decision's answer has no ``recorded`` field:
        it is exactly the record whose hash the log chains, plus ``what_if`` (recomputed from the record, never
        hashed), so a client can verify it as received.)"""
        return JSONResponse(request.app.state.service.decide(body, requested_by=principal.name, record=False,
                                                             with_what_if=what_if))

    return api
