"""Registering a new source document (出典の登録): ``hojo source add`` and ``POST /v1/sources``.

Everything a caller sends is checked before anything is written: the id is a file-name stem and nothing
else (``^[a-z0-9][a-z0-9_-]{0,63}$``: no dot, no slash, so ``../x`` or ``/etc/x`` never names a path),
the title is 1–200 characters, the date a real ``YYYY-MM-DD``, and the text UTF-8, at most
:data:`MAX_SOURCE_BYTES`, with no NUL or other control characters but tab and newline (CRLF is stored
as LF so line numbers are those a reader counts). The text is written to a temporary file and renamed,
then the registry is rewritten the same way: a failed call leaves no half-written source.

An id is registered once. Registering it again with the same text is a no-op; with another text it is
refused, unless ``replace`` is asked for and no published version cites it: a source cited by a
published version is immutable (its sha256 is in the registry, and ``hojo check`` verifies it).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..kernel.errors import InvalidRequestError, Problem
from ..rulebook.load import rule_files
from ..rulebook.sources import REGISTRY_NAME, SOURCE_ID, read_registry, sources_dir

__all__ = ["MAX_SOURCE_BYTES", "SourceError", "add_source", "cited_by_published"]

#: the largest source text accepted: the largest seed is 130 KB, and a JSON body is at most 1 MB
MAX_SOURCE_BYTES = 500_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_REGISTERING = threading.Lock()


class SourceError(InvalidRequestError):
    """A source that cannot be registered: a bad id, title, date or text, or an id already taken (422)."""


def _refuse(problems: list[Problem]) -> SourceError:
    return SourceError("出典を登録できません", "the source cannot be registered", code="invalid_source",
                       problems=problems)


def _text_problems(raw: bytes | str) -> tuple[str, list[Problem]]:
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        return "", [Problem("$.text", "source_too_large", f"本文が大きすぎます（上限 {MAX_SOURCE_BYTES:,} バイト）",
                            f"the text is larger than {MAX_SOURCE_BYTES:,} bytes")]
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw.encode("utf-8").decode("utf-8")
    except UnicodeError:
        return "", [Problem("$.text", "source_not_utf8", "本文が UTF-8 ではありません", "the text is not UTF-8")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        return "", [Problem("$.text", "source_empty", "本文が空です", "the text is empty")]
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return "", [Problem("$.text", "source_control_character",
                            f"本文の {line} 行目に制御文字 U+{ord(bad.group()):04X} があります",
                            f"line {line} of the text holds the control character U+{ord(bad.group()):04X}")]
    return text, []


def _field_problems(source_id: Any, title: Any, on: Any) -> list[Problem]:
    problems = []
    if not isinstance(source_id, str) or not SOURCE_ID.match(source_id):
        problems.append(Problem("$.id", "source_id",
                                "id は英小文字・数字・_・- で 64 文字以内（先頭は英小文字か数字）にしてください",
                                "id must be 1-64 of a-z 0-9 _ - starting with a letter or digit (no dot, no slash)"))
    if not isinstance(title, str) or not title.strip() or len(title) > 200 or _CONTROL.search(title):
        problems.append(Problem("$.title", "source_title", "題名は 1～200 文字です", "title: 1-200 characters"))
    try:
        if not isinstance(on, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", on):
            raise ValueError(on)
        date.fromisoformat(on)
    except ValueError:
        problems.append(Problem("$.date", "source_date", "日付は YYYY-MM-DD で書きます（例 2026-04-01）",
                                "date must be a real YYYY-MM-DD date (e.g. 2026-04-01)"))
    return problems


def cited_by_published(rules_dir: Path, source_id: str) -> list[str]:
    """The published rule files that cite ``sources/<source_id>.txt`` (their text names the document)."""
    needle = f"sources/{source_id}.txt"
    cited = []
    for path in rule_files(rules_dir):
        text = path.read_text(encoding="utf-8")
        if needle in text and re.search(r"^status: published", text, flags=re.M):
            cited.append(f"rules/{path.relative_to(rules_dir).as_posix()}")
    return cited


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)


def add_source(seeds_dir: Path, rules_dir: Path, source_id: Any, title: Any, on: Any, text: bytes | str,
               registered_by: str, replace: bool = False) -> dict[str, Any]:
    """Register ``text`` as ``sources/<source_id>.txt``; return its registry entry (with ``id`` and ``created``)."""
    problems = _field_problems(source_id, title, on)
    checked, text_problems = _text_problems(text)
    problems += text_problems
    if problems:
        raise _refuse(problems)
    folder = sources_dir(seeds_dir)
    data = checked.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    folder.mkdir(exist_ok=True)
    with _REGISTERING, open(folder / ".registry.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # other workers (hojo serve --workers N) register through the same file
        registry = read_registry(folder)
        known = registry.get(source_id)
        if known is not None and known["sha256"] == digest:
            return {"id": source_id, **known, "created": False}
        if known is not None:
            cited = cited_by_published(rules_dir, source_id)
            if cited or not replace:
                why_ja = (f"公開済みの版が引用しています（{', '.join(cited)}）" if cited
                          else "replace を指定していません")
                why_en = f"published versions cite it ({', '.join(cited)})" if cited else "replace was not asked for"
                raise SourceError(f"出典 {source_id} は登録済みで、本文が違います: {why_ja}",
                                  f"source {source_id} is registered with another text: {why_en}",
                                  code="source_exists", problems=[Problem("$.id", "source_exists", why_ja, why_en)])
        entry = {"title": title.strip(), "date": on, "sha256": digest, "bytes": len(data),
                 "registered_at": datetime.now(UTC).isoformat(timespec="seconds"), "registered_by": registered_by}
        _write_atomically(folder / f"{source_id}.txt", data)
        registry[source_id] = entry
        document = {"comment": "registered source documents: sources/<id>.txt; written by hojo source add / "
                               "POST /v1/sources, never by hand", "sources": dict(sorted(registry.items()))}
        _write_atomically(folder / REGISTRY_NAME,
                          (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return {"id": source_id, **entry, "created": True}
