"""The audit side: everything that reads the decision log back.

Owns: replay under the exact stored rule text, redecide, chain verification and impact previews
(``auditor``); exports as JSON pages, JSON Lines and CSV (``export``); a recorded decision as readable
text (``readable``). Nothing here writes a log record.

May import: ``service.allocation`` (an allocation's replay belongs to allocations), ``service.core``,
``service.rulebook``, ``service.store``, ``service.lang``, ``service.kernel``.
"""
