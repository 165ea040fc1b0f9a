"""The expanded size of a value tree: what every step after evaluation costs.

A value built from shared parts (``t = (t, t)`` 64 times, a list holding one 1 MB string a
million times, a dict DAG) is small in memory but as big as all its copies for everything
that walks it as a tree: ``==``, ``hash``, ``str()``, the ``ConfigDict`` conversion,
``pretty_text``, dumps, diffs. :func:`expanded_size` charges each value by what writing the
tree out costs — a fixed cost per value, its characters (digits of an integer, the
characters of a string as ``repr`` writes them) and its indentation — visiting each shared
part once (its expanded size remembered), so the measure itself is linear in the distinct
values. It stops as soon as the size passes the limit, and refuses nesting deeper than
:data:`MAX_DEPTH` (a value that contains itself nests without end).
"""

from __future__ import annotations

from functools import partial
from operator import is_

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

__all__ = ["MAX_DEPTH", "MAX_SIZE", "SizeLimitError", "expanded_size"]

VALUE_COST = 64  # units (about bytes) for each value: its object, its line of text
INDENT_COST = 4  # units per level of nesting, for each value (an indented line)
MAX_SIZE = 64_000_000  # units: about 1,000,000 values, or 64 MB of text
MAX_DEPTH = 100  # levels of containers (real configs nest about 10 deep)

_FLAT = {type(None): 4, bool: 5, float: 24, complex: 48, type(...): 8, range: 48, slice: 64}
_VIEWS = frozenset({"dict_keys", "dict_values", "dict_items"})
_CONTAINERS = (dict, list, tuple, set, frozenset)
_IS_STR = partial(is_, str)
# What a scalar item adds to its container: itself, its indentation, a separator.
_ITEM = VALUE_COST + INDENT_COST + 4
_SCALAR_ITEMS = {kind: _ITEM + cost for kind, cost in _FLAT.items()}
_SMALL = 1 << 64  # integers within this cost no more than their item's share
_SHORT = 24  # characters of a string that cost no more than their item's share


class SizeLimitError(Exception):
    """A value too big or too deeply nested to walk; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text_cost(value: object) -> int:
    node: Any = value  # narrowed by the exact-type tests below (a fast path: no isinstance)
    kind = type(node)
    if kind is str:
        # `repr` writes a printable character as itself (a quote escaped), others as
        # escapes of up to 10 characters.
        return 2 * len(node) + 2 if node.isprintable() else 10 * len(node) + 2
    if kind is int:
        bits: int = node.bit_length()
        # Digits, plus the quadratic work of converting a big integer to text.
        return bits // 3 + 2 + (bits // 30) ** 2 // 16
    if kind is bytes:
        return 4 * len(node) + 3
    return _FLAT.get(kind, VALUE_COST)


def expanded_size(
    value: object, limit: int = MAX_SIZE, memo: Optional[dict[int, tuple[int, int, object]]] = None
) -> tuple[int, int]:
    """Measure ``value`` written out as a tree, each shared part counted wherever it appears.

    Args:
        value: Any value; containers (dicts, lists, tuples, sets, dict views) are walked.
        limit: The size past which the walk stops.
        memo: The sizes of containers measured before (by id, each kept alive there so
            that its id is not reused), shared between measures of values that are no
            longer changed; by default a new one.

    Returns:
        The expanded size in units (see :data:`VALUE_COST`), and how many distinct
        containers were visited (the work of this measure).

    Raises:
        SizeLimitError: The size passes ``limit`` (``reason`` is ``'size'``), or containers
            nest more than :data:`MAX_DEPTH` deep (``'depth'``; a value that contains itself).
    """
    # A set can be shared with a later copy of the tree (the ConfigDict conversion keeps
    # sets as they are) and changed there: a shared memo never holds one.
    keep_sets = memo is None
    if memo is None:
        memo = {}  # id of a container -> (size, values, the container)
    visited = len(memo)

    item_cost, indent_cost, flat = _ITEM, INDENT_COST, _FLAT
    container_extra = INDENT_COST + 4 - _ITEM  # a container item's cost beyond a scalar's

    def walk(node: object, depth: int) -> tuple[int, int]:
        known = memo.get(id(node))
        if known is not None:
            return known[0], known[1]
        if depth >= MAX_DEPTH:
            raise SizeLimitError("depth")
        size = values = 0
        if isinstance(node, dict):
            items: Any = dict.values(node)  # then items of any container, walked by type
            keys = dict.keys(node)
            if all(map(_IS_STR, map(type, keys))):  # the common case, counted at once
                size = 10 * sum(map(len, keys)) + item_cost * len(keys)
                values = len(keys)
            else:
                items = (*keys, *items)
        elif isinstance(node, _CONTAINERS):
            items = node
        else:
            items = tuple(node)  # type: ignore[arg-type]  # a dict view (only _VIEWS reach here)
        count = len(items)
        size += VALUE_COST + item_cost * count  # each item as a short scalar, then the rest
        values += 1 + count
        if size > limit:
            raise SizeLimitError("size")
        nested = depth + 1
        # The hot loop of a safe load: a short string or a small number costs no more than
        # its item's share counted above; only what is bigger is looked at (and the limit
        # checked after it, so that a walk past the limit stops at once).
        for item in items:
            kind = type(item)
            if kind is str:
                if len(item) > _SHORT:
                    size += _text_cost(item) - 2  # its quotes are in its share
                    if size > limit:
                        raise SizeLimitError("size")
            elif kind is int:
                if not -_SMALL < item < _SMALL:
                    size += _text_cost(item)
                    if size > limit:
                        raise SizeLimitError("size")
            elif (
                kind is dict
                or kind is list
                or kind is tuple
                or isinstance(item, _CONTAINERS)
                or kind.__name__ in _VIEWS
            ):
                item_size, item_values = walk(item, nested)
                size += item_size + indent_cost * item_values + container_extra
                values += item_values - 1
                if size > limit:
                    raise SizeLimitError("size")
            elif kind not in flat:
                size += _text_cost(item)
        if size > limit:
            raise SizeLimitError("size")
        if keep_sets or not isinstance(node, (set, frozenset)):
            memo[id(node)] = (size, values, node)
        return size, values

    if isinstance(value, _CONTAINERS) or type(value).__name__ in _VIEWS:
        size = walk(value, 0)[0]
    else:
        size = VALUE_COST + _text_cost(value)
    if size > limit:
        raise SizeLimitError("size")
    return size, len(memo) - visited
