"""``POST /v1/allocations``: share a budget out among every applicant (replay: ``/v1/decisions/{id}/replay``)."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from ..allocation.shares import AllocationService
from ..web.auth import OWNER, require
from ..web.body import json_body

__all__ = ["router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}
_LOCK = threading.Lock()


def _service(request: Request) -> AllocationService:
    """The allocation service of the app's current decision service (made once per lifespan)."""
    state = request.app.state
    service: AllocationService | None = getattr(state, "allocations", None)
    if service is None or service.decisions is not state.service:
        with _LOCK:
            service = getattr(state, "allocations", None)
            if service is None or service.decisions is not state.service:
                service = AllocationService(state.service)
                state.allocations = service
    return service


def router() -> APIRouter:
    # An allocation shares out a whole budget and is recorded: the policy owner's act, not an applicant's.
    api = APIRouter(prefix="/v1/allocations", tags=["allocations"], dependencies=[Depends(require(*OWNER))])

    @api.post("", summary="Share a budget out among applicants / 予算の按分",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["program", "fiscal_year", "budget_yen", "applicants"],
                  "properties": {"program": {"type": "string"}, "fiscal_year": {"type": "integer"},
                                 "version": {"type": "integer"}, "pool": {"type": "string"},
                                 "budget_yen": {"type": "integer", "minimum": 0},
                                 "applicants": {"type": "array", "items": {"type": "object"}}}}}}}},
              responses={404: _ERROR, 422: _ERROR, 503: _ERROR})
    def allocate(request: Request, body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        """Every applicant's share in integer yen (summing to the budget), with reasons; recorded before answered."""
        return _service(request).allocate(body)

    return api
