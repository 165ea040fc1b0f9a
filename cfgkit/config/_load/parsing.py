"""Turn one config file's text into a plain dict (.py, .json, .yaml), without inheritance.

Python configs are compiled with their real path and run in memory, so tracebacks, syntax
errors and ``__file__``-style introspection point at the user's file and line. YAML is read
with a safe loader that knows ``!!python/tuple`` and no other Python tag.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import types

from cfgkit._keys import BASE_KEY
from cfgkit._lazy_modules import lazy_module, lazy_pattern
from cfgkit._records import NamedTuple
from cfgkit.config._load import compile_cache
from cfgkit.config._load.loader_names import loader_builtins
from cfgkit.errors import (
    CfgkitError,
    ConfigSyntaxError,
    DataSyntaxError,
    NestingError,
    NotAMappingError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    import re
    from typing import Any, Optional
else:
    ast = lazy_module("ast")  # lazy: see cfgkit._lazy_modules
    re = lazy_module("re")  # lazy: see cfgkit._lazy_modules

__all__ = [
    "PythonConfig",
    "compile_python",
    "evaluate_base_files",
    "load_data",
    "parse_python",
    "parse_tree",
    "paused_gc",
    "run_python",
    "take_base_assignments",
    "top_level_base_statement",
]

_DROPPED_VALUE_TYPES = (types.FunctionType, types.ModuleType)
# The name `_base_` (not a folder in a path like '../_base_/x.py', not part of a longer name),
# and the same where it is read rather than assigned (`_base_.x`, `_base_[...]`, a comment).
# The look-behind comes after the literal, so that the search skips ahead to each "_base_"
# (one before it is tried at every position: 36 times slower over the corpus).
_BASE_NAME = r"_base_(?<![\w./\\]_base_)(?![\w/\\])"
_BASE_NAME_RE = lazy_pattern(_BASE_NAME)
_BASE_READ_RE = lazy_pattern(_BASE_NAME + r"(?!\s*=(?!=))")
_TOP_LEVEL_BASE_RE = lazy_pattern(r"(?m)^_base_\s*=(?!=)")
_LOADER_IMPORT_RE = lazy_pattern(r"\b(?:from|import)\s+(?:mmengine|cfgkit)\b")
# For finding a `_base_ = ...` statement in text (see `_split_base_assignment`).
_COMMENT_RE = lazy_pattern(r"#[^\n]*")
_OPENER_RE = lazy_pattern(r"[\"'(\[{\\]")
_VALUE_TOKEN_RE = lazy_pattern(
    r"(?P<string>[rRbBuUfF]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''"
    r"|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'))"
    r"|(?P<comment>#[^\n]*)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<continued>\\\n)"
    r"|(?P<end>\n)|(?P<compared>[=!<>]=)|(?P<other_statement>[;=])"
)


class PythonConfig(NamedTuple):
    """A compiled Python config.

    Attributes:
        filename: The absolute path the code was compiled with.
        code: The compiled module.
        base_files: The value of the first top-level ``_base_ = ...`` (``[]`` without one),
            or None when the code does not read ``_base_`` and so runs as written: its
            ``_base_`` assignment is then read back by :func:`run_python`.
        reads_bases: Whether the code uses the name ``_base_`` (so it needs the base dict).
        imports_loader: Whether it imports from mmengine or cfgkit (``read_base``,
            ``Config``), which are served without importing them (see ``loader_names``).
        tree: In safe mode, the module to interpret instead of ``code`` (which is None).
    """

    filename: str
    code: Optional[types.CodeType]
    base_files: object
    reads_bases: bool
    imports_loader: bool = False
    tree: Optional[ast.Module] = None


def _syntax_error(message: str, filename: str, error: Optional[SyntaxError] = None) -> Exception:
    return ConfigSyntaxError(
        f"There are syntax errors in config file: {message}",
        filename=filename,
        lineno=error.lineno if error else None,
        offset=error.offset if error else None,
        text=error.text if error else None,
    )


class paused_gc:
    """A block during which the cyclic garbage collector does not run.

    Loading allocates trees of dicts and lists that hold no cycles, and the collector walks
    every one of them (and, in its full collections, everything the process keeps, such as
    the parse cache): for a large file that makes parsing superlinear (a 100,000-key config:
    1.3 s, 0.45 s without it), and in a corpus load it is a tenth of the time. The collector
    is enabled again at the end of the block only if it was enabled at its start.
    """

    __slots__ = ("_enabled",)

    def __enter__(self) -> None:
        self._enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._enabled:
            gc.enable()


def parse_tree(text: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` with the cyclic garbage collector paused (an AST holds no cycles)."""
    with paused_gc():
        return ast.parse(text, filename)


