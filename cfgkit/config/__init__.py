"""Configs: ``Config``, ``ConfigDict``, ``DictAction`` (``mmengine.config``'s surface)."""

from __future__ import annotations

from cfgkit.config.config import Config
from cfgkit.config.config_dict import ConfigDict
from cfgkit.config.inheritance import clear_cache

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cfgkit.config.cli import DictAction

__all__ = ["Config", "ConfigDict", "DictAction", "clear_cache"]


def __getattr__(name: str) -> Any:
    # DictAction subclasses argparse.Action, and argparse costs ~3 ms of `import cfgkit`:
    # load it when it is first asked for.
    if name == "DictAction":
        from cfgkit.config.cli import DictAction

        return DictAction
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
