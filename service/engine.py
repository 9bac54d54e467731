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

Answers are memoised per ruleset (:class:`_Equivalence`), keyed on what the patterns can tell apart: two
facts with the same key satisfy exactly the same comparisons, so the engine's answer for one is its answer
for the other. The engine stays the engine of record: a key seen for the first time is asked of it.
"""

from __future__ import annotations

import copy
import threading
import uuid
from bisect import bisect_left
from collections.abc import Callable, Mapping
from typing import Any

from durable.engine import Host

from .kernel.errors import EngineError, Problem, RuleActionError, RuleSemanticError

__all__ = ["DISCRIMINATOR", "SENTINEL", "DecisionEngine", "EngineFact"]

SENTINEL = "__evaluated__"
DISCRIMINATOR: dict[str, str] = {"fact_type": "application"}
_INT64 = 2**63
#: beyond ±2**53 an int no longer survives a trip through a C double; such facts are always asked of the engine
_EXACT = 2**53
#: answers remembered per ruleset; the oldest is forgotten first, so a stream of hostile facts cannot grow it
MEMO_SIZE = 8192
_COMPARE = ("$lt", "$lte", "$gt", "$gte", "$neq")
_ABSENT = object()

EngineFact = Mapping[str, int | bool]
MemoKey = tuple[int | str | None, ...]


class _Equivalence:
    """The facts a ruleset's patterns cannot tell apart, as a key per fact.

    Every leaf of a compiled pattern is one of: a slot present or absent; a slot equal to a boolean; a slot
    compared (``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``) with an int constant; a slot compared with another
    slot (``$m``). The key fixes the outcome of each, so equal keys give equal answers. Per slot it holds
    ``None`` when absent; ``"t"``/``"f"`` for a boolean; for an int,
    ``2 * (number of the slot's constants below it) + (1 if it equals one)``, or the int itself when the slot
    is also compared with a boolean constant. Per pair of compared slots it holds the sign of their
    difference when both are ints, else both values. tests/test_memo.py checks this against the engine itself
    on randomised facts of every rule version.
    """

    def __init__(self, slots: Mapping[str, frozenset[int] | None], pairs: list[tuple[str, str]]) -> None:
        self._slots = [(slot, None if consts is None else tuple(sorted(consts)), consts)
                       for slot, consts in sorted(slots.items())]
        self._pairs = sorted(set(pairs))

    @classmethod
    def of(cls, patterns: Mapping[str, Any]) -> _Equivalence | None:
        """Return the equivalence of a ruleset, or None when a pattern uses anything it does not model."""
        slots: dict[str, set[int] | None] = {}
        pairs: list[tuple[str, str]] = []
        try:
            for pattern in patterns.values():
                _read_pattern(pattern, slots, pairs)
        except _NotModelled:
            return None
        return cls({slot: None if consts is None else frozenset(consts) for slot, consts in slots.items()}, pairs)

    def key(self, fact: EngineFact) -> MemoKey | None:
        """Return the class of ``fact``, or None when it must be asked of the engine (an int beyond ±2**53)."""
        parts: list[Any] = []
        for slot, thresholds, consts in self._slots:
            value: Any = fact.get(slot, _ABSENT)
            if value is _ABSENT:
                parts.append(None)
            elif value is True or value is False:
                parts.append("t" if value else "f")
            elif not -_EXACT < value < _EXACT:
                return None
            elif thresholds is None:
                parts.append(value)
            else:
                parts.append(2 * bisect_left(thresholds, value) + (value in consts))  # type: ignore[operator]
        for left, right in self._pairs:
            a: Any = fact.get(left, _ABSENT)
            b: Any = fact.get(right, _ABSENT)
            if a is _ABSENT or b is _ABSENT:
                parts.append(None)
            elif type(a) is int and type(b) is int:
                parts.append((a > b) - (a < b))
            else:  # a boolean against anything: both values, booleans as text (True == 1 in Python)
                parts.append(tuple(_typed(v) for v in (a, b)))
        return tuple(parts)


def _typed(value: int | bool) -> int | str:
    return ("t" if value else "f") if isinstance(value, bool) else value


class _NotModelled(Exception):
    pass


def _check_slot(slot: Any) -> str:
    # A dotted name is a nested path to the engine; sid and fact_type are the wrapper's own fields.
    if not isinstance(slot, str) or "." in slot or slot in ("sid", "fact_type") or slot.startswith("$"):
        raise _NotModelled(slot)
    return slot


def _constant(slots: dict[str, set[int] | None], pairs: list[tuple[str, str]], slot: str, rhs: Any) -> None:
    """Record one comparison of ``slot`` with ``rhs`` (an int, a boolean or ``{"$m": other slot}``)."""
    consts = slots.setdefault(_check_slot(slot), set())
    if isinstance(rhs, Mapping):
        if set(rhs) != {"$m"}:
            raise _NotModelled(rhs)
        slots.setdefault(_check_slot(rhs["$m"]), set())
        pairs.append((slot, rhs["$m"]))
    elif isinstance(rhs, bool):
        slots[slot] = None  # an int compared with a boolean: keyed by its value, whatever the C core makes of it
    elif isinstance(rhs, int):
        if consts is not None:
            consts.add(rhs)
    else:
        raise _NotModelled(rhs)


def _read_pattern(pattern: Any, slots: dict[str, set[int] | None], pairs: list[tuple[str, str]]) -> None:
    if not isinstance(pattern, Mapping):
        raise _NotModelled(pattern)
    for op, operand in pattern.items():
        if op in ("$and", "$or"):
            if not isinstance(operand, list):
                raise _NotModelled(operand)
            for part in operand:
                _read_pattern(part, slots, pairs)
        elif op in ("$ex", "$nex"):
            if not isinstance(operand, Mapping):
                raise _NotModelled(operand)
            for slot in operand:
                if slot != "fact_type":  # always present: the discriminator
                    slots.setdefault(_check_slot(slot), set())
        elif op in _COMPARE:
            if not isinstance(operand, Mapping):
                raise _NotModelled(operand)
            for slot, rhs in operand.items():
                _constant(slots, pairs, slot, rhs)
        elif isinstance(op, str) and op.startswith("$"):
            raise _NotModelled(op)
        else:
            _constant(slots, pairs, op, operand)


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

    def __init__(self, memo_size: int = MEMO_SIZE) -> None:
        """``memo_size``: answers remembered per ruleset; 0 asks the engine every time."""
        self._lock = threading.Lock()
        self._fired: dict[str, list[str]] = {}
        self._names: set[str] = set()
        self._host = _QuietHost(self._recorder)
        self._memo_size = memo_size
        self._equivalences: dict[str, _Equivalence] = {}
        self._memos: dict[str, dict[MemoKey, frozenset[str]]] = {}
        self._answers: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct answer

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
            equivalence = _Equivalence.of(rules) if self._memo_size > 0 else None
            if equivalence is not None:
                self._equivalences[name] = equivalence
                self._memos[name] = {}

    def forget(self) -> None:
        """Drop every remembered answer (the next fact of each class is asked of the engine again)."""
        with self._lock:
            for memo in self._memos.values():
                memo.clear()

    def evaluate(self, name: str, fact: EngineFact) -> frozenset[str]:
        """Return the names of the rules whose patterns match ``fact`` (remembered when its class was seen)."""
        self._check(name, fact)
        equivalence = self._equivalences.get(name)
        key = None if equivalence is None else equivalence.key(fact)
        if key is not None:
            known = self._memos[name].get(key)
            if known is not None:
                return known
        fired = self._ask(name, fact)
        if key is not None:
            with self._lock:
                memo = self._memos[name]
                if len(memo) >= self._memo_size:
                    del memo[next(iter(memo))]
                if len(self._answers) < self._memo_size:
                    fired = self._answers.setdefault(fired, fired)
                memo[key] = fired
        return fired

    def ask(self, name: str, fact: EngineFact) -> frozenset[str]:
        """Return the engine's own answer for ``fact``, never a remembered one."""
        self._check(name, fact)
        return self._ask(name, fact)

    def _check(self, name: str, fact: EngineFact) -> None:
        if name not in self._names:
            raise EngineError("ルールセットが登録されていません", f"ruleset {name!r} is not registered",
                              code="engine_unknown_ruleset")
        for key, value in fact.items():
            if not isinstance(value, (bool, int)) or not -_INT64 < value < _INT64:
                raise EngineError("エンジンには整数と真偽値のみ渡せます",
                                  f"engine fact {key!r} must be an int64 or a boolean, got {value!r}",
                                  code="engine_bad_fact")

    def _ask(self, name: str, fact: EngineFact) -> frozenset[str]:
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
