"""Every error hojo raises on purpose, each with a stable ``code`` and a Japanese and English message.

The tree::

    HojoError
    ├── RuleFileError                 a rule file cannot be used (raised at start-up or by ``hojo check``)
    │   ├── RuleSyntaxError           not YAML, a float, a duplicate key, a date object, an anchor bomb
    │   ├── RuleSchemaError           breaks schemas/rule.schema.json (unknown key, missing key, wrong type)
    │   ├── RuleSemanticError         well-formed but wrong: band gap or overlap, unknown clause, cycle
    │   └── CitationError             a ``cites.quote`` is not on its seed line
    ├── ApplicationError              the applicant's request cannot be decided (HTTP 422)
    │   ├── InvalidRequestError       the envelope or the facts break their JSON Schema (one problem each)
    │   │   └── PayloadTooLargeError  the body is over the size limit (HTTP 413)
    │   ├── NoRuleVersionError        no rule version is in force for that fiscal year
    │   └── CaseStepError             a case cannot take that step now (out of order, closed, over the balance)
    ├── UnknownProgramError           no such program (HTTP 404)
    ├── DecisionNotFoundError         no such decision id (HTTP 404)
    │   └── CaseNotFoundError         no such case id (HTTP 404)
    ├── EngineError                   the rule engine failed; never the applicant's fault (HTTP 500)
    │   ├── RuleActionError           an action raised inside durable_rules (it swallows them)
    │   └── EngineDisagreementError   the engine and the reference evaluator disagree (differential mode)
    ├── StoreError                    the decision could not be recorded, so it is not answered (HTTP 503)
    └── SigningKeyError               no usable key to sign tree heads and receipts with (HTTP 503)

HTTP mapping happens once, in ``service/api/app.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApplicationError",
    "CaseNotFoundError",
    "CaseStepError",
    "CitationError",
    "DecisionNotFoundError",
    "EngineDisagreementError",
    "EngineError",
    "HojoError",
    "InvalidRequestError",
    "JobNotFoundError",
    "NoRuleVersionError",
    "NotDecidableError",
    "PayloadTooLargeError",
    "Problem",
    "RuleActionError",
    "RuleFileError",
    "RuleSchemaError",
    "RuleSemanticError",
    "RuleSyntaxError",
    "SigningKeyError",
    "StoreError",
    "TooManyJobsError",
    "UnknownProgramError",
]


@dataclass(frozen=True)
class Problem:
    """One located problem: the JSON path in the request, or the rule file and line."""

    path: str
    code: str
    message_ja: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message_ja": self.message_ja,
                "message_en": self.message_en}


@dataclass
class HojoError(Exception):
    """Base of every deliberate hojo error."""

    message_ja: str
    message_en: str
    code: str = "hojo_error"
    problems: list[Problem] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message_en)

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickling passes only args (the English message); keep every field across processes.
        return (self.__class__, (self.message_ja, self.message_en, self.code, self.problems, self.details))

    def __str__(self) -> str:
        lines = [f"[{self.code}] {self.message_en} / {self.message_ja}"]
        lines += [f"  {p.path}: {p.message_en} / {p.message_ja}" for p in self.problems]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message_ja": self.message_ja,
                                "message_en": self.message_en}
        if self.problems:
            body["problems"] = [p.as_dict() for p in self.problems]
        body.update(self.details)
        return body


class RuleFileError(HojoError):
    """A rule file cannot be loaded; ``problems`` carry ``file:line`` paths."""


class RuleSyntaxError(RuleFileError):
    pass


class RuleSchemaError(RuleFileError):
    pass


class RuleSemanticError(RuleFileError):
    pass


class CitationError(RuleFileError):
    pass


class ApplicationError(HojoError):
    pass


class InvalidRequestError(ApplicationError):
    pass


class PayloadTooLargeError(InvalidRequestError):
    """The request body is larger than the service reads (HTTP 413, not 422: nothing of it was parsed)."""


class NoRuleVersionError(ApplicationError):
    pass


class NotDecidableError(ApplicationError):
    """The program is listed from the documents, but they hold no rule an application can be decided by."""


class UnknownProgramError(HojoError):
    pass


class DecisionNotFoundError(HojoError):
    pass


class EngineError(HojoError):
    pass


class RuleActionError(EngineError):
    pass


class EngineDisagreementError(EngineError):
    pass


class StoreError(HojoError):
    pass


class SigningKeyError(HojoError):
    """The operator's Ed25519 key (``HOJO_SIGNING_KEY_FILE``) is not configured or cannot be read."""


class CaseStepError(ApplicationError):
    """The case cannot take that step now: out of its declared order, after it closed, or over the balance."""


class CaseNotFoundError(DecisionNotFoundError):
    """No such case (or, for an applicant, not its own: the same answer, so ids are not disclosed)."""


class JobNotFoundError(HojoError):
    """No background job by that id for this session (never started, expired, or another user's)."""


class TooManyJobsError(HojoError):
    """The process already runs as many background jobs as it may (HTTP 429)."""
