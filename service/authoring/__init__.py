"""Authoring: a policy owner's path from a draft to a published, locked rule version.

Owns: drafts checked, their features run and published (``drafting``); the publish lock that freezes
every published text by sha256, and the staged publish (``publishing``); the Gherkin features run in-process
(``features``) with the one library of Japanese steps (``steps``, which the tests bind for pytest-bdd too); two
versions compared in words, 「基準額① …: 4,500千円 → 5,000千円」 (``rulediff``).

May import: ``service.core`` (the steps' second opinion from the reference evaluator), ``service.rulebook``,
``service.lang``, ``service.kernel``.
"""
