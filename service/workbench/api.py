"""The workbench's actions as JSON routes: a draft's text, check, features, publish, and a diff in words.

| route | roles |
|---|---|
| ``GET /v1/programs/{id}/draft`` | anyone: the version in force as the text of draft ``v<N+1>`` |
| ``GET /v1/programs/{id}/diff?from=&to=`` | anyone: two versions compared in words |
| ``POST /v1/drafts/check`` | auditor, policy owner: ``{text[, program, version]}`` → problems at their line |
| ``POST /v1/drafts/features`` | auditor, policy owner: the program's features against the draft |
| ``POST /v1/publish`` | policy owner: publish ``{text[, program, version]}`` (or an existing draft file) |

The impact preview is ``POST /v1/impact`` (service/api/audit.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ..authoring.drafting import (
    PROGRAM_ID,
    DraftCheck,
    check_draft,
    draft_head,
    draft_text,
    publish_draft,
    run_draft_features,
)
from ..authoring.publishing import PublishError
from ..authoring.rulediff import diff_documents
from ..kernel.errors import InvalidRequestError, Problem, UnknownProgramError
from ..rulebook.model import RuleVersion
from ..web.auth import ANYONE, AUDIT, OWNER, Principal, require
from ..web.body import json_body

__all__ = ["impact_dir", "in_force_or_newest", "router", "version_of"]

_ERROR = {"description": "error: code, message_ja, message_en and problems"}
#: problems of a draft that mean it must not be looked at further: the check answers 422, not ``ok: false``
REFUSED = frozenset({"rule_too_large", "yaml_too_deep", "yaml_int_too_large"})


def impact_dir() -> Path:
    """Where publishing from the service writes impact reports (``HOJO_IMPACT_DIR``, default ``var/impact``)."""
    return Path(os.environ.get("HOJO_IMPACT_DIR", "var/impact"))


def versions_of(service: Any, program: str) -> dict[int, RuleVersion]:
    versions = service.rulebook.programs.get(program)
    if not versions:
        raise UnknownProgramError(f"制度「{program}」には規則の版がありません",
                                  f"program '{program}' has no rule versions", code="unknown_program")
    return dict(versions)


def in_force_or_newest(service: Any, program: str) -> RuleVersion:
    """The newest published version of ``program`` (the base of a new draft), else the newest one."""
    versions = versions_of(service, program)
    published = [rv for rv in versions.values() if rv.status == "published"]
    return max(published or versions.values(), key=lambda rv: rv.version)


def version_of(service: Any, program: str, version: int, where: str) -> RuleVersion:
    versions = versions_of(service, program)
    if version not in versions:
        raise InvalidRequestError(f"{program} に版 {version} はありません", f"{program} has no version {version}",
                                  code="unknown_version",
                                  problems=[Problem(where, "unknown_version", f"ある版: {sorted(versions)}",
                                                    f"versions: {sorted(versions)}")])
    return versions[version]


def _draft_body(body: Any, need_text: bool = True) -> tuple[str | None, str | None, int | None]:
    problems = []
    if not isinstance(body, dict):
        body = {}
        problems.append(Problem("$", "type", "JSON オブジェクトを送ってください", "send a JSON object"))
    text, program, version = body.get("text"), body.get("program"), body.get("version")
    for key in set(body) - {"text", "program", "version"}:
        problems.append(Problem(f"$.{key}", "unknown", "未知のキーです", "unknown key"))
    if (need_text or text is not None) and not isinstance(text, str):
        problems.append(Problem("$.text", "required", "下書きの YAML 本文（text）が必要です",
                                "text (the draft YAML) is required"))
    if program is not None and not (isinstance(program, str) and PROGRAM_ID.fullmatch(program)):
        # "../x" or "/etc" would name a file outside rules/: refused before any path is built from it.
        problems.append(Problem("$.program", "invalid_program_id",
                                "制度の ID は英小文字で始まる英小文字・数字・_ です（80 文字まで）",
                                "a program id is lower-case letters, digits and _, starting with a letter (≤ 80)"))
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 10**6):
        problems.append(Problem("$.version", "type", "1 以上の整数です", "an integer, at least 1"))
    if problems:
        raise InvalidRequestError("要求の形式に誤りがあります", "the request is malformed", code="invalid_request",
                                  problems=problems)
    return text, program, version


def _not_hostile(checked: DraftCheck) -> DraftCheck:
    """The check, unless it found the draft too large or too deep to look at: that is a 422, not ``ok: false``."""
    refused = [p for p in checked.problems if p.code in REFUSED]
    if refused:
        raise InvalidRequestError("下書きが大きすぎるか深すぎるため受け付けません",
                                  "the draft is too large or too deep", code=refused[0].code, problems=checked.problems)
    return checked


def router() -> APIRouter:
    api = APIRouter(tags=["workbench"], responses={401: _ERROR, 403: _ERROR})

    @api.get("/v1/programs/{program}/draft", summary="The version in force as a new draft / 下書きのひな形",
             dependencies=[Depends(require(*ANYONE))], responses={404: _ERROR})
    def new_draft(request: Request, program: str) -> dict[str, Any]:
        """The YAML of the newest published version, made into ``v<N+1>`` with ``status: draft``."""
        base = in_force_or_newest(request.app.state.service, program)
        version = max(versions_of(request.app.state.service, program)) + 1
        return {"program": program, "base_version": base.version, "version": version,
                "file": f"rules/{program}/v{version}.yaml", "text": draft_text(base, version)}

    @api.get("/v1/programs/{program}/diff", summary="Two versions compared in words / 版の違い",
             dependencies=[Depends(require(*ANYONE))], responses={404: _ERROR, 422: _ERROR})
    def diff(request: Request, program: str, from_version: Annotated[int, Query(alias="from", ge=1)],
             to_version: Annotated[int, Query(alias="to", ge=1)]) -> dict[str, Any]:
        """Every change from version ``from`` to version ``to``, each as a sentence in Japanese and English."""
        service = request.app.state.service
        old = version_of(service, program, from_version, "$.from")
        new = version_of(service, program, to_version, "$.to")
        return {"program": program, "from": old.version, "to": new.version, "from_sha256": old.sha256,
                "to_sha256": new.sha256, "changes": diff_documents(old.document, new.document)}

    @api.post("/v1/drafts/check", summary="Check a draft rule file / 下書きの検査",
              dependencies=[Depends(require(*AUDIT))], responses={422: _ERROR})
    def check(request: Request, body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        """Load the draft as ``rules/<program>/v<N>.yaml``: ``ok``, and every problem with its ``line``."""
        text, program, version = _draft_body(body)
        assert text is not None
        service = request.app.state.service
        checked = _not_hostile(check_draft(text, service.paths, program, version))
        result = checked.as_dict()
        base = service.rulebook.programs.get(result["program"], {})
        previous = [v for v in base if v < result["version"]]
        if result["ok"] and previous:
            assert checked.rv is not None
            result["diff_from"] = max(previous)
            result["changes"] = diff_documents(base[max(previous)].document, checked.rv.document)
        return result

    @api.post("/v1/drafts/features", summary="Run the program's features against a draft / 下書きで feature を実行",
              dependencies=[Depends(require(*AUDIT))], responses={422: _ERROR})
    def features(request: Request, body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        """The features of the draft's program, with the draft published as it would be (nothing is written)."""
        text, program, version = _draft_body(body)
        assert text is not None
        service = request.app.state.service
        checked = _not_hostile(check_draft(text, service.paths, program, version))
        if not checked.ok:
            return {"passed": False, "check": checked.as_dict(), "summary": "the draft has errors", "output": ""}
        try:
            return run_draft_features(text, service.paths, checked.program, checked.version,
                                      request.app.state.feature_target)
        except PublishError as exc:  # e.g. the program has no feature file
            raise InvalidRequestError(exc.message_ja, exc.message_en, code=exc.code, problems=exc.problems,
                                      details=exc.details) from exc

    @api.post("/v1/publish", summary="Publish a draft (policy owners) / 下書きの公開",
              responses={404: _ERROR, 422: _ERROR})
    def publish(request: Request, principal: Annotated[Principal, Depends(require(*OWNER))],
                body: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        """Features → impact report → ``status: published`` and the lock → decides at once; logged as ``publish``."""
        text, program, version = _draft_body(body, need_text=False)
        if text is not None:
            declared_program, declared_version = draft_head(text)
            program, version = program or declared_program, version or declared_version
        if not program or not version:
            raise InvalidRequestError("program と version（または text）が必要です",
                                      "give program and version, or the draft text", code="invalid_request",
                                      problems=[Problem("$.program", "required", "公開する版を指定してください",
                                                        "name the version to publish")])
        service = request.app.state.service
        try:
            return publish_draft(service, service.paths, program, version, text, principal.name, impact_dir(),
                                 request.app.state.feature_target)
        except PublishError as exc:  # a draft that cannot be published is the request's fault: 422
            raise InvalidRequestError(exc.message_ja, exc.message_en, code=exc.code, problems=exc.problems,
                                      details=exc.details) from exc

    return api
