"""Screening (申請できる制度の洗い出し): a profile → every program and fiscal year it could apply to.

Nothing is recorded: each candidate is decided by the decision core (``core.decide.Decider``), the same
no-record path as a simulation. Who may apply is data, not code: each facts schema names the applicant
types it serves in ``x-applicants`` (``{"shichoson": {"applicant_type": "shichoson_kokuho"}}``: a
municipality applies, and that sets the schema's own fact). For each candidate the profile's facts that
the schema declares are used, and the answer is

- ``eligible`` / ``ineligible``: every fact the decision needs was given, and it was decided;
- ``ineligible`` too when the facts given already settle eligibility as not met (read with Kleene's
  three values, ``core/knowable.py``), whatever the missing facts would say;
- ``needs_facts`` otherwise, listing the facts still missing with their titles.

Candidates are ordered eligible first by amount (largest first), then needs_facts, then ineligible.
"""

from __future__ import annotations

from typing import Any

from .core.decide import Decider, derive_values
from .core.knowable import kleene
from .kernel.errors import HojoError, InvalidRequestError, Problem
from .lang.facts import normalize
from .rulebook.model import RuleVersion
from .rulebook.registry import Rulebook

__all__ = ["APPLICANT_TYPES", "screen"]

#: the applicant types a profile may name (``x-applicants`` keys of the facts schemas)
APPLICANT_TYPES = {
    "shichoson": ("市町村（国民健康保険の保険者）", "municipality (NHI insurer)"),
    "todofuken": ("都道府県", "prefecture"),
    "kokuho_kumiai": ("国民健康保険組合", "NHI association"),
    "kenko_hoken_kumiai": ("健康保険組合", "health insurance society"),
    "kyokai_kenpo": ("全国健康保険協会（協会けんぽ）", "Japan Health Insurance Association"),
    "kyosai_kumiai": ("共済組合", "mutual aid association"),
    "kenporen": ("健康保険組合連合会", "federation of health insurance societies"),
    "kouki_koiki_rengo": ("後期高齢者医療広域連合", "late-stage elderly medical care association"),
    "kokuho_rengokai": ("国民健康保険団体連合会", "NHI federation"),
    "kokuho_chuokai": ("国民健康保険中央会", "All-Japan NHI federation"),
    "iryo_kikan": ("医療機関・薬局", "medical institution or pharmacy"),
    "hokensha_kyogikai": ("保険者協議会", "insurers' council"),
}
_ORDER = {"eligible": 0, "needs_facts": 1, "ineligible": 2}


def _profile(body: Any) -> tuple[str, dict[str, Any], int | None]:
    problems = []
    if not isinstance(body, dict):
        raise InvalidRequestError("プロフィールはオブジェクトで指定してください", "the profile must be an object",
                                  code="invalid_request", problems=[Problem("$", "type", "オブジェクトではありません",
                                                                            "not an object")])
    for key in sorted(set(body) - {"applicant_type", "facts", "fiscal_year"}):
        problems.append(Problem(f"$.{key}", "unknown_field", f"未知の項目「{key}」です", f"unknown field '{key}'"))
    applicant = body.get("applicant_type")
    if applicant not in APPLICANT_TYPES:
        shown = ", ".join(APPLICANT_TYPES)
        problems.append(Problem("$.applicant_type", "not_allowed",
                                f"申請者の種別を指定してください（使える値: {shown}）",
                                f"give the applicant type (one of: {shown})"))
    facts = body.get("facts", {})
    if not isinstance(facts, dict) or len(facts) > 200:
        problems.append(Problem("$.facts", "type", "facts は 200 項目以下のオブジェクトです",
                                "facts is an object of at most 200 fields"))
    year = body.get("fiscal_year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100):
        problems.append(Problem("$.fiscal_year", "type", "年度は 1990 から 2100 の整数です",
                                "fiscal_year is an integer from 1990 to 2100"))
    if problems:
        raise InvalidRequestError("プロフィールに誤りがあります", "the profile is invalid", code="invalid_profile",
                                  problems=problems)
    return str(applicant), normalize(facts), year


def screen(rulebook: Rulebook, decider: Decider, body: Any) -> dict[str, Any]:
    """Screen ``{"applicant_type", "facts"[, "fiscal_year"]}`` against every program in force; record nothing."""
    applicant, given, only_year = _profile(body)
    results = []
    for program, versions in sorted(rulebook.programs.items()):
        years = sorted({y for rv in versions.values() if rv.status == "published"
                        for y in range(rv.from_fiscal_year, rv.to_fiscal_year + 1)})
        for year in years if only_year is None else [y for y in years if y == only_year]:
            rv = rulebook.select(program, year)
            implied = rv.facts_schema_applicants().get(applicant)
            if implied is None:
                continue
            results.append(_candidate(decider, rv, year, {**given, **implied}))
    results.sort(key=lambda r: (_ORDER[r["status"]], -(r["amount_yen"] or 0), r["program"], r["fiscal_year"]))
    counts = {status: sum(r["status"] == status for r in results) for status in _ORDER}
    return {"applicant_type": applicant, "applicant_type_ja": APPLICANT_TYPES[applicant][0], "counts": counts,
            "programs": results}


def _candidate(decider: Decider, rv: RuleVersion, year: int, profile: dict[str, Any]) -> dict[str, Any]:
    schema = rv.facts_schema
    properties: dict[str, Any] = dict(schema.get("properties", {}))
    facts = {k: v for k, v in profile.items() if k in properties}
    entry: dict[str, Any] = {"program": rv.program, "fiscal_year": year, "ruleset": rv.name,
                             "name_ja": rv.document["name_ja"], "name_en": rv.document["name_en"],
                             "eligible": None, "amount_yen": None, "missing_facts": []}
    missing = [name for name in schema.get("required", []) if name not in facts]
    if not missing:
        try:
            body = decider.decide(rv, decider.validate_facts(rv, facts))
        except HojoError as exc:
            entry.update(status="needs_facts", problems=[p.as_dict() for p in exc.problems])
            return entry
        if body["eligible"] is None:
            entry.update(status="needs_facts", open_questions=[
                r["clause"] for r in body["reasons"]
                if r["kind"] == "open_question" and r["outcome"] == "undetermined"])
            return entry
        entry.update(status="eligible" if body["eligible"] else "ineligible", eligible=body["eligible"],
                     amount_yen=body["amount_yen"], cap_yen=body["cap_yen"])
        return entry
    derived, _ = derive_values(rv, facts)
    settled = kleene(rv.document["eligibility"]["when"], rv.clauses, facts, derived)
    if settled is False:
        entry.update(status="ineligible", eligible=False, amount_yen=0)
        return entry
    entry["status"] = "needs_facts"
    entry["missing_facts"] = [{"fact": name, "title_ja": properties.get(name, {}).get("title", name),
                               "title_en": properties.get(name, {}).get("x-title-en", name.replace("_", " "))}
                              for name in missing]
    return entry
