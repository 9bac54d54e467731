"""A sentence in a feature that no step defines must fail the run, never pass or skip silently."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_an_undefined_step_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "undefined.feature").write_text(
        "# language: ja\n機能: 未定義の文\n\n  シナリオ: 誰も実装していない文\n"
        "    前提 制度 \"kokuho_healthup_municipal\" の令和6年度に申請する\n"
        "    もし 誰も実装していない文を書く\n", encoding="utf-8")
    (tmp_path / "test_bind.py").write_text(
        "import pytest\nfrom pytest_bdd import scenarios\npytest_plugins = ['tests.steps.bindings']\nscenarios('.')\n"
        "@pytest.fixture\ndef client():\n    return None\n",
        encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nbdd_features_base_dir = features/\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path),
         "-p", "no:cacheprovider", str(tmp_path / "test_bind.py")],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "StepDefinitionNotFoundError" in result.stdout
    assert "1 failed" in result.stdout
