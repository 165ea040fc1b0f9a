"""One config's text as the editor sees it: which key path each position is on.

A Python config is read with :mod:`ast` (never run): every key it writes (top-level names,
``dict(...)`` keywords, ``{...}`` keys, list elements, ``a.b = ...`` targets) becomes a
:class:`Site` with its key path and where it is written, every string a :class:`Site` of
kind ``'string'``, every ``{{ _base_.x }}`` and ``_base_.x`` a ``'reference'``. Text being
typed is usually not valid Python: :func:`completion_context` cuts it at the cursor and
closes what is open, which is what completion needs. JSON and YAML configs have no sites
(the server still checks them).

Positions are 0-based lines and UTF-16 columns, as the Language Server Protocol counts.
"""

from __future__ import annotations

import ast
import re

from cfgkit._records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Union

    KeyPath = tuple[Union[str, int], ...]
    # The nodes a span is taken of: those that declare their position.
    Positioned = Union[ast.expr, ast.stmt, ast.keyword, ast.arg]

__all__ = ["CompletionContext", "Document", "completion_context", "parse_document"]

BASE = "_base_"
TYPE = "type"
_REFERENCE = re.compile(r"\{\{\s*_base_\.([\w.]+)\s*\}\}")
_MAX_DEPTH = 200  # nesting deeper than any real config: not walked (no RecursionError)
_TOO_DEEP = "the text is nested too deeply to read"


class Span(NamedTuple):
    """A range: 0-based line and UTF-16 column of its start and end."""

    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        """Tell whether the position is inside (the end included: a cursor after a word)."""
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)

    def size(self) -> tuple[int, int]:
        return (self.end_line - self.line, self.end_column - self.column)


class Site(NamedTuple):
    """Something written at a place: a key, a string value, a reference to a base's key.

    Attributes:
        kind: ``'key'`` (the name of a key), ``'string'`` (a string value, ``value`` its
            text), ``'reference'`` (``_base_.x``: ``path`` is the base's key path),
            ``'element'`` (a list element, which has no name), ``'dict'`` (a dict's whole
            text: ``value`` is the keys it gives).
        path: The key path (of the key, of the key holding the string, of the dict).
        span: Where it is written (for a string, its text without the quotes).
        value: See ``kind``.
        value_span: For a key, where its value is written.
    """

    kind: str
    path: KeyPath
    span: Span
    value: Any = None
    value_span: Optional[Span] = None


class Document(NamedTuple):
    """What the text of one config writes.

    Attributes:
        sites: Every site, in the order of the text.
        bases: The ``_base_`` entries: ``(entry, span of its text)``.
        lines: The text's lines.
        error: Why the text could not be read (a syntax error), else ``''``.
    """

    sites: list[Site]
    bases: list[tuple[str, Span]]
    lines: list[str]
    error: str = ""

    def at(self, line: int, column: int, kinds: tuple[str, ...] = ()) -> Optional[Site]:
        """The innermost site at a position (of one of ``kinds``, when given; the last
        written of those as small)."""
        found = [
            s
            for s in self.sites
            if (not kinds or s.kind in kinds) and s.span.contains(line, column)
        ]
        return min(reversed(found), key=lambda s: s.span.size(), default=None)


