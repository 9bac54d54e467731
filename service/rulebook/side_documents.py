"""The common reading of a rule folder's side documents (allocation and lifecycle files): one place for it.

Each is strict YAML in its own JSON Schema format, named ``rules/<program>/<stem>_v<N>.yaml``, with an
``effective`` window and citations checked against the seeds; what differs is the format and the checks of
its own constructs, which the caller passes in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from ..kernel.errors import Problem, RuleSchemaError
from ..lang.facts import json_path
from .citations import check_citations
from .load import raise_problems
from .yaml_strict import line_of, load_yaml

__all__ = ["Locate", "YamlPath", "read_side_document"]

YamlPath = list[str | int]
Locate = Callable[[YamlPath], str]


def read_side_document(text: str, name: str, validator: Validator, what: tuple[str, str], stem: str,
                       expected: tuple[str, int] | None, own_checks: Callable[[Any, Locate], list[Problem]],
                       seeds_dir: Path, check_quotes: bool = True) -> Any:
    """The checked document in ``text``: its format (raised at once), its place, window, own checks and quotes.

    ``what``: the kind of file in Japanese and English (「配分ファイル」, "allocation"); ``stem``: its file
    name before ``_v<N>.yaml``; ``expected``: (program, version) its place says, None for a draft sent as text.
    """
    doc = load_yaml(text, name)

    def locate(path: YamlPath) -> str:
        return f"{name}:{line_of(doc, path)} {json_path(path)}"

    problems = []
    for error in validator.iter_errors(doc):
        if error.context:
            error = best_match(error.context)
        problems.append(Problem(locate(list(error.absolute_path)), f"schema_{error.validator}",
                                f"{what[0]}の形式に合いません（{error.validator}）", error.message))
    if problems:
        raise RuleSchemaError(f"{name} は{what[0]}の形式に合いません", f"{name} does not follow the {what[1]} format",
                              code="rule_schema", problems=problems)
    if expected and (doc["program"], doc["version"]) != expected:
        problems.append(Problem(locate(["program"]), "file_name_mismatch",
                                f"ファイルの場所 rules/{expected[0]}/{stem}_v{expected[1]}.yaml と "
                                "program/version が一致しません",
                                f"program/version must match the file's place "
                                f"rules/{expected[0]}/{stem}_v{expected[1]}.yaml"))
    if doc["effective"]["from_fiscal_year"] > doc["effective"]["to_fiscal_year"]:
        problems.append(Problem(locate(["effective"]), "effective_order", "適用年度の開始が終了より後です",
                                "effective.from_fiscal_year is after to_fiscal_year"))
    problems += own_checks(doc, locate)
    if check_quotes:
        problems += check_citations(doc, seeds_dir, locate)
    raise_problems(name, problems)
    return doc
