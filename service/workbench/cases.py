"""The workbench's case pages (案件): ``/workbench/cases`` and ``/workbench/cases/{case_id}``.

A policy owner or an auditor sees every case, with the amounts still to return and the overdue steps
first; an applicant sees its own. A case's page shows each step (date, deadline, late or not, the amounts,
every cost line with its classification and reason) and what is due next, by when. The pages call the
same :class:`~service.cases.service.CaseService` as ``/v1/cases`` and ``hojo case``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..cases.service import CaseService, shared_case_service
from ..kernel.errors import CaseNotFoundError
from ..web.auth import ANYONE, AUDIT, Principal
from .html import esc, lang_of, link, table, tr
from .routes import _html, _safe, _yen

__all__ = ["router"]

_AMOUNTS = (("applied_yen", "申請額", "applied"), ("granted_yen", "交付決定額", "granted"),
            ("paid_yen", "支払済額", "paid"), ("confirmed_yen", "確定額", "settled"),
            ("return_yen", "返還額", "to return"), ("additional_yen", "追加交付額", "additional payment"),
            ("repaid_yen", "返還済額", "returned"), ("outstanding_yen", "未返還額", "still to return"))


def _cases(request: Request) -> CaseService:
    """The case service of the app's current decision service (made once per lifespan)."""
    return shared_case_service(request.app.state)


def _due(step: dict[str, Any] | None, lang: str) -> str:
    if step is None:
        return tr(lang, "なし（終了）", "none (closed)")
    due = step.get("due") or tr(lang, "期限の定めなし", "no deadline stated")
    return f"{esc(step['name_ja'] if lang == 'ja' else step['name_en'])}（{esc(due)}）"


def router() -> APIRouter:
    pages = APIRouter(prefix="/workbench/cases", include_in_schema=False)

    @pages.get("", response_class=HTMLResponse)
    def case_list(request: Request, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)

        def build(principal: Principal) -> HTMLResponse:
            applicant = None if principal.has(AUDIT) else principal.name
            found = _cases(request).list(applicant=applicant, overdue_on=None)
            today = date.today()
            rows = []
            # The policy owner's questions first: what is still to return, what is overdue.
            found.sort(key=lambda c: (-int(c["amounts"]["outstanding_yen"]), c["status"] != "open"))
            for case in found:
                nxt = case["next"]
                overdue = bool(nxt and nxt["due"] and date.fromisoformat(nxt["due"]) < today)
                rows.append([
                    f'<a href="{esc(link("/workbench/cases/" + case["case_id"], lg))}">'
                    f'<code>{esc(case["case_id"][:8])}</code></a>',
                    f'<code>{esc(case["program"])}</code>', esc(case["fiscal_year"]), esc(case["applicant"]),
                    esc(case["status"]), _yen(case["amounts"]["granted_yen"], lg),
                    _yen(case["amounts"]["outstanding_yen"], lg),
                    _due(nxt, lg) + (f' <span class="badge ng">{tr(lg, "期限超過", "overdue")}</span>'
                                     if overdue else "")])
            body = (f"<h1>{tr(lg, '案件', 'Cases')}</h1><p>"
                    + tr(lg, "交付申請から返還までの案件です。未返還額の多い順、期限を過ぎた手続に印を付けています。",
                         "Each grant's life from application to return; the most still to return first, overdue "
                         "steps marked.") + "</p>"
                    + table([tr(lg, "案件", "case"), tr(lg, "制度", "program"), tr(lg, "年度", "FY"),
                             tr(lg, "申請者", "applicant"), tr(lg, "状態", "status"),
                             tr(lg, "交付決定額", "granted"), tr(lg, "未返還額", "still to return"),
                             tr(lg, "次の手続（期限）", "next step (due)")], rows, "cases"))
            return _html(request, lg, tr(lg, "案件", "Cases"), body)
        return _safe(request, lg, ANYONE, build)

    @pages.get("/{case_id}", response_class=HTMLResponse)
    def case_page(request: Request, case_id: str, lang: str | None = None) -> HTMLResponse:
        lg = lang_of(lang)

        def build(principal: Principal) -> HTMLResponse:
            service = _cases(request)
            if not principal.has(AUDIT) and service.owner(case_id) != principal.name:
                raise CaseNotFoundError(f"案件 {case_id} はありません", f"no case {case_id}", code="case_not_found")
            case = service.case(case_id)
            out = [f"<h1>{tr(lg, '案件', 'Case')} <code>{esc(case_id)}</code></h1>",
                   f'<p><code>{esc(case["program"])}</code> · {tr(lg, "年度", "FY")} {esc(case["fiscal_year"])} · '
                   f'{tr(lg, "規則", "rules")} <code>{esc(case["ruleset"])}</code> · '
                   f'{tr(lg, "交付の流れ", "lifecycle")} <code>{esc(case["lifecycle"])}</code></p>',
                   f'<div class="card"><b>{tr(lg, "次の手続", "next step")}</b>: {_due(case["next"], lg)}</div>',
                   table([tr(lg, name_ja, name_en) for _, name_ja, name_en in _AMOUNTS],
                         [[_yen(case["amounts"][key], lg) for key, _, _ in _AMOUNTS]], "amounts")]
            for step in case["steps"]:
                late = (f' <span class="badge ng">{tr(lg, "期限後", "late")}</span>' if step["late"] else "")
                out.append(f"<h2>{esc(step['step_no'])}. {esc(step['name_ja'] if lg == 'ja' else step['name_en'])} "
                           f"（{esc(step['on'])}）{late}</h2>")
                out.append(f"<p>{tr(lg, '期限', 'due')}: {esc(step['due'] or '—')} · "
                           f"seq {esc(step['log']['seq'])} · hash <code>{esc(step['log']['hash'][:16])}…</code></p>")
                if step["lines"]:
                    out.append(table(
                        [tr(lg, "金額", "amount"), tr(lg, "区分", "category"), tr(lg, "内容", "description"),
                         tr(lg, "判定", "classified"), tr(lg, "理由", "reason")],
                        [[_yen(line["amount_yen"], lg), esc(line["category_ja"]), esc(line["description"]),
                          tr(lg, "対象", "eligible") if line["eligible"] else
                          f'<span class="badge ng">{tr(lg, "対象外", "excluded")}</span>',
                          esc(line["reason_ja"] if lg == "ja" else line["reason_en"])
                          + f' <small>{esc(line["source"]["document"])} L{esc(line["source"]["line"])}</small>']
                         for line in step["lines"]], "lines"))
                out.append("<ul>" + "".join(
                    f"<li>{esc(r['message_ja'] if lg == 'ja' else r['message_en'])} "
                    f"<small>{esc(r['source']['document'])} L{esc(r['source']['line'])}</small></li>"
                    for r in step["reasons"] if r["kind"] not in ("clause", "derived", "component")) + "</ul>")
            return _html(request, lg, tr(lg, "案件", "Case"), "".join(out))
        return _safe(request, lg, ANYONE, build)

    return pages