def parse_document(text: str, extension: str = ".py") -> Document:
    """Read a config's text into a :class:`Document` (empty sites when it is not Python or
    cannot be parsed; ``error`` says why)."""
    lines = text.split("\n")
    if extension != ".py":
        return Document([], [], lines)
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return Document([], [], lines, f"{type(error).__name__}: {error}")
    reader = _Reader(lines)
    try:
        reader.module(module)
    except RecursionError:
        return Document([], [], lines, _TOO_DEEP)
    return Document(reader.sites, reader.bases, lines)


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.sites: list[Site] = []
        self.bases: list[tuple[str, Span]] = []

    def span(self, node: Positioned, inner: bool = False) -> Span:
        line = node.lineno - 1
        end_line = (node.end_lineno or node.lineno) - 1
        start = self.column(line, node.col_offset)
        end = self.column(end_line, node.end_col_offset or 0)
        if inner and line == end_line and isinstance(node, ast.Constant):
            # Inside the quotes (prefixes and triple quotes included) of a one-line string.
            text = self.lines[line] if line < len(self.lines) else ""
            match = re.match(r"[rRbBuUfF]*('''|\"\"\"|'|\")", text[start:end])
            if match and isinstance(node.value, str):
                return Span(line, start + len(match.group(0)), line, end - len(match.group(1)))
        return Span(line, start, end_line, end)

    def column(self, line: int, byte_offset: int) -> int:
        """The UTF-16 column of a UTF-8 byte offset on a line (what ast gives)."""
        if line >= len(self.lines) or self.lines[line].isascii():
            return byte_offset
        prefix = self.lines[line].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
        return len(prefix.encode("utf-16-le")) // 2

    def module(self, module: ast.Module) -> None:
        for statement in module.body:
            if isinstance(statement, ast.Assign):
                targets, value = statement.targets, statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                targets, value = [statement.target], statement.value
            else:
                self.references(statement, 0)
                continue
            for target in targets:
                path = _target_path(target)
                if path is None:
                    continue
                self.sites.append(Site("key", path, self.key_span(target), None, self.span(value)))
                if path == (BASE,):
                    self.base_entries(value)
            self.value(value, path if len(targets) == 1 and path else (), 0)

    def key_span(self, target: ast.expr) -> Span:
        # `a.b.c = 1`: the last name; `a['b'] = 1`: the key's string.
        if isinstance(target, ast.Attribute):
            whole = self.span(target)
            return Span(whole.end_line, whole.end_column - len(target.attr), *whole[2:])
        if isinstance(target, ast.Subscript):
            return self.span(target.slice, inner=True)
        return self.span(target)

    def base_entries(self, value: ast.expr) -> None:
        nodes = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        for node in nodes:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                self.bases.append((node.value, self.span(node, inner=True)))

    def value(self, node: ast.expr, path: KeyPath, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
        ):
            given = [k.arg for k in node.keywords if k.arg is not None]
            self.sites.append(Site("dict", path, self.span(node), given))
            for keyword in node.keywords:
                if keyword.arg is None:
                    self.value(keyword.value, path, depth + 1)
                    continue
                key_path = (*path, keyword.arg)
                start = self.column(keyword.lineno - 1, keyword.col_offset)
                line = keyword.lineno - 1
                span = Span(line, start, line, start + len(keyword.arg))
                self.sites.append(Site("key", key_path, span, None, self.span(keyword.value)))
                self.value(keyword.value, key_path, depth + 1)
            for argument in node.args:
                self.references(argument, depth + 1)
            return
        if isinstance(node, ast.Dict):
            given = [
                k.value
                for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
            self.sites.append(Site("dict", path, self.span(node), given))
            for key, item in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, (str, int)):
                    key_path = (*path, key.value)
                    self.sites.append(
                        Site("key", key_path, self.span(key, inner=True), None, self.span(item))
                    )
                    self.value(item, key_path, depth + 1)
                else:
                    if key is not None:
                        self.references(key, depth + 1)
                    self.value(item, path, depth + 1)
            return
        if isinstance(node, (ast.List, ast.Tuple)):
            for index, element in enumerate(node.elts):
                element_path = (*path, index)
                self.sites.append(Site("element", element_path, self.span(element)))
                self.value(element, element_path, depth + 1)
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            span = self.span(node, inner=True)
            self.sites.append(Site("string", path, span, node.value))
            self.template_references(node.value, span)
            return
        self.references(node, depth + 1)

    def references(self, node: ast.AST, depth: int) -> None:
        """``_base_.a.b`` anywhere in an expression; dicts inside calls keep no path."""
        if depth > _MAX_DEPTH:
            return
        nodes = list(ast.walk(node))
        # The attributes another one reads from: `_base_.a.b` is one reference, not `_base_.a` too.
        inner = {id(n.value) for n in nodes if isinstance(n, ast.Attribute)}
        for child in nodes:
            if isinstance(child, ast.Attribute):
                path = _target_path(child)
                if path and path[0] == BASE and len(path) > 1 and id(child) not in inner:
                    self.sites.append(Site("reference", path[1:], self.span(child)))
            elif isinstance(child, ast.Constant) and isinstance(child.value, str):
                self.template_references(child.value, self.span(child, inner=True))

    def template_references(self, text: str, span: Span) -> None:
        """Each ``{{ _base_.x }}`` of a string written on one line at ``span``."""
        if span.line != span.end_line:
            return
        for match in _REFERENCE.finditer(text):
            start = span.column + match.start(1)
            where = Span(span.line, start, span.line, start + len(match.group(1)))
            self.sites.append(Site("reference", tuple(match.group(1).split(".")), where))


def _target_path(target: ast.expr) -> Optional[KeyPath]:
    """``('a', 'b', 'c')`` for ``a.b.c`` or ``a['b'].c``; None for anything else."""
    parts: list[Union[str, int]] = []
    node: ast.expr = target
    while True:
        if isinstance(node, ast.Name):
            parts.append(node.id)
            return tuple(reversed(parts))
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, (str, int))
        ):
            parts.append(node.slice.value)
            node = node.value
        else:
            return None


# -- completion: the text up to the cursor, closed -------------------------------------------


