"""Where hojo finds its data folders and its store; every path can be overridden by the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Paths", "default_db_url", "redacted_url"]

_ROOT = Path(__file__).resolve().parents[2]  # the checkout: service/kernel/config.py


@dataclass(frozen=True)
class Paths:
    """The folders a policy owner edits (rules, schemas, features) and the seed documents rules cite."""

    rules: Path = _ROOT / "rules"
    schemas: Path = _ROOT / "schemas"
    seeds: Path = _ROOT / "seeds"
    #: the Gherkin specification (仕様) every program's versions must pass before publishing
    features: Path = _ROOT / "features"

    @property
    def sources(self) -> Path:
        """Registered source documents (``service.rulebook.sources``): the folder beside the seeds."""
        return self.seeds.parent / "sources"

    @classmethod
    def from_env(cls) -> Paths:
        return cls(rules=Path(os.environ.get("HOJO_RULES_DIR", _ROOT / "rules")),
                   schemas=Path(os.environ.get("HOJO_SCHEMAS_DIR", _ROOT / "schemas")),
                   seeds=Path(os.environ.get("HOJO_SEEDS_DIR", _ROOT / "seeds")),
                   features=Path(os.environ.get("HOJO_FEATURES_DIR", _ROOT / "features")))


def default_db_url() -> str:
    """Return ``HOJO_DB``, or an SQLite file under ``./var/``."""
    return os.environ.get("HOJO_DB", "sqlite:///var/hojo.sqlite3")


def redacted_url(url: str) -> str:
    """The store URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest and ":" in rest.split("@", 1)[0]:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        rest = f"{user}:***@{rest.split('@', 1)[1]}"
    return f"{scheme}{sep}{rest}"
