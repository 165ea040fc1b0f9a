"""Fixtures for the language server's end-to-end tests (skipped without pygls)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.compat.corpus import site_and_sources
from tests.lsp.client import Client


def needs_pygls() -> None:
    """Skip unless the server's dependencies are installed (found, not imported: the server
    runs in its own process)."""
    for name in ("pygls", "lsprotocol"):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f'the language server needs {name}: pip install "cfgkit[lsp]"')


@pytest.fixture(scope="module")
def corpus_paths() -> tuple[Path, Path]:
    """The unpacked mmdet and mmpretrain wheels, and mmengine's and mmcv's sources."""
    needs_pygls()
    return site_and_sources()


@pytest.fixture(scope="module")
def server(corpus_paths: tuple[Path, Path]) -> Iterator[Client]:
    """One server for a module's tests, its workspace the mmdet configs, packages read from
    the corpus (never imported); the index cache beside the downloads."""
    site, sources = corpus_paths
    env = dict(os.environ, CFGKIT_CACHE_DIR=str(sources.parent / "cache"))
    client = Client(env=env)
    client.initialize(site / "mmdet" / ".mim" / "configs", {"path": [str(sources), str(site)]})
    yield client
    client.stop()
