"""A recorded decision as a printable notice: 交付決定通知書 (eligible) or 不交付決定通知書 (not eligible).

One HTML page with A4 print CSS, no script and no external resource (it prints offline). It shows the
applicant, the program, the fiscal year, the result, the amount in 円 with separators, every reason with
its source line, the rule version and its sha256, the decision id and its place in the hash-chained log,
and, when the service signs tree heads, the signed receipt's leaf, tree head and signature (what
``hojo verify-receipt`` checks offline).
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["render_notice"]

_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", sans-serif; font-size: 10.5pt;
       color: #000; max-width: 174mm; margin: 0 auto; line-height: 1.6; }
h1 { text-align: center; font-size: 18pt; letter-spacing: 0.3em; margin: 8mm 0; }
.meta { text-align: right; }
.to { margin: 6mm 0; font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
th { background: #eee; width: 30%; font-weight: normal; }
.amount { font-size: 14pt; font-weight: bold; }
.reasons td:first-child { width: 14%; white-space: nowrap; }
.source { font-size: 8.5pt; color: #333; }
.mono { font-family: monospace; font-size: 8pt; word-break: break-all; }
@media print { .noprint { display: none; } tr { page-break-inside: avoid; } }
"""

_OUTCOME = {"met": "満たす", "not_met": "満たさない", "not_applicable": "該当しない", "applied": "適用",
            "undetermined": "未確定"}


def _yen(value: Any) -> str:
    return "—" if value is None else f"{value:,} 円" if isinstance(value, int) else f"{value} 円"


def _receipt(receipt: dict[str, Any] | None, decision_id: str) -> str:
    """The signed receipt's position in the Merkle tree and the signed head that covers it."""
    if not receipt:
        return ""
    head = receipt["tree_head"]
    rows = [("受領証：木の位置", f"第 {receipt['leaf_index'] + 1:,} 件 / {int(head['tree_size']):,} 件"),
            ("受領証：木の根", head.get("root_hash", "")), ("受領証：署名日時", head.get("timestamp", "")),
            ("受領証：鍵", head.get("key_id", "")), ("受領証：署名", head.get("signature", "")),
            ("受領証の確認", f"GET /v1/decisions/{decision_id}/receipt を保存し hojo verify-receipt で確認")]
    return "".join(f'<tr><th>{escape(name)}</th><td class="mono">{escape(str(text))}</td></tr>' for name, text in rows)


def render_notice(record: dict[str, Any], program_name: str, receipt: dict[str, Any] | None = None) -> str:
    """The notice of ``record`` (a decision with its log entry); ``program_name`` is the program's Japanese name;
    ``receipt`` the signed receipt (``Notary.receipt``), when the service signs tree heads."""
    eligible = record.get("eligible")
    if eligible is None:
        title, result = "判定結果通知書（未確定）", "資料で確定しない点があるため、交付の可否を決定できません"
    elif eligible:
        title, result = "交付決定通知書", "交付の対象と決定しました"
    else:
        title, result = "不交付決定通知書", "交付の対象とならないと決定しました"
    log = record.get("log") or {}
    rows = []
    for r in record.get("reasons", []):
        source = r.get("source") or {}
        where = f"{source.get('document', '')} {source.get('line', '')}行"
        rows.append(f"<tr><td>{escape(_OUTCOME.get(r['outcome'], r['outcome']))}</td>"
                    f"<td>{escape(r['message_ja'])}<div class=\"source\">出典：{escape(where)}「"
                    f"{escape(str(source.get('quote', '')))}」</div></td></tr>")
    lines = "".join(f"<tr><td>{escape(b['name_ja'])}</td><td>{escape(_yen(b['yen']))}</td></tr>"
                    for b in record.get("breakdown", []))
    breakdown = (f'<h2>内訳</h2><table><tr><th>項目</th><th>金額</th></tr>{lines}</table>' if lines else "")
    requested = escape(str(record.get("requested_by", "")))
    return f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title><style>{_CSS}</style></head>
<body>
<div class="meta">判定番号 {escape(record['decision_id'])}<br>判定日時 {escape(str(record.get('decided_at', '')))}</div>
<div class="to">{requested} 様</div>
<h1>{title}</h1>
<p>{escape(str(record['fiscal_year']))}年度 {escape(program_name)} について申請のあった件は、
下記のとおり{result}。</p>
<table>
<tr><th>申請者</th><td>{requested}</td></tr>
<tr><th>制度</th><td>{escape(program_name)}（{escape(str(record.get('ruleset', '')))}）</td></tr>
<tr><th>年度</th><td>{escape(str(record['fiscal_year']))}年度</td></tr>
<tr><th>結果</th><td>{escape(result)}</td></tr>
<tr><th>交付額</th><td class="amount">{escape(_yen(record.get('amount_yen')))}</td></tr>
<tr><th>補助上限額</th><td>{escape(_yen(record.get('cap_yen')))}</td></tr>
</table>
{breakdown}
<h2>理由</h2>
<table class="reasons">{''.join(rows)}</table>
<h2>記録</h2>
<table>
<tr><th>規則の版</th>
<td>{escape(str(record.get('ruleset', '')))}（第 {escape(str(record.get('rules_version', '')))} 版）</td></tr>
<tr><th>規則の sha256</th><td class="mono">{escape(str(record.get('rules_sha256', '')))}</td></tr>
<tr><th>判定番号</th><td class="mono">{escape(record['decision_id'])}</td></tr>
<tr><th>記録の位置</th><td>第 {escape(str(log.get('seq', '—')))} 件</td></tr>
<tr><th>記録のハッシュ</th><td class="mono">{escape(str(log.get('hash', '')))}</td></tr>
{_receipt(receipt, record['decision_id'])}
</table>
</body></html>"""
