"""Keys an override creates: an option that names a key the config did not have changes
nothing a runner reads (``model.backbone.dpeth=101``), so it is said, with the key it was
probably meant for.

Only the paths a merge changed are compared: a merge copies the containers along the paths
it writes and shares the rest, so the walk stops wherever the old and the new tree share a
node, and its cost follows the options, not the config.
"""

from __future__ import annotations

from cfgkit._key_paths import dotted
from cfgkit._keys import DELETE_KEY
from cfgkit._lazy_modules import lazy_pattern
from cfgkit._records import NamedTuple
from cfgkit.errors import did_you_mean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Hashable

    from cfgkit._contracts import KeyPath, KeyT

__all__ = ["new_keys"]

# `train_pipeline[2]`: a list index written as Python indexes, which a dotted key takes as a
# key of its own (`train_pipeline.2` is the index).
_BRACKET_INDEX = lazy_pattern(r"(.+)\[(-?\d+)\]")


class NewKey(NamedTuple):
    """A key a merge created, and the key it was probably meant to be.

    Attributes:
        path: The new key's path.
        suggestion: ``"Did you mean 'depth'?"``, or ``''``.
    """

    path: KeyPath
    suggestion: str

    @property
    def message(self) -> str:
        """What to tell the user."""
        parent = dotted(self.path[:-1]) or "the config"
        text = (
            f"{dotted(self.path)} is a new key: {parent} had no {self.path[-1]!r}, so this "
            "option adds it and changes no value the config had"
        )
        return f"{text}. {self.suggestion}" if self.suggestion else text


def new_keys(before: object, after: object, options: object) -> list[NewKey]:
    """The keys that merging ``options`` into ``before`` (giving ``after``) created.

    A dict an option replaces whole (``_delete_=True``) is new as written, so nothing in it
    counts; nor do the keys inside a key that is itself new (only its top is reported).

    Args:
        before: The config tree before the merge.
        after: The tree after it (sharing what the merge did not change).
        options: The options as merged (expanded into nested dicts).
    """
    found: list[NewKey] = []
    pending: list[tuple[KeyPath, object, object, object]] = [((), before, after, options)]
    while pending:
        path, old, new, written = pending.pop(0)
        if new is old or (isinstance(written, dict) and written.get(DELETE_KEY)):
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            for key, value in dict.items(new):
                given = written.get(key) if isinstance(written, dict) else None
                if key in old:
                    pending.append(((*path, key), dict.__getitem__(old, key), value, given))
                elif isinstance(written, dict) and key in written:
                    found.append(NewKey((*path, key), _suggestion(old, path, key, given)))
        elif (
            isinstance(old, (list, tuple))
            and isinstance(new, (list, tuple))
            and len(old) == len(new)
        ):
            # Both lists (or tuples) of one length: options indexed into the list (a list of
            # another length was written whole, and has no keys of its own to create).
            for index, (first, second) in enumerate(zip(old, new)):
                pending.append(((*path, index), first, second, _element(written, index)))
    return found


def _element(written: object, index: int) -> object:
    """What the options wrote into element ``index`` of a list (by index key), or None."""
    if not isinstance(written, dict):
        return None
    for key in (index, str(index)):
        if key in written:
            return written[key]
    return None


def _suggestion(old: dict[KeyT, object], path: KeyPath, key: Hashable, given: object) -> str:
    if not isinstance(key, str):
        return ""
    bracket = _BRACKET_INDEX.fullmatch(key)
    if bracket is not None and bracket.group(1) in old:
        rest: list[Hashable] = []
        while isinstance(given, dict) and len(given) == 1:  # the rest of the option's key
            ((name, given),) = given.items()
            rest.append(name)
        written = dotted((*path, bracket.group(1), bracket.group(2), *rest))
        return f"A list index is a dotted key: did you mean {written!r}?"
    return did_you_mean(key, [k for k in old if isinstance(k, str)])
