"""ConfigDict: a dict with attribute access, mmengine's missing-key errors, copy and to_dict."""

from __future__ import annotations

import copy as _copy
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar

from addict import Dict

from cfgkit._keys import DELETE_KEY
from cfgkit._locations import LOCATION_ATTRIBUTE, PROVENANCE_ATTRIBUTE
from cfgkit.config.lazy import LAZY_TYPES
from cfgkit.errors import ConfigTypeError, MissingAttributeError, MissingKeyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (
        Any,
        Callable,
        Hashable,
        Iterable,
        Iterator,
        Mapping,
        NoReturn,
        Optional,
        SupportsIndex,
        Union,
    )

    from cfgkit._contracts import KeyPath, KeyT, T, ValueT

    #: What a conversion does to each leaf (``lazy_to_string``).
    LeafConverter = Callable[[object], object]

# The public names (the class, and the one class trees are built with); the conversions
# are the package's own (imported by name).
__all__ = ["ConfigDict", "tree_class", "use_tree_class"]

# The attributes addict keeps on every instance; vars(ConfigDict()) shows exactly these.
_STATE = {"__parent": None, "__key": None, "__frozen": False}
_HOOKED_DICT_TYPES = (dict, OrderedDict)
# True while a pure-Python config runs: lazy objects stay lazy when read from a ConfigDict.
_deferring: ContextVar[bool] = ContextVar("cfgkit_deferred_building", default=False)


@contextmanager
def deferred_building() -> Iterator[None]:
    """Inside the block, reading a lazy object from a ConfigDict returns it unbuilt."""
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def _built(value: object) -> object:
    # The exact-type test is the fast one (every read passes here); isinstance only narrows.
    if type(value) in LAZY_TYPES and isinstance(value, LAZY_TYPES) and not _deferring.get():
        built: object = value.build()
        return built
    return value


def lazy_to_string(value: object) -> object:
    """A lazy object as its import path (``'mmdet.models.RetinaNet'``); anything else as is."""
    return value.dotted() if type(value) in LAZY_TYPES and isinstance(value, LAZY_TYPES) else value


