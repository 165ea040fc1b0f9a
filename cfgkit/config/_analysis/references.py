"""Stale copies: keys a file bound to a variable that a later layer changed.

A base that writes ``model = dict(decode_head=dict(norm_cfg=norm_cfg))`` *binds* the key path
``model.decode_head.norm_cfg`` to the variable ``norm_cfg``: at run time both are one value.
A child that sets ``norm_cfg = dict(type='BN')`` changes the top-level key only, and the head
keeps the base's value. Such a copy is *stale*.

Bindings are read from each file's source (``ast``), never guessed from equal values: a
key written as the bare name of a variable binds to it, and so does every key below a bare
name whose value binds keys itself (``pipeline=train_pipeline`` binds
``pipeline.1.scale`` to ``img_scale`` when ``train_pipeline[1]`` is
``dict(scale=img_scale)``). Expressions, ``**spread``, calls such as ``deepcopy(x)`` and loop
variables bind nothing, and a binding counts only when the file's own result confirms it
(the two values are equal there).

A binding of key path P to variable V in file F is stale when a later layer (a child file,
``merge_from_dict``, ``--cfg-options``, an assignment in code) wrote V, V's final value
differs from V as F left it, nothing later wrote P, anything below P or an ancestor of P
that replaced it, and P's final value differs from V's. A stale copy under another stale
copy is reported as the outer one. Layers come from provenance (:mod:`.provenance`);
nothing here runs while loading.
"""

from __future__ import annotations

import os
from collections import Counter

from cfgkit._key_paths import dotted, leaf_paths
from cfgkit._keys import DELETE_KEY, SCOPE_KEY
from cfgkit._lazy_modules import lazy_module, lazy_pattern
from cfgkit._records import NamedTuple
from cfgkit.config._analysis.provenance import touch
from cfgkit.config._load.layers import same_value
from cfgkit.config._load.parsing import parse_tree
from cfgkit.config._load.source_lines import target_path, written_items
from cfgkit.config._merge.merging import merge_into, shallow_copy
from cfgkit.config.config_dict import adopt, to_plain_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    import re
    from typing import Any, Iterable, Optional

    from cfgkit._contracts import ConfigTree, KeyPart, KeyPath
    from cfgkit.config._analysis.provenance import Provenance, _Event
    from cfgkit.config._load.layers import SourceLayer

    # A binding found below a name: (path below it, variable, line).
    Entry = tuple[KeyPath, str, int]
else:
    ast = lazy_module("ast")  # lazy: see cfgkit._lazy_modules
    re = lazy_module("re")  # lazy: see cfgkit._lazy_modules

__all__ = ["StaleReference", "bindings_in", "follow", "stale_references"]

_MISSING = object()


class Binding(NamedTuple):
    """A key path a file writes as the bare name of a variable.

    Attributes:
        path: The key path (list indexes as ints).
        variable: The top-level variable.
        lineno: The line that writes the path.
    """

    path: KeyPath
    variable: str
    lineno: int


