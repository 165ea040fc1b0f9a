"""The shapes of config data and the duck-typed contracts between modules, for type checkers.

Nothing here exists at run time: every name is defined under ``TYPE_CHECKING`` and imported
the same way (``if TYPE_CHECKING: from cfgkit._contracts import KeyPath``), so this module is
never loaded by ``import cfgkit``. The rules the names follow:

- A value a config may hold is ``object`` (:data:`ConfigValue`): it may be anything a Python
  config can write, and ``object`` makes a reader narrow it (``isinstance``) before use.
- Where the set of values is known, a union says it (:data:`Scalar`, :data:`Place`,
  :data:`OptionValue`).
- A function that hands back what it was given is generic (:data:`T`, and :data:`ValueT`
  for a second one), and one that takes a dict with keys of any type is generic in them
  (:data:`KeyT`).
- A duck-typed argument is a ``Protocol`` naming exactly what is used of it: a mapping with
  ``type`` (what build functions take), anything with ``items()`` (what ``auto_argparser``
  walks), a registry (what build code and mmcv's layer call), a locator (what
  :mod:`cfgkit._locations` asks of a config's provenance).
- ``Any`` is left for what is the user's own: a constructor's arguments and what it returns,
  and what a ``ConfigDict`` read hands to the user's code.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from typing import Dict, Hashable, Iterable, List, Optional, Protocol, Tuple, TypeVar, Union

    #: A value anywhere in a config (a leaf or a subtree): opaque until narrowed.
    ConfigValue = object
    #: A plain config tree, as the loader builds it (``ConfigDict`` only at the end).
    ConfigTree = Dict[str, ConfigValue]
    #: One segment of a key path: a dict key (usually a string) or a list index.
    KeyPart = Hashable
    #: The address of a value in a config: ``('model', 'backbone', 'depth')``.
    KeyPath = Tuple[KeyPart, ...]
    #: A leaf a data file (JSON, YAML) can hold.
    Scalar = Union[None, bool, int, float, str]
    #: Where a key was written: the file and the line, as far as known.
    Place = Tuple[Optional[str], Optional[int]]
    #: A ``--cfg-options`` value as parsed: a scalar, or lists and tuples of them, nested.
    OptionValue = Union[Scalar, List["OptionValue"], Tuple["OptionValue", ...]]

    T = TypeVar("T")
    #: The keys of a dict taken as it is (``Mapping[KeyT, object]`` accepts ``dict[str, X]``,
    #: which ``Mapping[Hashable, object]``, invariant in its keys, would refuse).
    KeyT = TypeVar("KeyT", bound=Hashable)
    #: A second value type, where a function hands back one of two arguments.
    ValueT = TypeVar("ValueT")

    class TypedMapping(Protocol):
        """What build functions take: a ``dict``, ``ConfigDict`` or ``Config`` with ``type``.

        ``Config`` is not a dict; it has the mapping methods build code uses.
        """

        def __contains__(self, key: object, /) -> bool: ...

        def items(self) -> Iterable[tuple[str, object]]: ...

    class ItemSource(Protocol):
        """Anything whose ``items()`` are ``(key, value)`` pairs: a dict, a ``Config``."""

        def items(self) -> Iterable[tuple[object, object]]: ...

    class RegistryLike(Protocol):
        """What build code and mmcv's layer use of a registry (``Registry`` and mmcv's)."""

        @property
        def name(self) -> str: ...

        @property
        def scope(self) -> str: ...

        def get(self, key: str) -> object: ...

        def split_scope_key(self, key: str) -> tuple[Optional[str], str]: ...

        def visible_names(self) -> list[str]: ...

        def switch_scope_and_registry(
            self, scope: Optional[str]
        ) -> AbstractContextManager[RegistryLike]: ...

    class Locator(Protocol):
        """What :func:`cfgkit._locations.location_of` asks of a config's provenance log."""

        def locate(self, path: KeyPath) -> Place: ...

    # cfgkit's own classes keep the contracts: mypy checks these assignments on every run.
    from cfgkit.config._analysis.provenance import Provenance
    from cfgkit.config.config import Config
    from cfgkit.config.config_dict import ConfigDict
    from cfgkit.mmcv.registry import Registry as MmcvRegistry
    from cfgkit.registry.registry import Registry

    _MAPPINGS: tuple[type[TypedMapping], ...] = (dict, ConfigDict, Config)
    _REGISTRIES: tuple[type[RegistryLike], ...] = (Registry, MmcvRegistry)
    _LOCATORS: tuple[type[Locator], ...] = (Provenance,)


__all__: list[str] = []  # every name is for type checkers: none exists at run time
