"""The JSON API: the FastAPI app factory, the ``/v1`` routes, and the one place errors become HTTP responses.

``app.create_app`` is the composition root: it opens the store, loads the rulebook, builds the services and
mounts the workbench. May import every layer below the faces (``service.workbench``, ``service.web`` and
the services).
"""

from .app import create_app

__all__ = ["create_app"]
