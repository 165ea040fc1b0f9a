"""Fixtures for comparing cfgkit with mmengine 0.10.7 (skipped when it is not installed)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest


@pytest.fixture(scope="session")
def mmengine_config() -> Any:
    """mmengine's ``Config`` class; skips the test when mmengine 0.10.7 is not installed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mmengine = pytest.importorskip(
            "mmengine", reason="mmengine is not installed (pip install '.[compat]')"
        )
        if mmengine.__version__ != "0.10.7":
            pytest.skip(
                f"the differential tests need mmengine 0.10.7, found {mmengine.__version__}"
            )
        from mmengine.config import Config
    return Config
