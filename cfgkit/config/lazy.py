"""Pure-Python configs (``with read_base():`` and imported classes): telling the styles apart.

mmengine decides a ``.py`` config's style from the first decisive statement, breadth first:
``_base_ = ...`` means the classic style; ``with read_base():``, a relative import, or an
import of a module outside the standard library means the pure-Python style. Unlike
mmengine, every standard-library module counts as the standard library here, on every
Python and in a virtual environment (mmengine's heuristic misfiles ``import os.path as osp``).
"""

from __future__ import annotations

import ast

from cfgkit.config.stdlib_names import STDLIB_MODULE_NAMES
from cfgkit.errors import ConfigParsingError

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = ["is_pure_python_style"]

READ_BASE = "read_base"
# Modules whose names a classic config may import without becoming pure-Python style.
_CONFIG_MODULES = ("mmengine.config", "cfgkit.config")
_CONFIG_PACKAGES = ("mmengine", "cfgkit")


def _is_standard_module(name: str) -> bool:
    if name.startswith(_CONFIG_MODULES):
        return True
    return name.partition(".")[0] in STDLIB_MODULE_NAMES


def _decide(node: ast.AST, filename: str) -> Optional[bool]:
    if isinstance(node, ast.Assign):
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "_base_":
            return False
        return None
    if isinstance(node, ast.With):
        expression = node.items[0].context_expr
        if not (
            isinstance(expression, ast.Call)
            and isinstance(expression.func, ast.Name)
            and expression.func.id == READ_BASE
        ):
            raise ConfigParsingError(
                "Only `read_base` context manager can be used in the config",
                filename=filename,
                lineno=node.lineno,
            )
        return True
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return True
        module = node.module
        if module in _CONFIG_PACKAGES and [a.name for a in node.names] == ["Config"]:
            return None
        if module is not None and not _is_standard_module(module):
            return True
        return None
    if isinstance(node, ast.Import):
        return any(not _is_standard_module(alias.name) for alias in node.names) or None
    return None


def is_pure_python_style(tree: ast.Module, text: str, filename: str) -> bool:
    """Tell whether a parsed ``.py`` config is written in the pure-Python style.

    Args:
        tree: The parsed config, before any ``_base_`` assignment is removed.
        text: Its source, used to skip the walk when no decisive statement can exist.
        filename: The file, named in errors.

    Returns:
        True for ``read_base()``-style configs, False for classic ``_base_`` configs.

    Raises:
        ConfigParsingError: A ``with`` statement uses something other than ``read_base()``.
    """
    for statement in tree.body:
        decision = _decide(statement, filename)
        if decision is not None:
            return decision
    if "import" not in text and "with" not in text:
        return False
    # Breadth first, like mmengine, so nested statements only count after the top level.
    for node in ast.walk(tree):
        decision = _decide(node, filename)
        if decision is not None:
            return decision
    return False
