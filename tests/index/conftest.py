"""Each test gets its own cache folder, so the index cache starts empty and stays local."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CFGKIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CFGKIT_NO_CACHE", raising=False)
    return folder
