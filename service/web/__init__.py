"""What every HTTP face shares: roles and tokens (``auth``), strict request bodies (``body``), each
request observed once: its id, its log line, its latency (``observe``), and an in-process ASGI client
(``inprocess``) through which publishing runs the features against an app without a socket.

May import: the services below it (``service.decisions`` and lower) and ``service.kernel``; never
``service.api`` or ``service.workbench``, which both build on it.
"""