class StaleReference(NamedTuple):
    """A key that still holds a copy of a variable's old value.

    Attributes:
        key: The dotted key path of the copy.
        path: The same path as a tuple (list indexes as ints).
        variable: The variable it was bound to.
        severity: ``'warning'`` under a key the runner reads, ``'note'`` under a helper.
        filename: The file that last changed the variable (None for an override).
        lineno: The line in ``filename``.
        changed_by: ``file:line``, or the option (``--cfg-options norm_cfg.type``).
        bound_filename: The file that bound the key to the variable.
        bound_lineno: The line that did.
        value: The copy's value now.
        expected: The variable's value now (what following gives the copy).
        pure_python: The key was bound in a pure-Python config (edits are assignments).
    """

    key: str
    path: KeyPath
    variable: str
    severity: str
    filename: Optional[str]
    lineno: Optional[int]
    changed_by: str
    bound_filename: str
    bound_lineno: int
    value: object
    expected: object
    pure_python: bool = False

    @property
    def message(self) -> str:
        """What is stale, and why, for a line that names the key already (files below the
        current directory named relative to it)."""
        changed = self.changed_by
        if self.filename is not None:
            changed = changed.replace(self.filename, _shown(self.filename), 1)
        return (
            f"a stale copy of `{self.variable}` (bound at "
            f"{_shown(self.bound_filename)}:{self.bound_lineno}): `{self.variable}` was "
            f"changed at {changed} and the copy still holds the old value"
        )

    @property
    def suggestion(self) -> str:
        """How to fix it: the statement that writes the copy in the child."""
        return (
            f"Write it in the child too ({self.fix}), or load with follow_references=True "
            "(--follow-references)"
        )

    @property
    def fix(self) -> str:
        """A statement for the child that keeps the copy with its variable."""
        for end, key in enumerate(self.path):
            if isinstance(key, int):
                return f"the whole list `{dotted(self.path[:end])}`: a list is written whole"
            if not (isinstance(key, str) and key.isidentifier()):
                return f"`{self.key}`"
        if self.pure_python or len(self.path) == 1:
            return f"`{self.key} = {self.variable}`"
        written = self.variable
        for key in reversed(self.path[1:]):
            written = f"dict({key}={written})"
        return f"`{self.path[0]} = {written}`"

    def __repr__(self) -> str:
        return f"<StaleReference {self.key} -> {self.variable} changed at {self.changed_by}>"


def _shown(path: str) -> str:
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative


def bindings_in(text: str) -> list[Binding]:
    """Every key path that the Python config ``text`` binds to a variable, in file order.

    Args:
        text: A config's source (after the text passes).

    Returns:
        The bindings; empty for a text that does not parse.
    """
    try:
        module = parse_tree(text)
    except (SyntaxError, ValueError):
        return []
    finder = _Finder(_local_names(module.body))
    finder.block(module.body, creating=True)
    return finder.bindings()


def _local_names(statements: Iterable[ast.stmt]) -> set[str]:
    """Names that are not plain variables: loop, comprehension, ``with``, ``except`` and
    walrus targets, imports, functions and classes."""
    named = (ast.ExceptHandler, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    names: set[str] = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.NamedExpr)):
                names.update(_stored_names(node.target))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                names.update(_stored_names(node.optional_vars))
            elif isinstance(node, named) and node.name:
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
    return names


def _stored_names(target: ast.expr) -> list[str]:
    return [node.id for node in ast.walk(target) if isinstance(node, ast.Name)]


_WHOLE = object()  # the bucket of bindings of a top-level name itself (`b = a`)


