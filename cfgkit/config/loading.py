"""Turn one config file's text into a plain dict (.py, .json, .yaml), without inheritance.

Python configs are compiled with their real path and run in memory, so tracebacks, syntax
errors and ``__file__``-style introspection point at the user's file and line. YAML is read
with a safe loader that knows ``!!python/tuple`` and no other Python tag.
"""

from __future__ import annotations

import ast
import json
import sys
import types
from dataclasses import dataclass
from typing import Any, Optional

from cfgkit.errors import (
    ConfigDecodeError,
    ConfigError,
    ConfigFileNotFoundError,
    ConfigSyntaxError,
    NotAMappingError,
    UnsupportedFormatError,
    wrap_execution_error,
)

__all__ = [
    "BASE_KEY",
    "PYTHON_EXTENSION",
    "SUPPORTED_EXTENSIONS",
    "PythonConfig",
    "check_extension",
    "compile_python",
    "load_data",
    "parse_python",
    "read_text",
    "run_python",
]

BASE_KEY = "_base_"
PYTHON_EXTENSION = ".py"
SUPPORTED_EXTENSIONS = (".py", ".json", ".yaml", ".yml")
_DROPPED_VALUE_TYPES = (types.FunctionType, types.ModuleType)


def check_extension(filename: str, extension: str) -> None:
    """Raise :class:`UnsupportedFormatError` unless ``extension`` is a config format.

    Raises:
        UnsupportedFormatError: The extension is not ``.py``, ``.json``, ``.yaml``, ``.yml``.
    """
    if extension not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(
            f"Only py/yml/yaml/json type are supported now! Got '{extension or filename}'",
            filename=filename,
        )


def read_text(filename: str) -> str:
    """Return the text of ``filename`` (UTF-8).

    Raises:
        ConfigFileNotFoundError: The file does not exist (also a ``FileNotFoundError``).
    """
    try:
        with open(filename, encoding="utf-8") as stream:
            return stream.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise ConfigFileNotFoundError(
            f'file "{filename}" does not exist', filename=filename
        ) from None


@dataclass(frozen=True)
class PythonConfig:
    """A compiled Python config, ready to run once its bases are known.

    Attributes:
        filename: The absolute path the code was compiled with.
        code: The compiled module.
        base_files: The value of the first top-level ``_base_ = ...``, or ``[]``.
        reads_bases: Whether the code uses the name ``_base_`` (so it needs the base dict).
    """

    filename: str
    code: types.CodeType
    base_files: Any
    reads_bases: bool


def parse_python(text: str, filename: str) -> ast.Module:
    """Parse a Python config.

    Args:
        text: The config's text after the text passes.
        filename: The absolute path, named in the error.

    Returns:
        The parsed module.

    Raises:
        ConfigSyntaxError: The text is not valid Python (also a ``SyntaxError``); it keeps
            the file, line, column and text of the error.
    """
    try:
        return ast.parse(text, filename)
    except SyntaxError as error:
        raise ConfigSyntaxError(
            f"There are syntax errors in config file: {error.msg}",
            filename=filename,
            lineno=error.lineno,
            offset=error.offset,
            text=error.text,
        ) from None


def compile_python(tree: ast.Module, text: str, filename: str) -> PythonConfig:
    """Compile a parsed Python config.

    Every assignment to ``_base_`` is replaced by ``pass``, as mmengine removes them, so
    that the name refers to the dict of base values while the config runs; the first
    top-level one gives the list of bases. ``tree`` is changed in place.

    Args:
        tree: The module from :func:`parse_python`.
        text: Its source.
        filename: The absolute path, used for line numbers in errors and tracebacks.

    Returns:
        The compiled config.

    Raises:
        ConfigExecutionError: Evaluating the ``_base_`` expression raised.
    """
    base_files: Any = []
    top_level_assignments = 0
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Assign) and _assigns_base(node):
            if top_level_assignments == 0:
                base_files = _evaluate_base_files(node, filename)
            top_level_assignments += 1
            tree.body[index] = ast.copy_location(ast.Pass(), node)
    reads_bases = False
    # Each top-level assignment accounts for one occurrence of the name; any other
    # occurrence (a read, a nested assignment, even a comment) needs the full walk.
    if text.count(BASE_KEY) > top_level_assignments:
        reads_bases = _strip_nested_base_assignments(tree)
    code = compile(tree, filename, "exec")
    return PythonConfig(filename, code, base_files, reads_bases)