def parse_python(text: str, filename: str) -> ast.Module:
    """Parse a Python config's text.

    Raises:
        ConfigSyntaxError: The text is not Python (also a ``SyntaxError``), with the file,
            line, column and source line; a NUL byte is a :class:`DataSyntaxError`.
    """
    _check_nul(text, filename)
    try:
        return parse_tree(text, filename)
    except SyntaxError as error:
        raise _syntax_error(error.msg, filename, error) from None
    except (ValueError, RecursionError, MemoryError) as error:  # too deeply nested to parse
        raise _syntax_error(f"{type(error).__name__}: {error}", filename) from None


def _check_nul(text: str, filename: str) -> None:
    # compile() raises ValueError for a NUL before Python 3.11.4 and SyntaxError after.
    position = text.find("\0")
    if position >= 0:
        raise DataSyntaxError(
            "There are syntax errors in config file: source code cannot contain null bytes",
            filename=filename,
            lineno=text.count("\n", 0, position) + 1,
        )


def compile_python(text: str, filename: str, safe: bool = False) -> PythonConfig:
    """Compile a classic Python config, going through an AST only when the text needs it.

    mmengine removes every ``_base_ = ...`` so that, while the config runs, the name refers
    to the dict of base values; the first top-level one gives the list of bases. When the
    text never reads ``_base_`` (the common case) it is compiled as written instead, which
    is the same but cheaper: the assignment runs and its value is read back afterwards.

    Args:
        text: The config's text after the text passes.
        filename: The absolute path, used for line numbers in errors and tracebacks.
        safe: Parse only, for :mod:`~cfgkit.config._load.safe_python` to interpret (no compile
            cache, no ``eval`` of the ``_base_`` list).

    Returns:
        The compiled config.

    Raises:
        ConfigSyntaxError: The text is not valid Python (also a ``SyntaxError``).
        ConfigExecutionError: Evaluating the ``_base_`` expression raised.
    """
    _check_nul(text, filename)
    if safe:
        return _parse_safely(text, filename)
    kept = compile_cache.load(text, filename)
    if kept is not None:
        return PythonConfig(filename, *kept)
    imports_loader = ("mmengine" in text or "cfgkit" in text) and bool(
        _LOADER_IMPORT_RE.search(text)
    )
    occurrences = len(_BASE_NAME_RE.findall(text)) if BASE_KEY in text else 0
    try:
        if occurrences == 0 or (occurrences == 1 and _TOP_LEVEL_BASE_RE.search(text)):
            code = compile(text, filename, "exec")
            compile_cache.store(text, filename, (code, None, False, imports_loader))
            return PythonConfig(filename, code, None, False, imports_loader)
        reads = len(_BASE_READ_RE.findall(text))
        split = _split_base_assignment(text) if occurrences - reads == 1 else None
        if occurrences == reads or split is not None:
            with contextlib.suppress(SyntaxError):  # the tree then says what is wrong
                return _compile_reader(text, filename, split, imports_loader)
        tree = parse_tree(text, filename)
    except SyntaxError as error:
        raise _syntax_error(error.msg, filename, error) from None
    except (ValueError, RecursionError, MemoryError) as error:  # too deeply nested to parse
        if isinstance(error, CfgkitError):  # the `_base_` value raised: its own error
            raise
        raise _syntax_error(f"{type(error).__name__}: {error}", filename) from None
    first, top_level_assignments = take_base_assignments(tree)
    base_files = [] if first is None else evaluate_base_files(first, filename)
    # A `_base_` list written as a literal can be cached with the code.
    literal = first is None or _is_literal(first.value)
    if occurrences - reads > top_level_assignments:
        _strip_nested_base_assignments(tree)
    code = compile(tree, filename, "exec")
    if literal:
        compile_cache.store(text, filename, (code, base_files, reads > 0, imports_loader))
    return PythonConfig(filename, code, base_files, reads > 0, imports_loader)


def top_level_base_statement(text: str) -> Optional[tuple[re.Match[str], str]]:
    """The first ``_base_ =`` that starts a line, when it is certain from the text alone that
    it is a statement at the top level: nothing before it could open a string or a bracket
    or continue a line (code without quotes, and comments). Returns the match and the text
    before it with its comments removed; None when there is no such statement.
    """
    match = _TOP_LEVEL_BASE_RE.search(text)
    if match is None:
        return None
    before = _COMMENT_RE.sub("", text[: match.start()])
    return None if _OPENER_RE.search(before) else (match, before)