class _Finder:
    """Walks a module's statements in order, keeping the bindings under each top-level name
    (a later write of a path drops what was bound at or below it)."""

    def __init__(self, excluded: set[str]) -> None:
        self.excluded = excluded
        # Top-level name -> first key below it (`_WHOLE` for the name itself) -> (path below
        # the name, variable, line): a write looks only at the bindings it can drop, so a file
        # of many assignments into one dict is read in linear time.
        self.inside: dict[KeyPart, dict[KeyPart, list[Entry]]] = {}

    def bindings(self) -> list[Binding]:
        found = [
            Binding((top, *below), variable, line)
            for top, buckets in self.inside.items()
            for entries in buckets.values()
            for below, variable, line in entries
        ]
        found.sort(key=lambda binding: binding.lineno)  # file order (the sort is stable)
        return found

    def block(self, statements: list[ast.stmt], creating: bool) -> None:
        for statement in statements:
            self.statement(statement, creating)

    def statement(self, statement: ast.stmt, creating: bool) -> None:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                self.assign(target, statement.value if creating else None)
        elif isinstance(statement, ast.AnnAssign):
            self.assign(statement.target, statement.value if creating else None)
        elif isinstance(statement, ast.AugAssign):
            self.assign(statement.target, None)
        elif isinstance(statement, ast.Delete):
            for target in statement.targets:
                self.assign(target, None)
        elif isinstance(statement, ast.If):
            self.block(statement.body, creating)
            self.block(statement.orelse, creating)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            self.block(statement.body, creating)
        else:
            # Loops, try blocks, match: what they assign is written, but bound to nothing.
            for field in ("body", "orelse", "finalbody"):
                self.block(getattr(statement, field, []), False)
            for part in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
                self.block(part.body, False)

    def assign(self, target: ast.expr, value: Optional[ast.expr]) -> None:
        path = target_path(target)
        if path is None:
            # Unpacking (`a, b = ...`) or a computed key (`x[i] = ...`): every name it
            # stores, or the name it indexes, is written as a whole.
            for name in _stored_names(target):
                self.write((name,))
            return
        self.write(path)
        if value is None:
            return
        buckets = self.inside.setdefault(path[0], {})
        for below, variable, line in self.collect(value):
            if variable != path[0]:  # `x = dict(a=x)` reads the value being replaced
                relative = (*path[1:], *below)
                first = relative[0] if relative else _WHOLE
                buckets.setdefault(first, []).append((relative, variable, line))

    def write(self, path: KeyPath) -> None:
        buckets = self.inside.get(path[0])
        if not buckets:
            return
        below = path[1:]
        if not below:
            del self.inside[path[0]]
            return
        bucket = buckets.get(below[0])
        if bucket:
            buckets[below[0]] = [entry for entry in bucket if entry[0][: len(below)] != below]

    def collect(self, value: ast.expr) -> list[Entry]:
        """The bindings a value expression makes, with paths relative to it."""
        if isinstance(value, ast.Name):
            if value.id in self.excluded:
                return []
            found: list[Entry] = [((), value.id, value.lineno)]
            # `pipeline=train_pipeline`: what the name binds below it is bound here too.
            for bucket in self.inside.get(value.id, {}).values():
                found.extend((below, var, value.lineno) for below, var, _ in bucket)
            return found
        return [
            ((key, *below), variable, line)
            for key, item, _ in written_items(value)
            if isinstance(key, (str, int))  # a constant key of another type binds nothing
            for below, variable, line in self.collect(item)
        ]


_WORD = lazy_pattern(r"[^\W\d]\w*")


def _used_names(text: str) -> set[str]:
    """The identifiers that occur in ``text`` more than once (an assignment and a use): only
    those can be bound, so a file with none of the changed variables is never parsed."""
    return {word for word, count in Counter(_WORD.findall(text)).items() if count > 1}


class _Results:
    """Values of each layer's file as that file left them: merged from the layers up to it
    (a classic chain), or the file's own result (pure-Python)."""

    def __init__(self, layers: tuple[SourceLayer, ...]) -> None:
        self.layers = layers
        self.tops: dict[tuple[int, KeyPart], object] = {}

    def at(self, index: int, path: KeyPath) -> object:
        layer = self.layers[index]
        if layer.result is not None:
            return _value(layer.result, path)
        key = (index, path[0])
        top = self.tops.get(key, _MISSING)
        if top is _MISSING:
            top = self.tops[key] = self._merged(index, path[0])
        return _value(top, path[1:])  # _MISSING has no value below it

    def _merged(self, index: int, top: KeyPart) -> object:
        current: object = _MISSING
        for layer in self.layers[: index + 1]:
            tree = layer.tree
            if not isinstance(tree, dict) or top not in tree:
                continue
            base = {} if current is _MISSING else {top: current}
            try:
                current = merge_into(
                    {top: dict.__getitem__(tree, top)}, base, allow_list_keys=True
                )[top]
            except Exception:  # a merge that failed while loading cannot be replayed
                return _MISSING
        return current


def _value(tree: object, path: KeyPath) -> object:
    node = tree
    for key in path:
        if isinstance(node, dict):
            if key not in node:
                return _MISSING
            node = dict.__getitem__(node, key)
        elif isinstance(node, (list, tuple)) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return _MISSING
    return node


