"""A recorded decision (or publication) as readable text in Japanese or English: ``hojo explain``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["decision_text"]

_OUTCOME = {"met": ("満たす", "met"), "not_met": ("満たさない", "not met"), "applied": ("適用", "applied"),
            "undetermined": ("未確定", "undetermined"), "not_applicable": ("該当しない", "not applicable")}


def _yen(value: Any, ja: bool) -> str:
    if value is None:
        return "—"
    return f"{value:,}円" if ja else f"{value:,} yen"


def decision_text(record: Mapping[str, Any], lang: str = "ja") -> str:
    """The record of ``store.get(id)`` as lines of text: the outcome, the breakdown and every reason with its source."""
    ja = lang != "en"
    decision = record["decision"]
    if record.get("kind") == "publish":
        total = decision.get("impact_total") or {}
        return "\n".join([
            f"{'公開' if ja else 'publication'} {decision['decision_id']}",
            f"  {decision['ruleset']}  sha256 {decision['rules_sha256']}",
            f"  {'公開者' if ja else 'published by'}: {decision.get('published_by')}  "
            f"{'公開日' if ja else 'published at'}: {decision.get('published_at')}",
            f"  {'影響' if ja else 'impact'}: {total.get('decisions', 0):,} "
            f"{'件中' if ja else 'decisions,'} {total.get('changed', 0):,} {'件が変わる' if ja else 'changed'}, "
            f"{'増減' if ja else 'delta'} {_yen(total.get('yen_delta', 0), ja)}"]) + "\n"
    eligible = decision.get("eligible")
    verdict = {True: ("交付対象", "eligible"), False: ("交付対象外", "not eligible"),
               None: ("未確定", "undetermined")}[eligible][0 if ja else 1]
    lines = [f"{'判定' if ja else 'decision'} {decision['decision_id']}  ({decision['ruleset']}, "
             f"{'年度' if ja else 'FY'} {decision['fiscal_year']}, {decision['decided_at']})",
             f"  {verdict}: {'補助額' if ja else 'amount'} {_yen(decision.get('amount_yen'), ja)}"
             f" / {'補助上限額' if ja else 'ceiling'} {_yen(decision.get('cap_yen'), ja)}"]
    if decision.get("results"):
        lines.append(f"  {'結果' if ja else 'results'}: {decision['results']}")
    if decision.get("breakdown"):
        lines.append("内訳:" if ja else "breakdown:")
        lines += [f"  - {b['component']}: {_yen(b['yen'], ja)}" + ("" if b.get("applied", True) else
                                                                 (" （適用なし）" if ja else " (not applied)"))
                  for b in decision["breakdown"]]
    lines.append("理由:" if ja else "reasons:")
    for r in decision.get("reasons", []):
        outcome = _OUTCOME.get(r["outcome"], (r["outcome"], r["outcome"]))[0 if ja else 1]
        source = r.get("source") or {}
        lines.append(f"  [{outcome}] {r['message_ja'] if ja else r['message_en']}")
        lines.append(f"      {'出典' if ja else 'source'}: {source.get('document')} L{source.get('line')} "
                     f"「{source.get('quote')}」")
    return "\n".join(lines) + "\n"
