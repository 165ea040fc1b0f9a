"""Rebase: the shortest classic child config that, with given bases, loads to a given config.

The child is the difference between the config (its resolved tree) and what its bases give,
written as mmengine merges it back:

- a dict that only gains or changes keys is a partial dict, merged into the base's;
- a dict that loses keys, or replaces a value of another type, carries ``_delete_=True``
  and is written whole; what it keeps unchanged from the base is written as a reference to
  the base (``bbox_head=_base_.model.roi_head.bbox_head``) rather than copied;
- any other value (a list, a tuple, a scalar) replaces the base's, so it is written whole;
  with ``selectors=True`` a list of dicts is written as cfgkit's list selectors instead,
  when that is shorter (cfgkit only: mmengine rejects a dict over a list);
- a key that a file of the chain binds to a variable (``pipeline=train_pipeline``,
  :func:`~cfgkit.config._analysis.references.bindings_in`) is written as that variable
  when the child writes the variable and the result is the same: the copy then follows the
  child's value, where a literal would leave the reader to see that they are one value.

Every choice is checked on values (``merge_into`` and exact comparison), never assumed, and
the text is loaded back and compared before it is returned. Nothing is imported: the config
is loaded with ``custom_imports`` left as written.
"""

from __future__ import annotations

import functools
import operator
import os

from cfgkit._escaping import clipped
from cfgkit._key_paths import dotted
from cfgkit._keys import BASE_KEY, DELETE_KEY
from cfgkit._locations import PROVENANCE_ATTRIBUTE
from cfgkit.config._analysis.references import bindings_in
from cfgkit.config._load.files import PYTHON_EXTENSION, project_roots, read_text, safe_roots
from cfgkit.config._load.inheritance import LoadOptions, locate_base, resolve_text
from cfgkit.config._load.layers import same_value
from cfgkit.config._load.parsing import (
    evaluate_base_files,
    load_data,
    parse_tree,
    take_base_assignments,
)
from cfgkit.config._load.pure_python import is_pure_python
from cfgkit.config._load.substitution import substitute_predefined_variables
from cfgkit.config._merge.merging import merge_into
from cfgkit.config._merge.selectors import parse_selector
from cfgkit.config._output.formatting import is_python_name, leaf_text
from cfgkit.config.config import Config
from cfgkit.config.config_dict import ConfigDict, to_plain_tree
from cfgkit.config.lazy import LAZY_TYPES
from cfgkit.errors import RebaseError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Hashable, Iterable, Optional, Sequence, Union

    from cfgkit._contracts import KeyPath

__all__ = ["PACKAGE_SEPARATOR", "rebase"]

PACKAGE_SEPARATOR = "::"
WIDTH = 79
INDENT = 4
DEFAULT_NAME = "rebased.py"
_SAME: Any = object()  # what a diff returns when the base already gives the value
# Keys a ConfigDict answers as attributes of its own: `_base_.<key>` would not read them.
_ATTRIBUTES = frozenset(dir(ConfigDict)) | {"scope", "lazy"}


