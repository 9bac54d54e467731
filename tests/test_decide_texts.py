"""The decision core's per-version texts (service/core/decide.py ``_Texts``) and its shortcut past Kleene.

``_Assembly.unknown`` skips the three-valued reading of a condition when every fact and derived value it reads
is given, since Kleene's reading is unknown only where one of them is absent, and otherwise remembers the
reading per rule text, keyed on those values. On the generated cases of test_differential, for every version,
every clause and every component condition, the answer (fresh, then remembered) is the full reading's.
"""

from __future__ import annotations

import pytest

from service.core.decide import _Assembly, _texts_of
from service.core.knowable import kleene

from .test_differential import VERSIONS, cases_for


@pytest.mark.parametrize("name", list(VERSIONS))
def test_the_shortcut_past_kleene_answers_as_kleene(name: str) -> None:
    rv = VERSIONS[name]
    texts = _texts_of(rv)
    conditions = [(rule, when, reads) for rule, when, _, reads in texts.clauses]
    conditions += [(f"component__{comp['id']}", comp["when"], texts.component_reads[comp["id"]])
                   for comp in rv.document.get("amount", {}).get("components", []) if "when" in comp]
    for case in cases_for(name):
        assembly = _Assembly(rv, case.facts, case.derived, case.expected, [])
        for _ in range(2):  # the second time from the memo of the version's texts
            for label, when, reads in conditions:
                full = kleene(when, rv.clauses, case.facts, case.derived) is None
                assert assembly.unknown(label, when, reads) is full, (case.facts, when)


def test_both_answers_occur_on_the_municipal_cases() -> None:
    # The designation cap clause reads the prefecture's counts, which many applications leave out.
    rv = VERSIONS["kokuho_healthup_municipal@2"]
    texts = _texts_of(rv)
    answers = {_Assembly(rv, case.facts, case.derived, case.expected, []).unknown(rule, when, reads)
               for case in cases_for(rv.name) for rule, when, _, reads in texts.clauses}
    assert answers == {True, False}


def test_a_version_s_texts_are_built_once_and_copied() -> None:
    rv = VERSIONS["kokuho_healthup_municipal@2"]
    assert _texts_of(rv) is _texts_of(rv)
    first = _Assembly(rv, {}, {}, frozenset(), []).build()["reasons"]
    second = _Assembly(rv, {}, {}, frozenset(), []).build()["reasons"]
    assert first == second and all(a is not b for a, b in zip(first, second, strict=True))
