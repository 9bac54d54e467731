"""The value language of rule files: exact money, expressions and facts validation.

Owns: integer yen, ``Fraction`` rates and the one rounding step (``money``); value expressions —
derived values, band tables (基準額), amounts — evaluated exactly (``expressions``); validation of facts
against JSON Schema with located problems (``facts``) and its compiled fast path (``fastcheck``); how
features write values (``feature_values``: 令和6年度, はい, 30,000), read by the step library and the examples.

May import: ``service.kernel``.
"""
