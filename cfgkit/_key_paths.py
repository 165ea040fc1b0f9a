"""Key paths: the address of a value in a config (``('model', 'backbone', 'depth')``).

Written with dots on the command line and in ``provenance`` (``'train_pipeline.2.scale'``);
a segment of ASCII digits, optionally with a leading ``-``, indexes a list (negative indexes
count from the end, as in Python). Every module that parses, follows, walks or prints key
paths uses the functions here.
"""

from __future__ import annotations

from cfgkit.errors import ConfigIndexError, ConfigKeyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional, Sequence

    from typing_extensions import TypeGuard

    from cfgkit._contracts import KeyPart, KeyPath

__all__ = [
    "dotted",
    "is_index",
    "leaf_paths",
    "list_index",
    "nesting_problem",
    "normalise_path",
    "parse_key",
    "shortened",
    "value_at",
]


def dotted(path: KeyPath) -> str:
    """The key path written with dots (``model.backbone``, ``train_pipeline.2``)."""
    return ".".join(str(part) for part in path)


def shortened(path: KeyPath, keep: int = 8) -> str:
    """The dotted path, its middle left out when it is long: ``a.0.0.0.0.0.…(201 keys).0``."""
    if len(path) <= keep + 2:
        return dotted(path)
    return f"{dotted(path[:keep])}.…({len(path)} keys).{dotted(path[-1:])}"


def is_index(part: object) -> TypeGuard[int | str]:
    """Tell whether a key segment indexes a list: an int, or ASCII digits with an optional ``-``."""
    if isinstance(part, int) and not isinstance(part, bool):
        return True
    if not isinstance(part, str) or not part.isascii():
        return False
    digits = part[1:] if part.startswith("-") else part
    return digits.isdigit()


def parse_key(key: KeyPart | Sequence[KeyPart]) -> KeyPath:
    """``'train_pipeline.2.scale'`` -> ``('train_pipeline', 2, 'scale')`` (indexes as ints).

    A tuple or list is taken as the path itself (for keys that hold dots).
    """
    if isinstance(key, (tuple, list)):
        return tuple(key)
    if not isinstance(key, str):
        return (key,)
    return tuple(int(part) if is_index(part) else part for part in key.split("."))


def list_index(
    part: KeyPart, items: Sequence[object], path: KeyPath, filename: Optional[str] = None
) -> int:
    """Return the position ``part`` names in the list ``items``.

    Args:
        part: The segment (an int, or text as a dotted key gives it).
        items: The list (or tuple).
        path: The key path of ``part`` itself, named in the error.
        filename: The file being merged, named in the error.

    Returns:
        A position from 0 to ``len(items) - 1`` (a negative index counts from the end).

    Raises:
        ConfigKeyError: ``part`` is not an index; :class:`ConfigIndexError` (also an
            ``IndexError``) when it is out of range. The message names the key path and the
            list's length.
    """
    length = len(items)
    shown = repr(items) if len(repr(items)) <= 80 else f"of {length} items"
    if not is_index(part):
        raise ConfigKeyError(
            f"{dotted(path[:-1]) or 'The value'} is a list of {length} items and takes an "
            f"index (0 to {length - 1}, or negative from the end), not {part!r}",
            filename=filename,
            key=dotted(path),
        )
    index = int(part)
    position = index + length if index < 0 else index
    if not 0 <= position < length:
        raise ConfigIndexError(
            f"Index {index} exceeds the length of list {shown} ({length} items; negative "
            "indexes count from the end)",
            filename=filename,
            key=dotted(path),
        )
    return position


def normalise_path(tree: object, path: KeyPath) -> tuple[KeyPath, object]:
    """Follow ``path`` into a config as attribute access would; return the path with every
    list index made a plain position (``-1`` becomes the last index) and the value there.

    Raises:
        AttributeError: A key is missing (the error ``cfg.a.b`` raises).
        ConfigKeyError: A list segment is not an index, or is out of range.
    """
    node: Any = tree  # indexed as the config would be, raising what it raises
    parts: list[KeyPart] = []
    for part in path:
        if isinstance(node, dict):
            if part in node:
                node = dict.__getitem__(node, part)
            elif str(part) in node:
                node = dict.__getitem__(node, str(part))
            else:  # raise what `cfg.a.b` (or `cfg[1]`) raises
                node = getattr(node, part) if isinstance(part, str) else node[part]
        elif isinstance(node, (list, tuple)):
            part = list_index(part, node, (*path[: len(parts)], part))
            node = node[part]
        else:
            node = node[part]
        parts.append(part)
    return tuple(parts), node


def value_at(tree: object, path: KeyPath) -> object:
    """The value at ``path`` (see :func:`normalise_path`, which raises the same errors)."""
    return normalise_path(tree, path)[1]


def leaf_paths(tree: object, path: KeyPath = ()) -> Iterator[tuple[KeyPath, object]]:
    """Yield ``(path, value)`` for every leaf of a config.

    Dicts are descended into, and so are lists and tuples that hold a dict (pipelines); a
    list of plain values is one leaf.
    """
    if isinstance(tree, dict) and tree:
        for key, item in tree.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(tree, (list, tuple)) and any(isinstance(v, dict) for v in tree):
        for index, item in enumerate(tree):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path, tree


def nesting_problem(value: object, limit: int = 200) -> Optional[tuple[KeyPath, str]]:
    """Find why a value cannot be walked recursively: a container that contains itself, or
    nesting deeper than ``limit``. Iterative, so it works where recursion failed.

    Returns:
        ``(key path, description)`` of the first problem, or None.
    """
    stack: list[tuple[object, KeyPath, frozenset[int]]] = [(value, (), frozenset())]
    while stack:
        node, path, above = stack.pop()
        if isinstance(node, dict):
            items: list[tuple[KeyPart, object]] = list(dict.items(node))
        elif isinstance(node, (list, tuple, set, frozenset)):
            items = list(enumerate(node))
        else:
            continue
        if id(node) in above:
            return path, "contains itself"
        if len(path) > limit:
            return path, f"is nested more than {limit} levels deep"
        inner = above | {id(node)}
        stack.extend((item, (*path, key), inner) for key, item in reversed(items))
    return None
