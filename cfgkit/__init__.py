"""cfgkit: a drop-in replacement for OpenMMLab's config and registry system."""

from __future__ import annotations

from cfgkit import errors
from cfgkit.config import Config, ConfigDict
from cfgkit.registry import DefaultScope, Registry, build_from_cfg

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cfgkit.checking import check
    from cfgkit.config.cli import DictAction

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigDict",
    "DefaultScope",
    "DictAction",
    "Registry",
    "__version__",
    "build_from_cfg",
    "check",
    "errors",
]


def __getattr__(name: str) -> Any:
    # DictAction pulls in argparse (~3 ms) and check pulls in typing and inspect (~8 ms):
    # load them when they are first asked for (see also cfgkit.config.__getattr__).
    if name == "DictAction":
        from cfgkit.config.cli import DictAction

        return DictAction
    if name == "check":
        from cfgkit.checking import check

        return check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
