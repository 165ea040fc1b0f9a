"""cfgkit: a drop-in replacement for OpenMMLab's config and registry system.

The import-time rule, written once for every module: ``import cfgkit`` loads only what a
config load needs (about a third of the interpreter's own start-up). So no module imports
``typing`` at run time (annotations are strings, and type-only imports sit under
``TYPE_CHECKING = False``), records use :mod:`cfgkit._records`, and heavy or rarely needed
modules (yapf, PyYAML, argparse, json, difflib, inspect, ast for most files) are imported
inside the function that needs them, with a ``# lazy:`` comment saying why.
"""

from __future__ import annotations

from cfgkit import errors
from cfgkit.config import Config, ConfigDict, read_base
from cfgkit.registry import DefaultScope, Registry, build_from_cfg

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cfgkit.checking import check
    from cfgkit.config._merge.overrides import DictAction

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
    "read_base",
]


def __getattr__(name: str) -> Any:
    # lazy: DictAction pulls in argparse (~3 ms), check pulls in typing and inspect (~8 ms).
    if name == "DictAction":
        from cfgkit.config._merge.overrides import DictAction

        return DictAction
    if name == "check":
        from cfgkit.checking import check

        return check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