def _assigns_base(node: ast.AST) -> bool:
    if not isinstance(node, ast.Assign):
        return False
    target = node.targets[0]
    return isinstance(target, ast.Name) and target.id == BASE_KEY


def _evaluate_base_files(node: ast.Assign, filename: str) -> Any:
    expression = ast.Expression(body=node.value)
    ast.fix_missing_locations(expression)
    try:
        return eval(compile(expression, filename, "eval"), {})
    except Exception as error:
        raise _located(error, filename) from error


class _BaseAssignmentStripper(ast.NodeTransformer):
    """Replace nested ``_base_ = ...`` with ``pass`` and notice reads of ``_base_``."""

    def __init__(self) -> None:
        self.reads_bases = False

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        if _assigns_base(node):
            return ast.copy_location(ast.Pass(), node)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == BASE_KEY and not isinstance(node.ctx, ast.Store):
            self.reads_bases = True
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        # Dynamic uses (eval("_base_.x"), globals()["_base_"]) are strings, not names;
        # providing the base dict when it is not needed costs little, so be generous.
        if isinstance(node.value, str) and BASE_KEY in node.value:
            self.reads_bases = True
        return node


def _strip_nested_base_assignments(tree: ast.Module) -> bool:
    stripper = _BaseAssignmentStripper()
    stripper.visit(tree)
    return stripper.reads_bases


def run_python(config: PythonConfig, bases: Any) -> dict[str, Any]:
    """Run a compiled Python config and return the names it defines.

    Names starting with ``__``, functions and modules are left out, as in mmengine.

    Args:
        config: The compiled config.
        bases: What the name ``_base_`` refers to while the config runs.

    Returns:
        The config's variables, in the order they were first assigned.

    Raises:
        ConfigExecutionError: The config raised; the error is also of the original type and
            names the file and line.
    """
    # `__file__` is the real path (mmengine leaves it undefined); like every `__` name it
    # stays out of the result.
    namespace: dict[str, Any] = {BASE_KEY: bases, "__file__": config.filename}
    try:
        exec(config.code, namespace)
    except ConfigError as error:
        if error.filename is None:  # raised by a ConfigDict the config used
            error.filename, error.lineno = config.filename, _error_line(error, config.filename)
        raise
    except Exception as error:
        raise _located(error, config.filename) from error
    return {
        key: value
        for key, value in namespace.items()
        if not key.startswith("__")
        and key != BASE_KEY
        and not isinstance(value, _DROPPED_VALUE_TYPES)
    }


def _error_line(error: BaseException, filename: str) -> Optional[int]:
    """Return the last line of ``filename`` in the traceback of ``error``."""
    lineno = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == filename:
            lineno = traceback.tb_lineno
        traceback = traceback.tb_next
    return lineno


def _located(error: Exception, filename: str) -> Exception:
    lineno = _error_line(error, filename)
    try:
        return wrap_execution_error(error, filename, lineno)
    except TypeError:
        # A user-defined exception type that cannot be subclassed: keep it as it is.
        _add_note(error, f"raised while loading config file {filename}, line {lineno}")
        return error


def _add_note(error: Exception, note: str) -> None:
    if sys.version_info >= (3, 11):
        error.add_note(note)


def load_data(text: str, filename: str, extension: str) -> dict[str, Any]:
    """Parse a JSON or YAML config and check that its top level is a mapping.

    Args:
        text: The file's text after the text passes.
        filename: The file, named in errors.
        extension: ``.json``, ``.yaml`` or ``.yml``.

    Returns:
        The parsed dict.

    Raises:
        ConfigDecodeError: The text is not well formed (also ``SyntaxError``/``ValueError``).
        UnsafeYamlError: YAML uses a Python tag other than ``!!python/tuple``.
        NotAMappingError: The top level is not a mapping.
    """
    data = _load_json(text, filename) if extension == ".json" else _load_yaml(text, filename)
    if not isinstance(data, dict):
        raise NotAMappingError(
            f"The top level of a config file must be a mapping, got {type(data).__name__}",
            filename=filename,
        )
    return data


def _load_json(text: str, filename: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigDecodeError(
            f"Invalid JSON: {error.msg}",
            filename=filename,
            lineno=error.lineno,
            offset=error.colno,
            text=text.splitlines()[error.lineno - 1] if text else None,
        ) from None


def _load_yaml(text: str, filename: str) -> Any:
    from cfgkit.config import yaml_safe  # pyyaml costs ~20 ms to import; only YAML needs it

    return yaml_safe.load_yaml(text, filename)
