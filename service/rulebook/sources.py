"""Registered source documents (登録された出典): new 交付要綱, 通知 and amendments, kept beside the seeds.

The seeds (``seeds/NNN_<hash>.txt``) are the first sources. A policy owner who changes a number cites a
document that prints it; a document the project does not hold yet is registered with ``hojo source add``
(or ``POST /v1/sources``) and lands in ``sources/<id>.txt``, in the folder beside ``seeds/``. Its title,
date and sha256 are in ``sources/registry.json``. A rule cites it exactly like a seed line:
``cites: {document: sources/<id>.txt, line: 3, quote: "…"}``.

The registry is the lock of the sources: ``hojo check`` fails when a registered text no longer has its
sha256, when a file is not registered, and when a citation names an id that is not registered. A source
cited by a published version can never be replaced (``service.authoring.sources``).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..kernel.errors import Problem

__all__ = ["REGISTRY_NAME", "SOURCE_ID", "check_registry", "read_registry", "source_file", "sources_dir"]

REGISTRY_NAME = "registry.json"
#: an id is a file name stem and nothing else: no dot, no slash, no leading dash
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_CITED = re.compile(r"^sources/(?P<id>[a-z0-9][a-z0-9_-]{0,63})\.txt$")


def sources_dir(seeds_dir: Path) -> Path:
    """The folder of registered sources: ``sources/``, beside the seeds folder."""
    return seeds_dir.parent / "sources"


def read_registry(folder: Path) -> dict[str, dict[str, Any]]:
    """Return ``{id: {title, date, sha256, registered_at, registered_by}}`` (empty when nothing is registered)."""
    path = folder / REGISTRY_NAME
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8"))["sources"])


def source_file(document: str, seeds_dir: Path) -> tuple[Path | None, Problem | None]:
    """The file a cited ``document`` names: a seed, or a registered source whose text still has its sha256."""
    found = _CITED.match(document)
    if not found:
        return seeds_dir / document, None
    folder = sources_dir(seeds_dir)
    entry = read_registry(folder).get(found["id"])
    if entry is None:
        return None, Problem("", "source_unregistered", f"出典 {document} は登録されていません（hojo source add）",
                             f"source {document} is not registered (hojo source add)")
    path = folder / f"{found['id']}.txt"
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
        return None, _changed(found["id"])
    return path, None


def _changed(source_id: str) -> Problem:
    return Problem(f"sources/{source_id}.txt", "source_changed",
                   f"登録された出典 {source_id} の本文が登録時（sha256）と違います。出典は変更できません",
                   f"registered source {source_id} no longer has the sha256 it was registered with; "
                   "a source never changes: register the new text under a new id")


def check_registry(seeds_dir: Path) -> list[Problem]:
    """Every registered text has its sha256, and every ``sources/*.txt`` is registered."""
    folder = sources_dir(seeds_dir)
    if not folder.is_dir():
        return []
    registry = read_registry(folder)
    problems = []
    for source_id, entry in sorted(registry.items()):
        path = folder / f"{source_id}.txt"
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(_changed(source_id))
    for path in sorted(folder.glob("*.txt")):
        if path.stem not in registry:
            problems.append(Problem(f"sources/{path.name}", "source_unregistered",
                                    f"sources/{path.name} は registry.json にありません（hojo source add で登録）",
                                    f"sources/{path.name} is not in sources/{REGISTRY_NAME} (register it with "
                                    "`hojo source add`)"))
    return problems
