"""Configs: ``Config``, ``ConfigDict``, ``DictAction``, ``read_base`` (mmengine.config's)."""

from __future__ import annotations

from cfgkit.config._load.files import project_roots
from cfgkit.config._load.inheritance import clear_cache
from cfgkit.config.config import Config
from cfgkit.config.config_dict import ConfigDict
from cfgkit.config.lazy import read_base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cfgkit.config._merge.overrides import DictAction
    from cfgkit.config._rebase import rebase

__all__ = [
    "Config",
    "ConfigDict",
    "DictAction",
    "clear_cache",
    "project_roots",
    "read_base",
    "rebase",
]


def __getattr__(name: str) -> Any:
    if name == "DictAction":  # lazy: it subclasses argparse.Action, and argparse costs ~3 ms
        from cfgkit.config._merge.overrides import DictAction

        return DictAction
    if name == "rebase":  # lazy: only `cfgkit rebase` and its callers need it
        from cfgkit.config._rebase import rebase

        return rebase
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
