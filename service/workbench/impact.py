"""Who gains and who loses under a draft: a summary of the auditor's impact report, for people.

The report (``Auditor.impact``) says, per logged decision the draft decides differently, the amount and the
ceiling before and after. This module turns it into what a policy owner asks first: how many gain, how many
lose, how many are unchanged, by how much in total (gross increase, gross decrease, net, totals before and
after), with a change of the ceiling that leaves the grant as it was (the cost bound the grant) kept apart
from a real change. An empty base is said as such: no logged decision means the impact is unknown, not nil.

Pure: no store, no HTTP. The route passes the report, the stored records of the changed decisions (for the
applicant and the facts that decide the band) and the draft's rule document.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

__all__ = ["Change", "Group", "ImpactSummary", "changes_csv", "deciding_facts", "distribution", "summarize"]


@dataclass(frozen=True)
class Change:
    """One logged decision the draft decides differently."""

    decision_id: str
    fiscal_year: int
    applicant: str
    facts: Mapping[str, Any]  # only the facts that decide the band and the per-item amounts
    band: str  # the band of the draft's first table the applicant falls in ("" when there is none)
    items: tuple[str, ...]  # the values of the per-item list fact (事業区分), if the amount has one
    eligible_before: bool | None
    eligible_after: bool | None
    yen_before: int
    yen_after: int
    cap_before: int | None
    cap_after: int | None
    refused: bool  # the draft's facts schema refuses the recorded facts

    @property
    def delta(self) -> int:
        return self.yen_after - self.yen_before

    @property
    def kind(self) -> str:
        """``gain``, ``loss``, ``cap_only`` (ceiling moved, grant the same), ``status`` or ``refused``."""
        if self.refused:
            return "refused"
        if self.delta > 0:
            return "gain"
        if self.delta < 0:
            return "loss"
        if self.eligible_before != self.eligible_after:
            return "status"
        return "cap_only"


@dataclass(frozen=True)
class Group:
    """Changes of one band, one item or one applicant: counts and yen."""

    label: str
    gainers: int = 0
    losers: int = 0
    net: int = 0


@dataclass(frozen=True)
class ImpactSummary:
    fiscal_years: tuple[int, ...]
    decisions: int  # logged decisions the draft decided again
    gainers: int
    losers: int
    unchanged: int
    newly_eligible: int
    newly_ineligible: int
    cap_only: int
    refused: int
    gross_increase: int
    gross_decrease: int  # a positive number of yen
    net: int
    total_before: int
    total_after: int
    changes: tuple[Change, ...]  # real changes (cap-only ones are in ``cap_changes``)
    cap_changes: tuple[Change, ...]
    complete: bool  # every changed decision is listed (the report lists at most ``max_listed``)
    by_band: tuple[Group, ...] = field(default=())
    by_item: tuple[Group, ...] = field(default=())
    by_applicant: tuple[Group, ...] = field(default=())

    @property
    def unknown(self) -> bool:
        """No logged decision for the draft's years: nothing says what the draft would do."""
        return self.decisions == 0

    @property
    def change_ratio(self) -> Fraction | None:
        """(after − before) / before, exact; ``None`` when nothing was granted before."""
        return Fraction(self.net, self.total_before) if self.total_before else None


def deciding_facts(document: Mapping[str, Any]) -> list[str]:
    """The facts the band tables and the amount's components read, in the order the rule file names them."""
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            fact = node.get("fact")
            if isinstance(fact, str) and fact not in names:
                names.append(fact)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for table in document.get("tables", []):
        walk(table.get("by"))
    walk(document.get("amount", {}))
    return names


def _item_fact(document: Mapping[str, Any]) -> str | None:
    for component in document.get("amount", {}).get("components", []):
        per_item = component.get("value", {}).get("per_item") if isinstance(component.get("value"), Mapping) else None
        if isinstance(per_item, Mapping) and isinstance(per_item.get("fact"), str):
            return str(per_item["fact"])
    return None