class _Ref:
    """An expression written as it is (a variable, ``_base_.x``), with the value it has."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: object) -> None:
        self.text = text
        self.value = value


class _NeedsParent(Exception):
    """A dict keeps a ``_delete_`` key that a merge at its level would pop: the dict above
    must replace its base instead (there, nested values are not merged)."""

    def __init__(self, path: KeyPath) -> None:
        super().__init__(path)
        self.path = path


def rebase(
    config: Union[str, os.PathLike[str], Config],
    onto: Optional[Sequence[str]] = None,
    *,
    filename: Union[str, os.PathLike[str], None] = None,
    selectors: bool = False,
    check: bool = True,
    safe: bool = False,
    safe_root: Union[str, os.PathLike[str], Sequence[str], None] = None,
) -> str:
    """Write the shortest classic child config of ``onto`` that loads to ``config``.

    Args:
        config: A config file (any format, any style cfgkit loads; ``custom_imports`` are
            not imported) or a loaded :class:`Config` (after ``merge_from_dict``, say).
        onto: The bases: paths (relative to the current directory) or ``pkg::path``
            entries. Default: the config's own ``_base_`` list.
        filename: Where the child will be written: its ``_base_`` paths are written
            relative to that folder. Default: ``rebased.py`` in the current directory.
        selectors: Write changed lists of dicts with cfgkit's list selectors where that is
            shorter (the child then loads in cfgkit only).
        check: Load the text back (as ``filename``) and compare it with the config.
        safe: Load Python configs without running them (``docs/safe-mode.md``).
        safe_root: With ``safe``, more folders files may be read from (``safe_root=`` of
            ``Config.fromfile``); the config's folder, the child's and the project's
            ``configs`` folder (:func:`cfgkit.config.project_roots`) always may be.

    Returns:
        The child config's text.

    Raises:
        RebaseError: A value no child can give (a lazy import of a pure-Python config, a
            ``_delete_`` key kept in a top-level dict the bases have), a pure-Python config
            without ``onto``, or a child that does not load back the same (also a
            ``ValueError``).
        DumpError: A value has no Python text that loads back to it (names the key).
        ConfigError: The config or a base cannot be loaded.

    Examples:
        >>> print(rebase('configs/flat.py', ['configs/_base_/toy.py']))  # doctest: +SKIP
        _base_ = './_base_/toy.py'
        <BLANKLINE>
        model = dict(backbone=dict(depth=101))
    """
    out = os.path.abspath(
        os.fspath(filename) if filename is not None else os.path.join(os.getcwd(), DEFAULT_NAME)
    )
    source = config.filename if isinstance(config, Config) else os.fspath(config)
    roots = _roots(source, out, safe_root) if safe else ()
    if not isinstance(config, Config):
        config = Config.fromfile(
            os.fspath(config), import_custom_modules=False, safe=safe, safe_root=roots or None
        )
    if onto is None:
        origin = os.path.abspath(os.fspath(config.filename or out))
        entries: list[tuple[str, Optional[str]]] = [(e, origin) for e in _own_bases(config)]
    else:
        entries = [(os.fspath(entry), None) for entry in onto]
    written = [_written(entry, _located(entry, start), out) for entry, start in entries]
    options = LoadOptions(safe=safe, safe_roots=roots)
    header = _base_statement(written)
    bases = resolve_text(header + "\n", out, PYTHON_EXTENSION, options)
    target = _target_tree(config)
    log = config._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
    layers = [*bases.layers.flatten(), *(log.layers if log is not None else ())]
    writer = _Writer(target, to_plain_tree(bases.tree), _hints(layers), selectors)
    changed = writer.child or writer.removed or writer.deleted
    text = header + "\n\n" + writer.text() if changed else header + "\n"
    if check:
        loaded = resolve_text(text, out, PYTHON_EXTENSION, options).tree
        difference = _first_difference(to_plain_tree(loaded), target)
        if difference is not None:
            key, detail = difference
            raise RebaseError(
                f"the child config does not load back to the config ({detail})",
                filename=out,
                key=key or None,
            )
    return text


def _roots(
    source: Optional[str], out: str, extra: Union[str, os.PathLike[str], Sequence[str], None]
) -> tuple[str, ...]:
    """The folders a safe rebase reads: the config's and the child's, their projects'
    ``configs`` folders, and ``extra``."""
    found = list(safe_roots(out, extra))
    for path in (source, out):
        if path is not None:
            found.extend(project_roots(os.path.abspath(path)))
    return tuple(dict.fromkeys(os.path.realpath(f) for f in found))


# --- bases ------------------------------------------------------------------------------------


def _own_bases(cfg: Config) -> list[str]:
    """The config's ``_base_`` entries as its file writes them."""
    if cfg.filename is None:
        return []
    path = os.path.abspath(os.path.expanduser(os.fspath(cfg.filename)))
    if not os.path.isfile(path):
        return []
    raw = read_text(path)
    text = substitute_predefined_variables(raw, path)
    extension = os.path.splitext(path)[1]
    if extension == PYTHON_EXTENSION:
        if is_pure_python(raw, path):
            raise RebaseError(
                "a pure-Python config inherits with imports, which a classic child cannot: "
                "give classic bases to rebase onto (onto=..., --onto)",
                filename=path,
            )
        first = take_base_assignments(parse_tree(text, path))[0]
        entries = [] if first is None else evaluate_base_files(first, path)
    else:
        entries = load_data(text, path, extension).get(BASE_KEY, [])
    if isinstance(entries, str):
        return [entries]
    return list(entries) if isinstance(entries, (list, tuple)) else []


