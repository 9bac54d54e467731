"""Allocations: one budget shared out among every applicant at once (交付率, 按分), exactly.

Owns: the computation over an allocation file's pools, weights and stages, rounded once with its
remainder rule, and the recording and replay of an allocation (``shares``). The auditor calls
``replay_allocation``; allocations know nothing of the auditor.

May import: ``service.rulebook``, ``service.store``, ``service.lang``, ``service.kernel``.
"""
