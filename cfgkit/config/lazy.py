"""Lazy objects: the names a pure-Python config imports, imported only when built.

In a pure-Python config, ``from mmdet.models import RetinaNet`` does not import mmdet: the
name is bound to a :class:`LazyObject`, which imports only when it is built (by
``ConfigDict`` access or by ``Registry.build``). Loading, printing and dumping such a config
never needs the package.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, NoReturn, Optional, Union

__all__ = ["LazyAttr", "LazyObject", "read_base"]  # mmengine.config.lazy's names


class _Lazy:
    """What lazy objects and lazy attributes share: their import path, pickling, and
    refusing to be called while a config loads."""

    # Lets code that must not import cfgkit.config (the registry) recognise lazy objects.
    __cfgkit_lazy__ = True

    @property
    def module(self) -> str:
        raise NotImplementedError

    def dotted(self) -> str:
        """The import path written into dumps: ``'mmdet.models.RetinaNet'``."""
        return f"{self.module}.{self}"

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError(
            f"{self.dotted()} is imported lazily and cannot be called while the config loads"
        )

    def __getstate__(self) -> dict[str, object]:
        return self.__dict__

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)


class LazyObject(_Lazy):
    """A module, or a name in a module, imported only when :meth:`build` is called.

    Args:
        module: The module path, or several (``import a.b; import a.c`` binds ``a``).
        imported: The name imported from ``module``, if any.
        location: ``'<file>, line N'`` of the import, for error messages.

    Raises:
        TypeError: ``module`` or ``imported`` has the wrong type.
    """

    def __init__(
        self,
        module: Union[str, list[str], tuple[str, ...]],
        imported: Optional[str] = None,
        location: Optional[str] = None,
        *,
        inert: bool = False,
    ) -> None:
        if not isinstance(module, str) and not (
            isinstance(module, (list, tuple)) and all(isinstance(m, str) for m in module)
        ):
            raise TypeError(f"module should be `str`, `list`, or `tuple` but got {type(module)}")
        if imported is not None and not isinstance(imported, str):
            raise TypeError(f"imported should be `str` or None, but got {type(imported)}")
        self._module = module
        self._imported = imported
        self.location = location
        # Made by a safe load: building it would import, which safe mode never does.
        self._inert = inert

    @property
    def module(self) -> str:
        """The module path (for several, the top-level package they share)."""
        if isinstance(self._module, str):
            return self._module
        return self._module[0].split(".")[0]

    def build(self) -> Any:
        """Import the module and return it, or the imported name from it (the user's).

        Raises:
            ImportError: The module or the name does not exist; the message names the file
                and line of the import (other errors keep their type, with the same text).
            UnsafeConfigError: The config was loaded with ``safe=True``.
        """
        if self._inert:
            from cfgkit.errors import UnsafeConfigError  # lazy: errors only on this path

            raise UnsafeConfigError(
                f"{self} ({self.module}) was read in safe mode, which imports nothing: "
                "load the config without safe=True to build it",
                filename=(self.location or "").split(", line")[0] or None,
            )
        try:
            if not isinstance(self._module, str):  # `import a.b; import a.c` binds `a`
                for name in self._module:
                    importlib.import_module(name)
            found = importlib.import_module(self.module)
        except Exception as error:
            raise type(error)(
                f"Failed to import {self.module} in {self.location} for {error}"
            ) from error
        if self._imported is None or not isinstance(self._module, str):
            return found
        if not hasattr(found, self._imported):
            raise ImportError(
                f"Failed to import {self._imported} from {self._module} in {self.location}"
            )
        return getattr(found, self._imported)

    def __getattr__(self, name: str) -> LazyAttr:
        if name.startswith("__"):
            raise AttributeError(name)
        location = self.location.split(", line")[0] if self.location else None
        return LazyAttr(name, self, location)

    def __deepcopy__(self, memo: dict[int, object]) -> LazyObject:
        return type(self)(self._module, self._imported, self.location, inert=self._inert)

    def __str__(self) -> str:
        return self._imported if self._imported is not None else self.module

    __repr__ = __str__


class LazyAttr(_Lazy):
    """An attribute of a lazy object (``nn.Conv2d`` after ``import torch.nn as nn``).

    Args:
        name: The attribute.
        source: The lazy object (or attribute) it belongs to.
        location: Where the source was imported, for error messages.
    """

    def __init__(
        self, name: str, source: Union[LazyObject, LazyAttr], location: Optional[str] = None
    ) -> None:
        self.name = name
        self.source = source
        named = isinstance(source, LazyAttr) or (
            isinstance(source._module, str) and source._imported is not None
        )
        self._module: str = source.dotted() if named else str(source)
        self.location = location

    @property
    def module(self) -> str:
        """The dotted path of the object the attribute is taken from."""
        return self._module

    def build(self) -> Any:
        """Build the source and return the attribute.

        Raises:
            ImportError: The attribute does not exist.
        """
        found = self.source.build()
        try:
            return getattr(found, self.name)
        except AttributeError:
            raise ImportError(
                f"Failed to import {self.module}.{self.name} in {self.location}"
            ) from None

    def __getattr__(self, name: str) -> LazyAttr:
        if name.startswith("__"):
            raise AttributeError(name)
        return LazyAttr(name, self)

    def __deepcopy__(self, memo: dict[int, object]) -> LazyAttr:
        return LazyAttr(self.name, self.source, self.location)

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__


LAZY_TYPES = (LazyObject, LazyAttr)


@contextmanager
def read_base() -> Iterator[None]:
    """Mark the imports of base configs in a pure-Python config (``with read_base():``).

    The loader reads the block itself; run directly it does nothing.
    """
    yield