def _band_of(document: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    for table in document.get("tables", []):
        fact = table.get("by", {}).get("fact")
        value = facts.get(fact) if fact else None
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        for band in table.get("bands", []):
            if band["at_least"] <= value and (band.get("no_upper_limit") or value < band["under"]):
                return str(band.get("label_ja", f"{band['at_least']:,}～"))
    return ""


def _change(entry: Mapping[str, Any], record: Mapping[str, Any] | None, document: Mapping[str, Any],
            wanted: Sequence[str], item_fact: str | None) -> Change:
    before, after = entry["before"], entry["after"]
    facts = (record or {}).get("facts", {})
    decision = (record or {}).get("decision", {})
    items = facts.get(item_fact) if item_fact else None
    return Change(
        decision_id=entry["decision_id"], fiscal_year=entry["fiscal_year"],
        applicant=str(decision.get("requested_by", "")),
        facts={name: facts[name] for name in wanted if name in facts},
        band=_band_of(document, facts),
        items=tuple(str(i) for i in items) if isinstance(items, list) else (),
        eligible_before=before["eligible"], eligible_after=None if after is None else after["eligible"],
        yen_before=before["amount_yen"] or 0,
        yen_after=(before["amount_yen"] or 0) if after is None else (after["amount_yen"] or 0),
        cap_before=before["cap_yen"], cap_after=None if after is None else after["cap_yen"],
        refused=after is None)


def _groups(changes: Iterable[Change], keys_of: Any) -> tuple[Group, ...]:
    tally: dict[str, list[int]] = {}
    for change in changes:
        for key in keys_of(change):
            row = tally.setdefault(key, [0, 0, 0])
            row[0] += change.delta > 0
            row[1] += change.delta < 0
            row[2] += change.delta
    return tuple(Group(label, *counts) for label, counts in tally.items())


def summarize(report: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]],
              document: Mapping[str, Any]) -> ImpactSummary:
    """The summary of ``report`` for the draft ``document``; ``records``: decision id → its stored record."""
    total = report["total"]
    wanted = deciding_facts(document)
    item_fact = _item_fact(document)
    listed = [_change(entry, records.get(entry["decision_id"]), document, wanted, item_fact)
              for entry in report["changed"]]
    real = [c for c in listed if c.kind in ("gain", "loss", "status")]
    cap_only = [c for c in listed if c.kind == "cap_only"]
    increase = sum(c.delta for c in real if c.delta > 0)
    decrease = -sum(c.delta for c in real if c.delta < 0)
    effective = document.get("effective", {})
    years = tuple(range(effective.get("from_fiscal_year", 0), effective.get("to_fiscal_year", -1) + 1))
    before = int(total.get("yen_before", 0))
    return ImpactSummary(
        fiscal_years=years, decisions=total["decisions"],
        gainers=sum(c.delta > 0 for c in real), losers=sum(c.delta < 0 for c in real),
        unchanged=total["decisions"] - total["changed"],
        newly_eligible=sum(c.eligible_before is not True and c.eligible_after is True for c in real),
        newly_ineligible=sum(c.eligible_before is True and c.eligible_after is False for c in real),
        cap_only=len(cap_only), refused=total["facts_invalid"],
        gross_increase=increase, gross_decrease=decrease, net=total["yen_delta"],
        total_before=before, total_after=before + total["yen_delta"],
        changes=tuple(real), cap_changes=tuple(cap_only),
        complete=len(report["changed"]) >= total["changed"],
        by_band=_groups(real, lambda c: [c.band or "—"]),
        by_item=_groups(real, lambda c: list(c.items)) if item_fact else (),
        by_applicant=_groups(real, lambda c: [c.applicant or "—"]))


def distribution(changes: Sequence[Change], bins: int = 8) -> list[tuple[int, int, int]]:
    """The yen changes as a histogram: ``(low, high, count)``, ``low`` ≤ change ≤ ``high``, integer edges.

    A few distinct changes get a bar each (a band moved by a round sum gives one bar per band); many are put
    into ``bins`` bars of equal width.
    """
    deltas = sorted(c.delta for c in changes)
    if not deltas:
        return []
    distinct = sorted(set(deltas))
    if len(distinct) <= bins:
        return [(d, d, deltas.count(d)) for d in distinct]
    low, high = deltas[0], deltas[-1]
    width = _round_width(-(-(high - low + 1) // bins))  # integer edges, every change in exactly one bar
    out = []
    start = low
    while start <= high:
        end = min(high, start + width - 1)
        out.append((start, end, sum(start <= d <= end for d in deltas)))
        start += width
    return out


def _round_width(width: int) -> int:
    """The smallest 1, 2 or 5 × 10^k at least ``width``, so a bar's edges read as round sums of yen."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= width:
                return step * scale
        scale *= 10


def changes_csv(summary: ImpactSummary, fact_names: Sequence[str]) -> str:
    """Every listed change (real and ceiling-only) as CSV, one row a decision, the deciding facts as columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["decision_id", "fiscal_year", "applicant", "kind", "band", *fact_names, "eligible_before",
                     "eligible_after", "yen_before", "yen_after", "yen_delta", "cap_before", "cap_after"])
    for c in (*summary.changes, *summary.cap_changes):
        facts = [json.dumps(c.facts[name], ensure_ascii=False) if isinstance(c.facts.get(name), list)
                 else c.facts.get(name, "") for name in fact_names]
        writer.writerow([c.decision_id, c.fiscal_year, c.applicant, c.kind, c.band, *facts, c.eligible_before,
                         c.eligible_after, c.yen_before, c.yen_after, c.delta, c.cap_before, c.cap_after])
    return out.getvalue()
