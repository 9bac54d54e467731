"""The workbench pages at ``/workbench``: browse, try, edit a draft, see its impact, publish, compare versions.

Server-rendered HTML (``html.py``), Japanese by default and English with ``?lang=en``. A browser carries
its token in the ``hojo_token`` cookie, set by the login form; the roles are those of the API
(``service/web/auth.py``): anyone browses and tries (a simulation: nothing is recorded unless asked); an
auditor or a policy owner also drafts, checks, runs the impact preview and the features; only a policy owner
publishes. Every form carries the session's CSRF token (``service/web/guard.py``). Every action calls the same code
as its API route (``service/authoring/drafting.py``, ``service/audit/auditor.py``, ``service/authoring/rulediff.py``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..authoring.drafting import (
    DraftCheck,
    check_draft,
    draft_head,
    draft_text,
    problem_line,
    publish_draft,
    run_draft_features,
)
from ..authoring.features import program_scenarios
from ..authoring.publishing import PublishError
from ..authoring.rulediff import band_words, condition_words, diff_documents, unit_amount, unit_yen
from ..kernel.errors import (
    ApplicationError,
    DecisionNotFoundError,
    HojoError,
    JobNotFoundError,
    RuleFileError,
    StoreError,
    TooManyJobsError,
    UnknownProgramError,
)
from ..kernel.strict_json import MAX_BODY_BYTES
from ..rulebook.model import RuleVersion
from ..web.auth import ANYONE, AUDIT, OWNER, AuthError, ForbiddenError, Principal, require, token_of
from ..web.guard import (
    CSRF_FIELD,
    SESSION_COOKIE,
    TOKEN_COOKIE,
    check_csrf,
    cookie_options,
    csrf_token,
    new_session,
    session_of,
)
from .api import impact_dir, in_force_or_newest, versions_of
from .catalog_view import programs_html
from .checks_view import BUSY_JS, feature_failures_html, feature_results_html
from .forms import facts_from_form, facts_schema_of, render_fields
from .gherkin import render_feature
from .html import esc, fiscal_year_words, lang_of, link, page, table, tr
from .impact import summarize
from .impact_view import impact_html
from .jobs import JobRunner, Outcome, Progress
from .sources_view import citations_of, document_html, documents, index_html
from .words import Vocabulary, condition_ja, names_ja, rounding_words, version_status_words

__all__ = ["router"]

_CURRENT = ' aria-current="page"'
_FEATURES = Path(__file__).resolve().parents[2] / "features"
_ROLE = {"applicant": ("申請者", "applicant"), "auditor": ("監査担当", "auditor"),
         "policy_owner": ("政策担当", "policy owner"), "monitor": ("監視", "monitor")}
_STATUS_WORD = {"decide": ("判定可", "decide"), "partly": ("一部判定", "partly"),
                "reference": ("参照のみ", "reference"), "allocation": ("配分", "allocation")}
_OUTCOME = {"met": ("満たす", "met"), "not_met": ("満たさない", "not met"), "applied": ("適用", "applied"),
            "undetermined": ("未確定", "undetermined"), "not_applicable": ("該当しない", "not applicable")}
_KIND = {"clause": ("要件", "clause"), "eligibility": ("交付対象", "eligibility"), "tier": ("区分", "tier"),
         "derived": ("派生値", "derived"), "component": ("内訳", "component"), "cap": ("上限", "ceiling"),
         "amount": ("金額", "amount"), "rate": ("補助率", "rate"), "assumption": ("前提", "assumption"),
         "open_question": ("未確定の点", "open question"), "result": ("結果", "result")}


# -- requests ------------------------------------------------------------------------------------------
async def form_data(request: Request) -> list[tuple[str, str]]:
    """An ``application/x-www-form-urlencoded`` body (a FastAPI dependency; no multipart package needed).

    Every form but the login carries this session's CSRF token (``service.web.guard``): checked here, before
    any route acts on the form.
    """
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise ApplicationError("本文が大きすぎます", "the body is too large", code="body_too_large")
    form = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    if request.url.path != "/workbench/login":
        check_csrf(request, _field(form, CSRF_FIELD))
    return form


Form = Annotated[list[tuple[str, str]], Depends(form_data)]


def _field(form: list[tuple[str, str]], name: str, default: str = "") -> str:
    return next((v for k, v in form if k == name), default)


def _principal(request: Request) -> Principal | None:
    principal: Principal | None = request.app.state.tokens.principal(token_of(request))
    return principal


def _csrf(request: Request) -> str:
    """The hidden field every workbench form (but the login) carries."""
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{esc(csrf_token(request))}">'


def _guard(request: Request, roles: tuple[str, ...]) -> Principal:
    return require(*roles)(request)


def _who(request: Request, lang: str) -> str:
    principal = _principal(request)
    if principal is not None and principal.open_mode:
        return esc(tr(lang, "公開モード（全員がすべての役割）", "open mode (everyone has every role)"))
    if principal is None:
        return f'<a href="{esc(link("/workbench/login", lang))}">{tr(lang, "ログイン", "log in")}</a>'
    role = _ROLE[principal.role][0 if lang == "ja" else 1]
    return (f'{esc(principal.name)}（{esc(role)}） '
            f'<form method="post" action="/workbench/logout" style="display:inline">{_csrf(request)}'
            f'<button class="secondary" style="padding:1px 8px">{tr(lang, "ログアウト", "log out")}</button></form>')


def _toggle(request: Request, lang: str) -> str:
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    return link(request.url.path, "ja" if lang == "en" else "en", **params)


def _html(request: Request, lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(page(lang, title, body, _who(request, lang), _toggle(request, lang)), status_code=status)
    fresh = getattr(request.state, "new_session", None)
    if fresh is not None:  # the forms of this page carry a token for a session the browser does not hold yet
        response.set_cookie(SESSION_COOKIE, fresh, **cookie_options(request))
    return response


def _status(exc: HojoError) -> int:
    for cls, status in ((AuthError, 401), (ForbiddenError, 403), (UnknownProgramError, 404),
                        (DecisionNotFoundError, 404), (JobNotFoundError, 404), (TooManyJobsError, 429),
                        (ApplicationError, 422), (PublishError, 422),
                        (RuleFileError, 422),
                        (StoreError, 503)):
        if isinstance(exc, cls):
            return status
    return 500


_STATUS_TEXT = {401: ("ログインが必要です", "Unauthorized"), 403: ("権限がありません", "Forbidden"),
                404: ("見つかりません", "Not Found"), 422: ("入力に誤りがあります", "Unprocessable"),
                429: ("混み合っています", "Too Many Requests"),
                500: ("内部の誤り", "Error"), 503: ("一時的に使えません", "Unavailable")}


def error_box(exc: HojoError, lang: str) -> str:
    status = _status(exc)
    problems = "".join(
        f"<li>{esc(p.message_ja if lang == 'ja' else p.message_en)} <small class='mono'>{esc(p.path)}</small></li>"
        for p in exc.problems[:50])
    detail = ""
    if "features" in exc.details:
        detail = feature_failures_html(exc.details["features"]["failures"], lang)
    words = _STATUS_TEXT.get(status, ("", ""))
    return (f'<div class="error" role="alert"><b>{status} {words[0] if lang == "ja" else words[1]}</b> '
            f'<small class="mono">{esc(exc.code)}</small>: {esc(exc.message_ja if lang == "ja" else exc.message_en)}'
            f'{"<ul>" + problems + "</ul>" if problems else ""}{detail}</div>')


def _failed(request: Request, lang: str, exc: HojoError) -> HTMLResponse:
    status = _status(exc)
    body = error_box(exc, lang)
    if status == 401:
        body += _login_form(lang, request.url.path)
    return _html(request, lang, tr(lang, "エラー", "Error"), body, status)


def _safe(request: Request, lang: str, roles: tuple[str, ...], build: Callable[[Principal], HTMLResponse]
          ) -> HTMLResponse:
    """Check the role, build the page; a hojo error becomes an HTML page with its status."""
    try:
        return build(_guard(request, roles))
    except HojoError as exc:
        return _failed(request, lang, exc)


# -- pieces --------------------------------------------------------------------------------------------
def _yen(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    return f"{value:,}円" if lang == "ja" else f"{value:,} yen"


def _cite(cites: Mapping[str, Any] | None, lang: str = "ja") -> str:
    """The citation, linked to its document's page at the cited line (the law beside the code)."""
    if not cites:
        return ""
    lines = f"L{cites.get('line')}" + (f"–L{cites['to_line']}" if "to_line" in cites else "")
    href = link(f"/workbench/sources/{cites.get('document')}", lang, line=cites.get("line")) + f"#L{cites.get('line')}"
    return (f'<span class="quote"><a class="cite" href="{esc(href)}">{esc(cites.get("document"))} {esc(lines)}</a>'
            f'：<q>{esc(cites.get("quote"))}</q></span>')


