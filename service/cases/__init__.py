"""Cases (案件): a grant's whole life as linked, replayable records in the decision log.

Owns: the steps of a case computed from the program's lifecycle file (``steps``: 交付申請 or 概算 →
交付決定 → 実績報告 with cost lines classified → 額の確定 or 精算 → 返還, deadlines and lateness), and
the service that opens cases, records each step in the hash-chained log (``kind = "case_step"``),
shows a case, lists cases for policy owners, and replays or redecides a whole case (``service``). The
auditor calls ``replay_step``; cases know nothing of the auditor.

May import: ``service.core``, ``service.rulebook``, ``service.store``, ``service.lang``, ``service.kernel``.
"""
