"""``GET /v1/programs``: every program with its rule versions, status and source."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ..rulebook.examples import worked_examples
from ..rulebook.registry import unknown_program
from ..web.auth import ANYONE, require

__all__ = ["router"]


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/programs", tags=["programs"], dependencies=[Depends(require(*ANYONE))])

    @api.get("", summary="Programs and their rule versions / 制度と規則の版")
    def list_programs(request: Request) -> dict[str, Any]:
        return {"programs": request.app.state.service.programs()}

    @api.get("/{program}", summary="One program / 制度", responses={404: {"description": "unknown program"}})
    def get_program(request: Request, program: str) -> dict[str, Any]:
        service = request.app.state.service
        for entry in service.programs():
            if entry["program"] == program:
                if program in service.rulebook.programs:
                    # one worked request per fiscal year, from the program's feature (its answer is known)
                    entry["examples"] = [{"fiscal_year": year, **example.as_dict()} for year, example in
                                         sorted(worked_examples(service.rulebook, program).items())]
                    entry["facts_schema"] = [f"/v1/programs/{program}/facts-schema?fiscal_year={year}"
                                             for year in entry.get("fiscal_years", [])]
                return entry  # type: ignore[no-any-return]
        raise unknown_program(program, [e["program"] for e in service.programs()], {})

    return api
