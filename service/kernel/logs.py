"""Structured logs (構造化ログ): one JSON object per line on stderr, at the level ``HOJO_LOG_LEVEL`` names.

Every line has ``ts`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; a line written while a request
is served also has its ``request_id`` (whichever module wrote it), and the request line adds the fields the
API puts in ``record.fields`` (``service/web/observe.py``). Facts and tokens are never given to a logger.
"""

from __future__ import annotations

import json
import logging
import os
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

__all__ = ["LEVELS", "REQUEST_ID", "JsonFormatter", "configure", "level_from_env", "log_config"]

LEVELS = ("debug", "info", "warning", "error", "critical")

#: the id of the request being served in this context (set by the API's middleware)
REQUEST_ID: ContextVar[str | None] = ContextVar("hojo_request_id", default=None)


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                                "level": record.levelname.lower(), "logger": record.name,
                                "message": record.getMessage()}
        request_id = REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def level_from_env() -> str:
    """``HOJO_LOG_LEVEL`` (default ``info``), checked: an unknown level stops the start, it is not guessed."""
    level = os.environ.get("HOJO_LOG_LEVEL", "info").lower()
    if level not in LEVELS:
        raise ValueError(f"HOJO_LOG_LEVEL={level!r}: use one of {', '.join(LEVELS)}")
    return level


def log_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for hojo and uvicorn: JSON lines on stderr, no second access log."""
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "hojo": {"handlers": ["stderr"], "level": upper, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": upper, "propagate": False},
            # hojo writes one line per request itself, with the route template and the request id.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def configure(level: str | None = None) -> None:
    """Apply :func:`log_config` (``level`` or ``HOJO_LOG_LEVEL``) to this process."""
    import logging.config

    logging.config.dictConfig(log_config(level or level_from_env()))
