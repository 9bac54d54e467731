"""Bar charts drawn on the server as inline SVG (no script, no CDN): the impact's distribution and breakdowns.

One shape serves both: horizontal bars around a zero line, a label on the left and the value written beside
each bar, so the chart reads without colour and scales to a phone (``viewBox``, ``width:100%``). Every chart
has a ``<title>`` and ``<desc>`` naming its bars, for a screen reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from .html import esc

__all__ = ["Bar", "bars_svg"]

Bar = tuple[str, int, str]  # label, value (its sign picks the side of the zero line), the text written beside it

_WIDTH, _ROW, _LABEL, _TEXT = 720, 26, 190, 240


def bars_svg(bars: Sequence[Bar], title: str, chart_id: str) -> str:
    """Horizontal bars; positive values to the right of the zero line (green), negative to the left (red)."""
    if not bars:
        return ""
    plot = _WIDTH - _LABEL - _TEXT
    high = max(max(value for _, value, _ in bars), 0)
    low = min(min(value for _, value, _ in bars), 0)
    span = (high - low) or 1
    zero = _LABEL + plot * (-low) // span
    height = _ROW * len(bars) + 10
    out = [f'<svg class="chart" id="{esc(chart_id)}" role="img" aria-labelledby="{esc(chart_id)}-t '
           f'{esc(chart_id)}-d" viewBox="0 0 {_WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
           f'xmlns="http://www.w3.org/2000/svg"><title id="{esc(chart_id)}-t">{esc(title)}</title>'
           f'<desc id="{esc(chart_id)}-d">{esc("; ".join(f"{label}: {text}" for label, _, text in bars))}</desc>']
    for index, (label, value, text) in enumerate(bars):
        y = 5 + index * _ROW
        length = plot * abs(value) // span
        x = zero if value >= 0 else zero - length
        colour = "#1f7a3a" if value > 0 else "#b42318" if value < 0 else "#5b6b7a"
        out.append(f'<text x="{_LABEL - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="#1d2a36">'
                   f"{esc(label[:24])}</text>"
                   f'<rect x="{x}" y="{y + 4}" width="{max(length, 2)}" height="{_ROW - 8}" fill="{colour}"/>'
                   f'<text x="{max(zero, x + length) + 6}" y="{y + 17}" font-size="13" fill="#1d2a36">'
                   f"{esc(text)}</text>")
    out.append(f'<line x1="{zero}" y1="0" x2="{zero}" y2="{height}" stroke="#1d2a36" stroke-width="1"/></svg>')
    return "".join(out)
