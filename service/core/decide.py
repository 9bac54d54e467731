"""One decision, as a pure function of (rule version, facts): validate, derive, match, compute, explain.

Only ``DecisionEngine.evaluate`` sees durable_rules; everything before it (schema validation, derived
values) and after it (tiers, amounts, reasons) is plain Python over exact numbers. In differential mode
the reference evaluator decides the same conditions and any disagreement is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..engine import DecisionEngine
from ..kernel.errors import EngineDisagreementError, InvalidRequestError
from ..lang.expressions import Context, evaluate
from ..lang.facts import normalize, problems_of
from ..lang.money import round_yen
from ..rulebook.conditions import to_durable
from ..rulebook.model import RuleVersion
from ..rulebook.registry import Rulebook
from .amounts import AmountResult, compute_amounts
from .explain import met_word, reason, rounding_text, yen_text
from .knowable import kleene
from .reference import fired_rules

__all__ = ["EXPLANATION", "Decider", "derive_values", "validate_facts"]

#: The explanation format new decisions are stamped with (the decision's ``explanation`` field).
#: 1 (records without the field): two outcomes per clause, a breakdown of components only.
#: 2: ``not_applicable`` for what the facts given do not settle, never ``applied`` for a value not computed,
#: and a breakdown whose lines add up to ``amount_yen``. A replay decides in the format of the record,
#: so every decision recorded before format 2 still replays identical.
EXPLANATION = 2
NOT_APPLICABLE = ("該当しない（必要な事実がない、または前提を満たさない）",
                  "not applicable (the facts it needs were not given, or its precondition does not hold)")


def validate_facts(rv: RuleVersion, facts: Any) -> dict[str, Any]:
    """Return the NFKC-normalised facts, or raise with one problem per schema error."""
    normalized = normalize(facts)
    if rv.facts_fast_check is not None and rv.facts_fast_check(normalized):
        return dict(normalized)  # valid for certain (service/lang/fastcheck.py); jsonschema names problems otherwise
    problems = problems_of(rv.facts_validator, normalized, root="$.facts", schema=rv.facts_schema)
    if problems:
        raise InvalidRequestError("事実（facts）に誤りがあります", "the facts are invalid", code="invalid_facts",
                                  problems=problems)
    return dict(normalized)


def derive_values(rv: RuleVersion, facts: Mapping[str, Any],
                  explanation: int = EXPLANATION) -> tuple[dict[str, int | None], list[dict[str, Any]]]:
    """Return the derived values (rounded as declared; None when a fact is missing) and their reasons."""
    derived: dict[str, int | None] = {}
    reasons = []
    ctx = Context(facts=facts, derived=derived, tables=rv.tables)
    for item in rv.document.get("derived", []):
        exact = evaluate(item["value"], ctx)
        mode = item.get("rounding", {}).get("mode", "floor")
        derived[item["id"]] = None if exact is None else round_yen(exact, mode)
        shown_ja = "—（必要な事実がありません）" if exact is None else f"{derived[item['id']]}"
        shown_en = "not stated" if exact is None else f"{derived[item['id']]}"
        outcome = "not_applicable" if exact is None and explanation >= 2 else "applied"
        reasons.append(reason("derived", item["id"], outcome,
                              f"{item['name_ja']} = {shown_ja}（{item['reason']['ja']}）",
                              f"{item['name_en']} = {shown_en} ({item['reason']['en']})", item["cites"]))
    return derived, reasons


class Decider:
    """Decides applications under the rule versions of a :class:`Rulebook`, all registered at start-up."""

    def __init__(self, rulebook: Rulebook, engine: DecisionEngine | None = None, differential: bool = False) -> None:
        self.rulebook = rulebook
        self.engine = engine or DecisionEngine()
        self.differential = differential
        self._engine_names: dict[str, str] = {}
        for rv in rulebook.all_versions():
            self.register(rv)

    def register(self, rv: RuleVersion) -> None:
        """Register ``rv`` under ``program@version``; other content under that name gets a hash suffix."""
        if rv.sha256 in self._engine_names:
            return
        taken = rv.name in self._engine_names.values()
        # A ruleset cannot be replaced in durable_rules, and a draft or an old text of the same version
        # must never answer for the published one: a second text under one name gets its own name.
        name = f"{rv.name}#{rv.sha256[:12]}" if taken or rv.status != "published" else rv.name
        self.engine.register(name, {rule: to_durable(node) for rule, node in rv.engine_rules.items()})
        self._engine_names[rv.sha256] = name

    def add_version(self, rv: RuleVersion) -> None:
        """Load ``rv`` into the running service: it decides from now on (a version published at run time)."""
        self.register(rv)
        self.rulebook.add(rv)

    def _engine_name(self, rv: RuleVersion) -> str:
        return self._engine_names[rv.sha256]

    def validate_facts(self, rv: RuleVersion, facts: Any) -> dict[str, Any]:
        return validate_facts(rv, facts)

    def decide(self, rv: RuleVersion, facts: Mapping[str, Any], explanation: int = EXPLANATION) -> dict[str, Any]:
        """Return the decision body for already validated ``facts``, explained in format ``explanation``."""
        derived, reasons = derive_values(rv, facts, explanation)
        fired = self.engine.evaluate(self._engine_name(rv), rv.slots.flatten(facts, derived, rv.wanted_slots))
        if self.differential:
            expected = fired_rules(rv, facts, derived)
            if expected != fired:
                raise EngineDisagreementError(
                    "エンジンと参照評価器の結果が一致しません", "the engine and the reference evaluator disagree",
                    code="engine_disagreement",
                    details={"engine_only": sorted(fired - expected), "reference_only": sorted(expected - fired)})
        return _Assembly(rv, facts, derived, fired, reasons, explanation).build()


class _Assembly:
    """Turns fired rule names into eligibility, tier, amounts, breakdown and reasons."""

    def __init__(self, rv: RuleVersion, facts: Mapping[str, Any], derived: dict[str, int | None],
                 fired: frozenset[str], reasons: list[dict[str, Any]], explanation: int = EXPLANATION) -> None:
        self.rv, self.doc, self.facts, self.derived, self.fired = rv, rv.document, facts, derived, fired
        self.explanation = explanation
        self.reasons = reasons
        self.results: dict[str, Any] = {}
        self.components: dict[str, Fraction | None] = {}

    def build(self) -> dict[str, Any]:
        for clause in self.doc.get("clauses", []):
            met = f"clause__{clause['id']}" in self.fired
            ja, en = met_word(met)
            outcome = "met" if met else "not_met"
            if not met and self.unknown(clause["when"]):
                outcome, (ja, en) = "not_applicable", NOT_APPLICABLE
            self.reasons.append(reason("clause", clause["id"], outcome,
                                       f"{clause['reason']['ja']}：{ja}", f"{clause['reason']['en']}: {en}",
                                       clause["cites"]))
        self._tiers()
        eligible = "eligibility" in self.fired
        elig = self.doc["eligibility"]
        self.reasons.append(reason(
            "eligibility", "eligibility", "met" if eligible else "not_met",
            f"{'交付対象' if eligible else '交付対象外'}：{elig['reason']['ja']}（{met_word(eligible)[0]}）",
            f"{'eligible' if eligible else 'not eligible'}: {elig['reason']['en']} ({met_word(eligible)[1]})",
            elig["cites"]))
        undetermined = self._open_questions(eligible)
        amount_yen, cap_yen, breakdown = self._amounts(eligible, undetermined)
        if undetermined:
            # The documents do not settle the outcome: say what is missing, never a guessed amount.
            amount_yen = None
        self._results()
        for item in self.doc.get("assumptions", []):
            self.reasons.append(reason("assumption", item["id"], "applied", f"読み方の前提：{item['ja']}",
                                       f"reading assumed: {item['en']}", item["cites"]))
        return {"program": self.rv.program, "rules_version": self.rv.version, "rules_sha256": self.rv.sha256,
                "ruleset": self.rv.name, "eligible": None if undetermined else eligible, "amount_yen": amount_yen,
                "cap_yen": cap_yen,
                "results": self.results, "breakdown": breakdown, "reasons": self.reasons}

    def unknown(self, cond: Mapping[str, Any]) -> bool:
        """In format 2, whether the facts given leave ``cond`` unsettled (absent facts, a value not computed)."""
        return self.explanation >= 2 and kleene(cond, self.rv.clauses, self.facts, self.derived) is None

    def _open_questions(self, eligible: bool) -> bool:
        """List what the documents leave open; return whether any of it leaves this decision undetermined."""
        undetermined = False
        for question in self.doc.get("open_questions", []):
            applies = "when" not in question or f"open__{question['id']}" in self.fired
            missing = "、".join(question["missing"])
            if applies and eligible:
                undetermined = True
                outcome = "undetermined"
                ja = f"未確定：{question['ja']}（資料にないもの：{missing}）"
                en = f"undetermined: {question['en']} (not in the documents: {', '.join(question['missing'])})"
            elif applies:
                outcome = "met"  # the point applies, but the application is not eligible anyway
                ja = f"交付対象外のため判定に影響しない未確定の点：{question['ja']}"
                en = f"open point that does not matter since the application is not eligible: {question['en']}"
            else:
                outcome = "not_applicable" if self.explanation >= 2 else "not_met"
                ja = f"この申請には当たらない未確定の点：{question['ja']}"
                en = f"open point that does not apply to this application: {question['en']}"
            self.reasons.append(reason("open_question", question["id"], outcome, ja, en, question["cites"]))
        return undetermined

    def _tiers(self) -> None:
        tiers = self.doc.get("tiers")
        if not tiers:
            return
        chosen = None
        for option in tiers["options"]:
            met = f"tier__{option['id']}" in self.fired
            outcome = "applied" if met and chosen is None else ("met" if met else "not_met")
            if outcome == "applied":
                chosen = option["value"]
                ja = f"{option['reason']['ja']} → {tiers['name_ja']}は「{option['value']}」"
                en = f"{option['reason']['en']} → {tiers['result']} {option['value']}"
            else:
                ja = f"{tiers['name_ja']}「{option['value']}」：{option['reason']['ja']}（{met_word(met)[0]}）"
                en = f"{tiers['result']} {option['value']}: {option['reason']['en']} ({met_word(met)[1]})"
            self.reasons.append(reason("tier", option["id"], outcome, ja, en, option["cites"]))
        self.results[tiers["result"]] = chosen

    def _amounts(self, eligible: bool, undetermined: bool) -> tuple[int | None, int | None, list[dict[str, Any]]]:
        amount = self.doc.get("amount")
        if amount is None:
            return None, None, []
        if not eligible:
            self.reasons.append(reason("amount", "amount", "not_met", "交付対象外のため補助額は 0 円です",
                                       "not eligible, so the amount is 0 yen", amount["rate_cites"]))
            return 0, None, []
        ctx = Context(facts=self.facts, derived=self.derived, tables=self.rv.tables, results=self.results)
        result = compute_amounts(amount, ctx, self.fired)
        self.components = ctx.components
        breakdown = [self._component(comp, applied, value, trace) for comp, applied, value, trace in result.components]
        if "cap" in amount:
            cap = amount["cap"]
            cap_outcome = "not_applicable" if result.cap_yen is None and self.explanation >= 2 else "applied"
            self.reasons.append(reason("cap", "cap", cap_outcome,
                                       f"補助上限額 {yen_text(result.cap_yen)} 円（{cap['reason']['ja']}）",
                                       f"ceiling {yen_text(result.cap_yen)} yen ({cap['reason']['en']})", cap["cites"]))
        self.reasons.append(self._rate_reason(amount, result, undetermined))
        if self.explanation >= 2:
            breakdown = _lines_adding_up(amount, result, breakdown, self.facts)
        return result.amount_yen, result.cap_yen, breakdown

    def _component(self, comp: Mapping[str, Any], applied: bool, value: Fraction | None,
                   trace: list[dict[str, Any]]) -> dict[str, Any]:
        yen = None if value is None else (int(value) if value.denominator == 1 else str(value))
        if applied:
            ja = f"{comp['name_ja']}：{yen_text(value)} 円（{comp['reason']['ja']}）"
            en = f"{comp['name_en']}: {yen_text(value)} yen ({comp['reason']['en']})"
        else:
            ja = f"{comp['name_ja']}：適用なし（条件を満たさない）"
            en = f"{comp['name_en']}: not applied (its condition is not met)"
        outcome = "applied" if applied else "not_met"
        if self.explanation >= 2 and applied and value is None:
            # its condition holds, but its yen cannot be computed from the facts given
            outcome = "undetermined"
            ja = f"{comp['name_ja']}：—（必要な事実がないため計算できません）"
            en = f"{comp['name_en']}: not stated (the facts it needs were not given)"
        elif self.explanation >= 2 and not applied and self.unknown(comp["when"]):
            outcome = "not_applicable"
        self.reasons.append(reason("component", comp["id"], outcome, ja, en, comp["cites"]))
        return {"component": comp["id"], "name_ja": comp["name_ja"], "name_en": comp["name_en"], "applied": applied,
                "yen": yen, "detail": trace}

    def _rate_reason(self, amount: Mapping[str, Any], result: AmountResult, undetermined: bool) -> dict[str, Any]:
        rate = amount["rate"]
        if undetermined:
            return reason("rate", "rate", "undetermined" if self.explanation >= 2 else "applied",
                          f"補助率 {rate}。資料で確定しない点があるため、補助額は示しません（未確定の点を参照）",
                          f"rate {rate}; the documents leave a point open, so no amount is stated (see the open "
                          "points)", amount["rate_cites"])
        r_ja, r_en = rounding_text(result.rounding)
        basis_name = amount.get("basis_name", {"ja": "対象経費", "en": "the eligible cost"})
        b_ja, b_en, basis = basis_name["ja"], basis_name["en"], yen_text(result.basis_yen)
        if result.basis_yen is None and result.cap_yen is None:
            ja = f"補助率 {rate}。{b_ja}が示されていないため、補助額は示せません"
            en = f"rate {rate}; {b_en} is not given, so no amount can be stated"
            if self.explanation >= 2:
                return reason("rate", "rate", "not_applicable", ja, en, amount["rate_cites"])
        elif result.basis_yen is None:
            cap = yen_text(result.cap_yen)
            ja = f"補助率 {rate}。{b_ja}の指定がないため、補助上限額 {cap} 円を補助額として示します"
            en = f"rate {rate}; {b_en} was not given, so the amount states the ceiling of {cap} yen"
        elif result.cap_yen is None:
            ja = f"補助率 {rate} を{b_ja} {basis} 円に乗じ、{r_ja} → {yen_text(result.amount_yen)} 円"
            en = f"rate {rate} of {b_en} {basis} yen, {r_en} → {yen_text(result.amount_yen)} yen"
        else:
            ja = (f"補助率 {rate} を、{b_ja} {basis} 円と補助上限額の小さい方に乗じ、"
                  f"{r_ja} → {yen_text(result.amount_yen)} 円")
            en = (f"rate {rate} of the smaller of {b_en} {basis} yen and the ceiling, "
                  f"{r_en} → {yen_text(result.amount_yen)} yen")
        return reason("rate", "rate", "applied", ja, en, amount["rate_cites"])

    def _results(self) -> None:
        # Results may read amount components (e.g. the 国・都道府県 shares); they are absent, so the result
        # is not stated, when the application is not eligible.
        ctx = Context(facts=self.facts, derived=self.derived, tables=self.rv.tables, results=self.results,
                      components=dict(self.components))
        for item in self.doc.get("results", []):
            value = evaluate(item["value"], ctx)
            self.results[item["id"]] = None if value is None else (
                int(value) if value.denominator == 1 else str(value))


def _exact(value: Fraction) -> int | str:
    return int(value) if value.denominator == 1 else str(value)


def _factors(expr: Mapping[str, Any], facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The facts a basis written as a product multiplies (単価 × 件数), for the line's detail."""
    return [{"fact": operand["fact"], "value": facts.get(operand["fact"])}
            for operand in expr.get("product", []) if isinstance(operand, Mapping) and "fact" in operand]


