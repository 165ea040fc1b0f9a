"""Merge one config dict into another: ``_delete_``, list-index keys, list selectors
(:mod:`~cfgkit.config._merge.selectors`) and dotted keys."""

from __future__ import annotations

from cfgkit._key_paths import dotted, list_index
from cfgkit._keys import DELETE_KEY
from cfgkit.config._merge.selectors import (
    apply_selectors,
    is_selector_dict,
    parse_selector,
    split_key,
)
from cfgkit.errors import MergeError, SelectorError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Hashable, Mapping, Optional, Sequence

    from cfgkit._contracts import ConfigTree, KeyPath, KeyT, T
    from cfgkit.config._merge.selectors import Selected

__all__ = ["expand_dotted_keys", "merge_into", "shallow_copy"]


def shallow_copy(node: dict[KeyT, T]) -> dict[KeyT, T]:
    """A plain dict of ``node``'s items as they are stored.

    ``dict.copy`` of a ConfigDict reads each value through its ``__getitem__`` (its
    iteration is its own), which builds the lazy objects of pure-Python configs; a copy made
    to merge into must leave them as they are, as mmengine's does.
    """
    return dict.copy(node) if type(node) is dict else dict(dict.items(node))


# The result has the shape of `base` (a dict for a dict, a list for a list).
def merge_into(
    child: dict[KeyT, object],
    base: object,
    *,
    allow_list_keys: bool = False,
    filename: Optional[str] = None,
    path: KeyPath = (),
    selected: Optional[Selected] = None,
) -> Any:
    """Return ``base`` updated with ``child``, mmengine's ``_merge_a_into_b`` rules.

    Neither argument is modified: the result is a copy along every path the child touches
    and shares untouched sub-trees with ``base``.

    - A dict value merges into the base's dict of the same key, unless it carries
      ``_delete_=True``, in which case it replaces it (``_delete_`` removed).
    - Any other value (scalars, lists, tuples) replaces the base value.
    - With ``allow_list_keys``, a key into a base list is an index (digits, or negative
      from the end); a dict merges into the element, anything else replaces it.
    - Base keys keep their order; keys new in the child are appended in the child's order.
    - As in mmengine, ``_delete_`` is only removed where the key exists in the base.

    Args:
        child: The dict that wins.
        base: The dict (or, with ``allow_list_keys``, the list) it is merged into.
        allow_list_keys: Treat keys into lists as indexes.
        filename: The file being merged, named in errors.
        path: The key path of ``base`` inside the whole config, named in errors.
        selected: Where list selectors were applied (``{'[type=Resize]': ...}`` over a
            list, :mod:`~cfgkit.config._merge.selectors`) and what they wrote by index, for
            provenance.

    Returns:
        The merged dict (or list).

    Raises:
        MergeError: A dict in the child meets a non-dict in the base (also a ``TypeError``).
        ConfigKeyError: A key into a list is not an index, or is out of range (also a
            ``KeyError``); the message names the key path and the list's length.
    """
    if isinstance(base, list):
        if is_selector_dict(child):
            edits: Any = child  # is_selector_dict checked: a dict of selectors (str keys)
            return _select(edits, base, allow_list_keys, filename, path, selected)
        return _merge_into_list(child, base, filename, path, selected)
    # A dict: anything else fails in `dict.items`, with its TypeError, as it always has.
    tree: Any = base
    merged: dict[Hashable, object] = shallow_copy(tree)
    for key, value in dict.items(child):
        if isinstance(value, dict) and key in merged:
            current = merged[key]
            if isinstance(current, list) and is_selector_dict(value):
                here = (*path, key)
                merged[key] = _select(value, current, allow_list_keys, filename, here, selected)
                continue
            replace = bool(value.get(DELETE_KEY, False))
            value = _without_delete(value)
            if replace:
                merged[key] = value
                continue
            allowed = (dict, list) if allow_list_keys else dict
            if not isinstance(current, allowed):
                raise _not_a_dict_error(key, value, current, filename, path)
            merged[key] = merge_into(
                value,
                current,
                allow_list_keys=allow_list_keys,
                filename=filename,
                path=(*path, key),
                selected=selected,
            )
        else:
            # A selector is a key new to a dict it merges into (the root merge excepted, as
            # before): only those keys are looked at, so ordinary merges pay one check.
            if (
                path
                and key not in merged
                and type(key) is str
                and isinstance(key, str)  # what `type(key) is str` said, for mypy
                and key[:1] in ("[", "~")
                and parse_selector(key) is not None
            ):
                raise _selector_on_dict_error(key, path, filename)
            merged[key] = value
    return merged


def _selector_on_dict_error(key: str, path: KeyPath, filename: Optional[str]) -> SelectorError:
    return SelectorError(
        f"{dotted(path)}{key}: a selector picks an element of a list, but {dotted(path)} is a "
        "dict (address its keys by name)",
        filename=filename,
        key=dotted(path),
    )


def _select(
    child: ConfigTree,
    base: list[object],
    allow_list_keys: bool,
    filename: Optional[str],
    path: KeyPath,
    selected: Optional[Selected],
) -> list[object]:
    def merge(value: ConfigTree, element: object, here: KeyPath) -> object:
        return merge_into(
            value,
            element,  # a dict: a selector matches dicts only
            allow_list_keys=allow_list_keys,
            filename=filename,
            path=here,
            selected=selected,
        )

    result, written, keys = apply_selectors(child, base, merge, path, filename)
    if selected is not None:
        selected.append((path, written, keys))
    return result


