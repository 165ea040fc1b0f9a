"""Provenance: where each value of a config came from, replayed for one key on demand.

Loading keeps, for every file, what it contributed (its own dict, before merging) in merge
order: the bases depth first, then the file. ``merge_from_dict`` and assignments in code
(``cfg.model.backbone.depth = 5``) append to the same log. Asking for a key replays the log:
each layer that sets, merges into, replaces (a list, or a dict with ``_delete_=True``) or
removes the key gives one record. Line numbers are looked up only then.
"""

from __future__ import annotations

import copy
import os
import sys

from cfgkit._escaping import clipped
from cfgkit._keys import DELETE_KEY
from cfgkit._records import NamedTuple
from cfgkit.config._load.layers import SourceLayer, same_value
from cfgkit.config._load.source_lines import key_lines
from cfgkit.config.config_dict import to_plain_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType
    from typing import Optional

    from cfgkit._contracts import ConfigTree, KeyPart, KeyPath, Place

    # How a layer affects a key path: (action, value, note).
    Touched = tuple[str, object, str]

__all__ = ["LAYER_CODE", "LAYER_OPTIONS", "Provenance", "Record", "last_written", "touch"]

LAYER_BASE = "base"
LAYER_CONFIG = "config"
LAYER_ENV = "env"
LAYER_OPTIONS = "options"
LAYER_CODE = "code"
LAYER_FOLLOW = "follow"
# This file is cfgkit/config/_analysis/provenance.py: the third folder up is cfgkit itself.
_CFGKIT_DIRECTORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_MISSING = object()


class Record(NamedTuple):
    """One value a key took: where it was set, by which layer, and how.

    Attributes:
        value: The value (for a merge, the dict that was merged in).
        filename: The file that set it (None for options and unknown code).
        lineno: The line in ``filename``.
        layer: ``'base'``, ``'config'``, ``'env'``, ``'options'``, ``'code'``, or
            ``'follow'`` (a stale copy given its variable's value, ``follow_references``).
        action: ``'set'``, ``'merge'``, ``'replace'`` or ``'delete'``.
        note: More detail (the environment variable, ``_delete_``, an options label).
    """

    value: object
    filename: Optional[str]
    lineno: Optional[int]
    layer: str
    action: str
    note: str = ""

    @property
    def where(self) -> str:
        """``file:line``, the file alone, or the note when there is no file."""
        if self.filename is None:
            return self.note or "?"
        return f"{self.filename}:{self.lineno}" if self.lineno else self.filename

    def __repr__(self) -> str:
        detail = f", {self.note}" if self.note and self.filename is not None else ""
        value = clipped(repr(self.value), 60)
        return f"<{self.action} {value} at {self.where} ({self.layer}{detail})>"

    def __str__(self) -> str:
        return repr(self)


class _Event(NamedTuple):
    """A change made after loading: options merged in, one assignment in code, or a stale
    copy followed (``follow``: the change follows a variable, it is not the user's)."""

    path: KeyPath
    tree: object
    label: str
    filename: Optional[str] = None
    lineno: Optional[int] = None
    follow: bool = False

    def touches(self, path: KeyPath) -> bool:
        """Whether this change wrote ``path``, something under it, or replaced an ancestor."""
        if path[: len(self.path)] == self.path:
            # An assignment replaces everything under its key; options are merged.
            return bool(self.path) or touch(self.tree, path) is not None
        return self.path[: len(path)] == path


def _child(node: object, key: KeyPart) -> object:
    """``node[key]`` for dicts and sequences (digit strings index sequences), or _MISSING."""
    if isinstance(node, dict):
        if key in node:
            return dict.__getitem__(node, key)
        if isinstance(key, int) and str(key) in node:  # options write list indexes as text
            return dict.__getitem__(node, str(key))
        return _MISSING
    if isinstance(node, (list, tuple)) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return _MISSING


def touch(tree: object, path: KeyPath) -> Optional[Touched]:
    """How a layer's tree affects ``path``: ``(action, value, note)``, or None if it does not.

    Mirrors the merge: dicts merge key by key; a sequence or a scalar replaces what was
    there, so everything under it comes from this layer; ``_delete_=True`` replaces a dict.
    """
    node = tree
    replaced = ""
    for depth, key in enumerate(path):
        if isinstance(node, dict):
            if depth and node.get(DELETE_KEY):
                replaced = "_delete_=True"
        elif isinstance(node, (list, tuple)):
            replaced = replaced or "set as part of a sequence"
        else:
            return ("delete", None, "a value replaced the dict above it")
        node = _child(node, key)
        if node is _MISSING:  # not written: deleted if replaced above, else not touched
            return ("delete", None, replaced) if replaced else None
    if isinstance(node, dict) and node.get(DELETE_KEY):
        return ("replace", node, "_delete_=True")
    if replaced:
        return ("set", node, replaced)
    return ("merge" if isinstance(node, dict) else "set", node, "")


def _caller_outside_cfgkit() -> Place:
    """The file and line of the first frame outside cfgkit and addict (who assigned)."""
    frame: Optional[FrameType] = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_CFGKIT_DIRECTORY) and "addict" not in filename:
            return filename, frame.f_lineno
        frame = frame.f_back
    return None, None


