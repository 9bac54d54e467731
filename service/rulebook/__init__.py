"""Rule files: strict loading, checking, citation checks and compilation (see ``load``); versions whose windows
overlap (``windows``: a correction names what it ``supersedes`` and why)."""

from .load import load_rule_file, load_rule_text, rule_files
from .model import RuleVersion
from .registry import Rulebook

__all__ = ["RuleVersion", "Rulebook", "load_rule_file", "load_rule_text", "rule_files"]
