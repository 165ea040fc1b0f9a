"""``cfgkit --version``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cfgkit

ROOT = Path(__file__).parents[1]


def test_version_prints_the_package_version():
    result = subprocess.run(
        [sys.executable, "-m", "cfgkit", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"cfgkit {cfgkit.__version__}\n"
    assert result.stderr == ""


def test_the_package_version_is_the_distribution_version():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{cfgkit.__version__}"\n' in text