class ConfigDict(Dict):  # type: ignore[misc]  # addict has no types: its Dict is Any to mypy
    """A ``dict`` whose keys are also attributes, as mmengine's ``ConfigDict``.

    Nested plain dicts (also inside lists and tuples) become ``ConfigDict`` on the way in.
    A missing key raises ``KeyError`` for ``cd['x']`` and ``AttributeError`` for ``cd.x``;
    nothing is created on access.

    Examples:
        >>> cd = ConfigDict(model=dict(type='ResNet', depth=50))
        >>> cd.model.depth
        50
        >>> cd.to_dict()
        {'model': {'type': 'ResNet', 'depth': 50}}
    """

    def __init__(
        __self,
        *args: Union[
            dict[KeyT, ValueT], tuple[Hashable, object], Iterable[tuple[Hashable, object]]
        ],
        **kwargs: object,
    ) -> None:
        object.__setattr__(__self, "__parent", kwargs.pop("__parent", None))
        object.__setattr__(__self, "__key", kwargs.pop("__key", None))
        object.__setattr__(__self, "__frozen", False)
        for arg in args:
            if not arg:
                continue
            if isinstance(arg, dict):
                for key, value in dict.items(arg):
                    __self[key] = value
            elif isinstance(arg, tuple) and not isinstance(arg[0], tuple):
                __self[arg[0]] = arg[1]
            else:
                # Pairs, or a tuple of them (which mypy cannot tell from one pair): iterated as
                # given, as addict does.
                pairs: Any = arg
                for key, value in iter(pairs):
                    __self[key] = value
        for key, value in kwargs.items():
            __self[key] = value

    @classmethod
    def _hook(cls, item: object) -> object:
        if type(item) in _HOOKED_DICT_TYPES and isinstance(item, dict):  # isinstance: for mypy
            return cls(item)
        if isinstance(item, (list, tuple)):
            return type(item)(cls._hook(element) for element in item)
        return item

    lazy = False  # mmengine's flag; cfgkit defers building with deferred_building()

    def __missing__(self, name: object) -> NoReturn:
        raise MissingKeyError(name, dict.keys(self))

    def __getitem__(self, key: Hashable) -> Any:  # the user's value, as mmengine's
        return _built(dict.__getitem__(self, key))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise MissingAttributeError(type(self).__name__, name, dict.keys(self)) from None

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, self._hook(value))

    def __setitem__(self, name: Hashable, value: object) -> None:
        value = self._hook(value)
        super().__setitem__(name, value)
        provenance = self.__dict__.get(PROVENANCE_ATTRIBUTE)
        if provenance is not None:  # a dict of a loaded config: log the change
            path = (*self.__dict__[LOCATION_ATTRIBUTE], name)
            provenance.record_assignment(path, value)
            tag_locations(value, path, provenance)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(dict.keys(self))

    def __copy__(self) -> ConfigDict:
        other = type(self)()
        for key, value in _raw_items(self):
            other[key] = value
        _copy_location(self, other)
        return other

    copy = __copy__

    def __deepcopy__(self, memo: dict[int, object]) -> ConfigDict:
        other = type(self)()
        memo[id(self)] = other
        for key, value in _raw_items(self):
            other[_copy.deepcopy(key, memo)] = _copy.deepcopy(value, memo)
        _copy_location(self, other)
        return other

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        return (type(self), (dict(dict.items(self)),), None, None, None, None)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ConfigDict):
            return self.to_dict() == other.to_dict()
        if isinstance(other, dict):
            return dict(dict.items(self)) == other
        return False

    def __ne__(self, other: object) -> bool:
        return not self == other

    # Unhashable, as a dict; typeshed declares `__hash__` a method, so None needs the ignore.
    __hash__ = None  # type: ignore[assignment]

    def get(self, key: Hashable, default: object = None) -> Any:  # the user's value
        """Return ``self[key]``, or ``default`` when the key is missing."""
        return _built(dict.get(self, key, default))

    def pop(self, key: Hashable, default: object = None) -> Any:  # the user's value
        """Remove ``key`` and return its value, or ``default`` (``None``) when it is missing."""
        return _built(dict.pop(self, key, default))

    def values(self) -> list[Any]:
        """Return the values as a list (mmengine returns a list, not a view)."""
        return [_built(value) for _, value in _raw_items(self)]

    def items(self) -> list[tuple[Any, Any]]:
        """Return the ``(key, value)`` pairs as a list (mmengine returns a list)."""
        return [(key, _built(value)) for key, value in _raw_items(self)]

    def update(self, *args: dict[KeyT, T], **kwargs: object) -> None:
        """Update recursively: a dict value merges into a dict value, anything else replaces.

        Raises:
            TypeError: When given more than one positional argument.
        """
        if len(args) > 1:
            raise TypeError("update only accept one positional argument")
        given = dict.items(args[0]) if args else ()
        incoming: dict[Hashable, object] = dict(given)
        incoming.update(kwargs)
        for key, value in incoming.items():
            current = dict.get(self, key, _MISSING)
            if isinstance(current, dict) and isinstance(value, dict):
                current.update(value)
            else:
                self[key] = value

    def merge(self, other: Mapping[KeyT, object]) -> None:
        """Deep-merge ``other`` into this dict in place, honouring ``_delete_=True``.

        Unlike :meth:`update`, a dict carrying ``_delete_=True`` replaces the whole sub-dict.

        Args:
            other: The dict to merge in; it is not modified.
        """
        merged = _merge_loose(_copy.deepcopy(other), _copy.deepcopy(dict(dict.items(self))))
        self.clear()
        for key, value in merged.items():
            self[key] = value

    def to_dict(self) -> dict[Hashable, object]:
        """Return a plain nested ``dict`` (lists and tuples keep their type); lazy objects
        become their import paths."""
        result: dict[Hashable, object] = to_plain_tree(self, lazy_to_string)
        return result

    def _to_lazy_dict(self) -> dict[Hashable, object]:
        result: dict[Hashable, object] = to_plain_tree(self)
        return result


_MISSING = object()


def _copy_location(source: ConfigDict, target: ConfigDict) -> None:
    # Copies keep their key path but not the log: changing a copy is not the config's story.
    location = source.__dict__.get(LOCATION_ATTRIBUTE)
    if location is not None:
        target.__dict__[LOCATION_ATTRIBUTE] = location


def _raw_items(node: ConfigDict) -> list[tuple[Hashable, object]]:
    return list(dict.items(node))


