"""Shared fixtures: where the test configs live and a factory for writing new ones."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Callable, Iterator

import pytest

DATA_DIR = Path(__file__).parent / "data"
CONFIG_DIR = DATA_DIR / "configs"
PACKAGES_DIR = DATA_DIR / "packages"


@pytest.fixture(autouse=True, scope="session")
def private_compile_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the compile cache of the test run out of the user's cache folder."""
    import os

    saved = os.environ.get("CFGKIT_CACHE_DIR")
    os.environ["CFGKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("compile-cache"))
    yield
    if saved is None:
        os.environ.pop("CFGKIT_CACHE_DIR", None)
    else:
        os.environ["CFGKIT_CACHE_DIR"] = saved


@pytest.fixture
def configs() -> Path:
    """The folder of small config files named for the behaviour they show."""
    return CONFIG_DIR


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Return ``write(name, text)``: write a dedented config file under a temp folder."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def fake_package() -> Iterator[str]:
    """Put ``fakepkg`` (a package shipping ``.mim/configs``) on ``sys.path``."""
    # Not monkeypatch.syspath_prepend: its importlib.invalidate_caches() call can fail on
    # Python 3.9 ("dictionary changed size during iteration").
    sys.path.insert(0, str(PACKAGES_DIR))
    try:
        yield "fakepkg"
    finally:
        sys.path.remove(str(PACKAGES_DIR))
        sys.modules.pop("fakepkg", None)
