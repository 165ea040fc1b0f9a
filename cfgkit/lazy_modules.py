"""Standard-library modules imported on first use, so that ``import cfgkit`` stays light.

``ast = lazy_module("ast")`` binds a stand-in whose first attribute access imports the
module; type checkers see the real import (``if TYPE_CHECKING: import ast``). Used for
``ast`` (2-3 ms, needed only for configs that read ``_base_``, pure-Python configs and
provenance) and ``datetime`` (2 ms, needed only for date values and scope names).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["lazy_module"]


class _LazyModule:
    def __init__(self, name: str) -> None:
        self.__name = name
        self.__module: Any = None

    def __getattr__(self, attribute: str) -> Any:
        # Only called for names not found on the stand-in: after the first, none are.
        if self.__module is None:
            self.__module = importlib.import_module(self.__name)
            self.__dict__.update(vars(self.__module))
        return getattr(self.__module, attribute)


def lazy_module(name: str) -> Any:
    """A stand-in for the module ``name`` that imports it when an attribute is first read."""
    return _LazyModule(name)