def _merge_loose(child: T, base: ValueT) -> Union[T, ValueT, dict[Hashable, object]]:
    """Merge for :meth:`ConfigDict.merge`: no type checks, a dict simply replaces a non-dict."""
    if not isinstance(child, dict):
        return base if child is _MISSING else child
    if not isinstance(base, dict):
        child.pop(DELETE_KEY, None)
        return child
    kept: dict[Hashable, object] = {} if child.pop(DELETE_KEY, False) else base
    keys = list(kept) + [k for k in child if k not in kept]
    return {
        key: _merge_loose(child.get(key, _MISSING), kept.get(key, _MISSING))
        for key in keys
        if key != DELETE_KEY
    }


# The result has the shape of `value` (a dict for a dict): callers that pass a tree read a dict.
def to_plain_tree(value: object, convert_leaf: Optional[LeafConverter] = None) -> Any:
    """Return ``value`` with every dict turned into a plain ``dict``, recursively.

    Lists and tuples keep their exact type; other values are returned as they are, or
    passed through ``convert_leaf`` when it is given.
    """
    if isinstance(value, dict):
        return {k: to_plain_tree(v, convert_leaf) for k, v in dict.items(value)}
    if isinstance(value, (list, tuple)):
        return type(value)(to_plain_tree(v, convert_leaf) for v in value)
    return value if convert_leaf is None else convert_leaf(value)


_set_item = dict.__setitem__
_new_dict = dict.__new__
_fill = dict.update
_ATOMS = frozenset({str, int, float, bool, type(None)})
_CONVERTED_DICTS = frozenset({dict, ConfigDict, OrderedDict})
_KEPT = _ATOMS | {ConfigDict}  # what `adopt` keeps as it is
# The one class every config tree is built from (the mmengine drop-in swaps in a subclass).
_tree_class: type[ConfigDict] = ConfigDict


def tree_class() -> type[ConfigDict]:
    """Return the class config trees are built from: ``ConfigDict``, or the one in use."""
    return _tree_class


def use_tree_class(cls: Optional[type[ConfigDict]] = None) -> None:
    """Build every config tree from now on with ``cls``, a ``ConfigDict`` subclass.

    The mmengine drop-in (:mod:`cfgkit.mmengine_hook`) uses it so that nested dicts are also
    mmengine's ``ConfigDict``. ``None`` goes back to ``ConfigDict``.

    Raises:
        ConfigTypeError: ``cls`` is not a subclass of ``ConfigDict`` (also a ``TypeError``).
    """
    global _tree_class, _CONVERTED_DICTS, _KEPT
    cls = ConfigDict if cls is None else cls
    if not (isinstance(cls, type) and issubclass(cls, ConfigDict)):
        raise ConfigTypeError(f"a config tree class must subclass ConfigDict, got {cls!r}")
    _tree_class = cls
    _CONVERTED_DICTS = frozenset({dict, ConfigDict, OrderedDict, cls})
    _KEPT = _ATOMS | {ConfigDict, cls}


# Sets an instance's whole `__dict__` in one step (addict's `__setattr__` refuses the name).
_set_state = vars(Dict)["__dict__"].__set__


def _tagged_node(path: KeyPath, provenance: object) -> ConfigDict:
    node = _new_dict(_tree_class)
    # A Location is made from the key path only when asked for.
    state: dict[str, object] = {
        "__parent": None,
        "__key": None,
        "__frozen": False,
        LOCATION_ATTRIBUTE: path,
    }
    if provenance is not None:
        state[PROVENANCE_ATTRIBUTE] = provenance
    _set_state(node, state)
    return node


# The result has the shape of `value` (a ConfigDict for a dict), as `to_plain_tree`'s.
def to_config_tree(value: object, path: Optional[KeyPath] = None, provenance: object = None) -> Any:
    """Return a fresh copy of ``value`` with every plain dict (and ConfigDict) as a ConfigDict.

    Containers are always new objects, so the result shares no dict or list with the input.
    Dict subclasses other than ``OrderedDict`` and ``ConfigDict`` are kept, as mmengine does.
    This runs once per loaded config over the whole tree, so it avoids ``__init__`` and the
    per-item hooks: a plain dict's items are copied in one C-level step and only its
    containers are visited again.

    Args:
        value: The tree to convert.
        path: The key path of ``value`` in its config; when given, every new ConfigDict is
            tagged with its key path (see :mod:`cfgkit._locations`).
        provenance: The config's provenance log, tagged on every new ConfigDict with ``path``.
    """
    if path is None:
        return _untagged(value)
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind in _CONVERTED_DICTS:
        return _tagged_dict(value, kind, path, provenance)
    return _tagged_sequence(value, kind, path, provenance)


