"""Public evidence routes (no token needed): the signed tree head, consistency proofs, the public key.

Like a Certificate Transparency log's ``get-sth`` and ``get-sth-consistency``: they disclose only hashes
and the number of records, and an applicant or outside auditor must be able to fetch them to check a
receipt or an anchor without trusting the operator.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

__all__ = ["router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}


def router() -> APIRouter:
    api = APIRouter(tags=["evidence"])

    @api.get("/v1/log/head", summary="The signed tree head, to anchor / 署名付きの記録の先頭")
    def head(request: Request) -> dict[str, Any]:
        """The Merkle root of the whole log signed with the operator's key, and the chain head (count, head_hash).

        Keep it outside the operator's database: ``hojo verify-log --anchor HEAD.json`` later proves the log
        still holds it as a prefix, however many records were appended since.
        """
        return request.app.state.service.notary.head()  # type: ignore[no-any-return]

    @api.get("/v1/log/consistency", summary="Consistency proof between two tree sizes / 一貫性の証明",
             responses={422: _ERROR})
    def consistency(request: Request, first: Annotated[int, Query(alias="from", ge=0)],
                    second: Annotated[int, Query(alias="to", ge=0)]) -> dict[str, Any]:
        """RFC 9162 proof that the tree of ``from`` records is a prefix of the tree of ``to`` records."""
        return request.app.state.service.notary.consistency(first, second)  # type: ignore[no-any-return]

    @api.get("/v1/log/public-key", summary="The key tree heads are signed with / 署名の公開鍵",
             responses={503: _ERROR})
    def public_key(request: Request) -> dict[str, str]:
        """The operator's Ed25519 public key (PEM) and its key_id; save it for ``hojo verify-receipt``."""
        return request.app.state.service.notary.public_key()  # type: ignore[no-any-return]

    return api
