"""pytest-bdd bindings over the service's one step library (``service/authoring/steps``): no step logic here.

Each registered step becomes a pytest-bdd step with the same sentence (as a regular expression) that calls
the same function with a :class:`~service.authoring.steps.World` built from the ``client`` fixture, so
pytest-bdd and ``hojo publish`` cannot drift apart.
"""

from __future__ import annotations

from functools import lru_cache
from inspect import Parameter, Signature
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from service.authoring.steps import STEPS, Step, World
from service.kernel.config import Paths
from service.rulebook.registry import Rulebook

_KINDS = {"given": given, "when": when, "then": then}


@lru_cache(maxsize=1)
def _checkout_rulebook() -> Rulebook:
    """The rules the tested server decides with (the same HOJO_RULES_DIR), for the reference evaluator."""
    paths = Paths.from_env()
    return Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)


@pytest.fixture
def world(client: Any) -> World:
    return World(client=client, paths=Paths.from_env(), rulebook=_checkout_rulebook)


def _bound(definition: Step) -> Any:
    def run(world: World, **fields: Any) -> None:
        table, doc = fields.pop("datatable", None), fields.pop("docstring", None)
        definition.run(world, **fields, **({"datatable": table} if definition.wants_table else {}),
                       **({"docstring": doc} if definition.wants_docstring else {}))

    # pytest-bdd passes what the signature names: the world fixture, the parsed fields, the table or doc string.
    params = [Parameter("world", Parameter.POSITIONAL_OR_KEYWORD)]
    params += [Parameter(name, Parameter.KEYWORD_ONLY) for name in definition.fields]
    params += [Parameter(extra, Parameter.KEYWORD_ONLY) for extra, wanted in
               (("datatable", definition.wants_table), ("docstring", definition.wants_docstring)) if wanted]
    run.__signature__ = Signature(params)  # type: ignore[attr-defined]
    run.__name__ = definition.run.__name__
    return run


for _definition in STEPS:
    _KINDS[_definition.kind](parsers.re(_definition.regex.pattern), converters=_definition.converters)(
        _bound(_definition))
