"""Feature runs and long actions as people read them: a table of scenarios, and a page that shows it is working.

The in-process runner (``service/authoring/features.py``) returns one structured row per failed scenario
(the step, what was expected, what came back); this module lays every scenario of the program out as a
table with its result, so a run reads 「シナリオ・結果・失敗した手順・期待・結果」 and never as runner output.
While a long action (features, publish) runs, the buttons are disabled and a progress line counts seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..authoring.features import Scenario
from .gherkin import step_html
from .html import esc, tr

__all__ = ["BUSY_JS", "feature_failures_html", "feature_results_html"]


def _badge(ok: bool, lang: str) -> str:
    return (f'<span class="badge ok">{tr(lang, "成功", "passed")}</span>' if ok
            else f'<span class="badge ng">{tr(lang, "失敗", "failed")}</span>')


def _failure_cells(f: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str:
    why = f["message_ja"] if lang == "ja" else f["message_en"]
    step = step_html(f["step"], names) if lang == "ja" and names else esc(f["step"])
    return (f"<td>{step} <small class='mono'>{tr(lang, '行', 'line')} {f['step_line']}</small></td>"
            f"<td><code>{esc(f['expected'])}</code></td><td><code>{esc(f['got'])}</code></td><td>{esc(why)}</td>")


def _head(lang: str, with_result: bool) -> str:
    cols = [("シナリオ", "Scenario")] + ([("結果", "Result")] if with_result else []) + [
        ("失敗した手順", "Failing step"), ("期待した値", "Expected"), ("実際の値", "Got"), ("説明", "Why")]
    return "".join(f'<th scope="col">{tr(lang, ja, en)}</th>' for ja, en in cols)


def feature_failures_html(failures: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The failed scenarios alone (a refused publication): scenario, failing step, expected, got, why."""
    if not failures:
        return ""
    rows = "".join(f"<tr><td>{esc(f['scenario'])} <small class='mono'>{esc(f['feature'])}:{f['scenario_line']}"
                   f"</small></td>{_failure_cells(f, lang)}</tr>" for f in failures[:100])
    return (f'<div class="scroll"><table class="feature-failures"><thead><tr>{_head(lang, False)}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def feature_results_html(run: Mapping[str, Any], scenarios: Sequence[Scenario], lang: str,
                         names: Mapping[str, str] | None = None) -> str:
    """Every scenario of the run with its result; a failed one with its step, expected and got."""
    failed = {(f["feature"], f["scenario_line"], f["scenario"]): f for f in run["failures"]}
    rows = []
    for scenario in scenarios:
        failure = failed.pop((scenario.feature, scenario.line, scenario.name), None)
        where = f"<small class='mono'>{esc(scenario.feature)}:{scenario.line}</small>"
        cells = _failure_cells(failure, lang, names) if failure else '<td colspan="4"></td>'
        rows.append(f'<tr class="{"failed" if failure else "passed"}"><td>{esc(scenario.name)} {where}</td>'
                    f"<td>{_badge(failure is None, lang)}</td>{cells}</tr>")
    for failure in failed.values():  # a failure the listing did not name (cannot happen unless the file changed)
        rows.append(f"<tr class='failed'><td>{esc(failure['scenario'])}</td><td>{_badge(False, lang)}</td>"
                    f"{_failure_cells(failure, lang, names)}</tr>")
    summary = run["summary_ja"] if lang == "ja" else run["summary"]
    return (f'<div class="card" id="features-result">{_badge(bool(run["passed"]), lang)} {esc(summary)}'
            f'<div class="scroll"><table class="feature-results"><thead><tr>{_head(lang, True)}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></div>')


# While a form's long action runs: its buttons disabled (the chosen action kept in a hidden field, since a
# disabled button sends nothing) and a progress line with the seconds spent, announced to screen readers.
BUSY_JS = """<script>
document.querySelectorAll('form[data-busy]').forEach(function (form) {
  form.addEventListener('submit', function (e) {
    var button = e.submitter, busy = document.getElementById(form.getAttribute('data-busy'));
    if (button && button.name) {
      var keep = document.createElement('input');
      keep.type = 'hidden'; keep.name = button.name; keep.value = button.value; form.appendChild(keep);
    }
    form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    if (!busy) { return; }
    var label = busy.querySelector('.what'), seconds = busy.querySelector('.seconds'), started = Date.now();
    label.textContent = button ? button.getAttribute('data-label') || button.textContent : '';
    busy.hidden = false;
    setInterval(function () { seconds.textContent = Math.round((Date.now() - started) / 1000); }, 1000);
  });
});
</script>"""