def _located(entry: str, origin: Optional[str]) -> str:
    """The absolute path a base entry names (from ``origin``'s folder, else the current
    directory)."""
    if PACKAGE_SEPARATOR in entry:
        return locate_base(entry, origin or os.path.join(os.getcwd(), DEFAULT_NAME))[0]
    if origin is None:
        return os.path.abspath(os.path.expanduser(entry))
    return locate_base(entry, origin)[0]


def _written(entry: str, path: str, out: str) -> str:
    """A base as the user writes it in a file at ``out``: ``pkg::`` as it is, else relative."""
    if PACKAGE_SEPARATOR in entry:
        return entry
    folder = os.path.dirname(out)
    if os.path.dirname(os.path.commonpath([path, folder])) == os.path.commonpath([path, folder]):
        return path.replace(os.sep, "/")  # nothing in common but the root: absolute
    relative = os.path.relpath(path, folder).replace(os.sep, "/")
    return relative if relative.startswith("../") else "./" + relative


def _base_statement(entries: list[str]) -> str:
    if len(entries) == 1:
        return f"{BASE_KEY} = {leaf_text(entries[0])}"
    flat = f"{BASE_KEY} = [{', '.join(leaf_text(e) for e in entries)}]"
    if len(flat) <= WIDTH:
        return flat
    inner = "".join(f"    {leaf_text(e)},\n" for e in entries)
    return f"{BASE_KEY} = [\n{inner}]"


# --- the config -------------------------------------------------------------------------------


def _target_tree(cfg: Config) -> dict[Hashable, object]:
    """The config's plain tree; lazy imports (which no classic child gives) are an error."""
    items: Any = dict.items(cfg._cfg_dict)  # as stored: lazy imports are not built
    kept = {key: value for key, value in items if key not in cfg._imported_names}
    tree: dict[Any, Any] = to_plain_tree(kept)
    stack: list[tuple[KeyPath, Any]] = [((), tree)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
        elif isinstance(node, LAZY_TYPES):
            raise RebaseError(
                f"the value is a lazy import ({node}) of a pure-Python config, which a classic "
                "child config cannot write",
                filename=cfg.filename,
                key=dotted(path),
            )
    return tree


# The files of the bases are read again for every config rebased onto them.
_bindings = functools.lru_cache(maxsize=4096)(bindings_in)


def _hints(layers: Iterable[Any]) -> dict[KeyPath, dict[str, None]]:
    """Key paths to the variables some file of either chain binds them to (in order, once)."""
    hints: dict[KeyPath, dict[str, None]] = {}
    for layer in layers:
        if layer.extension == PYTHON_EXTENSION:
            for path, variable, _ in _bindings(layer.text):
                hints.setdefault(path, {})[variable] = None
    return hints


# --- comparing --------------------------------------------------------------------------------


def _same(first: object, second: object) -> bool:
    """Equal as loaded configs are compared: dicts by keys (order aside), sequences of the
    same type element by element, leaves by ``==`` and exact type (NaN equals NaN)."""
    if first is second:
        return True
    if isinstance(first, dict) and isinstance(second, dict):
        return len(first) == len(second) and all(
            key in second and _same(value, dict.__getitem__(second, key))
            for key, value in dict.items(first)
        )
    if type(first) is not type(second):
        return False
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)):
        return len(first) == len(second) and all(map(_same, first, second))
    if isinstance(first, float) and first != first and second != second:
        return True
    return same_value(first, second)


