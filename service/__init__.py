"""hojo (補助): rules-as-code decisions for Japanese public health-insurance subsidies.

The pipeline: ``rulebook`` (load, check, compile rule files) → ``decide`` (facts → engine → amounts →
reasons, with ``engine`` the only user of durable_rules) → ``decisions`` (record, then answer) →
``store`` (the chained log) ; ``api`` and ``cli`` are thin shells over ``decisions``.
"""

from .decisions import DecisionService
from .errors import HojoError

__all__ = ["DecisionService", "HojoError"]