# Keys that are not values: `_delete_`, and the `_scope_` a `pkg::` base gives its typed
# dicts (a copy the scope did not reach is not stale for it).
_IGNORED_KEYS = frozenset({DELETE_KEY, SCOPE_KEY})


def _equal(first: object, second: object) -> bool:
    """Equal as config values: dicts of any class by their keys (``_delete_``, ``_scope_`` aside),
    sequences of the same kind element by element, leaves by ``==`` and type."""
    if first is second:
        return True
    if isinstance(first, dict) and isinstance(second, dict):
        keys = [k for k in first if k not in _IGNORED_KEYS]
        if len(keys) != sum(1 for k in second if k not in _IGNORED_KEYS):
            return False
        return all(
            k in second and _equal(dict.__getitem__(first, k), dict.__getitem__(second, k))
            for k in keys
        )
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)):
        return (
            type(first) is type(second)
            and len(first) == len(second)
            and all(map(_equal, first, second))
        )
    # Otherwise (a sequence and another value among them) `same_value` compares types too.
    return same_value(first, second)


def stale_references(
    log: Provenance, root: ConfigTree, hidden: Iterable[str] = ()
) -> list[StaleReference]:
    """Find every stale copy in a loaded config.

    Args:
        log: The config's provenance.
        root: The config's top-level dict as it is now.
        hidden: Names that are not config keys (a pure-Python config's imports).

    Returns:
        The stale copies, outer ones only, in the order of the files that bound them.
    """
    layers = log.layers
    events = [event for event in log.events if not event.follow]
    skipped = set(hidden)
    # The top-level keys written after each layer: a binding can only be stale if its
    # variable is among them, so most files are never parsed.
    later: list[set[object]] = [set() for _ in layers]
    written: set[object] = set()
    for event in events:
        tree: Any = event.tree  # options (a dict) when the path is empty
        written.update(event.path[:1] if event.path else tree)
    for index in range(len(layers) - 1, -1, -1):
        later[index] = set(written)
        if isinstance(layers[index].tree, dict):
            written.update(layers[index].tree)
    results = _Results(layers)
    found: dict[KeyPath, StaleReference] = {}
    for index, layer in enumerate(layers):
        if layer.extension != ".py":
            continue
        if index + 1 < len(layers) and layers[index + 1].filename == layer.filename:
            continue  # the file's last layer (after its `_base_` edits) answers for it
        names = [v for v in later[index] if isinstance(v, str) and v not in skipped]
        variables = {v for v in names if v in root}
        if variables:  # only then are the file's words read
            variables &= _used_names(layer.text)
        if not variables:
            continue
        for binding in bindings_in(layer.text):
            if binding.variable in variables and binding.path not in found:
                stale = _stale(binding, index, log, events, results, root)
                if stale is not None:
                    found[binding.path] = stale
    return [
        stale
        for path, stale in found.items()
        if not any(path[:end] in found for end in range(1, len(path)))
    ]


def _stale(
    binding: Binding,
    index: int,
    log: Provenance,
    events: list[_Event],
    results: _Results,
    root: ConfigTree,
) -> Optional[StaleReference]:
    path, variable = binding.path, binding.variable
    layers = log.layers
    if any(touch(layer.tree, path) is not None for layer in layers[index + 1 :]):
        return None
    if any(event.touches(path) for event in events):
        return None
    value, expected = _value(root, path), dict.__getitem__(root, variable)
    if value is _MISSING or _equal(value, expected):
        return None
    seen = results.at(index, (variable,))
    if seen is _MISSING or _equal(seen, expected):
        return None
    if not _equal(results.at(index, path), seen):
        return None  # the file's own result does not confirm the binding
    filename, lineno, changed_by = _last_change(variable, index, log, events)
    from cfgkit._openmmlab import read_by_runner  # lazy: only a stale copy needs it

    runner = read_by_runner(path[0])
    return StaleReference(
        key=dotted(path),
        path=path,
        variable=variable,
        severity="warning" if runner else "note",
        filename=filename,
        lineno=lineno,
        changed_by=changed_by,
        bound_filename=layers[index].filename,
        bound_lineno=binding.lineno,
        value=to_plain_tree(value),
        expected=to_plain_tree(expected),
        pure_python=layers[index].result is not None,
    )