def _first_difference(
    loaded: object, target: object, path: KeyPath = ()
) -> Optional[tuple[str, str]]:
    """The first key path where ``loaded`` differs from ``target``, and how."""
    if isinstance(loaded, dict) and isinstance(target, dict):
        for key in target:
            if key not in loaded:
                return dotted((*path, key)), "the key is missing"
            found = _first_difference(loaded[key], target[key], (*path, key))
            if found is not None:
                return found
        for key in loaded:
            if key not in target:
                return dotted((*path, key)), "the key is not in the config"
        return None
    if (
        isinstance(loaded, (list, tuple))
        and type(loaded) is type(target)
        and len(loaded) == len(target)
    ):
        for index, (first, second) in enumerate(zip(loaded, target)):
            found = _first_difference(first, second, (*path, index))
            if found is not None:
                return found
        return None
    if _same(loaded, target):
        return None
    return dotted(path), f"{clipped(repr(loaded), 60)} instead of {clipped(repr(target), 60)}"


def _value(node: object) -> object:
    """What the written ``node`` evaluates to (references replaced by their values)."""
    if isinstance(node, _Ref):
        return node.value
    if isinstance(node, dict):
        return {k: _value(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(_value(v) for v in node)
    return node


def _leaves(node: object) -> int:
    """How many values the written ``node`` spells out (a reference is one)."""
    if isinstance(node, dict):
        return sum(_leaves(v) for k, v in node.items() if k != DELETE_KEY) or 1
    if isinstance(node, (list, tuple)):
        return sum(_leaves(v) for v in node) or 1
    return 1


# --- the difference ---------------------------------------------------------------------------


# A container this large, equal to a top-level value the child writes whole, is written as
# that value's name; smaller ones (`dict(type='BN')`) are clearer spelled out.
_SHARED_LEAVES = 4


def _at(tree: Any, path: KeyPath) -> object:
    """The value at ``path`` of a tree of dicts and lists (followed by key and index)."""
    return functools.reduce(operator.getitem, path, tree)


def _base_reference(path: KeyPath, private: bool = False) -> Optional[str]:
    """``_base_.model['type']``-style text reading ``path`` from the bases (None for a
    ``_private`` key unless asked: ``_scope_`` is not worth a reference)."""
    text = BASE_KEY
    for key in path:
        if isinstance(key, str) and is_python_name(key) and key not in _ATTRIBUTES:
            if key.startswith("_") and not private:
                return None
            text += f".{key}"
        elif isinstance(key, (str, int)) and not isinstance(key, bool):
            text += f"[{key!r}]"
        else:
            return None
    return text


class _Writer:
    """The child of ``base`` that gives ``target``, and its text."""

    def __init__(
        self,
        target: dict[Hashable, object],
        base: dict[Hashable, object],
        hints: dict[KeyPath, dict[str, None]],
        selectors: bool,
    ) -> None:
        self.target = target
        self.base = base
        self.hints = hints
        self.selectors = selectors
        self.child: dict[Any, Any] = {}
        self.needs: dict[Any, set[Any]] = {}  # top-level key -> the variables it reads
        # A child cannot delete a key of its bases by merging; it can delete it from them
        # (`del _base_.tta_model`), which mmengine keeps.
        self.removed = [key for key in base if key not in target]
        self.deleted: list[KeyPath] = []  # keys deleted from the bases' dicts, kept partial
        for key, value in target.items():
            if key in base:
                try:
                    written = self._diff(value, base[key], (key,))
                except _NeedsParent as needed:
                    raise RebaseError(
                        f"the config keeps a {DELETE_KEY!r} key in a dict the bases have, "
                        "which merging always removes",
                        key=dotted(needed.path),
                    ) from None
                if written is not _SAME:
                    self.child[key] = written
            else:
                self.child[key] = self._whole(value, None, (key,))
        # Values the child writes whole at the top level, by what they are (their repr): a copy
        # of one elsewhere (a flat config's pipeline in each dataset) is written as its name.
        self.shared: dict[str, list[Any]] = {}
        for key, written in self.child.items():
            value = target[key]
            if isinstance(value, (dict, list, tuple)) and _same(_value(written), value):
                self.shared.setdefault(repr(value), []).append(key)
        # Likewise top-level values the child inherits unchanged (`pipeline=_base_.train_pipeline`).
        self.inherited: dict[str, list[Any]] = {}
        for key, value in base.items():
            if (
                key not in self.child
                and isinstance(value, (dict, list, tuple))
                and _base_reference((key,)) == f"{BASE_KEY}.{key}"
                and _same(target.get(key, _SAME), value)
            ):
                self.inherited.setdefault(repr(value), []).append(key)
        for key in list(self.child):
            self.needs[key] = set()
            self.child[key] = self._follow(self.child[key], (key,), key in base)

    # pass 1: what differs

    def _diff(self, target: object, base: object, path: KeyPath) -> object:
        if _same(target, base):
            return _SAME
        if isinstance(target, dict):
            if isinstance(base, dict) and self._mergeable(target, base, path):
                deleted = len(self.deleted)
                self.deleted.extend((*path, key) for key in base if key not in target)
                written: dict[Any, Any] = {}
                # The merge keeps the base's order: write its keys in it, new ones after.
                keys = [key for key in base if key in target]
                keys += [key for key in target if key not in base]
                try:
                    for key in keys:
                        here, value = (*path, key), target[key]
                        if key in base:
                            part = self._diff(value, base[key], here)
                            if part is not _SAME:
                                written[key] = part
                        else:
                            written[key] = self._whole(value, None, here)
                    return written if written else _SAME  # only deletions
                except _NeedsParent:
                    # Replace this dict whole instead: nested values are not merged.
                    del self.deleted[deleted:]
            if DELETE_KEY in target:
                raise _NeedsParent(path)
            replaced = self._whole(target, base if isinstance(base, dict) else None, path)
            assert isinstance(replaced, dict)  # a dict is written as a dict
            return {DELETE_KEY: True, **replaced}
        if self.selectors and isinstance(target, list) and isinstance(base, list):
            edits = self._selected(target, base, path)
            if edits is not None:
                return edits
        return self._whole(target, None, path)

    @staticmethod
    def _mergeable(
        target: dict[Hashable, object], base: dict[Hashable, object], path: KeyPath
    ) -> bool:
        """Whether a partial dict merged into ``base`` can give ``target``: no key would be
        read as a merge instruction (``_delete_``, a list selector), and the keys that go
        are few enough to delete from the bases (``del _base_.model.roi_head.mask_head``):
        the dict keeps at least half of its base's values, it is not in a list, and each
        key that goes can be named. A dict that keeps less is a replacement
        (``_delete_=True``), as a new optimizer is."""
        if DELETE_KEY in target or any(
            parse_selector(key) is not None for key in target if key not in base
        ):
            return False
        gone = [key for key in base if key not in target]
        if not gone:
            return True
        if any(isinstance(key, int) for key in path) or any(
            _base_reference((*path, key), private=True) is None for key in gone
        ):
            return False
        kept = sum(1 for key, value in base.items() if key in target and _same(value, target[key]))
        return 2 * kept >= len(base)

    def _whole(self, target: object, base: object, path: KeyPath) -> object:
        """``target`` written whole; under a dict that replaces ``base``, what it keeps
        unchanged is a reference to the base."""
        if isinstance(target, dict):
            written: dict[Any, Any] = {}
            for key, value in target.items():
                here = (*path, key)
                kept = base.get(key, _SAME) if isinstance(base, dict) else _SAME
                if kept is not _SAME and value and isinstance(value, (dict, list, tuple)):
                    reference = _base_reference(here)
                    if reference is not None and _same(value, kept):
                        written[key] = _Ref(reference, kept)
                        continue
                written[key] = self._whole(value, kept if isinstance(kept, dict) else None, here)
            return written
        if isinstance(target, (list, tuple)):
            return type(target)(self._whole(v, None, (*path, i)) for i, v in enumerate(target))
        return target

    def _selected(self, target: list[object], base: list[object], path: KeyPath) -> object:
        """The list as selector edits of ``base`` (elements edited in place, then elements
        appended), when that is shorter than the list; else None."""
        if not all(isinstance(e, dict) for e in base) or len(target) < len(base):
            return None
        edits: dict[str, Any] = {}
        for index, (element, old) in enumerate(zip(target, base)):
            if _same(element, old):
                continue
            kind = old.get("type") if isinstance(old, dict) else None
            if not isinstance(kind, str) or not isinstance(element, dict):
                return None
            key = f"[type={kind}]"
            selector = parse_selector(key)
            if selector is None or not selector.matches(old):
                return None
            if sum(selector.matches(e) for e in base) != 1:
                return None
            try:
                edits[key] = self._diff(element, old, (*path, index))
            except _NeedsParent:
                return None
        extra = target[len(base) :]
        if len(extra) > 1:
            return None  # a dict has one `[+]` key: it appends one element
        if extra:
            edits["[+]"] = self._whole(extra[0], None, (*path, len(base)))
        if not edits or _leaves(edits) >= _leaves(target):
            return None
        try:
            merged = merge_into({"list": _value(edits)}, {"list": base})["list"]
        except Exception:  # a selector cfgkit reads differently: write the list whole
            return None
        return edits if _same(merged, target) else None

    # pass 2: variables

    def _follow(self, node: object, path: KeyPath, merged: bool) -> object:
        """``node`` (written at ``path``, merged into the base's value there or not) with
        each value a file binds to a variable written as that variable, where it gives the
        same value (a reference is not a container: it is returned as it is)."""
        large = isinstance(node, (dict, list, tuple)) and _leaves(node) >= _SHARED_LEAVES
        fingerprint = repr(_at(self.target, path)) if large else ""  # no repr is empty
        for variable in (*self.hints.get(path, ()), *self.shared.get(fingerprint, ())):
            if self._reads(path, merged, variable):
                self.needs[path[0]].add(variable)
                return _Ref(variable, _value(self.child[variable]))
        for key in self.inherited.get(fingerprint, ()):
            if self._gives(self.base[key], path, merged):
                return _Ref(f"{BASE_KEY}.{key}", self.base[key])
        if isinstance(node, dict):
            if any(parse_selector(key) is not None for key in node):
                return node
            # Merged: the bases have the path (their value there has each key merged below).
            base = _at(self.base, path) if merged and not node.get(DELETE_KEY) else None
            return {
                key: value
                if key == DELETE_KEY
                else self._follow(value, (*path, key), isinstance(base, dict) and key in base)
                for key, value in node.items()
            }
        if isinstance(node, (list, tuple)):
            return type(node)(self._follow(v, (*path, i), False) for i, v in enumerate(node))
        return node

    def _reads(self, path: KeyPath, merged: bool, variable: str) -> bool:
        if variable not in self.child or path == (variable,) or not is_python_name(variable):
            return False
        return not self._depends(variable, path[0]) and self._gives(
            _value(self.child[variable]), path, merged
        )

    def _gives(self, value: object, path: KeyPath, merged: bool) -> bool:
        """Whether writing ``value`` at ``path`` gives the config's value there."""
        if merged:
            try:
                value = merge_into({"v": value}, {"v": _at(self.base, path)})["v"]
            except Exception:  # the value does not merge there
                return False
        return _same(value, _at(self.target, path))

    def _depends(self, key: object, on: object) -> bool:
        """Whether the top-level ``key`` reads ``on``, directly or not (or is it)."""
        seen: set[Any] = set()
        pending = [key]
        while pending:
            current = pending.pop()
            if current == on:
                return True
            if current not in seen:
                seen.add(current)
                pending.extend(self.needs.get(current, ()))
        return False

    # the text

    def order(self) -> list[object]:
        """Top-level keys in the bases' order, new ones after in the config's; a variable
        before the keys that read it."""
        keys = [k for k in self.base if k in self.child]
        keys += [k for k in self.target if k in self.child and k not in self.base]
        placed: list[Any] = []
        done: set[Any] = set()

        def place(key: object) -> None:
            if key in done:
                return
            done.add(key)
            for needed in sorted(self.needs.get(key, ()), key=keys.index):
                place(needed)
            placed.append(key)

        for key in keys:
            place(key)
        return placed

    def text(self) -> str:
        statements = [f"del {_base_reference(path, private=True)}" for path in self.deleted]
        for key in self.removed:
            reference = _base_reference((key,), private=True)
            if reference is None:
                raise RebaseError(
                    f"the bases define the top-level key {key!r} and the config does not have "
                    "it, and no statement can delete a key of this type from them",
                    key=str(key),
                )
            statements.append(f"del {reference}")
        for key in self.order():
            target = str(key) if is_python_name(key) else f"globals()[{leaf_text(key, (key,))}]"
            statements.append(
                f"{target} = {_block(self.child[key], 0, len(target) + 3, 0, (key,))}"
            )
        lines = statements[:1]
        for previous, statement in zip(statements, statements[1:]):
            if (
                "\n" in statement
                or "\n" in previous
                or previous.startswith("del ") != statement.startswith("del ")
            ):
                lines.append("")
            lines.append(statement)
        return "\n".join(lines) + "\n"


# --- formatting -------------------------------------------------------------------------------


def _flat(node: object, path: KeyPath) -> str:
    if isinstance(node, _Ref):
        return node.text
    if isinstance(node, dict):
        if not node:
            return "dict()"
        if all(is_python_name(k) for k in node):
            named = (f"{k}={_flat(v, (*path, k))}" for k, v in node.items())
            return "dict(" + ", ".join(named) + ")"
        pairs = (f"{leaf_text(k, path)}: {_flat(v, (*path, k))}" for k, v in node.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_flat(v, (*path, i)) for i, v in enumerate(node)) + "]"
    if isinstance(node, tuple):
        items = [_flat(v, (*path, i)) for i, v in enumerate(node)]
        return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    return leaf_text(node, path)


def _block(node: object, indent: int, used: int, tail: int, path: KeyPath) -> str:
    """``node`` starting ``used`` columns into a line indented by ``indent``, followed by
    ``tail`` closing characters: on one line when it fits, else one item a line (a dict's
    closing bracket after its last item, a list's on a line of its own, as OpenMMLab's
    configs write them)."""
    flat = _flat(node, path)
    if (
        used + len(flat) + tail <= WIDTH
        or isinstance(node, _Ref)
        or not isinstance(node, (dict, list, tuple))
        or not node
    ):
        return flat
    inner = " " * (indent + INDENT)
    if isinstance(node, dict):
        named = all(is_python_name(k) for k in node)
        opening, closing = ("dict(", ")") if named else ("{", "}")
        inside = flat[len(opening) : -len(closing)]
        if "\n" not in inside and len(inner) + len(inside) + 1 + tail <= WIDTH:
            return f"{opening}\n{inner}{inside}{closing}"  # the items fit on the next line
        lines = []
        for number, (key, value) in enumerate(node.items()):
            prefix = f"{key}=" if named else f"{leaf_text(key, path)}: "
            last = number == len(node) - 1
            body = _block(
                value,
                indent + INDENT,
                len(inner) + len(prefix),
                tail + 1 if last else 1,
                (*path, key),
            )
            lines.append(f"{inner}{prefix}{body}")
        return opening + "\n" + ",\n".join(lines) + closing
    opening, closing = ("[", "]") if isinstance(node, list) else ("(", ")")
    comma = "," if isinstance(node, tuple) and len(node) == 1 else ""
    # Values without dicts (scales, means, class names) fill their lines.
    simple = not any(isinstance(v, (dict, _Ref)) for v in node)
    texts = [_flat(v, (*path, i)) for i, v in enumerate(node)] if simple else []
    if simple and all(len(inner) + len(t) + 1 <= WIDTH for t in texts):
        lines = [inner + texts[0]]
        for item in texts[1:]:
            if len(lines[-1]) + len(item) + 3 <= WIDTH:
                lines[-1] += ", " + item
            else:
                lines.append(inner + item)
    else:
        lines = [
            f"{inner}{_block(v, indent + INDENT, len(inner), 1, (*path, i))}"
            for i, v in enumerate(node)
        ]
    return opening + "\n" + ",\n".join(lines) + comma + "\n" + " " * indent + closing
