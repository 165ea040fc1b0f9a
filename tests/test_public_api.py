"""The import paths and names that code written for mmengine relies on."""

from __future__ import annotations

import subprocess
import sys

import cfgkit
import cfgkit.config
from cfgkit import errors


def test_top_level_exports_config_classes():
    assert cfgkit.Config is cfgkit.config.Config
    assert cfgkit.ConfigDict is cfgkit.config.ConfigDict
    assert {"Config", "ConfigDict"} <= set(cfgkit.__all__)


def test_every_error_is_a_cfgkit_error():
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type):
            assert issubclass(value, errors.CfgkitError), name


def test_import_does_not_load_heavy_modules():
    heavy = ("yapf", "yaml", "torch", "rich", "mmengine")
    code = f"import sys, cfgkit; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
