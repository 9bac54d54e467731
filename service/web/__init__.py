"""What every HTTP face shares: roles and tokens (``auth``), strict request bodies (``body``), and each
request observed once: its id, its log line, its latency (``observe``).

May import: the services below it (``service.decisions`` and lower) and ``service.kernel``; never
``service.api`` or ``service.workbench``, which both build on it.
"""
