"""Import the modules a config lists in ``custom_imports``, as mmengine does after loading."""

from __future__ import annotations

import importlib
import sys
import warnings

from cfgkit._keys import CUSTOM_IMPORTS_KEY
from cfgkit.errors import ConfigTypeError, CustomImportError, CustomModuleError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Sequence

__all__ = ["import_custom_modules", "import_modules"]


def import_modules(
    names: Sequence[object],
    filename: Optional[str] = None,
    *,
    allow_failed: bool = False,
    key: Optional[str] = CUSTOM_IMPORTS_KEY,
    listed: object = None,
) -> None:
    """Import each module in ``names``, turning any failure into a located error.

    Args:
        names: Module names.
        filename: The config that lists them, named in errors.
        allow_failed: Warn and go on when an import fails with an ``ImportError``.
        key: The config key that lists them (None for modules named on the command line).
        listed: What the config wrote (its ``custom_imports``), named first in the error as
            mmengine does; ``names`` when None.

    Raises:
        ConfigTypeError: A name is not a string.
        CustomImportError: A module cannot be found (an ``ImportError``); the message names
            the module, the error and ``sys.path``.
        CustomModuleError: A module raised something else while it ran (a syntax error, a
            ``ValueError``, ``sys.exit()``...); the error is also of the original's type.
    """
    for name in names:
        if not isinstance(name, str):
            raise ConfigTypeError(
                f"{name} is of type {type(name)} and cannot be imported.",
                filename=filename,
                key=f"{key}.imports" if key else None,
            )
        try:
            importlib.import_module(name)
        except ImportError as error:
            if allow_failed:
                warnings.warn(f"{name} failed to import and is ignored.", UserWarning, stacklevel=3)
                continue
            search_path = "".join(f"\n    {p}" for p in sys.path)
            # The first line is mmengine's own, which its users and tests match.
            raise CustomImportError(
                f"Failed to import custom modules from {listed if listed is not None else names}"
                f"\n{name!r} ({error}). The current sys.path "
                f"is: {search_path}\nYou should set `PYTHONPATH` to make `sys.path` include the "
                "directory which contains your custom module",
                filename=filename,
                key=key,
            ) from error
        except (Exception, SystemExit) as error:
            # mmengine lets the module's own exception through: keep its type (a ValueError
            # stays a ValueError), located.
            from cfgkit._located import located  # lazy: only an error needs it

            wrapped = located(
                error,
                filename or "",
                family=CustomModuleError,
                message=f"Failed to import custom module {name!r}: it raised "
                f"{type(error).__name__}: {error}",
            )
            if wrapped is not error:  # a cfgkit error from the module keeps its own location
                wrapped.filename, wrapped.key = filename, key
            raise wrapped from error


def import_custom_modules(custom_imports: object, filename: Optional[str] = None) -> None:
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
        CustomModuleError: A module raised another error while it ran (also of that error's
            type, as in mmengine).
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
    import_modules(imports, filename, allow_failed=allow_failed, listed=custom_imports)
