"""Store fixtures for both backends: SQLite in a temporary file, PostgreSQL in a fresh schema.

PostgreSQL runs against a real server: ``HOJO_TEST_POSTGRES`` (a URL) if set, else the local server
this machine kind runs (``postgresql://postgres@127.0.0.1:5432/test``). When ``HOJO_TEST_POSTGRES`` is
set and the server cannot be reached, the tests fail; without it they are skipped with the reason.
Each test gets its own schema (``search_path``), dropped afterwards, so tests never see each other's log.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str:
    return os.environ.get("HOJO_TEST_POSTGRES", DEFAULT_POSTGRES)


def postgres_available() -> str | None:
    """Return None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(postgres_base_url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:  # any failure to connect means "not available here"
        return f"no PostgreSQL server at {postgres_base_url()}: {exc}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped after the test)."""
    why = postgres_available()
    if why is not None:
        if os.environ.get("HOJO_TEST_POSTGRES"):
            pytest.fail(why)
        pytest.skip(why)
    import psycopg

    schema = f"hojo_test_{uuid.uuid4().hex[:12]}"
    base = postgres_base_url()
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hojo.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))
