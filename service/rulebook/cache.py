"""The compiled rulebook cache (規則のコンパイル結果の保存): start a deciding command in well under a second.

Loading ``rules/`` parses every YAML file and checks it against the rule format, the facts schemas and the
seeds (about a second and a half, most of it PyYAML and jsonschema). The outcome is a pure function of those
input files and of the loader's own code, so it is kept under ``var/cache/`` (``HOJO_RULEBOOK_CACHE``; ``off``
disables it) keyed by the sha256 of **every** input file (each rule, allocation, lifecycle and reference file,
each schema, each seed and registered source) and of the source of ``service/rulebook`` and ``service/lang``:
any changed byte, added or removed file gives another key, and the rules are loaded and checked again.

Safety: the cache holds only what this process produced — the checked rule documents and their compiled
conditions, as plain data — never a validator or a closure; those are rebuilt on load from the stored schema
text. The folder is created ``0700`` and a file is read only if this user owns it and nobody else may write it,
because a pickle is code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import stat
from pathlib import Path
from typing import Any

from ..kernel.config import Paths
from ..lang.facts import StrictValidator
from ..lang.fastcheck import compile_schema
from .registry import Rulebook

__all__ = ["cache_dir", "input_digest", "load_rulebook"]

_CODE = Path(__file__).resolve().parents[1]
_FORMAT = 2


def cache_dir() -> Path | None:
    """The cache folder, or None when ``HOJO_RULEBOOK_CACHE=off``."""
    setting = os.environ.get("HOJO_RULEBOOK_CACHE", "")
    if setting.lower() == "off":
        return None
    return Path(setting) if setting else Path("var") / "cache"


def input_digest(paths: Paths) -> str:
    """The sha256 over every input file's relative path and bytes, and the loader's source."""
    digest = hashlib.sha256(f"hojo-rulebook-cache {_FORMAT}\n".encode())
    # sources/ too: a registered document can make a citation valid (or, replaced, invalid).
    folders = [("rules", paths.rules), ("schemas", paths.schemas), ("seeds", paths.seeds),
               ("sources", paths.sources), ("code:rulebook", _CODE / "rulebook"), ("code:lang", _CODE / "lang")]
    for label, folder in folders:
        digest.update(f"[{label} {folder.resolve()}]\n".encode())
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _stripped(rulebook: Rulebook) -> dict[str, Any]:
    """The rulebook as plain data: every validator and compiled check left out (rebuilt on load)."""
    nothing: Any = None
    return {
        "versions": [dataclasses.replace(rv, facts_validator=nothing, facts_fast_check=None)
                     for rv in rulebook.all_versions()],
        "references": list(rulebook.references.values()),
        "allocations": [dataclasses.replace(ap, applicants_validator=nothing)
                        for versions in rulebook.allocations.values() for ap in versions.values()],
        "lifecycles": [lc for versions in rulebook.lifecycles.values() for lc in versions.values()]}


def _rebuilt(data: dict[str, Any], paths: Paths) -> Rulebook:
    from .allocation_programs import _applicants_schema
    from .load import _facts_schema

    versions = []
    for rv in data["versions"]:
        sub, validator, _ = _facts_schema(rv.document["facts_schema"], paths.schemas, rv.facts_schema_text)
        fast = None if "$ref" in json.dumps(sub) else compile_schema(sub)
        versions.append(dataclasses.replace(rv, facts_validator=validator, facts_fast_check=fast))
    allocations = [dataclasses.replace(ap, applicants_validator=StrictValidator(
        _applicants_schema(ap.document["applicant"]["fields"]))) for ap in data["allocations"]]
    return Rulebook(versions, data["references"], allocations, data["lifecycles"])


def _trusted(path: Path) -> bool:
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_rulebook(paths: Paths) -> Rulebook:
    """``Rulebook.from_dir(paths…)``, from the cache when every input file is as it was when it was checked."""
    folder = cache_dir()
    if folder is None:
        return Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    key = input_digest(paths)
    path = folder / f"rulebook-{key}.pickle"
    try:
        if path.is_file() and _trusted(path) and _trusted(folder):
            with path.open("rb") as handle:
                return _rebuilt(pickle.load(handle), paths)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, KeyError):
        pass  # a stale or damaged cache is loaded again from the files
    rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)  # raises on any problem: nothing kept
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in folder.glob("rulebook-*.pickle"):
            old.unlink(missing_ok=True)
        temporary = folder / f".rulebook-{key}.{os.getpid()}.tmp"
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            pickle.dump(_stripped(rulebook), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only checkout decides all the same, only without the cache
    return rulebook
