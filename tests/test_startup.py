"""Start-up: commands that decide nothing load no rule file; deciding commands start from the compiled cache.

The README's table states the measured figures (≤ 0.5 s and ≤ 1 s on a quiet 2-core machine); the bounds here
are generous, for a shared CI machine, and the import checks do not depend on the machine at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from service.kernel.config import Paths
from service.kernel.errors import RuleFileError
from service.rulebook import cache

REPO = Path(__file__).resolve().parent.parent


def run(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("command", [["verify-log"], ["log-head"], ["export"], ["--help"]])
def test_commands_that_decide_nothing_load_no_rules(command: list[str], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    args = command + ([] if command == ["--help"] else ["--db", db])
    code = (f"import sys\nfrom service.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "loaded = sorted(m for m in sys.modules if m.startswith(('service.rulebook.load', 'service.core', "
            "'durable', 'polars', 'jsonschema', 'yaml')))\nprint('LOADED', loaded, file=sys.stderr)")
    started = time.monotonic()
    done = run(code)
    elapsed = time.monotonic() - started
    assert "LOADED []" in done.stderr, done.stderr[-2000:]
    assert elapsed < 3.0, f"{command} took {elapsed:.2f} s (goal 0.5 s on a quiet machine)"


def test_a_deciding_command_starts_from_the_cache_and_any_input_change_reloads(tmp_path: Path) -> None:
    for name in ("rules", "schemas", "seeds"):
        shutil.copytree(REPO / name, tmp_path / name)
    paths = Paths(rules=tmp_path / "rules", schemas=tmp_path / "schemas", seeds=tmp_path / "seeds")
    env = {"HOJO_RULES_DIR": str(paths.rules), "HOJO_SCHEMAS_DIR": str(paths.schemas),
           "HOJO_SEEDS_DIR": str(paths.seeds), "HOJO_RULEBOOK_CACHE": str(tmp_path / "cache")}
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"children_born_count": 2}), encoding="utf-8")
    decide = (f"from service.cli import main\nmain(['decide', '--program', 'shussan_ikuji_ichijikin', "
              f"'--fiscal-year', '2024', '--db', 'sqlite:///{tmp_path / 'd.sqlite3'}', '{facts}'])")
    first = run(decide, env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["amount_yen"] == 1_000_000  # 500,000 per child, twins (seeds 001 L2937)
    kept = list((tmp_path / "cache").glob("rulebook-*.pickle"))
    assert len(kept) == 1 and (kept[0].stat().st_mode & 0o077) == 0
    started = time.monotonic()
    second = run(decide, env)
    elapsed = time.monotonic() - started
    assert json.loads(second.stdout)["amount_yen"] == 1_000_000
    assert elapsed < 4.0, f"a cached deciding start took {elapsed:.2f} s (goal 1 s on a quiet machine)"

    # Any changed byte of any input gives another key; a broken rule is then reported, not served from the cache.
    os.environ["HOJO_RULEBOOK_CACHE"] = str(tmp_path / "cache")
    try:
        before = cache.input_digest(paths)
        seed = next(paths.seeds.glob("*.txt"))
        seed.write_bytes(seed.read_bytes() + b"\n")
        assert cache.input_digest(paths) != before
        rule = paths.rules / "shussan_ikuji_ichijikin" / "v2.yaml"
        rule.write_text(rule.read_text(encoding="utf-8").replace('rate: "1/1"', "rate: 1.0"), encoding="utf-8")
        with pytest.raises(RuleFileError):
            cache.load_rulebook(paths)
    finally:
        del os.environ["HOJO_RULEBOOK_CACHE"]


def test_a_cache_file_others_may_write_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOJO_RULEBOOK_CACHE", str(tmp_path / "cache"))
    paths = Paths()
    loaded = cache.load_rulebook(paths)
    (kept,) = (tmp_path / "cache").glob("rulebook-*.pickle")
    kept.write_bytes(b"not a pickle")
    kept.chmod(0o666)
    again = cache.load_rulebook(paths)  # refused as untrusted, loaded from the files, and written anew
    assert sorted(rv.name for rv in again.all_versions()) == sorted(rv.name for rv in loaded.all_versions())
    assert (kept.stat().st_mode & 0o077) == 0


def test_the_cached_rulebook_holds_everything_the_loaded_one_does(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule versions, references, allocations and lifecycles (a case needs its lifecycle) all survive the cache."""
    monkeypatch.setenv("HOJO_RULEBOOK_CACHE", str(tmp_path / "cache"))
    paths = Paths.from_env()
    loaded = cache.load_rulebook(paths)  # loads the files and writes the cache
    assert list((tmp_path / "cache").glob("rulebook-*.pickle"))
    cached = cache.load_rulebook(paths)  # read back from the cache

    def shape(rulebook: Any) -> dict[str, list[str]]:
        return {"versions": sorted(f"{rv.name}:{rv.sha256}" for rv in rulebook.all_versions()),
                "references": sorted(rulebook.references),
                "allocations": sorted(f"{ap.name}:{ap.sha256}" for v in rulebook.allocations.values()
                                      for ap in v.values()),
                "lifecycles": sorted(f"{lc.name}:{lc.sha256}" for v in rulebook.lifecycles.values()
                                     for lc in v.values())}

    assert shape(cached) == shape(loaded)
    assert len(shape(cached)["lifecycles"]) == 5  # the five programs with a grant's life (rules/*/lifecycle_v1.yaml)