def _lines_adding_up(amount: Mapping[str, Any], result: AmountResult, components: list[dict[str, Any]],
                     facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Format-2 breakdown: lines whose ``yen`` add up to ``amount_yen`` (start, ceiling cut, rate and rounding).

    The start is the basis (対象経費, e.g. 単価 × 件数) when one is given, else the components applied when
    they add up to the ceiling, else the ceiling itself. Then the cut to the ceiling, then the rate with the
    rounding. Nothing is a line unless its yen move the total. Components that are not lines themselves are
    kept, whole, in the ``detail`` of the line they make up.
    """
    if result.amount_yen is None:
        return [line for line in components if line["applied"] and line["yen"] is not None]
    computed = [line for line in components if line["yen"] is not None]
    lines: list[dict[str, Any]] = []
    if result.basis_yen is not None:
        name = amount.get("basis_name", {"ja": "対象経費", "en": "the eligible cost"})
        lines.append({"component": "basis", "name_ja": name["ja"], "name_en": name["en"], "applied": True,
                      "yen": _exact(result.basis_yen),
                      "detail": computed + _factors(amount["basis"], facts) + result.basis_trace})
        start = result.basis_yen
        if result.cap_yen is not None and result.cap_exact is not None and result.cap_exact < result.basis_yen:
            cut = result.cap_exact - result.basis_yen
            lines.append({"component": "cap_applied", "name_ja": "補助上限額による減額",
                          "name_en": "cut to the ceiling", "applied": True, "yen": _exact(cut),
                          "detail": [{"cap_yen": _exact(result.cap_exact)}]})
            start = result.cap_exact
    else:
        applied = [line for line in components if line["applied"] and line["yen"] is not None]
        if result.cap_exact is not None and sum((Fraction(line["yen"]) for line in applied), Fraction(0)) \
                == result.cap_exact:
            lines += [line for line in applied if Fraction(line["yen"]) != 0]
        else:
            lines.append({"component": "cap", "name_ja": "補助上限額", "name_en": "the ceiling", "applied": True,
                          "yen": _exact(result.cap_exact or Fraction(0)), "detail": computed + result.cap_trace})
        start = result.cap_exact or Fraction(0)
        if start != result.amount_yen:  # the ceiling is stated as the amount: only its rounding moves it
            r_ja, r_en = rounding_text(result.rounding)
            lines.append({"component": "rounding", "name_ja": f"端数処理（{r_ja}）", "name_en": f"rounding ({r_en})",
                          "applied": True, "yen": _exact(result.amount_yen - start), "detail": []})
        return lines
    if start != result.amount_yen:
        r_ja, r_en = rounding_text(result.rounding)
        rate = amount["rate"]
        lines.append({"component": "rate", "name_ja": f"補助率 {rate} の適用（{r_ja}）",
                      "name_en": f"rate {rate} applied ({r_en})", "applied": True,
                      "yen": _exact(result.amount_yen - start), "detail": [{"rate": rate}]})
    return lines