def _split_base_assignment(text: str) -> Optional[tuple[int, int, int]]:
    """Where the text's one ``_base_ = ...`` statement is, when that is certain without a
    syntax tree: (start of the statement, start of its value, end of its value).

    It is certain when the statement is certainly at the top level (see
    :func:`top_level_base_statement`) and its value ends at the first line end outside
    brackets without another ``=`` or a ``;`` at that level (``_base_ = x = [...]`` assigns
    more than ``_base_``). Otherwise None, and the caller goes through the syntax tree.
    """
    found = top_level_base_statement(text)
    if found is None:
        return None
    match = found[0]
    depth = 0
    for token in _VALUE_TOKEN_RE.finditer(text, match.end()):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif depth == 0 and kind == "end":
            return match.start(), match.end(), token.start()
        elif depth == 0 and kind == "other_statement":
            return None
    return match.start(), match.end(), len(text)


def _compile_reader(
    text: str, filename: str, split: Optional[tuple[int, int, int]], imports_loader: bool
) -> PythonConfig:
    """Compile a config that reads ``_base_`` from its text, without a syntax tree: its
    ``_base_ = ...`` statement (at ``split``; None when it has none) becomes ``pass`` and the
    value is evaluated on its own, as mmengine removes the statement from the tree."""
    if split is None:
        code = compile(text, filename, "exec")
        compile_cache.store(text, filename, (code, [], True, imports_loader))
        return PythonConfig(filename, code, [], True, imports_loader)
    start, value_start, end = split
    value = text[value_start:end]
    # The value keeps its line and column: newlines before it, spaces for `_base_ =`.
    placed = "\n" * text.count("\n", 0, start) + "(" + " " * (value_start - start - 1)
    expression = compile(placed + value + "\n)", filename, "eval")
    code = compile(text[:start] + "pass" + "\n" * value.count("\n") + text[end:], filename, "exec")
    try:
        base_files = eval(expression, {})
    except Exception as error:
        from cfgkit._located import located  # lazy: only an error needs it

        raise located(error, filename)  # noqa: B904 - the original is its __cause__
    # A value that names nothing is the same every time: it is cached with the code.
    if _names_nothing(expression):
        compile_cache.store(text, filename, (code, base_files, True, imports_loader))
    return PythonConfig(filename, code, base_files, True, imports_loader)


def _names_nothing(code: types.CodeType) -> bool:
    return not code.co_names and all(
        _names_nothing(constant)
        for constant in code.co_consts
        if isinstance(constant, types.CodeType)
    )


# Safe mode's counterpart of the compile cache: each file's syntax tree (never changed once
# made: the interpreter only reads it), its `_base_` list and whether it reads `_base_`, by
# path and text, for the files most recently parsed in this process; off when the compile
# cache is (`CFGKIT_NO_CACHE`, `PYTHONDONTWRITEBYTECODE`).
_SAFE_TREES: dict[tuple[str, str], tuple[Any, Any, bool]] = {}
_SAFE_TREES_KEPT = 256


def _parse_safely(text: str, filename: str) -> PythonConfig:
    caching = not (os.environ.get("CFGKIT_NO_CACHE") or sys.dont_write_bytecode)
    key = (filename, text)
    kept = _SAFE_TREES.pop(key, None) if caching else None
    if kept is None:
        kept = _parse_tree_safely(text, filename)
    if caching:
        _SAFE_TREES[key] = kept  # the most recently used last
        if len(_SAFE_TREES) > _SAFE_TREES_KEPT:
            with contextlib.suppress(StopIteration, KeyError, RuntimeError):
                del _SAFE_TREES[next(iter(_SAFE_TREES))]
    tree, base_files, reads = kept
    if isinstance(base_files, list):
        base_files = list(base_files)  # the caller's own
    return PythonConfig(filename, None, base_files, reads, False, tree)


def _parse_tree_safely(text: str, filename: str) -> tuple[Any, Any, bool]:
    from cfgkit.config._load import safe_python  # lazy: only safe mode needs the interpreter

    tree = parse_python(text, filename)
    first, top_level_assignments = take_base_assignments(tree)
    base_files = [] if first is None else safe_python.evaluate(first.value, {}, filename)
    occurrences = len(_BASE_NAME_RE.findall(text)) if BASE_KEY in text else 0
    reads = len(_BASE_READ_RE.findall(text)) if occurrences else 0
    if occurrences - reads > top_level_assignments:
        _strip_nested_base_assignments(tree)
    return tree, base_files, reads > 0


def take_base_assignments(tree: ast.Module) -> tuple[Optional[ast.Assign], int]:
    """Replace each top-level ``_base_ = ...`` with ``pass`` (as mmengine removes them);
    return the first (whose value lists the bases) and how many there were."""
    first = None
    count = 0
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Assign) and _assigns_base(node):
            first = first or node
            count += 1
            tree.body[index] = ast.copy_location(ast.Pass(), node)
    return first, count


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _assigns_base(node: ast.Assign) -> bool:
    target = node.targets[0]
    return isinstance(target, ast.Name) and target.id == BASE_KEY