class Provenance:
    """The log of a config's layers, replayed for one key at a time.

    Args:
        filename: The config file (its own layer is ``'config'``; the others ``'base'``).
        layers: What each file contributed, in merge order.
    """

    def __init__(self, filename: Optional[str], layers: tuple[SourceLayer, ...]) -> None:
        self.filename = filename
        self.layers = layers
        self.events: list[_Event] = []
        # Stale copies follow their variables (``follow_references=True``), after loading
        # and after every ``merge_from_dict``.
        self.follow_references = False
        # Key paths to lines, per layer, computed the first time a layer is asked.
        self._lines: dict[int, dict[KeyPath, int]] = {}

    def copied(self) -> Provenance:
        """A log for a copy of the config: the same layers, its own list of later changes."""
        other = copy.copy(self)  # the layers and their line maps are shared
        other.events = list(self.events)
        return other

    def line_of(self, index: int, path: KeyPath) -> Optional[int]:
        """The line of layer ``index`` that writes ``path``, or its longest written prefix."""
        lines = self._lines.get(index)
        layer = self.layers[index]
        if lines is None:
            lines = self._lines[index] = key_lines(layer.text, layer.extension)
        for end in range(len(path), 0, -1):
            found = lines.get(_as_written(path[:end], layer.aliases))
            if found is not None:
                return found
        return None

    def record_options(self, tree: ConfigTree, label: str = "merge_from_dict") -> None:
        """Log options merged in (``tree`` as ``merge_into`` got it: dotted keys expanded)."""
        self.events.append(_Event((), to_plain_tree(tree), label))

    def record_assignment(self, path: KeyPath, value: object) -> None:
        """Log ``cfg.<path> = value``, with the file and line of the code that did it."""
        filename, lineno = _caller_outside_cfgkit()
        # A copy: the assigned dict or list may be changed in place afterwards.
        snapshot = to_plain_tree(value)
        self.events.append(_Event(path, snapshot, "assignment in code", filename, lineno))

    def record_follow(
        self,
        path: KeyPath,
        value: object,
        note: str,
        filename: Optional[str],
        lineno: Optional[int],
    ) -> None:
        """Log a stale copy at ``path`` given its variable's value (``value``, plain)."""
        self.events.append(_Event(path, value, note, filename, lineno, follow=True))

    def chain(self, path: KeyPath, current: object = _MISSING) -> list[Record]:
        """The records of every value ``path`` took, oldest first.

        Args:
            path: The key path (list indexes as ints).
            current: The value the config holds now; when the log does not end with it (a
                change made in place, like ``list.append``), a last record says so.

        Returns:
            The records.
        """
        records: list[Record] = []
        for index, layer in enumerate(self.layers):
            touched = touch(layer.tree, path)
            if touched is not None:
                records.append(self._file_record(index, path, touched, bool(records)))
        for event in self.events:
            if path[: len(event.path)] == event.path:
                touched = touch(event.tree, path[len(event.path) :])
            elif event.path[: len(path)] == path:
                touched = ("merge", {event.path[len(path)]: event.tree}, "")
            else:
                continue
            if touched is not None:
                records.append(self._event_record(event, touched, bool(records)))
        if current is not _MISSING and not (records and _same(records[-1].value, current)):
            records.append(Record(current, None, None, LAYER_CODE, "set", "changed in code"))
        return records

    def _file_record(self, index: int, path: KeyPath, touched: Touched, seen: bool) -> Record:
        layer = self.layers[index]
        action = _in_order(touched[0], seen)
        value, note = touched[1], touched[2]
        lineno = self.line_of(index, path)
        kind = LAYER_CONFIG if layer.filename == self.filename else LAYER_BASE
        variable = layer.env_variable_on(lineno) if action != "delete" else None
        if variable is not None:
            kind, note = LAYER_ENV, f"${variable}"
        return Record(value, layer.filename, lineno, kind, action, note)

    def _event_record(self, event: _Event, touched: Touched, seen: bool) -> Record:
        action = _in_order(touched[0], seen)
        value, note = touched[1], touched[2]
        if event.follow:
            return Record(value, event.filename, event.lineno, LAYER_FOLLOW, action, event.label)
        if event.filename is None:
            return Record(value, None, None, LAYER_OPTIONS, action, note or event.label)
        return Record(value, event.filename, event.lineno, LAYER_CODE, action, event.label)

    def locate(self, path: KeyPath) -> Place:
        """The file and line of the last layer that wrote ``path`` (for error messages)."""
        return last_written(self.chain(path))


def _as_written(path: KeyPath, aliases: tuple[tuple[KeyPath, KeyPath], ...]) -> KeyPath:
    """``path`` with each list index a selector edited spelled as that selector."""
    for indexed, selected in reversed(aliases):  # outer selections were recorded last
        if path[: len(indexed)] == indexed:
            path = (*selected, *path[len(indexed) :])
    return path


def last_written(records: list[Record]) -> Place:
    """The file and line of the last record that wrote a value (not a deletion)."""
    for record in reversed(records):
        if record.filename is not None and record.action != "delete":
            return record.filename, record.lineno
    return None, None


def _in_order(action: str, seen: bool) -> str:
    """The first value of a key is 'set'; a later one 'replace's (dicts still 'merge')."""
    if not seen:
        return "set" if action in ("merge", "replace") else action
    return "replace" if action == "set" else action


def _same(recorded: object, current: object) -> bool:
    if isinstance(recorded, dict) or isinstance(current, dict):
        return True  # dicts are merged from several layers; leaves carry the comparison
    return same_value(recorded, current, default=True)
