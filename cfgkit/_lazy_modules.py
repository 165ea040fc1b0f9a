"""Standard-library modules imported, and regular expressions compiled, on first use, so that
``import cfgkit`` stays light.

``ast = lazy_module("ast")`` binds a stand-in whose first attribute access imports the
module; type checkers see the real import (``if TYPE_CHECKING: import ast``). Used for
``ast`` (2-3 ms, needed only for configs that read ``_base_``, pure-Python configs and
provenance) and ``datetime`` (2 ms, needed only for date values and scope names).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from re import Pattern
    from types import ModuleType
    from typing import Optional

__all__ = ["lazy_module", "lazy_pattern"]


class _LazyModule:
    def __init__(self, name: str) -> None:
        self.__name = name
        self.__module: Optional[ModuleType] = None

    def __getattr__(self, attribute: str) -> object:
        # Only called for names not found on the stand-in: after the first, none are.
        if self.__module is None:
            self.__module = importlib.import_module(self.__name)
            self.__dict__.update(vars(self.__module))
        return getattr(self.__module, attribute)


def lazy_module(name: str) -> object:
    """A stand-in for the module ``name`` that imports it when an attribute is first read."""
    return _LazyModule(name)


class _LazyPattern:
    def __init__(self, pattern: str) -> None:
        self.__pattern = pattern

    def __getattr__(self, attribute: str) -> object:
        # Only called for names not found on the stand-in: after the first, none are.
        import re  # lazy: `re` (and `enum`, which it imports) cost ~3 ms

        compiled = re.compile(self.__pattern)
        for name in dir(compiled):
            if not name.startswith("__"):
                self.__dict__[name] = getattr(compiled, name)
        return getattr(compiled, attribute)


def lazy_pattern(pattern: str) -> Pattern[str]:
    """A stand-in for ``re.compile(pattern)`` that compiles it when it is first used (flags
    go inline: ``(?m)``). After that its methods are the compiled pattern's own."""
    # A Pattern cannot be subclassed (it is final) and `typing.cast` would import typing.
    stand_in: Pattern[str] = _LazyPattern(pattern)  # type: ignore[assignment]
    return stand_in
