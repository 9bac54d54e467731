"""The folders are the architecture: the import-linter contracts in pyproject.toml hold, and they can fail.

A contract that cannot say no proves nothing, so the second test copies ``service/`` aside, adds one
import that climbs a layer (the kernel importing the auditor, a cycle through every layer), and expects
the same contracts to report it broken.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LINT, str(cwd / "pyproject.toml"), "--no-cache"], cwd=cwd,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, capture_output=True,
                          text=True, timeout=120)


def test_layer_contracts_hold() -> None:
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 kept, 0 broken" in run.stdout


def test_a_deliberate_cycle_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "service", tmp_path / "service", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "service" / "kernel" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\nfrom ..audit import auditor  # noqa\n", encoding="utf-8")
    engine_user = tmp_path / "service" / "core" / "amounts.py"
    engine_user.write_text(engine_user.read_text(encoding="utf-8")
                           + "\nimport durable.engine  # noqa\nimport prometheus_client  # noqa\n", encoding="utf-8")
    run = _lint(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "0 kept, 3 broken" in run.stdout
    assert "service.kernel.errors -> service.audit.auditor" in run.stdout
    assert "service.core.amounts -> durable" in run.stdout
    assert "service.core.amounts -> prometheus_client" in run.stdout
