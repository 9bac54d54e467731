"""The FY2024 municipal ヘルスアップ ceiling written for OpenFisca: variables and a dated parameter scale.

The same computation as ``rules/kokuho_healthup_municipal/v2.yaml`` (001 L1763-L1874), for the peer
benchmark of ``bench/run`` only (OpenFisca is installed into ``.venv-bench``, never by the service):

- three single-amount scales by 被保険者数 (基準額①, 基準額②, 加算額), each dated from 2024-04-01,
  the first day of FY2024; a fiscal year N is evaluated at N-04-01;
- 事業区分 ①-⑤ as five boolean variables (OpenFisca variables are scalars per entity, not lists);
- at most three reference amounts summed, highest first (a sort along the category axis, vectorised);
- the model-project addition when designated, within floor(15% × 管内市町村数) and third-party evaluated;
- the grant: 10/10 of the smaller of the ceiling and 対象経費 when given, floored to the yen.

OpenFisca's ``int`` is int32, enough for every figure of the benchmark fact sets (at most 99 million yen),
not for the schema's full range of 対象経費 (up to 10^15 yen); hojo's amounts are exact integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

__all__ = ["CATEGORIES", "CountryTaxBenefitSystem", "build_system", "calculate_body", "decide_batch", "decide_one",
           "entity_input"]

CATEGORIES = ("1", "2", "3", "4", "5")
#: 事業区分 → the scale of its reference amount (①, ② → 基準額①; ③-⑤ → 基準額②)
CATEGORY_SCALE = {"1": "reference_amount_1", "2": "reference_amount_1", "3": "reference_amount_2",
                  "4": "reference_amount_2", "5": "reference_amount_2"}
FY_START = "2024-04-01"
THRESHOLDS = (0, 10_000, 50_000, 100_000, 200_000)  # 1万人未満, 1～5万人未満, 5～10万人未満, 10～20万人未満, 20万人以上


def _scale(description: str, line: int, amounts_yen: Sequence[int]) -> dict[str, Any]:
    return {
        "description": description,
        "metadata": {"type": "single_amount", "threshold_unit": "insured persons", "amount_unit": "JPY",
                     "reference": f"001_c02c95a32821d2bb.txt L{line}"},
        "brackets": [{"threshold": {FY_START: {"value": threshold}}, "amount": {FY_START: {"value": amount}}}
                     for threshold, amount in zip(THRESHOLDS, amounts_yen, strict=True)],
    }


PARAMETERS = {
    "kokuho_healthup_municipal": {
        "description": "令和6年度 市町村国保ヘルスアップ事業",
        "reference_amount_1": _scale("基準額①", 1786, [3_000_000, 4_500_000, 6_000_000, 9_000_000, 13_500_000]),
        "reference_amount_2": _scale("基準額②", 1826, [6_000_000, 9_000_000, 12_000_000, 18_000_000, 27_000_000]),
        "model_project_addition": _scale("加算額", 1871, [4_000_000, 6_000_000, 8_000_000, 12_000_000, 18_000_000]),
        "at_most_categories": {"description": "基準額の合算は最大で３事業分まで (L1833)", "values": {FY_START: 3}},
        "designation_cap_percent": {"description": "管内市町村数の15%を上限として指定 (L1851)",
                                    "values": {FY_START: 15}},
        "rate": {"description": "補助率10/10 (L1774)", "values": {FY_START: 1}},
    },
}

Municipality = build_entity(key="municipality", plural="municipalities", label="市町村（国保保険者）", is_person=True)


def _fiscal_year_start(period: Any) -> str:
    return f"{period.start.year}-04-01"


def _input(name: str, value_type: type, label: str, default: Any = None) -> type[Variable]:
    attributes: dict[str, Any] = {"value_type": value_type, "entity": Municipality,
                                  "definition_period": DateUnit.YEAR, "label": label}
    if default is not None:
        attributes["default_value"] = default
    return type(name, (Variable,), attributes)


INPUTS: list[type[Variable]] = [
    _input("insured_count", int, "被保険者数"),
    _input("has_data_health_plan", bool, "データヘルス計画"),
    *[_input(f"implements_category_{c}", bool, f"事業区分{c}を実施") for c in CATEGORIES],
    _input("third_party_evaluation", bool, "第三者の支援・評価"),
    _input("designated_model", bool, "モデル事業の指定"),
    _input("has_prefecture_counts", bool, "管内市町村数・指定数が示されている"),
    _input("prefecture_municipality_count", int, "管内市町村数"),
    _input("prefecture_designated_count", int, "都道府県の指定数"),
    _input("has_eligible_cost", bool, "対象経費が示されている"),
    _input("eligible_cost_yen", int, "対象経費（円）"),
]


class eligible(Variable):  # noqa: N801 - OpenFisca names variables by their class name
    value_type, entity, definition_period = bool, Municipality, DateUnit.YEAR
    label = "交付対象: データヘルス計画を策定し、事業①～⑤のいずれかを実施する (L1829)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        any_category = sum(municipality(f"implements_category_{c}", period) for c in CATEGORIES) > 0
        return municipality("has_data_health_plan", period) * any_category


class designation_cap_count(Variable):  # noqa: N801
    value_type, entity, definition_period = int, Municipality, DateUnit.YEAR
    label = "指定上限数: floor(15 × 管内市町村数 / 100) (L1851)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        percent = parameters(_fiscal_year_start(period)).kokuho_healthup_municipal.designation_cap_percent
        return (percent * municipality("prefecture_municipality_count", period)) // 100


class model_project_addition_requirements(Variable):  # noqa: N801
    value_type, entity, definition_period = bool, Municipality, DateUnit.YEAR
    label = "加算額の適用要件: 指定・15%以内・第三者の支援評価 (L1850-L1856)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        within = municipality("has_prefecture_counts", period) * (
            municipality("prefecture_designated_count", period) <= municipality("designation_cap_count", period))
        return municipality("designated_model", period) * within * municipality("third_party_evaluation", period)


class category_reference_amounts(Variable):  # noqa: N801
    value_type, entity, definition_period = int, Municipality, DateUnit.YEAR
    label = "事業区分ごとの基準額の合算（最大3区分、高い順） (L1832-L1833)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        p = parameters(_fiscal_year_start(period)).kokuho_healthup_municipal
        insured = municipality("insured_count", period)
        by_scale = {name: p[name].calc(insured) for name in set(CATEGORY_SCALE.values())}
        per_category = np.stack([municipality(f"implements_category_{c}", period) * by_scale[CATEGORY_SCALE[c]]
                                 for c in CATEGORIES])
        highest = np.sort(per_category, axis=0)[-int(p.at_most_categories):]
        return highest.sum(axis=0)


class model_project_addition(Variable):  # noqa: N801
    value_type, entity, definition_period = int, Municipality, DateUnit.YEAR
    label = "加算額（先進的かつ効果的なモデル事業） (L1836, L1871)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        p = parameters(_fiscal_year_start(period)).kokuho_healthup_municipal
        addition = p.model_project_addition.calc(municipality("insured_count", period))
        return municipality("model_project_addition_requirements", period) * addition


class cap_yen(Variable):  # noqa: N801
    value_type, entity, definition_period = int, Municipality, DateUnit.YEAR
    label = "補助上限額: 基準額の合算額（および加算額）; 0 when not eligible (L1832)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        ceiling = municipality("category_reference_amounts", period) + municipality("model_project_addition", period)
        return municipality("eligible", period) * ceiling


class amount_yen(Variable):  # noqa: N801
    value_type, entity, definition_period = int, Municipality, DateUnit.YEAR
    label = "補助額: 10/10 of min(補助上限額, 対象経費), floored; the ceiling when no cost is given (L1774)"

    def formula(municipality: Any, period: Any, parameters: Any) -> Any:
        rate = parameters(_fiscal_year_start(period)).kokuho_healthup_municipal.rate
        cap = municipality("cap_yen", period)
        basis = np.where(municipality("has_eligible_cost", period),
                         np.minimum(cap, municipality("eligible_cost_yen", period)), cap)
        return np.floor(basis * rate)


class CountryTaxBenefitSystem(TaxBenefitSystem):
    """The system as a country package: what ``openfisca serve --country-package openfisca_healthup`` loads
    (bench/run serves it with OpenFisca's own web API, beside ``hojo serve``)."""

    def __init__(self) -> None:
        super().__init__([Municipality])
        self.parameters = ParameterNode("", data=PARAMETERS)
        for variable in [*INPUTS, eligible, designation_cap_count, model_project_addition_requirements,
                         category_reference_amounts, model_project_addition, cap_yen, amount_yen]:
            self.add_variable(variable)


def build_system() -> TaxBenefitSystem:
    return CountryTaxBenefitSystem()


def entity_input(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenFisca input of one application (hojo's facts), one value per variable."""
    categories = set(facts["categories"])
    return {
        "insured_count": facts["insured_count"],
        "has_data_health_plan": facts["has_data_health_plan"],
        **{f"implements_category_{c}": c in categories for c in CATEGORIES},
        "third_party_evaluation": facts["third_party_evaluation"],
        "designated_model": facts["designated_model"],
        "has_prefecture_counts": "prefecture_designated_count" in facts,
        "prefecture_municipality_count": facts.get("prefecture_municipality_count", 0),
        "prefecture_designated_count": facts.get("prefecture_designated_count", 0),
        "has_eligible_cost": "eligible_cost_yen" in facts,
        "eligible_cost_yen": facts.get("eligible_cost_yen", 0),
    }


def _result(eligible_: Any, cap: Any, amount: Any) -> dict[str, Any]:
    ok = bool(eligible_)
    return {"eligible": ok, "cap_yen": int(cap) if ok else None, "amount_yen": int(amount)}


def decide_one(system: TaxBenefitSystem, facts: Mapping[str, Any], fiscal_year: int = 2024) -> dict[str, Any]:
    """One single-entity simulation, as a per-request OpenFisca service (e.g. its Web API) runs it."""
    year = str(fiscal_year)
    entity = {name: {year: value} for name, value in entity_input(facts).items()}
    simulation = SimulationBuilder().build_from_entities(system, {"municipalities": {"m": entity}})
    return _result(simulation.calculate("eligible", year)[0], simulation.calculate("cap_yen", year)[0],
                   simulation.calculate("amount_yen", year)[0])


def decide_batch(system: TaxBenefitSystem, applications: Sequence[Mapping[str, Any]],
                 fiscal_year: int = 2024) -> list[dict[str, Any]]:
    """One vectorised simulation of ``len(applications)`` municipalities."""
    year = str(fiscal_year)
    simulation = SimulationBuilder().build_default_simulation(system, count=len(applications))
    columns: dict[str, list[Any]] = {}
    for facts in applications:
        for name, value in entity_input(facts).items():
            columns.setdefault(name, []).append(value)
    for name, values in columns.items():
        simulation.set_input(name, year, np.array(values))
    eligible_, cap, amount = (simulation.calculate(name, year) for name in ("eligible", "cap_yen", "amount_yen"))
    return [_result(e, c, a) for e, c, a in zip(eligible_, cap, amount, strict=True)]


def calculate_body(facts: Mapping[str, Any], fiscal_year: int = 2024) -> dict[str, Any]:
    """The ``POST /calculate`` body of OpenFisca's web API for one application: the inputs, and the three
    figures to compute (``null``)."""
    year = str(fiscal_year)
    entity: dict[str, Any] = {name: {year: value} for name, value in entity_input(facts).items()}
    entity.update({name: {year: None} for name in ("eligible", "cap_yen", "amount_yen")})
    return {"municipalities": {"m": entity}}
