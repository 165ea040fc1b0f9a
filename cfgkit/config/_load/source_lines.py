"""Map the key paths a config file writes to the lines that write them.

Asked only for a line to show: where a value came from, or where a load error is (a load that
succeeds runs nothing here but :func:`target_path`, for pure-Python configs).

- Python: for every top-level assignment (the last one wins, as at run time), the keys of
  ``dict(...)`` calls, ``{...}`` displays and the elements of lists and tuples in its value,
  each with the line of its keyword, key or element; assignments into names
  (``model.backbone.depth = 5``, ``model['neck'] = ...``, ``_base_.model.type = 'X'``) too.
  A key inside a value built by code (a comprehension, ``**base``, a call) has no entry: the
  longest written prefix, down to the statement, answers for it.
- YAML and JSON: the line of every key and sequence item, from PyYAML's node tree.
"""

from __future__ import annotations

from cfgkit._keys import BASE_KEY
from cfgkit._lazy_modules import lazy_module
from cfgkit.config._load.files import read_text
from cfgkit.config._load.parsing import parse_tree, paused_gc
from cfgkit.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    import re
    from typing import Iterator, Optional

    from yaml.nodes import Node

    from cfgkit._contracts import KeyPart, KeyPath

    _KeyLines = dict[KeyPath, int]
else:
    ast = lazy_module("ast")  # lazy: see cfgkit._lazy_modules
    re = lazy_module("re")  # lazy: see cfgkit._lazy_modules
    _KeyLines = dict

__all__ = ["find_key_line", "key_lines", "target_path", "written_items"]


def find_key_line(filename: str, key: str, text: Optional[str] = None) -> Optional[int]:
    """Return the first line of ``filename`` that sets the top-level ``key``, if any.

    A cheap look at the text for error messages (no parsing).

    Args:
        filename: The config file.
        key: A top-level key.
        text: The file's text, when the caller has it.

    Returns:
        The 1-based line number, or None when no line looks like it sets the key.
    """
    if text is None:
        try:
            text = read_text(filename)
        except ConfigError:
            return None
    pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*[:=]", re.MULTILINE)
    match = pattern.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def key_lines(text: str, extension: str) -> dict[KeyPath, int]:
    """Return the line of every key path that ``text`` writes.

    Args:
        text: The config's text (after the text passes, as it was parsed).
        extension: ``.py``, ``.json``, ``.yaml`` or ``.yml``.

    Returns:
        Key paths (list indexes as ints) to 1-based lines; empty when the text cannot be read.
    """
    # The syntax tree is kept while the paths are collected: the garbage collector would walk
    # all of it again and again (superlinear in the size of the file).
    with paused_gc():
        if extension == ".py":
            return _python_lines(text)
        return _data_lines(text)


class _Lines(_KeyLines):
    """Key paths to lines, with the paths under each top-level key at hand, so that the
    lines of a file are found in time linear in its size."""

    def __init__(self) -> None:
        super().__init__()
        self.by_top: dict[KeyPart, dict[KeyPath, None]] = {}

    def __setitem__(self, path: KeyPath, line: int) -> None:
        super().__setitem__(path, line)
        self.by_top.setdefault(path[0], {})[path] = None

    def __delitem__(self, path: KeyPath) -> None:
        super().__delitem__(path)
        del self.by_top[path[0]][path]

    def under(self, top: KeyPart) -> list[tuple[KeyPath, int]]:
        """``(path, line)`` for every path that starts with the top-level key ``top``."""
        return [(path, self[path]) for path in self.by_top.get(top, ())]


def _python_lines(text: str) -> dict[KeyPath, int]:
    try:
        module = parse_tree(text)
    except (SyntaxError, ValueError):
        return {}
    lines = _Lines()
    for statement in module.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and statement.value:
            targets, value = [statement.target], statement.value
        else:
            continue
        for target in targets:
            path = target_path(target)
            if path is None:
                continue
            # A new value for a path replaces what was written under it before.
            for known, _ in lines.under(path[0]):
                if known[: len(path)] == path:
                    del lines[known]
            lines[path] = statement.lineno
            _describe(value, path, lines)
    return lines


def target_path(target: ast.expr) -> Optional[KeyPath]:
    """``model`` -> ``('model',)``; ``model.neck['x']`` -> ``('model', 'neck', 'x')``;
    ``_base_.model.type`` -> ``('model', 'type')``; anything else -> None."""
    parts: list[KeyPart] = []
    node = target
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            parts.append(node.slice.value)
        else:
            return None
        node = node.value
    parts.append(node.id)
    path = tuple(reversed(parts))
    return (path[1:] if path[0] == BASE_KEY else path) or None


def _describe(value: ast.expr, path: KeyPath, lines: _Lines) -> None:
    if isinstance(value, ast.Name) and (value.id,) in lines:
        # `pipeline=test_pipeline`: the keys inside come from where that name was written.
        for known, line in lines.under(value.id):
            if len(known) > 1:
                lines[(*path, *known[1:])] = line
        return
    for key, item, line in written_items(value):
        here = (*path, key)
        lines[here] = line
        _describe(item, here, lines)


def written_items(value: ast.expr) -> Iterator[tuple[KeyPart, ast.expr, int]]:
    """``(key, value, line)`` for each key a value expression writes itself: the keywords of
    ``dict(...)`` (not ``**spread``), the constant keys of ``{...}``, the elements of a list
    or tuple up to a ``*starred`` one (later indexes are built by code)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        for keyword in value.keywords:
            if keyword.arg is not None:
                yield keyword.arg, keyword.value, getattr(keyword, "lineno", value.lineno)
    elif isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values):
            if isinstance(key, ast.Constant):
                yield key.value, item, key.lineno
    elif isinstance(value, (ast.List, ast.Tuple)):
        for index, item in enumerate(value.elts):
            if isinstance(item, ast.Starred):
                return
            yield index, item, item.lineno


def _data_lines(text: str) -> dict[KeyPath, int]:
    from cfgkit.config._load import yaml_safe  # PyYAML costs ~20 ms to import; only this needs it

    try:
        root = yaml_safe.compose_yaml(text)
    except Exception:  # a text PyYAML cannot compose just has no lines
        return {}
    lines: dict[KeyPath, int] = {}
    if root is not None:
        _describe_node(root, (), lines)
    return lines


def _describe_node(node: Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    kind = type(node).__name__
    if kind == "MappingNode":  # (key, the node whose line it is, the value's node)
        items = [(_scalar(key), key, value) for key, value in node.value]
    elif kind == "SequenceNode":
        items = [(index, item, item) for index, item in enumerate(node.value)]
    else:
        return
    for key, marked, value in items:
        lines[(*path, key)] = marked.start_mark.line + 1
        _describe_node(value, (*path, key), lines)


def _scalar(node: Node) -> KeyPart:
    """The key a scalar node stands for: ints as ints, everything else as its text."""
    value = getattr(node, "value", None)
    if isinstance(value, str) and node.tag.endswith(":int"):
        try:
            return int(value)
        except ValueError:
            return value
    return value
