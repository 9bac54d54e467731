"""The one library of Japanese feature steps (ステップ定義), run by the service and bound by the tests.

Every sentence a ``features/*.feature`` may use is registered here once, with the function that does it.
Two runners use the same functions: :mod:`service.authoring.features` (publishing, the workbench,
``hojo check --features``: in-process, no test extras) and ``tests/steps/bindings.py`` (pytest-bdd, in-process
and against a live server). A step talks to hojo only through ``World.client`` (``post``/``get`` as over
HTTP), so both runners see exactly what an applicant sees.

A pattern is written like a ``parse`` format: ``{name}`` matches any text (as short as possible) and
``{name:d}`` an integer; the whole sentence must match. A failed expectation raises :class:`StepMismatch`
with the expected and the actual value and a sentence in Japanese and English, so a failure can be shown as
a table row rather than a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...kernel.config import Paths
from ...rulebook.registry import Rulebook

__all__ = ["STEPS", "Client", "Response", "Step", "StepMismatch", "World", "expect", "find_steps", "step"]


class Response(Protocol):
    """What a step reads from an answer (an ``httpx``/TestClient response or the in-process one)."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


class Client(Protocol):
    """What a step sends: JSON or raw bodies to the API (``TestClient``, ``httpx.Client`` or in-process)."""

    def get(self, url: str) -> Any: ...

    def post(self, url: str, *, json: Any = None, content: bytes | None = None,
             headers: dict[str, str] | None = None) -> Any: ...


@dataclass
class World:
    """One scenario's state: the client, the folders the target decides from, and what the steps noted."""

    client: Client
    paths: Paths
    #: the rules the target decides with, for the reference evaluator's second opinion (None: skip it)
    rulebook: Callable[[], Rulebook] | None = None
    ctx: dict[str, Any] = field(default_factory=dict)


class StepMismatch(AssertionError):
    """A step's expectation that does not hold: what was checked, expected and got (ja and en)."""

    def __init__(self, what_ja: str, what_en: str, expected: Any, got: Any) -> None:
        self.what_ja, self.what_en, self.expected, self.got = what_ja, what_en, expected, got
        super().__init__(f"{what_en}: expected {expected!r}, got {got!r}")


def expect(got: Any, expected: Any, what_ja: str, what_en: str) -> None:
    """Raise :class:`StepMismatch` unless ``got == expected``."""
    if got != expected:
        raise StepMismatch(what_ja, what_en, expected, got)


@dataclass(frozen=True)
class Step:
    """One sentence: its kind (given/when/then), its regular expression and the function that runs it."""

    kind: str
    template: str
    regex: re.Pattern[str]
    converters: dict[str, Callable[[str], Any]]
    run: Callable[..., None]
    #: the extra arguments the function takes beyond ``world`` and the named fields
    wants_table: bool = False
    wants_docstring: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.regex.groupindex)

    def call(self, world: World, args: dict[str, str], datatable: list[list[str]] | None = None,
             docstring: str | None = None) -> None:
        kwargs: dict[str, Any] = {k: self.converters.get(k, str)(v) for k, v in args.items()}
        if self.wants_table:
            kwargs["datatable"] = datatable
        if self.wants_docstring:
            kwargs["docstring"] = docstring
        self.run(world, **kwargs)


STEPS: list[Step] = []

_FIELD = re.compile(r"\{(\w+)(?::d)?\}")


def _compile(template: str) -> tuple[re.Pattern[str], dict[str, Callable[[str], Any]]]:
    """``制度 "{program}" の{fy}に申請する`` → a full-match regular expression and the integer fields."""
    parts: list[str] = []
    converters: dict[str, Callable[[str], Any]] = {}
    at = 0
    for found in _FIELD.finditer(template):
        parts.append(re.escape(template[at:found.start()]))
        name = found.group(1)
        if found.group(0).endswith(":d}"):
            parts.append(rf"(?P<{name}>[-+]?\d+)")
            converters[name] = int
        else:
            parts.append(rf"(?P<{name}>.+?)")
        at = found.end()
    parts.append(re.escape(template[at:]))
    return re.compile("".join(parts) + r"\Z"), converters


def step(kind: str, template: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as the step ``template`` of ``kind`` (given, when or then)."""
    def register(func: Callable[..., None]) -> Callable[..., None]:
        regex, converters = _compile(template)
        names = func.__code__.co_varnames[:func.__code__.co_argcount]
        STEPS.append(Step(kind, template, regex, converters, func, wants_table="datatable" in names,
                          wants_docstring="docstring" in names))
        return func
    return register


def find_steps(kind: str, text: str) -> list[tuple[Step, dict[str, str]]]:
    """Every step of ``kind`` whose pattern matches the whole ``text``, with its fields."""
    found = []
    for candidate in STEPS:
        if candidate.kind == kind and (m := candidate.regex.match(text)):
            found.append((candidate, m.groupdict()))
    return found


def _load() -> None:
    from . import allocations, cases, decisions  # noqa: F401  (registers their steps)


_load()