def _text(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return esc(value.get(lang) or value.get("ja"))
    return esc(value)


def _badge(kind: str, label: str) -> str:
    return f'<span class="badge {esc(kind)}">{esc(label)}</span>'


def _status_badge(status: str, lang: str) -> str:
    words = _STATUS_WORD.get(status, (status, status))
    return _badge(status, words[0] if lang == "ja" else words[1])


def _window(rv: RuleVersion, lang: str) -> str:
    a, b = rv.from_fiscal_year, rv.to_fiscal_year
    if lang == "ja":
        return fiscal_year_words(a, lang) if a == b else f"{fiscal_year_words(a, lang)}～{fiscal_year_words(b, lang)}"
    return f"FY{a}" if a == b else f"FY{a}–{b}"


def _program_entry(request: Request, program: str) -> dict[str, Any]:
    for entry in request.app.state.service.programs():
        if entry["program"] == program:
            return dict(entry)
    raise UnknownProgramError(f"制度「{program}」はありません", f"unknown program '{program}'", code="unknown_program")


def _program_nav(program: str, lang: str, current: str) -> str:
    items = [("", tr(lang, "制度の内容", "program")), ("/try", tr(lang, "試算する", "try it")),
             ("/draft", tr(lang, "下書きを編集", "edit a draft")),
             ("/diff", tr(lang, "版を比べる", "compare versions"))]
    return '<p class="tabs">' + "".join(
        f'<a class="{"current" if suffix == current else ""}" '
        f'href="{esc(link(f"/workbench/programs/{program}{suffix}", lang))}">{esc(label)}</a>'
        for suffix, label in items) + "</p>"


def _band_table(spec: Mapping[str, Any], lang: str, words: Vocabulary) -> str:
    by = spec["by"].get("fact") or spec["by"].get("value")
    head = [tr(lang, "区分", "band"), tr(lang, "下限", "from"), tr(lang, "上限", "to"),
            f'{tr(lang, "額", "amount")}（{esc(spec["unit"])}）', f'<span class="num">{tr(lang, "円", "yen")}</span>']
    rows = []
    for band in spec["bands"]:
        text = band_words(band, lang)
        lower, _, upper = text.partition(" " if lang == "ja" else ", ")
        rows.append([esc(band.get("label_ja", "")), esc(lower), esc(upper),
                     f'<span class="num">{esc(unit_amount(band["amount"], spec["unit"]))}</span>',
                     f'<span class="num">{unit_yen(band["amount"], spec["unit"]):,}</span>'])
    title = spec["name_ja"] if lang == "ja" else spec["name_en"]
    basis = words.title(by) if lang == "ja" else by
    return (f"<h3>{esc(title)} <small>{tr(lang, '区分の基準', 'by')}：{esc(basis)}</small> "
            f"<small class=\"mono\">{esc(spec['id'])}</small></h3>"
            f"<div>{_cite(spec['cites'], lang)}</div>" + table(head, rows, "bands"))


def _contents(lang: str) -> str:
    """The contents bar of a program page: its sections, each a link to its heading."""
    sections = [("versions", "版", "Versions"), ("history", "金額の推移", "Amount history"),
                ("clauses", "要件", "Clauses"), ("eligibility", "交付対象", "Eligibility"),
                ("tables", "基準額表", "Band tables"), ("amount", "金額", "Amount"),
                ("assumptions", "読み方の前提", "Assumptions"), ("number-sources", "数値の出所", "Numbers"),
                ("open-questions", "未確定の点", "Open questions"), ("features-spec", "仕様", "Features")]
    return ('<nav class="contents" aria-label="' + tr(lang, "目次", "Contents") + '">'
            + "".join(f'<a href="#{key}">{tr(lang, ja, en)}</a>' for key, ja, en in sections) + "</nav>")


def _versions_table(request: Request, program: str, versions: Mapping[int, RuleVersion], chosen: RuleVersion,
                    lang: str) -> str:
    """Every version with its window and status in words; the one in force this fiscal year says so."""
    service = request.app.state.service
    in_force = in_force_or_newest(service, program)
    rows = []
    for number, rv in sorted(versions.items()):
        marks = []
        if rv is in_force:
            marks.append(f'<span class="badge published">{tr(lang, "現在適用中", "in force")}</span>')
        if rv is chosen:
            marks.append(f'<span class="badge">{tr(lang, "表示中", "shown")}</span>')
        href = esc(link(f"/workbench/programs/{program}", lang, v=number))
        rows.append([f'<a href="{href}">v{number}</a> {" ".join(marks)}', esc(_window(rv, lang)),
                     _badge(rv.status, version_status_words(rv.status, lang)),
                     esc(rv.document.get("published_at", "—")),
                     esc(rv.document["name_ja"] if lang == "ja" else rv.document["name_en"]),
                     f'<small class="mono">{esc(rv.sha256[:16])}…</small>'])
    return table([tr(lang, "版", "version"), tr(lang, "適用年度", "window"), tr(lang, "状態", "status"),
                  tr(lang, "公開日", "published"), tr(lang, "名称", "name"), "sha256"], rows, "versions")


def _amount_history(versions: Mapping[int, RuleVersion], lang: str) -> str:
    """Each band amount across the versions (基準額① 1～5万人未満 by fiscal year), a changed one marked."""
    numbers = sorted(versions)
    keys: dict[tuple[str, str], dict[int, str]] = {}
    for number in numbers:
        for spec in versions[number].document.get("tables", []):
            name = spec["name_ja"] if lang == "ja" else spec["name_en"]
            for band in spec["bands"]:
                label = band.get("label_ja") or band_words(band, lang)
                keys.setdefault((name, label), {})[number] = unit_amount(band["amount"], spec["unit"])
    head = f'<h2 id="history">{tr(lang, "金額の推移（版ごと）", "Amount history (by version)")}</h2>'
    if not keys:
        return head + f"<p>{tr(lang, '基準額表はありません', 'no band tables')}</p>"
    cols = [tr(lang, "金額", "amount")] + [f"v{n}<br><small>{esc(_window(versions[n], lang))}</small>"
                                          for n in numbers]
    rows = []
    for (name, label), by_version in keys.items():
        cells, last = [], None
        for n in numbers:
            value = by_version.get(n)
            changed = last is not None and value is not None and value != last
            text = esc(value) if value is not None else "—"
            cells.append(f'<span class="num{" changed-amount" if changed else ""}">{text}'
                         f'{tr(lang, "（変更）", " (changed)") if changed else ""}</span>')
            last = value if value is not None else last
        rows.append([f"{esc(name)} {esc(label)}", *cells])
    return head + table(cols, rows, "history")


def _named(text: str, ident: str) -> str:
    """A name people read, with the rule file's id after it as small secondary text."""
    return f'{text} <small class="mono">{esc(ident)}</small>'


def _when(when: Any, lang: str, words: Vocabulary) -> str:
    return esc(condition_ja(when, words) if lang == "ja" else condition_words(when, lang))


def _version_sections(rv: RuleVersion, lang: str) -> str:
    doc = rv.document
    words = Vocabulary.of(facts_schema_of(rv), doc)
    out = []
    desc = doc.get(f"description_{lang}") or doc.get("description_ja")
    if desc:
        out.append(f"<p>{esc(desc)}</p>")
    out.append(f"<h2 id=\"clauses\">{tr(lang, '要件', 'Clauses')}</h2>")
    out.append(table([tr(lang, "要件", "clause"), tr(lang, "条件", "condition"), tr(lang, "出典", "source")],
                     [[_named(_text(c["reason"], lang), c["id"]), _when(c["when"], lang, words),
                       _cite(c["cites"], lang)] for c in doc.get("clauses", [])], "clauses"))
    elig = doc["eligibility"]
    out.append(f"<h3 id=\"eligibility\">{tr(lang, '交付対象', 'Eligibility')}</h3><p>{_text(elig['reason'], lang)}"
               f"<br>{tr(lang, '条件', 'condition')}：{_when(elig['when'], lang, words)}<br>"
               f"{_cite(elig['cites'], lang)}</p>")
    tiers = doc.get("tiers")
    if tiers:
        out.append(f"<h3>{esc(tiers['name_ja'] if lang == 'ja' else tiers.get('name_en', tiers['name_ja']))}</h3>")
        out.append(table([tr(lang, "値", "value"), tr(lang, "条件", "condition"), tr(lang, "理由", "reason"),
                          tr(lang, "出典", "source")],
                         [[esc(o["value"]), _when(o["when"], lang, words), _text(o["reason"], lang),
                           _cite(o["cites"], lang)] for o in tiers["options"]]))
    if doc.get("derived"):
        out.append(f"<h3>{tr(lang, '派生値', 'Derived values')}</h3>")
        out.append(table([tr(lang, "名前", "name"), tr(lang, "理由", "reason"), tr(lang, "出典", "source")],
                         [[_named(esc(d.get(f"name_{lang}", d["id"])), d["id"]), _text(d["reason"], lang),
                           _cite(d["cites"], lang)] for d in doc["derived"]]))
    if doc.get("tables"):
        out.append(f"<h2 id=\"tables\">{tr(lang, '基準額表', 'Band tables')}</h2>")
        out += [_band_table(spec, lang, words) for spec in doc["tables"]]
    amount = doc.get("amount")
    if amount:
        out.append(f"<h2 id=\"amount\">{tr(lang, '金額', 'Amount')}</h2>")
        rows = [[_named(esc(c.get(f"name_{lang}", c["id"])), c["id"]),
                 _when(c["when"], lang, words) if "when" in c else "—", _text(c["reason"], lang),
                 _cite(c["cites"], lang)] for c in amount.get("components", [])]
        if "cap" in amount:
            rows.append([tr(lang, "補助上限額", "ceiling"), "—", _text(amount["cap"]["reason"], lang),
                         _cite(amount["cap"]["cites"], lang)])
        rate = f"{amount.get('rate')}（{rounding_words(amount.get('rounding'), lang)}）"
        rows.append([tr(lang, "補助率", "rate"), "—", esc(rate), _cite(amount.get("rate_cites"), lang)])
        out.append(table([tr(lang, "内訳", "component"), tr(lang, "条件", "condition"), tr(lang, "理由", "reason"),
                          tr(lang, "出典", "source")], rows, "amount"))
    out.append(f"<h2 id=\"assumptions\">{tr(lang, '読み方の前提', 'Assumptions')}</h2>")
    assumptions = doc.get("assumptions", [])
    out.append(table([tr(lang, "内容", "reading"), tr(lang, "出典", "source")],
                     [[_named(esc(a.get(lang) or a["ja"]), a["id"]), _cite(a["cites"], lang)]
                      for a in assumptions]) if assumptions else f"<p>{tr(lang, 'なし', 'none')}</p>")
    out.append(_number_sources_html(rv, lang))
    out.append(f"<h2 id=\"open-questions\">{tr(lang, '未確定の点', 'Open questions')}</h2>")
    questions = doc.get("open_questions", [])
    out.append(table([tr(lang, "内容", "what"), tr(lang, "資料にないもの", "missing"), tr(lang, "出典", "source")],
                     [[_named(esc(q.get(lang) or q["ja"]), q["id"]), esc("、".join(q["missing"])),
                       _cite(q["cites"], lang)] for q in questions]) if questions
               else f"<p>{tr(lang, 'なし', 'none')}</p>")
    return "".join(out)


def _login_form(lang: str, next_path: str = "/workbench") -> str:
    return (f'<div class="card"><h2>{tr(lang, "ログイン", "Log in")}</h2>'
            f'<form method="post" action="/workbench/login"><input type="hidden" name="lang" value="{esc(lang)}">'
            f'<input type="hidden" name="next" value="{esc(next_path)}">'
            f'<label for="token">{tr(lang, "トークン（運用者が発行したもの）", "token (issued by the operator)")}'
            "</label><br>"
            '<input type="password" id="token" name="token" autocomplete="off"> '
            f'<button type="submit" id="login">{tr(lang, "ログイン", "log in")}</button></form></div>')


def _component_names(rv: RuleVersion | None, lang: str) -> dict[str, str]:
    """The amount's components by their names in the rule file (``name_ja`` / ``name_en``)."""
    if rv is None:
        return {}
    return {c["id"]: str(c.get(f"name_{lang}") or c.get("name_ja") or c["id"])
            for c in rv.document.get("amount", {}).get("components", [])}


def _decision_html(decision: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str:
    eligible = decision["eligible"]
    if eligible is True:
        verdict = _badge("ok", tr(lang, "交付対象", "eligible"))
    elif eligible is False:
        verdict = _badge("ng", tr(lang, "交付対象外", "not eligible"))
    else:
        verdict = _badge("undetermined", tr(lang, "未確定", "undetermined"))
    out = [f'<div class="card result" id="decision"><div>{verdict} '
           f'<small class="mono">{esc(decision["ruleset"])} · {tr(lang, "判定ID", "decision id")} '
           f'{esc(decision["decision_id"])}</small></div>',
           f'<div>{tr(lang, "補助額", "amount")}: '
           f'<span class="amount" id="amount">{_yen(decision["amount_yen"], lang)}</span>'
           f'　{tr(lang, "補助上限額", "ceiling")}: <span id="cap">{_yen(decision["cap_yen"], lang)}</span></div>']
    if decision.get("results"):
        results = json.dumps(decision["results"], ensure_ascii=False)
        out.append(f"<div>{tr(lang, '結果', 'results')}: <code>{esc(results)}</code></div>")
    out.append("</div>")
    if decision.get("breakdown"):
        out.append(f"<h3>{tr(lang, '内訳', 'Breakdown')}</h3>")
        out.append(table([tr(lang, "内訳", "component"), tr(lang, "適用", "applied"), '<span class="num">円</span>'],
                         [[_named(esc(b.get(f"name_{lang}") or (names or {}).get(b["component"]) or b["component"]),
                                  b["component"]),
                           tr(lang, "はい", "yes") if b["applied"] else tr(lang, "いいえ", "no"),
                           f'<span class="num">{b["yen"]:,}</span>'] for b in decision["breakdown"]]))
    out.append(f"<h3>{tr(lang, '理由', 'Reasons')}</h3>")
    out.append(table([tr(lang, "種類", "kind"), tr(lang, "結果", "outcome"), tr(lang, "理由", "reason"),
                      tr(lang, "出典", "source")],
                     [[esc(_KIND.get(r["kind"], (r["kind"], r["kind"]))[0 if lang == "ja" else 1]),
                       _badge(r["outcome"], _OUTCOME.get(r["outcome"], (r["outcome"],) * 2)[0 if lang == "ja" else 1]),
                       esc(r["message_ja"] if lang == "ja" else r["message_en"]), _cite(r["source"], lang)]
                      for r in decision["reasons"]], "reasons"))
    return "".join(out)


def _recorded_note(recorded: bool, lang: str) -> str:
    if recorded:
        return ('<div class="notice" id="recorded">'
                + tr(lang, "この判定は記録されました。", "This decision was recorded.") + "</div>")
    return ('<div class="notice" id="simulated">'
            + tr(lang, "試算です。記録されていません。", "A simulation: nothing was recorded.") + "</div>")


def _editor(program: str, lang: str, text: str, problem_lines: set[int], can: dict[str, bool], csrf: str,
            running: bool = False) -> str:
    """The draft's editor and its buttons; while a job of this page runs (``running``) every button is disabled
    and ``data-can`` says which ones the page's script enables again when it is finished."""
    count = max(1, text.count("\n") + 1)
    gutter = "\n".join(f"<b>● {n}</b>" if n in problem_lines else str(n) for n in range(1, count + 1))
    note_ja = {"impact": "（監査担当・政策担当）", "features": "（監査担当・政策担当）", "publish": "（政策担当のみ）"}
    note_en = {"impact": " (auditor, owner)", "features": " (auditor, owner)", "publish": " (policy owner only)"}
    buttons = [("check", tr(lang, "検査", "check"), ""), ("impact", tr(lang, "影響を見る", "impact"), "secondary"),
               ("features", tr(lang, "feature を実行", "run features"), "secondary"),
               ("publish", tr(lang, "公開する", "publish"), "danger")]
    locked = esc(tr(lang, "・権限なし", " · not your role"))
    # An action the role may not take is shown disabled, saying why, rather than failing with a 403 later.
    shown = "".join(
        f'<button type="submit" name="action" value="{a}" id="action-{a}" class="{cls}" data-label="{esc(label)}"'
        f' data-can="{1 if can.get(a, True) else 0}"{"" if can.get(a, True) and not running else " disabled"}>'
        f'{esc(label)}'
        f'{esc((note_ja if lang == "ja" else note_en).get(a, ""))}{"" if can.get(a, True) else locked}</button>'
        for a, label, cls in buttons)
    busy = (f'<p id="busy" class="notice" role="status" aria-live="polite" hidden><progress></progress> '
            f'<span class="what"></span>{tr(lang, " を実行しています… ", ": running… ")}<span class="seconds">0</span>'
            + tr(lang, " 秒（feature と公開は数十秒かかることがあります）",
                 " s (features and publishing may take tens of seconds)") + "</p>")
    return (f'<form method="post" action="/workbench/programs/{esc(program)}/draft" id="draft-form" data-busy="busy">'
            f'<input type="hidden" name="lang" value="{esc(lang)}">{csrf}'
            f'<label for="draft" class="editor-label">{tr(lang, "規則ファイル（YAML）", "rule file (YAML)")} '
            f'<code>rules/{esc(program)}/</code></label>'
            f'<div class="editor"><pre class="gutter" id="gutter" aria-hidden="true">{gutter}</pre>'
            f'<textarea name="text" id="draft" spellcheck="false" wrap="off">{esc(text)}</textarea></div>'
            f"<div>{shown}</div>{busy}</form>" + _EDITOR_JS + BUSY_JS)


_EDITOR_JS = """<script>
(function () {
  var area = document.getElementById('draft'), gutter = document.getElementById('gutter');
  function renumber() {
    var marked = {};
    gutter.querySelectorAll('b').forEach(function (b) { marked[b.textContent.replace('● ', '')] = 1; });
    var n = area.value.split('\\n').length, out = [];
    for (var i = 1; i <= n; i++) { out.push(marked[i] ? '<b>● ' + i + '</b>' : String(i)); }
    gutter.innerHTML = out.join('\\n');
  }
  area.addEventListener('scroll', function () { gutter.scrollTop = area.scrollTop; });
  area.addEventListener('input', renumber);
  var first = document.querySelector('a[data-line]');
  if (first) { area.scrollTop = Math.max(0, (parseInt(first.getAttribute('data-line'), 10) - 5) * 18);
               gutter.scrollTop = area.scrollTop; }
  document.querySelectorAll('a[data-line]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      var line = parseInt(a.getAttribute('data-line'), 10), lines = area.value.split('\\n'), start = 0;
      for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
      area.focus(); area.setSelectionRange(start, start + (lines[line - 1] || '').length);
      area.scrollTop = Math.max(0, (line - 5) * 18);
    });
  });
})();
</script>"""


def _number_sources_html(rv: RuleVersion, lang: str) -> str:
    """The numbers of the version that its quotes do not print, and where each comes from (an assumption)."""
    kinds = {"implied_by_label": ("見出し・区分名から読んだ数値", "read from a label"),
             "outside_seeds": ("資料外（法令等）の数値", "from outside the documents held"),
             "computed": ("資料の数値から計算した値", "computed from printed figures"),
             "cited_elsewhere": ("資料の別の行に書かれた数値", "printed on another line")}
    rows = [[f"<small class=\"mono\">{esc(d['at'])}</small>", esc(d["value"]), esc(tr(lang, *kinds[d["kind"]])),
             esc(d["why_en"] if lang == "en" else d["why_ja"]), _cite(d.get("cites"), lang)] for d in rv.number_sources]
    head = f"<h2 id=\"number-sources\">{tr(lang, '数値の出所の前提', 'Where numbers come from (assumptions)')}</h2>"
    if not rows:
        return head + f"<p>{tr(lang, 'すべての数値が引用に書かれています', 'every number is printed in its quote')}</p>"
    return head + table([tr(lang, "位置", "at"), tr(lang, "数値", "value"), tr(lang, "種類", "kind"),
                         tr(lang, "理由", "why"), tr(lang, "出典", "source")], rows)


def _warnings_html(checked: DraftCheck, lang: str) -> str:
    warnings = checked.rv.warnings if checked.rv else ()
    if not warnings:
        return ""
    items = "".join(f"<li>{esc(w.message_ja if lang == 'ja' else w.message_en)} "
                    f"<small class=\"mono\">{esc(w.path)} [{esc(w.code)}]</small></li>" for w in warnings)
    return (f'<div class="notice" id="check-warnings"><b>{tr(lang, "注意", "Warnings")} ({len(warnings)})</b>'
            f"<ul>{items}</ul></div>")


def _problems_html(checked: DraftCheck, lang: str) -> str:
    if checked.ok:
        return (f'<div class="notice" id="check-ok">{tr(lang, "問題はありません", "no problems")}: '
                f'<code>{esc(checked.name)}</code> sha256 {esc(checked.rv.sha256[:12] if checked.rv else "")}</div>'
                + _warnings_html(checked, lang))
    items = []
    for p in checked.problems:
        line = problem_line(p)
        where = (f'<a href="#draft" data-line="{line}">{tr(lang, "行", "line")} {line}</a>' if line else "")
        items.append(f"<li>{where} {esc(p.message_ja if lang == 'ja' else p.message_en)} "
                     f"<small class=\"mono\">{esc(p.path)} [{esc(p.code)}]</small></li>")
    return (f'<div class="error" id="check-problems"><b>{tr(lang, "問題", "Problems")} ({len(checked.problems)})</b>'
            f'<ul class="problems">{"".join(items)}</ul></div>')


_QUOTED_ID = re.compile(r"「([A-Za-z0-9_.$\-]+)」")


def _changes_html(changes: list[dict[str, str]], lang: str, names: Mapping[str, str] | None = None) -> str:
    """The change list; on the Japanese page an id is its Japanese name with the id as small text, and a
    value written in code or English (a formula, a reference, an English text) is small secondary text."""
    if not changes:
        return f"<p>{tr(lang, '違いはありません', 'no differences')}</p>"
    names = names or {}

    def named(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = names.get(m.group(1))
            return (f"「{esc(name)}」<small><code>{esc(m.group(1))}</code></small>" if name
                    else f"<small><code>{esc(m.group(1))}</code></small>")
        return _QUOTED_ID.sub(one, esc(text))

    def words(change: Mapping[str, str]) -> str:
        if lang != "ja":
            return esc(change["en"])
        text = change["ja"]
        if change.get("path") == "status":  # the status values in words: 公開済み → 下書き
            text = re.sub(r"\b(published|draft|superseded)\b", lambda m: version_status_words(m.group(1), lang),
                          text)
        head, sep, rest = text.partition(": ")
        if sep and (change.get("path", "").endswith((".en", "name_en")) or re.search(r"[{\[]", rest)
                    or re.search(r"[a-z]{3,}", re.sub(r"「[^」]*」|（[^）]*）", "", rest))):
            return named(head) + sep + f'<small lang="en"><code>{esc(rest)}</code></small>'
        return named(head) + sep + named(rest)
    return '<ul class="changes" id="changes">' + "".join(f"<li>{words(c)}</li>" for c in changes) + "</ul>"


def _signed_yen(value: int, lang: str) -> str:
    cls = "plus" if value > 0 else "minus" if value < 0 else ""
    sign = "+" if value > 0 else ""
    return f'<span class="delta {cls}">{sign}{_yen(value, lang)}</span>'


def _published_html(done: Mapping[str, Any], program: str, version: int, lg: str) -> str:
    return (f'<div class="notice" id="published"><b>{tr(lg, "公開しました", "Published")}</b>: '
            f'<code>{esc(done["published"])}</code> sha256 {esc(done["sha256"][:16])}… · '
            f'{tr(lg, "公開日", "published on")} {esc(done["published_at"])} · '
            f'{tr(lg, "記録", "log record")} <code>{esc(done["log_record"])}</code> · '
            f'{tr(lg, "補助額の増減", "yen delta")} '
            f'{_signed_yen(done["impact_total"]["yen_delta"], lg)} · '
            f'{tr(lg, "所要時間", "took")} {done["seconds"]["total"]:.1f} s · '
            f'<span id="live">{esc(done["live_ja"] if lg == "ja" else done["live_en"])}</span>'
            f' · <a href="{esc(link(f"/workbench/programs/{program}", lg, v=version))}">'
            f'{tr(lg, "公開した版を見る", "see the published version")}</a></div>')


def _job_failed(exc: BaseException, lg: str) -> Outcome:
    """A job's error as the page shows it: a hojo error with its status, anything else a plain 500."""
    if not isinstance(exc, HojoError):
        exc = HojoError("処理中に内部の誤りが発生しました", "an internal error stopped the action", code="internal")
    return Outcome(error_box(exc, lg), _status(exc))


_JOB_WHAT = {"features": ("feature の実行", "running the features"), "publish": ("公開", "publishing")}
_STAGE = {"": ("準備", "starting"), "check": ("検査", "checking"), "features": ("feature", "features"),
          "impact": ("影響の試算", "impact"), "publish": ("公開", "publishing")}


def _job_html(job_id: str, kind: str, total: int, lg: str, done: int = 0, stage: str = "") -> str:
    """The progress of a background job: scenarios done / total, polled by the script, refreshed without one."""
    fallback = link(f"/workbench/jobs/{job_id}/page", lg)
    what = _JOB_WHAT.get(kind, (kind, kind))
    stages = json.dumps({k: v[0 if lg == "ja" else 1] for k, v in _STAGE.items()}, ensure_ascii=False)
    return (f'<div id="job" class="notice" role="status" aria-live="polite" data-job="/workbench/jobs/{esc(job_id)}"'
            f" data-stages='{esc(stages)}'>"
            f'<b>{esc(what[0 if lg == "ja" else 1])}</b>{tr(lg, "中", "")} · '
            f'<span id="job-stage">{esc(_STAGE.get(stage, (stage, stage))[0 if lg == "ja" else 1])}</span> '
            f'<progress id="job-progress" max="{max(total, 1)}" value="{done}"></progress> '
            f'<span id="job-done">{done}</span> / <span id="job-total">{total}</span> '
            f'{tr(lg, "シナリオ", "scenarios")} · <span id="job-seconds">0</span>{tr(lg, " 秒", " s")}'
            f'<noscript><meta http-equiv="refresh" content="2;url={esc(fallback)}">'
            f' <a href="{esc(fallback)}">{tr(lg, "進み具合を見る", "see the progress")}</a></noscript></div>'
            + _JOB_JS)


# The page asks for the job's state every second and shows it; when it is finished the result takes the place
# of the progress line and the buttons the role may use are enabled again. Without scripts, <noscript> refreshes.
_JOB_JS = """<script>
(function () {
  var box = document.getElementById('job');
  if (!box) { return; }
  var stages = JSON.parse(box.getAttribute('data-stages')), started = Date.now(), misses = 0;
  function enable() {
    document.querySelectorAll('#draft-form button[data-can="1"]').forEach(function (b) { b.disabled = false; });
  }
  function tick() {
    fetch(box.getAttribute('data-job'), {headers: {accept: 'application/json'}, credentials: 'same-origin'})
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (answer) {
        var job = answer[1];
        // With several workers a poll may reach one that did not start the job (404): ask again a few times.
        if (answer[0] === 404 && misses < 20) { misses += 1; setTimeout(tick, 300); return; }
        if (answer[0] !== 200) {
          box.className = 'error'; box.textContent = job.error ? job.error.message_ja + ' / ' + job.error.message_en
                                                               : String(answer[0]);
          enable(); return;
        }
        document.getElementById('job-stage').textContent = stages[job.stage] || job.stage;
        document.getElementById('job-progress').max = Math.max(job.total, 1);
        document.getElementById('job-progress').value = job.done;
        document.getElementById('job-done').textContent = job.done;
        document.getElementById('job-total').textContent = job.total;
        document.getElementById('job-seconds').textContent = Math.round((Date.now() - started) / 1000);
        if (job.state === 'running') { setTimeout(tick, 1000); return; }
        if (job.redirect) { window.location.href = job.redirect; return; }
        document.getElementById('result').innerHTML = job.html;
        enable();
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
</script>"""


# -- the routes ----------------------------------------------------------------------------------------
def router() -> APIRouter:
    pages = APIRouter(prefix="/workbench", include_in_schema=False)
    # features and publish in the background: HOJO_WORKBENCH_JOBS at a time per process (2 by default)
    runner = JobRunner(workers=max(1, int(os.environ.get("HOJO_WORKBENCH_JOBS", "2") or "2")))

    @pages.get("", response_class=HTMLResponse)
    def programs(request: Request, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)

        def build(_: Principal) -> HTMLResponse:
            body = (f"<h1>{tr(lg, '制度の一覧', 'Programs')}</h1>"
                    + "<p>" + tr(lg, "制度を選ぶと、版・要件・基準額表・feature を見て、試算し、下書きを作れます。",
                                 "Pick a program to read its versions, clauses, band tables and features, try an "
                                 "application, or draft a new version.") + "</p>"
                    + programs_html(request.app.state.service.programs(), dict(request.query_params), lg))
            return _html(request, lg, tr(lg, "制度の一覧", "Programs"), body)
        return _safe(request, lg, ANYONE, build)

    @pages.get("/sources", response_class=HTMLResponse)
    def sources(request: Request, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)

        def build(_: Principal) -> HTMLResponse:
            service = request.app.state.service
            body = index_html(service.programs(), citations_of(service.rulebook), documents(service.paths.seeds), lg)
            return _html(request, lg, tr(lg, "出典の資料", "Source documents"), body)
        return _safe(request, lg, ANYONE, build)

    @pages.get("/sources/{document:path}", response_class=HTMLResponse)
    def source_document(request: Request, document: str, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)
        line = _int_param(request, "line")

        def build(_: Principal) -> HTMLResponse:
            service = request.app.state.service
            files = documents(service.paths.seeds)
            if document not in files:  # only a known document's name: never a path joined from the URL
                raise UnknownProgramError(f"資料「{document}」はありません", f"no document '{document}'",
                                          code="unknown_document")
            names = {e["program"]: e["name_ja"] if lg == "ja" else e["name_en"] for e in service.programs()}
            body = document_html(document, files[document], citations_of(service.rulebook), names, line, lg,
                                 show_all=request.query_params.get("all") == "1")
            return _html(request, lg, document, body)
        return _safe(request, lg, ANYONE, build)

    @pages.get("/programs/{program}", response_class=HTMLResponse)
    def program_page(request: Request, program: str, lang: str | None = None, v: int | None = None) -> HTMLResponse:
        lg = lang_of(lang)

        def build(_: Principal) -> HTMLResponse:
            entry = _program_entry(request, program)
            name = entry["name_ja"] if lg == "ja" else entry["name_en"]
            source = entry.get("source", {})
            out = [f"<h1>{esc(name)} {_status_badge(entry['status'], lg)}</h1>",
                   f'<p><code>{esc(program)}</code> · {tr(lg, "出典", "source")} {esc(source.get("document"))} '
                   f'L{esc(source.get("lines"))}</p>']
            if entry["status"] == "reference":
                why = entry["why_not_decidable"]
                out.append(f'<div class="card"><b>{tr(lg, "判定しない理由", "why it is not decided")}</b>: '
                           f'{esc(why.get(lg) or why["ja"])}</div>')
                out += [f"<div>{_cite(c, lg)}</div>" for c in entry.get("cites", [])]
                return _html(request, lg, name, "".join(out))
            if entry["status"] == "allocation":
                out.append('<div class="card">' + tr(lg, "予算を申請者の間で配分する制度です（POST /v1/allocations）。",
                                                      "A budget shared out among applicants (POST /v1/allocations).")
                           + "</div>")
                return _html(request, lg, name, "".join(out))
            versions = versions_of(request.app.state.service, program)
            chosen = versions.get(v) if v is not None else in_force_or_newest(request.app.state.service, program)
            if chosen is None:
                raise UnknownProgramError(f"版 {v} はありません", f"no version {v}", code="unknown_version")
            out.append(_program_nav(program, lg, ""))
            out.append(_contents(lg))
            out.append(f"<h2 id=\"versions\">{tr(lg, '版', 'Versions')}</h2>")
            out.append(_versions_table(request, program, versions, chosen, lg))
            out.append(_amount_history(versions, lg))
            out.append(f"<h2>v{chosen.version} · {esc(_window(chosen, lg))}"
                       f"{tr(lg, '（表示中の版）', ' (shown)')}</h2>")
            out.append(_version_sections(chosen, lg))
            feature = _FEATURES / f"{program}.feature"
            out.append(f"<h2 id=\"features-spec\">{tr(lg, '仕様（feature）', 'Specification (features)')}</h2>")
            if feature.is_file():
                titles = names_ja(program, entry["name_ja"], versions.values())
                spec = render_feature(feature.read_text(encoding="utf-8"), lg, titles)
                out.append(f'<div id="features">{spec}</div>')
            else:
                out.append(f"<p>{tr(lg, 'feature ファイルがありません', 'no feature file')}</p>")
            return _html(request, lg, name, "".join(out))
        return _safe(request, lg, ANYONE, build)

    def _try_page(request: Request, lg: str, program: str, fy: int | None, form: list[tuple[str, str]] | None,
                  principal: Principal) -> HTMLResponse:
        service = request.app.state.service
        entry = _program_entry(request, program)
        years = entry.get("fiscal_years", [])
        if entry["status"] in ("reference", "allocation") or not years:
            raise UnknownProgramError("この制度は申請ごとに判定しません", "this program is not decided per application",
                                      code="not_decidable")
        year = fy if fy is not None and fy in years else int(max(years))
        rv = service.rulebook.select(program, year)
        schema = facts_schema_of(rv)
        values: dict[str, Any] = {}
        field_errors: dict[str, str] = {}
        result = ""
        status = 200
        unknown_year = ""
        if isinstance(fy, int) and fy not in years:  # said plainly, never a silent switch to another year's form
            unknown_year = ('<div class="error" id="unknown-year" role="alert">' + esc(tr(
                lg, f"{fiscal_year_words(fy, lg)}の規則はありません。{fiscal_year_words(year, lg)}の規則で試算します。",
                f"There is no rule for {fiscal_year_words(fy, lg)}; this form uses {fiscal_year_words(year, lg)}."))
                + "</div>")
        if form is not None:
            values, unreadable = facts_from_form(schema, form)
            if unreadable:
                unread = ApplicationError("JSON として読めない欄があります", "some fields are not valid JSON",
                                          code="invalid_json")
                result = error_box(unread, lg) + f"<p>{esc(', '.join(unreadable))}</p>"
                status = 422
            else:
                try:
                    # A try is a simulation unless the user asked to record it: impact previews count records only.
                    keep = _field(form, "record") == "1"
                    decision = service.decide({"program": program, "fiscal_year": year, "facts": values},
                                              requested_by=principal.name, record=keep)
                    result = _recorded_note(keep, lg) + _decision_html(decision, lg, _component_names(rv, lg)) + (
                        f'<p><a href="{esc(link("/workbench/decisions/" + decision["decision_id"], lg))}">'
                        f'{tr(lg, "記録された判定を見る", "see the recorded decision")}</a></p>' if keep else "")
                except HojoError as exc:
                    result, status = error_box(exc, lg), _status(exc)
                    for problem in exc.problems:  # each problem also at its field
                        name = problem.path.removeprefix("$.facts.").split(".")[0].split("[")[0]
                        if problem.path.startswith("$.facts.") and name not in field_errors:
                            title = schema.get("properties", {}).get(name, {}).get("title", name)
                            field_errors[name] = (tr(lg, f"「{title}」を入力してください", "required")
                                                  if problem.code == "missing" else
                                                  problem.message_ja if lg == "ja" else problem.message_en)
        name = entry["name_ja"] if lg == "ja" else entry["name_en"]
        year_links = " ".join(
            f'<a class="{"current" if y == year else ""}"{_CURRENT if y == year else ""} '
            f'href="{esc(link(f"/workbench/programs/{program}/try", lg, fy=y))}">'
            f'{esc(fiscal_year_words(y, lg))}</a>' for y in years)
        body = (f"<h1>{esc(name)}</h1>" + _program_nav(program, lg, "/try")
                + f'<p class="tabs">{tr(lg, "年度", "fiscal year")}: {year_links} · '
                f'<small class="mono">{esc(rv.name)}</small></p>' + unknown_year
                + '<div class="two-columns"><div>'
                f'<form method="post" class="facts card" id="try-form" action="/workbench/programs/{esc(program)}/try">'
                f'<input type="hidden" name="fy" value="{year}"><input type="hidden" name="lang" value="{esc(lg)}">'
                + _csrf(request)
                + render_fields(schema, lg, values, field_errors)
                + '<p class="hint" id="simulation-note">' + tr(
                    lg, "試算は記録されません（判定の記録にも影響の試算にも入りません）。",
                    "A try is a simulation: nothing is recorded, and impact previews never count it.") + "</p>"
                + '<p><input type="checkbox" name="record" value="1" id="record"> <label for="record" class="inline">'
                + tr(lg, "この判定を記録する（申請として残す）", "record this decision (keep it as an application)")
                + "</label></p>"
                + f'<p><button type="submit" id="decide">{tr(lg, "判定する", "decide")}</button></p></form></div>'
                f'<div id="try-result">{result}</div></div>')
        return _html(request, lg, tr(lg, "試算", "Try it"), body, status)

    @pages.get("/programs/{program}/try", response_class=HTMLResponse)
    def try_form(request: Request, program: str, lang: str | None = None, fy: int | None = None) -> HTMLResponse:
        lg = lang_of(lang)
        return _safe(request, lg, ANYONE, lambda p: _try_page(request, lg, program, fy, None, p))

    @pages.post("/programs/{program}/try", response_class=HTMLResponse)
    def try_decide(request: Request, program: str, form: Form) -> HTMLResponse:
        lg = lang_of(_field(form, "lang"))
        fy_text = _field(form, "fy")
        fy = int(fy_text) if fy_text.isdigit() else None
        return _safe(request, lg, ANYONE, lambda p: _try_page(request, lg, program, fy, form, p))

    def _draft_page(request: Request, lg: str, program: str, text: str | None, action: str | None) -> HTMLResponse:
        service = request.app.state.service
        # Drafting (check, impact, features, publish) is for auditors and policy owners: compiling a draft is
        # the costliest thing a token holder can ask for.
        principal = _guard(request, AUDIT)
        entry = _program_entry(request, program)
        base = in_force_or_newest(service, program)
        versions = versions_of(service, program)
        if text is None:
            text = draft_text(base, max(versions) + 1)
        declared_program, declared_version = draft_head(text)
        version = declared_version or max(versions) + 1
        result, status, problem_lines, running = "", 200, set(), False
        try:
            if action == "publish":
                _guard(request, OWNER)
            if action:
                checked = check_draft(text, service.paths, program, version)
                problem_lines = {line for p in checked.problems if (line := problem_line(p))}
                result = _problems_html(checked, lg)
                if checked.ok and checked.rv is not None:
                    previous = [n for n in versions if n < version]
                    if action in ("check", "impact") and previous:
                        # the change list and its impact on one page
                        words = Vocabulary.of(facts_schema_of(checked.rv), checked.rv.document)
                        names = names_ja(program, checked.rv.document["name_ja"], [*versions.values(), checked.rv])
                        changes = diff_documents(versions[max(previous)].document, checked.rv.document,
                                                 condition_ja=lambda when: condition_ja(when, words))
                        result += (f"<h3>{tr(lg, '変更点', 'Changes')}（v{max(previous)} → v{version}）</h3>"
                                   + _changes_html(changes, lg, names))
                    if action == "impact":
                        report = service.auditor.impact([checked.rv])
                        records = {c["decision_id"]: service.auditor.record(c["decision_id"])
                                   for c in report["changed"]}
                        result += impact_html(summarize(report, records, checked.rv.document),
                                              facts_schema_of(checked.rv), lg)
                    elif action in ("features", "publish"):
                        # tens of seconds: run in the background, the page polls the job (``jobs.py``)
                        scenarios = program_scenarios(_FEATURES, program)
                        names = names_ja(program, entry["name_ja"], [*versions.values(), checked.rv])
                        target, who, draft = request.app.state.feature_target, principal.name, text
                        checked_html = result

                        def features(progress: Progress) -> Outcome:
                            run = run_draft_features(draft, service.paths, program, version, target,
                                                     lambda done, total, _: progress("features", done, total))
                            return Outcome(checked_html + feature_results_html(run, scenarios, lg, names))

                        def publishing(progress: Progress) -> Outcome:
                            def tell(stage: str, done: int, total: int) -> None:
                                # done / total count scenarios: all done once the features have passed
                                if stage != "features":
                                    done, total = (0 if stage == "check" else len(scenarios)), len(scenarios)
                                progress(stage, done, total)

                            done = publish_draft(service, service.paths, program, version, draft, who, impact_dir(),
                                                 target, progress=tell)
                            return Outcome(_published_html(done, program, version, lg))

                        job = runner.start((who, session_of(request)), action,
                                           features if action == "features" else publishing,
                                           lambda exc: _job_failed(exc, lg),
                                           back=link(f"/workbench/programs/{program}/draft", lg))
                        job.total = len(scenarios)
                        result, running = _job_html(job.id, action, len(scenarios), lg), True
                else:
                    status = 422
        except HojoError as exc:
            result, status = error_box(exc, lg) + result, _status(exc)
        name = entry["name_ja"] if lg == "ja" else entry["name_en"]
        mismatch = ""
        if declared_program and declared_program != program:
            mismatch = f'<div class="error">program: {esc(declared_program)} ≠ {esc(program)}</div>'
        can = {"impact": principal.has(AUDIT), "features": principal.has(AUDIT), "publish": principal.has(OWNER)}
        body = (f"<h1>{esc(name)}</h1>" + _program_nav(program, lg, "/draft")
                + f"<p>{tr(lg, '現行の版', 'based on')} v{base.version} → "
                f"<code>rules/{esc(program)}/v{version}.yaml</code>{tr(lg, '（下書き）', ' (status: draft)')}. "
                + tr(lg, "編集して「検査」し、影響と feature を確かめてから公開します。公開した版は変更できません。",
                     "Edit, check, look at the impact and the features, then publish. "
                     "A published version never changes.")
                + f"</p>{mismatch}<div id='result'>{result}</div>"
                + _editor(program, lg, text, problem_lines, can, _csrf(request), running))
        return _html(request, lg, tr(lg, "下書き", "Draft"), body, status)

    @pages.get("/jobs/{job_id}")
    def job_state(request: Request, job_id: str) -> JSONResponse:
        """A background job's progress (state, stage, done, total); when finished its result as HTML."""
        try:
            principal = _guard(request, AUDIT)
            job = runner.get(job_id, (principal.name, session_of(request)))
        except HojoError as exc:
            return JSONResponse({"error": exc.as_dict()}, status_code=_status(exc))
        return JSONResponse(job.as_dict(), headers={"cache-control": "no-store"})

    @pages.get("/jobs/{job_id}/page", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str, lang: str | None = None) -> HTMLResponse:
        """The same job for a browser without scripts: a page that refreshes itself until the job is finished."""
        lg = lang_of(lang)

        def build(principal: Principal) -> HTMLResponse:
            job = runner.get(job_id, (principal.name, session_of(request)))
            back = f'<p><a href="{esc(job.back)}">{tr(lg, "下書きに戻る", "back to the draft")}</a></p>'
            if job.outcome is None:
                body = f"<div id='result'>{_job_html(job.id, job.kind, job.total, lg, job.done, job.stage)}</div>"
                return _html(request, lg, tr(lg, "実行中", "Running"), body)
            return _html(request, lg, tr(lg, "結果", "Result"),
                         f"<div id='result'>{job.outcome.html}</div>{back}", job.outcome.status)
        return _safe(request, lg, AUDIT, build)

    @pages.get("/programs/{program}/draft", response_class=HTMLResponse)
    def draft(request: Request, program: str, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)
        try:
            return _draft_page(request, lg, program, None, None)
        except HojoError as exc:
            return _failed(request, lg, exc)

    @pages.post("/programs/{program}/draft", response_class=HTMLResponse)
    def draft_action(request: Request, program: str, form: Form) -> HTMLResponse:
        lg = lang_of(_field(form, "lang"))
        action = _field(form, "action", "check")
        if action not in ("check", "impact", "features", "publish"):
            action = "check"
        try:
            return _draft_page(request, lg, program, _field(form, "text").replace("\r\n", "\n"), action)
        except HojoError as exc:
            return _failed(request, lg, exc)

    @pages.get("/programs/{program}/diff", response_class=HTMLResponse)
    def diff(request: Request, program: str, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)
        from_version, to_version = _int_param(request, "from"), _int_param(request, "to")

        def build(_: Principal) -> HTMLResponse:
            entry = _program_entry(request, program)
            versions = versions_of(request.app.state.service, program)
            numbers = sorted(versions)
            new = to_version if to_version in versions else numbers[-1]
            old = from_version if from_version in versions else (numbers[-2] if len(numbers) > 1 else numbers[0])

            def select(name: str, chosen: int) -> str:
                label = (tr(lg, "比べる元の版", "from version") if name == "from"
                         else tr(lg, "比べる先の版", "to version"))
                return f'<label for="{name}">{label}</label> <select name="{name}" id="{name}">' + "".join(
                    f'<option value="{n}"{" selected" if n == chosen else ""}>v{n} '
                    f'（{esc(version_status_words(versions[n].status, lg))}、{esc(_window(versions[n], lg))}）</option>'
                    for n in numbers) + "</select>"
            hidden = '<input type="hidden" name="lang" value="en">' if lg == "en" else ""
            # Conditions in the words of the newer version's facts schema (its titles and labels), ids aside.
            words = Vocabulary.of(facts_schema_of(versions[new]), versions[new].document)
            changes = diff_documents(versions[old].document, versions[new].document,
                                     condition_ja=lambda when: condition_ja(when, words))
            name = entry["name_ja"] if lg == "ja" else entry["name_en"]
            body = (f"<h1>{esc(name)}</h1>" + _program_nav(program, lg, "/diff")
                    + f'<form method="get" class="card">{hidden}{select("from", old)} → {select("to", new)} '
                    f'<button type="submit">{tr(lg, "比べる", "compare")}</button></form>'
                    + f"<h2>v{old} → v{new}（{len(changes)} {tr(lg, '件', 'changes')}）</h2>"
                    + _changes_html(changes, lg, names_ja(program, entry["name_ja"], versions.values())))
            return _html(request, lg, tr(lg, "版の比較", "Compare versions"), body)
        return _safe(request, lg, ANYONE, build)

    @pages.get("/decisions/{decision_id}", response_class=HTMLResponse)
    def decision_page(request: Request, decision_id: str, lang: str | None = None) -> HTMLResponse:
        """A recorded decision, checked as it is read: a record that fails its check is flagged first."""
        lg = lang_of(lang)

        def build(principal: Principal) -> HTMLResponse:
            record = request.app.state.service.get(decision_id)
            if not principal.has(AUDIT) and record.get("requested_by") != principal.name:
                raise DecisionNotFoundError(f"判定 {decision_id} はありません", f"no decision {decision_id}",
                                            code="decision_not_found")
            integrity = record["integrity"]
            out = [f"<h1>{tr(lg, '記録された判定', 'Recorded decision')}</h1>"]
            if not integrity["ok"]:
                out.append('<div class="tampered" id="integrity">' + tr(
                    lg, "改ざんの疑い：この記録は検査に失敗しました。下の内容を判定結果として扱わないでください。",
                    "Tampered: this record failed its integrity check. Do not take what follows as the decision "
                    "made.") + "<ul>" + "".join(
                    f"<li><code>{esc(p['code'])}</code> {esc(p['message_ja'] if lg == 'ja' else p['message_en'])}</li>"
                    for p in integrity["problems"]) + "</ul></div>")
            else:
                out.append('<div class="notice" id="integrity">' + tr(
                    lg, "この記録のハッシュ・前の記録とのつながり・ハッシュ木の葉を確認しました。",
                    "This record's hash, its link to the record before it and its leaf in the log's tree were "
                    "checked.") + "</div>")
            if "eligible" in record and "reasons" in record:
                try:
                    decided_by = request.app.state.service.rulebook.select(
                        record["program"], record["fiscal_year"], record.get("rules_version"))
                except HojoError:
                    decided_by = None  # a version no longer in rules/: the ids are shown instead of names
                out.append(_decision_html(record, lg, _component_names(decided_by, lg)))
            else:  # a publication or an allocation: shown as recorded
                out.append(f'<pre class="card">{esc(json.dumps(record, ensure_ascii=False, indent=2))}</pre>')
            out.append(f'<p>{tr(lg, "記録の通し番号", "log sequence")} {esc(record["log"]["seq"])} · '
                       f'{tr(lg, "ハッシュ", "hash")} <small class="mono">{esc(record["log"]["hash"])}</small></p>')
            return _html(request, lg, tr(lg, "記録された判定", "Recorded decision"), "".join(out))
        return _safe(request, lg, ANYONE, build)

    @pages.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)
        note = ""
        if request.app.state.tokens.open_mode:
            note = ('<div class="notice">'
                    + tr(lg, "トークンの設定がないため公開モードで動いています（全員がすべての役割）。",
                         "No tokens are configured: open mode (everyone has every role).") + "</div>")
        return _html(request, lg, tr(lg, "ログイン", "Log in"), note + _login_form(lg))

    @pages.post("/login")
    def login(request: Request, form: Form) -> Response:
        lg = lang_of(_field(form, "lang"))
        token = _field(form, "token").strip()
        principal = request.app.state.tokens.principal(token) if token else None
        if principal is None:
            wrong = AuthError("トークンが正しくありません", "the token is not valid", code="unauthenticated")
            body = error_box(wrong, lg)
            # the login form again, with the error (the page itself is open to everyone)
            return _html(request, lg, tr(lg, "ログイン", "Log in"), body + _login_form(lg))
        target = _field(form, "next", "/workbench")
        if not target.startswith("/workbench"):
            target = "/workbench"
        response = RedirectResponse(link(target, lg), status_code=303)
        # A new session nonce at every login, so the CSRF token of a previous session no longer works.
        response.set_cookie(TOKEN_COOKIE, token, **cookie_options(request))
        response.set_cookie(SESSION_COOKIE, new_session(), **cookie_options(request))
        response.delete_cookie(TOKEN_COOKIE, path="/")  # a cookie of an older hojo, once scoped to the whole site
        return response

    @pages.post("/logout")
    def logout(request: Request, form: Form) -> Response:
        response = RedirectResponse("/workbench/login", status_code=303)
        for name in (TOKEN_COOKIE, SESSION_COOKIE):
            response.delete_cookie(name, path="/workbench")
        return response

    return pages


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None
