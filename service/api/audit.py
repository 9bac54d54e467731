"""Audit routes: replay, redecide, the log's chain, the audit listing and export, impact of a draft."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from ..audit.export import csv_lines, jsonl_lines, page, valid_date
from ..kernel.errors import InvalidRequestError, Problem, RuleFileError
from ..rulebook.load import load_rule_text
from ..store import Query as LogQuery
from ..web.auth import AUDIT, require
from ..web.body import json_body

__all__ = ["router"]

_ERROR = {"description": "error: code, message_ja, message_en and, for 422, one problem per JSON path"}


def _log_query(program: str | None, fiscal_year: int | None, decided_from: str | None, decided_to: str | None,
               after: int, limit: int | None) -> LogQuery:
    return LogQuery(program=program, fiscal_year=fiscal_year, decided_from=decided_from, decided_to=decided_to,
                    after_seq=after, limit=limit)


def router() -> APIRouter:
    # Auditors and policy owners only: the log holds every applicant's facts.
    api = APIRouter(tags=["audit"], dependencies=[Depends(require(*AUDIT))],
                    responses={401: _ERROR, 403: _ERROR})

    @api.get("/v1/decisions", summary="Recorded decisions, for auditors / 判定の一覧・出力",
             responses={422: _ERROR})
    def list_decisions(
        request: Request,
        program: str | None = None,
        fiscal_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
        decided_from: Annotated[str | None, Query(alias="from", max_length=40,
                                                  description="ISO date or date-time, inclusive")] = None,
        decided_to: Annotated[str | None, Query(alias="to", max_length=40,
                                                description="ISO date or date-time, exclusive")] = None,
        after: Annotated[int, Query(ge=0, description="the cursor: next_after of the previous page")] = 0,
        limit: Annotated[int | None, Query(ge=1, le=1_000_000, description="json: at most 1000 (default "
                                                                           "100); jsonl/csv: default all")] = None,
        format: Annotated[str, Query(pattern="^(json|jsonl|csv)$")] = "json",
        facts: Annotated[bool, Query(description="csv: one column per fact")] = False,
    ) -> Any:
        """A page of recorded decisions (``format=json``), or the matching ones as JSONL or CSV.

        Every format pages with ``limit`` and ``after``; JSONL and CSV give the next cursor in the
        ``X-Next-After`` header when a ``limit`` cut the export short.
        """
        problems = [Problem(f"$.query.{name}", "date", f"{name} は ISO 形式の日付または日時にしてください",
                            f"{name}: {value!r} is not an ISO date or date-time (2026-04-01, 2026-04-01T09:00)")
                    for name, value in (("from", decided_from), ("to", decided_to))
                    if value is not None and not valid_date(value)]
        if format == "json" and limit is not None and limit > 1000:
            problems.append(Problem("$.query.limit", "range", "format=json の limit は 1000 までです",
                                    "limit: at most 1000 with format=json (use jsonl or csv for more)"))
        if problems:
            raise InvalidRequestError("パラメータに誤りがあります", "invalid request parameters",
                                      code="invalid_parameters", problems=problems)
        store = request.app.state.service.store
        if format == "json":
            return page(store, _log_query(program, fiscal_year, decided_from, decided_to, after, limit or 100))
        query = _log_query(program, fiscal_year, decided_from, decided_to, after, limit)
        headers = {}
        if limit is not None:
            # A bounded page: its last seq is known before streaming, so the cursor goes in a header.
            seqs = [row.seq for row in store.rows(query)]
            if len(seqs) == limit:
                headers["X-Next-After"] = str(seqs[-1])
        if format == "jsonl":
            return StreamingResponse(jsonl_lines(store, query), media_type="application/x-ndjson", headers=headers)
        headers["content-disposition"] = "attachment; filename=hojo-decisions.csv"
        return StreamingResponse(csv_lines(store, query, facts=facts), media_type="text/csv; charset=utf-8",
                                 headers=headers)

    @api.post("/v1/decisions/{decision_id}/replay", summary="Replay under the exact rules / 判定の再現",
              responses={404: _ERROR, 503: _ERROR})
    def replay(request: Request, decision_id: str) -> dict[str, Any]:
        """Re-run the recorded facts under the rule text kept in the store; ``identical`` or a field diff."""
        return request.app.state.service.auditor.replay(decision_id)  # type: ignore[no-any-return]

    @api.post("/v1/decisions/{decision_id}/redecide", summary="What today's rules decide / 現行規則での再判定",
              responses={404: _ERROR, 422: _ERROR})
    def redecide(request: Request, decision_id: str) -> dict[str, Any]:
        """Decide the recorded facts under the version in force today (not recorded) and show what changed."""
        return request.app.state.service.auditor.redecide(decision_id)  # type: ignore[no-any-return]

    @api.get("/v1/log/verify", summary="Verify the hash chain / 記録の改ざん検査")
    def verify(request: Request, count: Annotated[int | None, Query(ge=0)] = None,
               head_hash: Annotated[str | None, Query(pattern="^[0-9a-f]{64}$")] = None) -> dict[str, Any]:
        """Check every link; with an anchored ``count`` and ``head_hash`` a truncated tail is caught too."""
        expected = None if count is None and head_hash is None else {
            k: v for k, v in (("count", count), ("head_hash", head_hash)) if v is not None}
        return request.app.state.service.auditor.verify(expected)  # type: ignore[no-any-return]

    @api.post("/v1/impact", summary="Impact of a draft over past decisions / 下書きの影響",
              responses={422: _ERROR},
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["rules"], "additionalProperties": False,
                  "properties": {"rules": {"type": "object", "description": "path under rules/ → YAML text",
                                           "additionalProperties": {"type": "string"}},
                                 "program": {"type": "string"}, "fiscal_year": {"type": "integer"}}}}}}})
    def impact(request: Request, body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        """Decide the logged applications under the draft texts given (``{"rules": {"<program>/v3.yaml": text}}``)."""
        service = request.app.state.service
        if not isinstance(body, dict) or not isinstance(body.get("rules"), dict) or not body["rules"] or set(
                body) - {"rules", "program", "fiscal_year"}:
            raise InvalidRequestError("rules に「<制度>/v<N>.yaml: 本文」を指定してください",
                                      "give rules as {\"<program>/v<N>.yaml\": \"<yaml text>\"}",
                                      code="invalid_request",
                                      problems=[Problem("$.rules", "required", "下書きがありません", "no draft given")])
        drafts, problems = [], []
        for name, text in body["rules"].items():
            program, _, file_name = str(name).partition("/")
            if not isinstance(text, str) or not file_name.startswith("v") or not file_name[1:-5].isdigit() \
                    or not file_name.endswith(".yaml"):
                problems.append(Problem(f"$.rules['{name}']", "draft_name",
                                        "キーは「<制度>/v<N>.yaml」、値は YAML の本文です",
                                        "keys are '<program>/v<N>.yaml' and values the YAML text"))
                continue
            try:
                drafts.append(load_rule_text(text, f"draft:{name}", service.paths.schemas, service.paths.seeds,
                                             (program, int(file_name[1:-5]))))
            except RuleFileError as exc:
                problems += [Problem(f"$.rules['{name}']", p.code, f"{p.path}: {p.message_ja}",
                                     f"{p.path}: {p.message_en}") for p in exc.problems]
        if problems:
            raise InvalidRequestError("下書きに誤りがあります", "the draft has errors", code="invalid_draft",
                                      problems=problems)
        query = LogQuery(program=body.get("program"), fiscal_year=body.get("fiscal_year"))
        return service.auditor.impact(drafts, query)  # type: ignore[no-any-return]

    return api