def _last_change(
    variable: str, index: int, log: Provenance, events: list[_Event]
) -> tuple[Optional[str], Optional[int], str]:
    """Where ``variable`` was last written after layer ``index``: file, line and a label."""
    for event in reversed(events):
        if event.touches((variable,)):
            if event.filename is not None:
                return event.filename, event.lineno, f"{event.filename}:{event.lineno}"
            tree = event.tree.get(variable) if isinstance(event.tree, dict) else None
            leaves = [dotted(p) for p, _ in leaf_paths(tree, (variable,))] if tree else []
            return None, None, f"{event.label} {leaves[0] if leaves else variable}"
    for later in range(len(log.layers) - 1, index, -1):
        layer = log.layers[later]
        if isinstance(layer.tree, dict) and variable in layer.tree:
            lineno = _assignment_line(layer.text, variable) if layer.extension == ".py" else None
            if lineno is None:
                lineno = log.line_of(later, (variable,))
            where = f"{layer.filename}:{lineno}" if lineno else layer.filename
            return layer.filename, lineno, where
    return None, None, "?"  # unreachable: the caller saw a later write


def _assignment_line(text: str, name: str) -> Optional[int]:
    """The line of the last top-level ``name = ...`` in Python ``text`` (the one that wins),
    found without parsing; None when no line starts so."""
    pattern = re.compile(rf"^{re.escape(name)}[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)
    starts = [match.start() for match in pattern.finditer(text)]
    return text.count("\n", 0, starts[-1]) + 1 if starts else None


def follow(log: Provenance, root: ConfigTree, hidden: Iterable[str] = ()) -> ConfigTree:
    """Give every stale copy its variable's value now; return the new top-level dict.

    Only the containers on the paths changed are copied (and made ``ConfigDict``); each copy
    followed is logged, so ``provenance`` shows the step.
    """
    stale = stale_references(log, root, hidden)
    if not stale:
        return root
    changes = [(reference.path, to_plain_tree(reference.expected)) for reference in stale]
    tree: ConfigTree = adopt(_replaced(root, changes), (), log)
    for reference in stale:
        note = f"follows `{reference.variable}` bound at {_shown(reference.bound_filename)}"
        note += f":{reference.bound_lineno}"
        if reference.filename is None:  # an option: no file to show, so the note says it
            note = f"{reference.changed_by}; {note}"
        log.record_follow(
            reference.path, reference.expected, note, reference.filename, reference.lineno
        )
    return tree


def _replaced(node: object, changes: list[tuple[KeyPath, object]], depth: int = 0) -> object:
    """``node`` with each ``(path, value)`` of ``changes`` written (paths below ``depth``),
    copying each container on the way once, however many changes go through it."""
    for path, value in changes:
        if len(path) == depth:
            return value  # stale copies are outer ones: nothing else lies under this one
    below: dict[Any, list[tuple[KeyPath, object]]] = {}  # by key, or by index into a list
    for path, value in changes:
        below.setdefault(path[depth], []).append((path, value))
    if isinstance(node, dict):
        copy = shallow_copy(node)
        for key, inner in below.items():
            copy[key] = _replaced(dict.__getitem__(node, key), inner, depth + 1)
        return copy
    sequence: Any = node  # a list or a tuple: changes only go through containers
    items = list(sequence)
    for index, inner in below.items():
        items[index] = _replaced(items[index], inner, depth + 1)
    return items if isinstance(node, list) else type(sequence)(items)
