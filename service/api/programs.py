"""``GET /v1/programs``: every program with its rule versions, status and source."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ..kernel.errors import UnknownProgramError
from ..web.auth import ANYONE, require

__all__ = ["router"]


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/programs", tags=["programs"], dependencies=[Depends(require(*ANYONE))])

    @api.get("", summary="Programs and their rule versions / 制度と規則の版")
    def list_programs(request: Request) -> dict[str, Any]:
        return {"programs": request.app.state.service.programs()}

    @api.get("/{program}", summary="One program / 制度", responses={404: {"description": "unknown program"}})
    def get_program(request: Request, program: str) -> dict[str, Any]:
        for entry in request.app.state.service.programs():
            if entry["program"] == program:
                return entry  # type: ignore[no-any-return]
        raise UnknownProgramError(f"制度「{program}」はありません", f"unknown program '{program}'",
                                  code="unknown_program")

    return api
