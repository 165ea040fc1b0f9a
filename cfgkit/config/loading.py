"""Turn one config file's text into a plain dict (.py, .json, .yaml), without inheritance.

Python configs are compiled with their real path and run in memory, so tracebacks, syntax
errors and ``__file__``-style introspection point at the user's file and line. YAML is read
with a safe loader that knows ``!!python/tuple`` and no other Python tag.
"""

from __future__ import annotations

import ast
import re
import sys
import types

from cfgkit.config.lazy import is_pure_python_style
from cfgkit.errors import (
    ConfigDecodeError,
    ConfigError,
    ConfigFileNotFoundError,
    ConfigParsingError,
    ConfigSyntaxError,
    NotAMappingError,
    UnsupportedFormatError,
    wrap_execution_error,
)

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

__all__ = [
    "BASE_KEY",
    "PYTHON_EXTENSION",
    "SUPPORTED_EXTENSIONS",
    "PythonConfig",
    "check_extension",
    "compile_python",
    "error_line",
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


# The name `_base_` (not a folder in a path like '../_base_/x.py', not part of a longer name),
# and the same where it is read rather than assigned (`_base_.x`, `_base_[...]`, a comment).
_BASE_NAME = r"(?<![\w./\\])_base_(?![\w/\\])"
_BASE_NAME_RE = re.compile(_BASE_NAME)
_BASE_READ_RE = re.compile(_BASE_NAME + r"(?!\s*=(?!=))")
_TOP_LEVEL_BASE_RE = re.compile(r"^_base_\s*=(?!=)", re.MULTILINE)
_STYLE_WORDS = ("import", "with")


class PythonConfig:
    """A compiled Python config.

    Attributes:
        filename: The absolute path the code was compiled with.
        code: The compiled module (None for a pure-Python style config).
        base_files: The value of the first top-level ``_base_ = ...`` (``[]`` without one),
            or None when the code does not read ``_base_`` and so runs as written: its
            ``_base_`` assignment is then read back by :func:`run_python`.
        reads_bases: Whether the code uses the name ``_base_`` (so it needs the base dict).
        pure_python_style: Whether the file is a ``read_base()`` style config.
    """

    __slots__ = ("base_files", "code", "filename", "pure_python_style", "reads_bases")

    def __init__(
        self,
        filename: str,
        code: Optional[types.CodeType],
        base_files: Any,
        reads_bases: bool,
        pure_python_style: bool = False,
    ) -> None:
        self.filename = filename
        self.code = code
        self.base_files = base_files
        self.reads_bases = reads_bases
        self.pure_python_style = pure_python_style


def _syntax_error(error: SyntaxError, filename: str) -> ConfigSyntaxError:
    return ConfigSyntaxError(
        f"There are syntax errors in config file: {error.msg}",
        filename=filename,
        lineno=error.lineno,
        offset=error.offset,
        text=error.text,
    )


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
        raise _syntax_error(error, filename) from None


def compile_python(text: str, filename: str, *, detect_style: bool = False) -> PythonConfig:
    """Compile a Python config, going through an AST only when the text needs it.

    mmengine removes every ``_base_ = ...`` so that, while the config runs, the name refers
    to the dict of base values; the first top-level one gives the list of bases. When the
    text never reads ``_base_`` (the common case) it is compiled as written instead, which
    is the same but cheaper: the assignment runs and its value is read back afterwards.

    Args:
        text: The config's text after the text passes.
        filename: The absolute path, used for line numbers in errors and tracebacks.
        detect_style: Also tell whether the file is a pure-Python (``read_base()``) config.

    Returns:
        The compiled config.

    Raises:
        ConfigSyntaxError: The text is not valid Python (also a ``SyntaxError``).
        ConfigParsingError: ``detect_style`` and a ``with`` other than ``read_base()``.
        ConfigExecutionError: Evaluating the ``_base_`` expression raised.
    """
    occurrences = len(_BASE_NAME_RE.findall(text)) if BASE_KEY in text else 0
    style_matters = detect_style and any(word in text for word in _STYLE_WORDS)
    if not style_matters and (
        occurrences == 0 or (occurrences == 1 and _TOP_LEVEL_BASE_RE.search(text))
    ):
        try:
            code = compile(text, filename, "exec")
        except SyntaxError as error:
            raise _syntax_error(error, filename) from None
        return PythonConfig(filename, code, None, False)

    tree = parse_python(text, filename)
    if style_matters and is_pure_python_style(tree, text, filename):
        return PythonConfig(filename, None, [], False, pure_python_style=True)
    base_files: Any = []
    top_level_assignments = 0
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Assign) and _assigns_base(node):
            if top_level_assignments == 0:
                base_files = _evaluate_base_files(node, filename)
            top_level_assignments += 1
            tree.body[index] = ast.copy_location(ast.Pass(), node)
    reads = len(_BASE_READ_RE.findall(text))
    if occurrences - reads > top_level_assignments:
        _strip_nested_base_assignments(tree)
    code = compile(tree, filename, "exec")
    return PythonConfig(filename, code, base_files, reads > 0)


def _assigns_base(node: ast.Assign) -> bool:
    target = node.targets[0]
    return isinstance(target, ast.Name) and target.id == BASE_KEY


def _evaluate_base_files(node: ast.Assign, filename: str) -> Any:
    expression = ast.Expression(body=node.value)
    ast.fix_missing_locations(expression)
    try:
        return eval(compile(expression, filename, "eval"), {})
    except Exception as error:
        raise _located(error, filename) from error


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


def run_python(config: PythonConfig, bases: Any) -> tuple[dict[str, Any], Any]:
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
        ConfigExecutionError: The config raised; the error is also of the original type and
            names the file and line.
    """
    if config.code is None:
        raise ConfigParsingError(
            "A pure-Python config cannot run as a classic one", filename=config.filename
        )
    # `__file__` is the real path (mmengine leaves it undefined); like every `__` name it
    # stays out of the result.
    namespace: dict[str, Any] = {BASE_KEY: bases, "__file__": config.filename}
    try:
        exec(config.code, namespace)
    except ConfigError as error:
        if error.filename is None:  # raised by a ConfigDict the config used
            error.filename, error.lineno = config.filename, error_line(error, config.filename)
        raise
    except Exception as error:
        raise _located(error, config.filename) from error
    assigned = namespace[BASE_KEY]
    # Keys other than names come from `globals()[key] = ...`, which dumps use for them.
    values = {
        key: value
        for key, value in namespace.items()
        if not (isinstance(key, str) and (key.startswith("__") or key == BASE_KEY))
        and not isinstance(value, _DROPPED_VALUE_TYPES)
    }
    return values, [] if assigned is bases else assigned


def error_line(error: BaseException, filename: str) -> Optional[int]:
    """Return the last line of ``filename`` in the traceback of ``error``."""
    lineno = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == filename:
            lineno = traceback.tb_lineno
        traceback = traceback.tb_next
    return lineno


def _located(error: Exception, filename: str) -> Exception:
    lineno = error_line(error, filename)
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
    import json  # imported when first needed, to keep `import cfgkit` under 40 ms

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
