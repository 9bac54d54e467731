"""The decision core: one decision as a pure function of (rule version, facts).

Owns: the pipeline validate → derived values → engine (which clauses hold) → tiers, eligibility and open
questions → amounts (補助率, 上限, one rounding) → reasons in Japanese and English citing their source
(``decide``, ``amounts``, ``explain``), and the pure-Python reference evaluator that the engine is checked
against (``reference``); ``columnar``: the same rule versions compiled to exact Polars expressions, deciding a
table of applications at once (eligibility, amount, ceiling), the engine of record deciding what it cannot.
It records nothing: recording is ``service.decisions`` and ``service.batches``.

May import: ``service.rulebook``, ``service.engine``, ``service.lang``, ``service.kernel``.
"""
