"""The policy owners' workbench: HTML pages at ``/workbench`` and their JSON routes (drafts, publish, diff).

May import: ``service.web`` and the services below it (authoring, audit, decisions, cases); never ``service.api``.
"""

from __future__ import annotations

from fastapi import FastAPI

from . import api, cases, routes

__all__ = ["include"]


def include(app: FastAPI) -> None:
    """Add the workbench's API routes and pages to ``app``."""
    app.include_router(api.router())
    app.include_router(cases.router())
    app.include_router(routes.router())
