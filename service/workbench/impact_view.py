"""The impact of a draft as a page section: who gains, who loses, by how much, and every changed decision.

Renders :class:`service.workbench.impact.ImpactSummary`: the key figures, the distribution of the yen changes
and the breakdowns by band, by item (事業区分) and by applicant as server-drawn SVG (``charts.py``), the
changed decisions as a sortable table with the facts that decide them, the ceiling-only changes apart, and a
CSV of the list (a ``data:`` link: the draft lives in the form, so there is nothing on the server to fetch).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any
from urllib.parse import quote

from .charts import bars_svg
from .forms import enum_labels
from .html import esc, fiscal_year_words, table, tr
from .impact import Change, Group, ImpactSummary, changes_csv, distribution

__all__ = ["impact_html"]


def _yen(value: int | None, lang: str) -> str:
    if value is None:
        return "—"
    return f"{value:,}円" if lang == "ja" else f"{value:,} yen"


def _signed(value: int, lang: str) -> str:
    cls = "plus" if value > 0 else "minus" if value < 0 else ""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f'<span class="delta {cls}">{sign}{_yen(abs(value), lang)}</span>'


def _percent(ratio: Fraction | None, lang: str) -> str:
    """The change in percent to one decimal, rounded half to even (exact: a Fraction, never a float)."""
    if ratio is None:
        return tr(lang, "（前の合計が0円のため割合なし）", "(no percentage: nothing was granted before)")
    tenths = round(ratio * 1000)
    sign = "+" if tenths > 0 else "−" if tenths < 0 else "±"
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}%"


def _eligible(value: bool | None, lang: str) -> str:
    if value is True:
        return tr(lang, "対象", "eligible")
    if value is False:
        return tr(lang, "対象外", "not eligible")
    return tr(lang, "未確定", "undetermined")


def _fact_value(value: Any, prop: Mapping[str, Any], lang: str) -> str:
    if isinstance(value, bool):
        return tr(lang, "はい", "yes") if value else tr(lang, "いいえ", "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        labels = enum_labels(prop.get("items", {}), prop.get("description", ""))
        return "、".join(labels.get(str(v), str(v)) if lang == "ja" else str(v) for v in value)
    return str(value)


def _figures(s: ImpactSummary, lang: str) -> str:
    rows = [
        ("gainers", tr(lang, "増額になる", "gain"), f"{s.gainers:,}", tr(lang, "件", "")),
        ("losers", tr(lang, "減額になる", "lose"), f"{s.losers:,}", tr(lang, "件", "")),
        ("unchanged", tr(lang, "変わらない", "unchanged"), f"{s.unchanged:,}", tr(lang, "件", "")),
        ("newly-eligible", tr(lang, "新たに交付対象になる", "newly eligible"), f"{s.newly_eligible:,}",
         tr(lang, "件", "")),
        ("newly-ineligible", tr(lang, "交付対象外になる", "newly ineligible"), f"{s.newly_ineligible:,}",
         tr(lang, "件", "")),
        ("cap-only", tr(lang, "上限額だけ変わり補助額は同じ", "ceiling changed, grant unchanged"),
         f"{s.cap_only:,}", tr(lang, "件", "")),
        ("refused", tr(lang, "下書きの事実の定義で受け付けられない", "facts refused by the draft's schema"),
         f"{s.refused:,}", tr(lang, "件", "")),
    ]
    counts = "".join(f'<div class="figure" id="impact-{key}"><span class="label">{esc(label)}</span>'
                     f'<span class="value">{value}</span> {esc(unit)}</div>' for key, label, value, unit in rows)
    money = [
        ("gross-increase", tr(lang, "増額の合計", "gross increase"), _signed(s.gross_increase, lang)),
        ("gross-decrease", tr(lang, "減額の合計", "gross decrease"), _signed(-s.gross_decrease, lang)),
        ("net", tr(lang, "差し引き", "net"), _signed(s.net, lang)),
        ("totals", tr(lang, "補助額の合計（前 → 後）", "total granted (before → after)"),
         f"{_yen(s.total_before, lang)} → {_yen(s.total_after, lang)}（{_percent(s.change_ratio, lang)}）"),
    ]
    amounts = "".join(f'<div class="figure" id="impact-{key}"><span class="label">{esc(label)}</span>'
                      f'<span class="value">{value}</span></div>' for key, label, value in money)
    return f'<div class="figures">{counts}</div><div class="figures money">{amounts}</div>'


def _group_bars(groups: tuple[Group, ...], lang: str) -> list[tuple[str, int, str]]:
    return [(g.label, g.net, f"{'+' if g.net > 0 else ''}{g.net:,}{tr(lang, '円', ' yen')} "
             f"({tr(lang, '増', '↑')}{g.gainers} / {tr(lang, '減', '↓')}{g.losers})") for g in groups]


def _charts(s: ImpactSummary, item_labels: Mapping[str, str], lang: str) -> str:
    out = []
    bins = distribution(s.changes)
    if bins:
        unit = tr(lang, "円", " yen")
        bars = [(f"{low:+,}{unit}" if low == high else f"{low:+,}～{high:+,}", (1 if low > 0 else -1 if high < 0
                 else 0) * count, f"{count}{tr(lang, '件', '')}") for low, high, count in bins]
        title = tr(lang, "補助額の増減の分布（件数）", "Distribution of the yen changes (decisions)")
        out.append(f"<h4>{esc(title)}</h4>" + bars_svg(bars, title, "impact-distribution"))
    for key, groups, title in (
            ("band", s.by_band, tr(lang, "区分（帯）ごとの増減", "By band")),
            ("item", tuple(Group(item_labels.get(g.label, g.label) if lang == "ja" else g.label, g.gainers,
                                 g.losers, g.net) for g in s.by_item), tr(lang, "事業区分ごとの増減", "By item")),
            ("applicant", s.by_applicant, tr(lang, "申請者ごとの増減", "By applicant"))):
        if groups:
            out.append(f"<h4>{esc(title)}</h4>" + bars_svg(_group_bars(groups, lang), title, f"impact-by-{key}"))
    return '<div class="charts">' + "".join(out) + "</div>" if out else ""


def _change_rows(changes: tuple[Change, ...], props: Mapping[str, Mapping[str, Any]], lang: str) -> list[list[str]]:
    rows = []
    for c in changes:
        facts = "<br>".join(f"{esc(props.get(name, {}).get('title', name) if lang == 'ja' else name)}: "
                            f"{esc(_fact_value(value, props.get(name, {}), lang))}" for name, value in c.facts.items())
        rows.append([f'{esc(c.applicant)}<br><small class="mono">{esc(c.decision_id)}</small>',
                     esc(fiscal_year_words(c.fiscal_year, lang)), esc(c.band or "—"), facts,
                     f'<span class="num" data-sort="{int(c.eligible_before is True)}">'
                     f'{esc(_eligible(c.eligible_before, lang))}<br>{_yen(c.yen_before, lang)}</span>',
                     f'<span class="num" data-sort="{c.yen_after}">'
                     f'{esc(_eligible(c.eligible_after, lang))}<br>{_yen(c.yen_after, lang)}</span>',
                     f'<span class="num" data-sort="{c.delta}">{_signed(c.delta, lang)}</span>'])
    return rows


def _changes_table(changes: tuple[Change, ...], props: Mapping[str, Mapping[str, Any]], lang: str,
                   table_id: str) -> str:
    head = [tr(lang, "申請者", "applicant"), tr(lang, "年度", "FY"), tr(lang, "区分", "band"),
            tr(lang, "判定を決める事実", "deciding facts"), tr(lang, "前", "before"), tr(lang, "後", "after"),
            tr(lang, "増減", "change")]
    sortable = [f'<button type="button" class="sort" data-col="{i}">{esc(h)}</button>' for i, h in enumerate(head)]
    return (f'<div class="scroll">{table(sortable, _change_rows(changes, props, lang), "changed sortable")}</div>'
            .replace('<table class="changed sortable">', f'<table class="changed sortable" id="{table_id}">', 1))


def impact_html(s: ImpactSummary, schema: Mapping[str, Any], lang: str) -> str:
    """The impact section of the draft page (``schema``: the draft's facts schema, for the facts' titles)."""
    props: Mapping[str, Mapping[str, Any]] = schema.get("properties", {})
    years = "、".join(fiscal_year_words(y, lang) for y in s.fiscal_years)
    title = tr(lang, "影響：誰が得をし、誰が損をするか", "Impact: who gains, who loses")
    out = [f'<div class="card" id="impact"><h3>{esc(title)}</h3>']
    if s.unknown:
        out.append('<div class="error" id="impact-unknown" role="status">' + esc(tr(
            lang, f"{years}の記録された判定がありません。影響は不明です（0円の影響という意味ではありません）。",
            f"No logged decisions for {years}: impact unknown (which is not the same as no effect).")) + "</div></div>")
        return "".join(out)
    scope = tr(lang, f"{years}の記録された判定 {s.decisions:,} 件を下書きで判定し直した結果",
               f"{s.decisions:,} logged decisions for {years}, decided again under the draft")
    out.append(f"<p>{esc(scope)}</p>")
    out.append(_figures(s, lang))
    item_fact = next((name for name, prop in props.items() if prop.get("type") == "array"
                      and "enum" in prop.get("items", {})), None)
    item_labels = enum_labels(props[item_fact]["items"], props[item_fact].get("description", "")) if item_fact else {}
    out.append(_charts(s, item_labels, lang))
    if not s.complete:
        partial = tr(lang, "変わる判定が多いため、一覧は先頭の一部です（件数と金額は全件）。",
                     "Many decisions change: the list shows the first ones (the counts and sums cover all).")
        out.append(f'<p class="notice">{esc(partial)}</p>')
    if s.changes:
        out.append(f"<h4>{tr(lang, '補助額・交付対象が変わる判定', 'Decisions whose grant or eligibility changes')}"
                   f"（{len(s.changes):,}）</h4>" + _changes_table(s.changes, props, lang, "changed-decisions"))
    if s.cap_changes:
        apart = tr(lang, "上限額だけ変わり補助額は同じ判定（対象経費が補助額を決めている）",
                   "Ceiling changed, grant unchanged (the cost bounds the grant)")
        out.append(f"<h4>{apart}（{len(s.cap_changes):,}）</h4>"
                   + _changes_table(s.cap_changes, props, lang, "cap-only-decisions"))
    if s.changes or s.cap_changes:
        fact_names = list(dict.fromkeys(name for c in (*s.changes, *s.cap_changes) for name in c.facts))
        csv = quote(changes_csv(s, fact_names))
        out.append(f'<p><a id="impact-csv" download="impact.csv" href="data:text/csv;charset=utf-8,%EF%BB%BF{csv}">'
                   f'{tr(lang, "変わる判定をCSVで保存", "Save the changed decisions as CSV")}</a></p>')
    out.append("</div>" + _SORT_JS)
    return "".join(out)


# Sorting the changed decisions by a column: plain DOM, no library; a number column sorts by its data-sort value.
_SORT_JS = """<script>
document.querySelectorAll('table.sortable button.sort').forEach(function (button) {
  button.addEventListener('click', function () {
    var table = button.closest('table'), body = table.tBodies[0], col = +button.getAttribute('data-col');
    var head = button.closest('th'), up = head.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (th) { th.removeAttribute('aria-sort'); });
    head.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    function key(row) { var cell = row.cells[col], n = cell.querySelector('[data-sort]');
      return n ? +n.getAttribute('data-sort') : cell.textContent; }
    Array.from(body.rows).sort(function (a, b) { var x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); }).forEach(function (r) { body.appendChild(r); });
  });
});
</script>"""
