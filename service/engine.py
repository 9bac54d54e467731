"""The durable_rules engine behind a small, safe interface. The only module that imports durable_rules.

The discipline comes from ``shared/notes/durable_rules.md``; each line below guards against a failure
reproduced there:

- ``_QuietHost._run`` does nothing: the library's timer threads race with our calls (error 307, then a
  segfault) and burn CPU with many rulesets loaded.
- ``assert_fact``, never ``post``: an event is consumed by the first matching rule; a fact fires every
  matching rule once.
- one fresh sid per decision, ``delete_state`` in ``finally``: live sessions leak ~330 KB each and the
  1,025th raises ``MemoryError``.
- a sentinel rule at ``pri`` 65535 that always fires: ``delete_state`` on a session in which no action
  ran can segfault.
- every pattern is ANDed with ``fact_type == "application"``: after each action the engine re-asserts its
  state as a message, and a pattern made only of ``$nex`` matches it forever.
- one lock per host: sessions are found by a 32-bit hash of the sid, so two live sessions can collide.
- actions only record the rule name; an exception inside one is swallowed by the library into
  ``state["exception"]``, which we re-raise as :class:`RuleActionError`.
- only integers and booleans reach the engine (the C core coerces strings to numbers and overflows
  silently above int64); the caller validates facts first.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from durable.engine import Host

from .kernel.errors import EngineError, Problem, RuleActionError, RuleSemanticError

__all__ = ["DISCRIMINATOR", "SENTINEL", "DecisionEngine", "EngineFact"]

SENTINEL = "__evaluated__"
DISCRIMINATOR: dict[str, str] = {"fact_type": "application"}
_INT64 = 2**63

EngineFact = Mapping[str, int | bool]


class _QuietHost(Host):  # type: ignore[misc]
    """A Host with no background dispatcher; actions are bound once, by rule name."""

    def __init__(self, make_action: Callable[[str], Callable[[Any], None]]) -> None:
        self._make_action = make_action
        super().__init__()

    def _run(self) -> None:
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._make_action(action_name)


class DecisionEngine:
    """Registers compiled rulesets under ``program@version`` and evaluates one fact at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fired: dict[str, list[str]] = {}
        self._names: set[str] = set()
        self._host = _QuietHost(self._recorder)

    def _recorder(self, rule_name: str) -> Callable[[Any], None]:
        fired = self._fired

        def record(c: Any) -> None:
            if rule_name != SENTINEL:
                fired.setdefault(c.s.sid, []).append(rule_name)

        return record

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._names)

    def register(self, name: str, rules: Mapping[str, Any]) -> None:
        """Register a ruleset once. ``rules`` maps rule name to a durable_rules pattern (no discriminator)."""
        if "$" in name:
            raise EngineError("ルールセット名に $ は使えません", f"ruleset name {name!r} must not contain $",
                              code="engine_bad_name")
        ruleset: dict[str, Any] = {}
        for priority, (rule_name, pattern) in enumerate(rules.items()):
            ruleset[rule_name] = {"pri": min(priority, 65534),
                                  "all": [{"m": {"$and": [DISCRIMINATOR, pattern]}}], "run": rule_name}
        ruleset[SENTINEL] = {"pri": 65535, "all": [{"m": DISCRIMINATOR}], "run": SENTINEL}
        with self._lock:
            if name in self._names:
                return  # the same content is registered once per process; a ruleset cannot be replaced
            # set_rulesets deletes "run" from the dicts it is given: pass a copy.
            try:
                self._host.set_rulesets({name: copy.deepcopy(ruleset)})
            except Exception as exc:  # the C core's own limits (32 expressions a sequence, ...): the rule's fault
                if "error code" not in str(exc):
                    raise
                ja = f"{name} は規則エンジンの上限を超えるため登録できません（条件を分けてください）"
                en = f"the rule engine cannot hold {name} ({exc}): split its conditions"
                raise RuleSemanticError(ja, en, code="rule_too_large",
                                        problems=[Problem(name, "rule_too_large", ja, en)]) from None
            self._names.add(name)

    def evaluate(self, name: str, fact: EngineFact) -> frozenset[str]:
        """Return the names of the rules whose patterns match ``fact``."""
        if name not in self._names:
            raise EngineError("ルールセットが登録されていません", f"ruleset {name!r} is not registered",
                              code="engine_unknown_ruleset")
        for key, value in fact.items():
            if not isinstance(value, (bool, int)) or not -_INT64 < value < _INT64:
                raise EngineError("エンジンには整数と真偽値のみ渡せます",
                                  f"engine fact {key!r} must be an int64 or a boolean, got {value!r}",
                                  code="engine_bad_fact")
        sid = uuid.uuid4().hex
        message = dict(fact, sid=sid, **DISCRIMINATOR)
        with self._lock:
            try:
                state = self._host.assert_fact(name, message)
                if state and "exception" in state:
                    raise RuleActionError("ルールの実行中にエラーが発生しました", str(state["exception"]),
                                          code="engine_action_failed")
                return frozenset(self._fired.get(sid, ()))
            finally:
                self._fired.pop(sid, None)
                self._host.delete_state(name, sid)
