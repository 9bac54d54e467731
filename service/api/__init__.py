"""The HTTP layer: FastAPI app factory, routes, and the one place errors become HTTP responses."""

from .app import create_app

__all__ = ["create_app"]