def evaluate_base_files(node: ast.Assign, filename: str) -> object:
    """The value of a ``_base_ = ...`` statement, evaluated as mmengine does (any expression)."""
    expression = ast.Expression(body=node.value)
    ast.fix_missing_locations(expression)
    try:
        return eval(compile(expression, filename, "eval"), {})
    except Exception as error:
        from cfgkit._located import located  # lazy: only an error needs it

        raise located(error, filename)  # noqa: B904 - the original is its __cause__


def _strip_nested_base_assignments(tree: ast.Module) -> None:
    """Replace ``_base_ = ...`` inside blocks with ``pass`` (mmengine deletes them, which
    leaves an empty block and a ``ValueError`` when the assignment was alone in it)."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if not isinstance(statements, list):
                continue
            for index, statement in enumerate(statements):
                if isinstance(statement, ast.Assign) and _assigns_base(statement):
                    statements[index] = ast.copy_location(ast.Pass(), statement)


def run_python(config: PythonConfig, bases: object) -> tuple[dict[str, object], object]:
    """Run a compiled Python config and return the names it defines.

    Names starting with ``__``, functions and modules are left out, as in mmengine.

    Args:
        config: The compiled config.
        bases: What the name ``_base_`` refers to while the config runs.

    Returns:
        The config's variables, in the order they were first assigned, and what the config
        assigned to ``_base_`` (``[]`` when it did not), which matters when
        ``config.base_files`` is None.

    Raises:
        ConfigError: The config raised (a ``sys.exit()`` too); the error is also of the
            original type and names the file and line.
    """
    # `__file__` is the real path (mmengine leaves it undefined); like every `__` name it
    # stays out of the result.
    namespace: dict[str, object] = {BASE_KEY: bases, "__file__": config.filename}
    if config.tree is not None:
        from cfgkit.config._load import safe_python  # lazy: only safe mode needs the interpreter

        safe_python.run_module(config.tree, namespace, config.filename)
        dropped: tuple[type, ...] = (*_DROPPED_VALUE_TYPES, *safe_python.DROPPED)
    else:
        if config.imports_loader:
            namespace["__builtins__"] = loader_builtins()
        try:
            exec(config.code, namespace)  # type: ignore[arg-type]  # code is set unless safe
        except (Exception, SystemExit) as error:
            from cfgkit._located import located  # lazy: only an error needs it

            raise located(error, config.filename)  # noqa: B904 - the original is its __cause__
        dropped = _DROPPED_VALUE_TYPES
    assigned = namespace[BASE_KEY]
    # Keys other than names come from `globals()[key] = ...`, which dumps use for them.
    values = {
        key: value
        for key, value in namespace.items()
        if not (isinstance(key, str) and (key.startswith("__") or key == BASE_KEY))
        and not isinstance(value, dropped)
    }
    return values, [] if assigned is bases else assigned


# The keys are YAML's (any hashable); Any, not Hashable, while inheritance.py's caller holds a
# dict[str, Any].
def load_data(text: str, filename: str, extension: str) -> dict[Any, object]:
    """Parse a JSON or YAML config and check that its top level is a mapping.

    Args:
        text: The file's text after the text passes.
        filename: The file, named in errors.
        extension: ``.json``, ``.yaml`` or ``.yml``.

    Returns:
        The parsed dict.

    Raises:
        DataSyntaxError: The text is not well formed, or holds an integer longer than
            Python converts (also ``SyntaxError``/``ValueError``).
        NestingError: Values nest too deeply to read (also a ``RecursionError``).
        UnsafeYamlError: YAML uses a Python tag other than ``!!python/tuple``, or its
            aliases expand without bound.
        NotAMappingError: The top level is not a mapping.
    """
    kind = "JSON" if extension == ".json" else "YAML"
    try:
        data = _load_json(text, filename) if kind == "JSON" else _load_yaml(text, filename)
    except RecursionError as error:
        if isinstance(error, CfgkitError):
            raise
        raise NestingError(
            f"Invalid {kind}: values are nested too deeply to read", filename=filename
        ) from None
    except ValueError as error:  # an integer longer than int_max_str_digits
        if isinstance(error, CfgkitError):
            raise
        raise DataSyntaxError(f"Invalid {kind}: {error}", filename=filename) from None
    if not isinstance(data, dict):
        raise NotAMappingError(
            f"The top level of a config file must be a mapping, got {type(data).__name__}",
            filename=filename,
        )
    return data


def _load_json(text: str, filename: str) -> object:
    import json  # lazy: only JSON configs need it

    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataSyntaxError(
            f"Invalid JSON: {error.msg}",
            filename=filename,
            lineno=error.lineno,
            offset=error.colno,
            text=text.splitlines()[error.lineno - 1] if text else None,
        ) from None


def _load_yaml(text: str, filename: str) -> object:
    from cfgkit.config._load import yaml_safe  # lazy: PyYAML costs ~20 ms to import

    return yaml_safe.load_yaml(text, filename)
