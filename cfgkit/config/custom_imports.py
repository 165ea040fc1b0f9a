"""Import the modules a config lists in ``custom_imports``, as mmengine does after loading."""

from __future__ import annotations

import importlib
import sys
import warnings

from cfgkit.errors import ConfigTypeError, CustomImportError

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

__all__ = ["CUSTOM_IMPORTS_KEY", "import_custom_modules"]

CUSTOM_IMPORTS_KEY = "custom_imports"


def import_custom_modules(custom_imports: Any, filename: Optional[str] = None) -> None:
    """Import ``custom_imports['imports']`` (a module name or a list of them).

    Args:
        custom_imports: The config's ``custom_imports`` value: a dict with ``imports`` and,
            optionally, ``allow_failed_imports``.
        filename: The config file, named in errors.

    Raises:
        ConfigTypeError: ``custom_imports`` is not a dict of the expected shape, or
            ``imports`` is not a string or a list of strings (also a ``TypeError``).
        CustomImportError: A module cannot be imported and failures are not allowed (also an
            ``ImportError``); the message lists ``sys.path``.
    """
    if not isinstance(custom_imports, dict):
        raise ConfigTypeError(
            "custom_imports must be a dict like dict(imports=['my_package.models'], "
            f"allow_failed_imports=False), got {type(custom_imports).__name__}",
            filename=filename,
            key=CUSTOM_IMPORTS_KEY,
        )
    unknown = set(custom_imports) - {"imports", "allow_failed_imports"}
    if unknown or "imports" not in custom_imports:
        raise ConfigTypeError(
            "custom_imports takes the keys 'imports' and 'allow_failed_imports'; got "
            f"{sorted(map(str, custom_imports))}",
            filename=filename,
            key=CUSTOM_IMPORTS_KEY,
        )
    imports = custom_imports["imports"]
    allow_failed = bool(custom_imports.get("allow_failed_imports", False))
    if not imports:
        return
    if isinstance(imports, str):
        imports = [imports]
    if not isinstance(imports, list):
        raise ConfigTypeError(
            f"custom_imports must be a list but got type {type(imports)}",
            filename=filename,
            key=f"{CUSTOM_IMPORTS_KEY}.imports",
        )
    for name in imports:
        if not isinstance(name, str):
            raise ConfigTypeError(
                f"{name} is of type {type(name)} and cannot be imported.",
                filename=filename,
                key=f"{CUSTOM_IMPORTS_KEY}.imports",
            )
        try:
            importlib.import_module(name)
        except ImportError as error:
            if allow_failed:
                warnings.warn(f"{name} failed to import and is ignored.", UserWarning, stacklevel=3)
                continue
            search_path = "".join(f"\n    {p}" for p in sys.path)
            raise CustomImportError(
                f"Failed to import custom modules from {custom_imports}: {name!r} "
                f"({error}). The current sys.path is: {search_path}\nYou should set "
                "`PYTHONPATH` to make `sys.path` include the directory which contains your "
                "custom module",
                filename=filename,
                key=CUSTOM_IMPORTS_KEY,
            ) from error
