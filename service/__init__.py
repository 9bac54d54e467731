"""hojo (補助): rules-as-code decisions for Japanese public health-insurance subsidies.

The folders are the architecture, in layers; a layer imports only the layers below it (the import-linter
contracts in ``pyproject.toml``, run by ``tests/test_architecture.py``):

==========================  =====================================================================
faces                       ``cli`` (the ``hojo`` command) · ``api`` (JSON, the composition root) ·
                            ``workbench`` (HTML for policy owners) · ``web`` (roles, bodies)
services                    ``batches`` (a file of applications decided a table at a time) ·
                            ``decisions`` (validate → decide → record → answer) · ``authoring``
                            (draft, check, publish) · ``audit`` (replay, verify, impact, export) ·
                            ``allocation`` (a budget shared out) · ``cases`` (a grant's life)
core                        ``core`` (one decision: facts → engine → amounts → reasons; ``columnar``:
                            the same rule versions compiled to exact Polars expressions, many at once)
rules, engine, log          ``rulebook`` (rule files) · ``engine`` (the only user of durable_rules) ·
                            ``store`` (the hash-chained decision log)
language, kernel            ``lang`` (money, expressions, facts) · ``kernel`` (errors, config, JSON)
==========================  =====================================================================

Importing ``service`` imports nothing else, so a command that decides nothing starts fast.
"""
