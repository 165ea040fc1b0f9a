"""The names a config may import from mmengine or cfgkit without either being imported.

Configs written for mmengine start with ``from mmengine.config import read_base`` (and some
import ``Config`` or ``ConfigDict``); cfgkit binds its own objects for these, in the
pure-Python loader and in classic configs alike, so such configs load where mmengine is not
installed. ``Config`` is registered here by :mod:`cfgkit.config.config`, which imports this
module (not the other way round).
"""

from __future__ import annotations

import builtins
import functools
import types

from cfgkit.config.config_dict import ConfigDict
from cfgkit.config.lazy import LazyAttr, LazyObject, read_base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional, Sequence

__all__ = ["LOADER_NAMES", "loader_builtins", "provides"]

LOADER_MODULES = ("mmengine.config", "mmengine", "cfgkit.config", "cfgkit")
LOADER_NAMES: dict[str, object] = {
    "read_base": read_base,
    "ConfigDict": ConfigDict,
    "LazyObject": LazyObject,
    "LazyAttr": LazyAttr,
}


def provides(module: str, names: Sequence[str]) -> bool:
    """Tell whether ``from module import names`` is served from :data:`LOADER_NAMES`."""
    return module in LOADER_MODULES and bool(names) and all(n in LOADER_NAMES for n in names)


def _import(
    name: str,
    globals: Optional[Mapping[str, object]] = None,
    locals: Optional[Mapping[str, object]] = None,
    fromlist: Sequence[str] = (),
    level: int = 0,
) -> object:
    if level == 0 and fromlist and provides(name, fromlist):
        return types.SimpleNamespace(**{n: LOADER_NAMES[n] for n in fromlist})
    return builtins.__import__(name, globals, locals, fromlist, level)


@functools.cache  # one dict, made on first use
def loader_builtins() -> dict[str, object]:
    """Python's builtins with an ``__import__`` that serves the loader names (for ``exec``)."""
    return {**vars(builtins), "__import__": _import}
