"""``/v1/sources``: the registered source documents, and registering one (policy owners).

| route | roles |
|---|---|
| ``GET /v1/sources`` | anyone: every registered source (id, title, date, sha256) |
| ``POST /v1/sources`` | policy owner: ``{id, title, date, text[, replace]}`` → its entry (201; 200 if known) |

The checks (id, title, date, text) are ``service.authoring.sources``'s, the same as ``hojo source add``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ..authoring.sources import SourceError, add_source
from ..kernel.errors import Problem
from ..rulebook.sources import read_registry, sources_dir
from ..web.auth import ANYONE, OWNER, Principal, require
from ..web.body import json_body

__all__ = ["router"]

_ERROR = {"description": "error: code, message_ja, message_en and problems"}
_KEYS = {"id", "title", "date", "text", "replace"}


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/sources", tags=["sources"], responses={401: _ERROR, 403: _ERROR})

    @api.get("", summary="Registered source documents / 登録された出典", dependencies=[Depends(require(*ANYONE))])
    def list_sources(request: Request) -> dict[str, Any]:
        registry = read_registry(sources_dir(request.app.state.service.paths.seeds))
        return {"sources": [{"id": source_id, "document": f"sources/{source_id}.txt", **entry}
                            for source_id, entry in sorted(registry.items())]}

    @api.post("", summary="Register a source document (policy owners) / 出典の登録", status_code=201,
              responses={200: {"description": "already registered with this text"}, 422: _ERROR})
    def register(request: Request, principal: Annotated[Principal, Depends(require(*OWNER))],
                 body: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        """Store ``text`` as ``sources/<id>.txt``, citable at once as ``cites: {document: sources/<id>.txt, …}``."""
        if not isinstance(body, dict):
            raise SourceError("要求の形式に誤りがあります", "the request is malformed", code="invalid_request",
                              problems=[Problem("$", "type", "JSON オブジェクトを送ってください",
                                                "send a JSON object")])
        unknown = sorted(set(body) - _KEYS)
        problems = [Problem(f"$.{key}", "unknown", "未知のキーです", "unknown key") for key in unknown]
        if not isinstance(body.get("text"), str):
            problems.append(Problem("$.text", "required", "本文（text）が必要です", "text is required"))
        if not isinstance(body.get("replace", False), bool):
            problems.append(Problem("$.replace", "type", "true か false です", "true or false"))
        if problems:
            raise SourceError("要求の形式に誤りがあります", "the request is malformed", code="invalid_request",
                              problems=problems)
        paths = request.app.state.service.paths
        entry = add_source(paths.seeds, paths.rules, body.get("id"), body.get("title"), body.get("date"),
                           body["text"], principal.name, replace=body.get("replace", False))
        return JSONResponse({**entry, "document": f"sources/{entry['id']}.txt"},
                            status_code=201 if entry["created"] else 200)

    return api