class CompletionContext(NamedTuple):
    """What the cursor is in, for completion.

    Attributes:
        kind: ``'type'`` (the string of a ``type``), ``'base'`` (a ``_base_`` string),
            ``'key'`` (where a key of a dict is written), or ``''`` (nothing known).
        path: The key path of the dict the cursor is in.
        given: The keys that dict already gives (the whole text's, when it parses).
        prefix: What is typed of the word or string at the cursor.
        in_call: The dict is a ``dict(...)`` call (keys are written ``name=``).
    """

    kind: str
    path: KeyPath
    given: tuple[str, ...]
    prefix: str
    in_call: bool


_NOTHING = CompletionContext("", (), (), "", False)


def completion_context(text: str, line: int, column: int) -> CompletionContext:
    """What completion at a position completes, read from the text up to it (closed)."""
    lines = text.split("\n")
    if line >= len(lines):
        return _NOTHING
    current = lines[line]
    column = min(column, len(current))
    head = "\n".join([*lines[:line], current[:column]])
    closed, string_prefix = _closed(head)
    word = re.search(r"[\w./:-]*$", current[:column])
    typed = string_prefix if string_prefix is not None else (word.group(0) if word else "")
    attempts = [closed]
    if string_prefix is None and word and word.group(0):
        attempts.append(_closed(head[: len(head) - len(word.group(0))])[0])
    for attempt in attempts:  # the next one only when this one is not Python
        document = parse_document(attempt)
        if not document.error:
            return _context_of(document, line, column, typed, string_prefix is not None, attempt)
        if document.error == _TOO_DEEP:
            return _NOTHING
    return _NOTHING


def _context_of(
    document: Document, line: int, column: int, typed: str, in_string: bool, text: str
) -> CompletionContext:
    inner = document.at(line, column, ("dict",))
    if in_string:
        string = document.at(line, column, ("string",))
        if string is not None and string.path[:1] == (BASE,):
            return CompletionContext("base", string.path, (), typed, False)
        if string is not None and string.path and string.path[-1] == TYPE:
            given = tuple(inner.value) if inner is not None else ()
            return CompletionContext("type", string.path[:-1], given, typed, False)
        if inner is not None and _in_dict_key(text, inner):
            return CompletionContext("key", inner.path, tuple(inner.value), typed, False)
        return _NOTHING
    if inner is None:
        return _NOTHING
    # A key is written here if the cursor is not after `=` or `:` of a key being given.
    before = text.rstrip()
    if before.endswith(("=", ":")) and not before.endswith(("==", "!=")):
        return _NOTHING
    if any(
        s.kind == "key"
        and s.value_span is not None
        and len(s.path) == len(inner.path) + 1
        and s.path[: len(inner.path)] == inner.path
        and s.value_span.contains(line, column)
        and s.value_span.size() != (0, 0)
        for s in document.sites
    ):
        return _NOTHING
    in_call = text[_offset(text, inner.span.line, inner.span.column) :].startswith("dict")
    return CompletionContext("key", inner.path, tuple(inner.value), typed, in_call)


def _in_dict_key(text: str, inner: Site) -> bool:
    """Tell whether the open string is a key of a ``{...}`` display (after ``{`` or ``,``)."""
    start = _offset(text, inner.span.line, inner.span.column)
    if not text[start:].startswith("{"):
        return False
    body = text.rstrip()
    quote = max(body.rfind("'"), body.rfind('"'))
    return body[:quote].rstrip().endswith(("{", ","))


def _offset(text: str, line: int, column: int) -> int:
    return sum(len(x) + 1 for x in text.split("\n")[:line]) + column


def _closed(head: str) -> tuple[str, Optional[str]]:
    """``head`` with its open string and brackets closed; and what is typed of the open
    string (None when the cursor is not in a string)."""
    stack: list[str] = []
    quote: Optional[str] = None
    start = 0
    index = 0
    closers = {"(": ")", "[": "]", "{": "}"}
    while index < len(head):
        char = head[index]
        if quote is not None:
            if char == "\\":
                index += 2
                continue
            if head.startswith(quote, index):
                index += len(quote)
                quote = None
                continue
            if char == "\n" and len(quote) == 1:
                quote = None  # an unclosed one-line string: Python refuses it anyway
            index += 1
            continue
        if char == "#":
            end = head.find("\n", index)
            index = len(head) if end < 0 else end
            continue
        if char in "'\"":
            triple = head[index : index + 3]
            quote = triple if triple in ("'''", '"""') else char
            index += len(quote)
            start = index
            continue
        if char in closers:
            stack.append(closers[char])
        elif char in ")]}" and stack and stack[-1] == char:
            stack.pop()
        index += 1
    typed = head[start:] if quote is not None else None
    return head + (quote or "") + "".join(reversed(stack)), typed
