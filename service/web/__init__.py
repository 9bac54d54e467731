"""What every HTTP face shares: roles and tokens (``auth``) and strict request bodies (``body``).

May import: the services below it (``service.decisions`` and lower) and ``service.kernel``; never
``service.api`` or ``service.workbench``, which both build on it.
"""
