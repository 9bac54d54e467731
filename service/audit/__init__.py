"""The audit side: everything that reads the decision log back.

Owns: replay under the exact stored rule text, redecide, verification and impact previews
(``auditor``); the check of every stored byte evidence rests on, and a read's check of its own record
(``integrity``); signed tree heads, receipts and consistency proofs, and their offline verification
(``evidence``; it also keeps the log's tree up to date and stores signed heads, never a log record);
exports as JSON pages, JSON Lines and CSV (``export``); a recorded decision as readable text
(``readable``). Nothing here writes a log record.

May import: ``service.allocation`` (an allocation's replay belongs to allocations), ``service.core``,
``service.rulebook``, ``service.store``, ``service.lang``, ``service.kernel``.
"""
