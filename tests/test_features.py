"""Binds every ``.feature`` under ``features/`` (one ``scenarios`` call, so none is left out).

The steps live in ``tests/steps/`` and are loaded as a plugin by ``conftest.py``.

A step with no definition fails the run (pytest-bdd raises ``StepDefinitionNotFoundError``).
"""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

scenarios(".")


@pytest.fixture(autouse=True)
def _run_on_every_target(target: str) -> str:
    return target