def _merge_into_list(
    child: dict[KeyT, object],
    base: list[object],
    filename: Optional[str],
    path: KeyPath,
    selected: Optional[Selected] = None,
) -> list[object]:
    merged = list(base)
    for key, value in dict.items(child):
        here = (*path, key)
        index = list_index(key, merged, here, filename)
        current = merged[index]
        if not isinstance(value, dict):
            # mmengine crashes here; replacing the element is what the user asked for.
            merged[index] = value
        elif isinstance(current, (dict, list)):
            merged[index] = merge_into(
                _without_delete(value) if value.get(DELETE_KEY) else value,
                {} if value.get(DELETE_KEY) and isinstance(current, dict) else current,
                allow_list_keys=True,
                filename=filename,
                path=here,
                selected=selected,
            )
        else:
            raise _not_a_dict_error(key, value, current, filename, path)
    return merged


def _not_a_dict_error(
    key: Hashable, value: object, current: object, filename: Optional[str], path: KeyPath
) -> MergeError:
    return MergeError(
        f"{key}={value} in child config cannot inherit from base because {key} is a dict in "
        f"the child config but is of type {type(current)} in base config. You may set "
        "`_delete_=True` to ignore the base config.",
        filename=filename,
        key=dotted((*path, key)),
    )


def _without_delete(value: dict[KeyT, T]) -> dict[KeyT, T]:
    if DELETE_KEY not in value:
        return value
    copied = shallow_copy(value)
    del copied[DELETE_KEY]
    return copied


def expand_dotted_keys(options: Mapping[KeyT, object]) -> dict[KeyT, object]:
    """Turn ``{'a.b.c': 1}`` into ``{'a': {'b': {'c': 1}}}``, every key applied in order.

    A later key wins over what earlier ones wrote at its place, except that two dicts merge
    (unless the later one has ``_delete_=True``), so an option is never lost to a later one
    that only adds to it. A key that writes *inside* a value an earlier key gave that is not
    a dict (``{'a': [1, 2], 'a.0': 5}``) is refused: nothing is dropped silently.

    Args:
        options: A mapping whose keys may contain dots.

    Returns:
        A new nested dict; ``options`` and the dicts inside it are not modified (a dict
        given as a value is copied before a later key writes into it).

    Raises:
        MergeError: A key writes inside a value an earlier key set that is not a dict (also a
            ``TypeError``, as mmengine raises there).
    """
    expanded: dict[KeyT, object] = {}
    # The dicts created or copied here, which later keys may write into. Kept by id *with*
    # the dict: a dict a later key replaced would be freed, and a new one could reuse its id.
    made: dict[int, dict[Any, object]] = {id(expanded): expanded}
    for full_key, value in options.items():
        # The top level's keys are the options' own (KeyT, what `key_parts` gives first),
        # the levels below take any part.
        node: dict[Any, object] = expanded
        parts = key_parts(full_key)
        for depth, part in enumerate(parts[:-1]):
            child = node.get(part, _MISSING)
            if child is _MISSING:
                child = {}
            elif not isinstance(child, dict):
                inside = dotted(tuple(parts[: depth + 1]))
                raise MergeError(
                    f"option {full_key!r} writes inside {inside}, which an earlier option "
                    f"sets to {_shown(child)} (not a dict): give the whole value in one option",
                    key=str(full_key),
                )
            node = _writable(node, part, child, made)
        _put(node, parts[-1], value, made)
    return expanded


_MISSING = object()


def _writable(
    node: dict[Hashable, object],
    key: Hashable,
    child: dict[Hashable, object],
    made: dict[int, dict[Hashable, object]],
) -> dict[Hashable, object]:
    """``node[key]`` as a dict of the expansion's own (``child`` copied unless it is one)."""
    own = made.get(id(child))  # `child` itself when it is one: `made` keeps it alive
    if own is None:
        own = shallow_copy(child)
        made[id(own)] = own
        node[key] = own
    return own


def _put(
    node: dict[Hashable, object],
    key: Hashable,
    value: object,
    made: dict[int, dict[Hashable, object]],
) -> None:
    """Write ``value`` at ``node[key]``: merged into a dict there, else in its place."""
    current = node.get(key, _MISSING)
    if isinstance(value, dict) and isinstance(current, dict) and not value.get(DELETE_KEY):
        current = _writable(node, key, current, made)
        for inner_key, inner_value in dict.items(value):
            _put(current, inner_key, inner_value, made)
    else:
        node[key] = value


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def key_parts(full_key: Hashable) -> Sequence[Hashable]:
    """The parts of a dotted option key: ``'a.b'`` is ``['a', 'b']``, a selector
    (``'p[type=x.y].b'``) stays one part, and a key that is not a string is one part."""
    if not isinstance(full_key, str):
        return [full_key]
    if "[" in full_key:
        parts = split_key(full_key)
        # Only when every bracketed part is a selector: else the key keeps mmengine's meaning
        # (`'b[1]'` is one key).
        if all(parse_selector(p) is not None for p in parts if p.lstrip("~")[:1] == "["):
            return parts
    return full_key.split(".")
