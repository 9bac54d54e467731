"""Binds every ``.feature`` under ``features/`` (one ``scenarios`` call, so none is left out).

The steps are the service's own (``service/authoring/steps``), bound by ``tests/steps/bindings.py`` (a
plugin of ``conftest.py``).

A step with no definition fails the run (pytest-bdd raises ``StepDefinitionNotFoundError``).
"""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

scenarios(".")


@pytest.fixture(autouse=True)
def _run_on_every_target(target: str) -> str:
    return target