def _tagged_dict(value: object, kind: type, path: KeyPath, provenance: object) -> ConfigDict:
    # `kind` is the exact type of a dict (the fast test), which narrows nothing for mypy.
    tree: Any = value
    node = _tagged_node(path, provenance)
    # The items as stored, in one C-level step (a ConfigDict's own iteration is not used);
    # then only the containers among them are converted in place.
    _fill(node, tree if kind is dict else dict.items(tree))
    for key, item in dict.items(tree):
        item_kind = type(item)
        if item_kind in _ATOMS:
            continue
        if item_kind in _CONVERTED_DICTS:
            _set_item(node, key, _tagged_dict(item, item_kind, (*path, key), provenance))
        else:
            _set_item(node, key, _tagged_sequence(item, item_kind, (*path, key), provenance))
    return node


def _tagged_sequence(value: object, kind: type, path: KeyPath, provenance: object) -> object:
    # Dispatched on the exact type (the fast test), which narrows nothing for mypy.
    sequence: Any = value
    if kind is list or kind is tuple:
        items = [
            item if type(item) in _ATOMS else to_config_tree(item, (*path, index), provenance)
            for index, item in enumerate(sequence)
        ]
        return items if kind is list else tuple(items)
    return _untagged(value)  # any other value: a list or tuple subclass is copied untagged


def _untagged(value: object) -> object:
    # Dispatched on the exact type (the fast test), which narrows nothing for mypy.
    tree: Any = value
    kind: type = type(value)
    if kind in _ATOMS:
        return value
    if kind in _CONVERTED_DICTS:
        node = _new_dict(_tree_class)
        _set_state(node, dict(_STATE))
        for key, item in dict.items(tree):
            _set_item(node, key, item if type(item) in _ATOMS else _untagged(item))
        return node
    if kind is list or kind is tuple:
        items = [item if type(item) in _ATOMS else _untagged(item) for item in tree]
        return items if kind is list else tuple(items)
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return kind(_untagged(item) for item in value)
    return value


# The result has the shape of `value`, as `to_config_tree`'s.
def adopt(value: object, path: KeyPath, provenance: object = None) -> Any:
    """Return ``value`` with its plain dicts made ConfigDicts tagged with their key paths,
    keeping every ConfigDict in it as it is (not copied, not walked).

    After a merge, the new containers are the ones along the changed paths and the values
    merged in; the rest is the config's own ConfigDicts, already tagged where they sit. So
    only what changed is converted and tagged.
    """
    kind = type(value)
    if kind in _KEPT:
        return value
    # Dispatched on the exact type (the fast test), which narrows nothing for mypy.
    tree: Any = value
    if kind is dict or kind is OrderedDict:
        node = _tagged_node(path, provenance)
        # Most items are plain values or the config's own ConfigDicts: kept, not visited.
        for key, item in dict.items(tree):
            if type(item) not in _KEPT:
                item = adopt(item, (*path, key), provenance)
            _set_item(node, key, item)
        return node
    if kind is list or kind is tuple:
        items = [
            item if type(item) in _KEPT else adopt(item, (*path, index), provenance)
            for index, item in enumerate(tree)
        ]
        return items if kind is list else tuple(items)
    return _tree_class._hook(value)


def tag_locations(value: object, path: KeyPath = (), provenance: object = None) -> None:
    """Tag every ConfigDict in ``value`` with its key path and the config's provenance log
    (after the tree was changed)."""
    if isinstance(value, ConfigDict):
        state = value.__dict__
        state[LOCATION_ATTRIBUTE] = path
        if provenance is not None:
            state[PROVENANCE_ATTRIBUTE] = provenance
    if isinstance(value, dict):
        for key, item in dict.items(value):
            tag_locations(item, (*path, key), provenance)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            tag_locations(item, (*path, index), provenance)
