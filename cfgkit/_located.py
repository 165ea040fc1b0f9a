"""An error raised by a config's own code (or by a module its ``custom_imports`` name),
located: the classes made per original type, so that ``except ValueError`` and ``except
ConfigError`` both catch a config's ``ValueError``, how they pickle, and :func:`located`, the
one way such an error gets the file and line it came from.
"""

from __future__ import annotations

import contextlib
import functools

from cfgkit.errors import ConfigError, ConfigExecutionError, new_error

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

__all__ = ["execution_error_class", "located"]

_EXECUTION_ERROR_CLASSES: dict[
    tuple[type[BaseException], type[ConfigExecutionError]], type[ConfigExecutionError]
] = {}
_COPIED_ATTRIBUTES = ("name", "obj", "path", "errno", "strerror", "code")


def execution_error_class(
    original: type[BaseException], family: type[ConfigExecutionError] = ConfigExecutionError
) -> type[ConfigExecutionError]:
    """Return the subclass of ``family`` that also subclasses ``original``.

    Args:
        original: The type of the exception a config (or a module it imports) raised.
        family: :class:`ConfigExecutionError`, or :class:`CustomModuleError` for a
            ``custom_imports`` module.

    Returns:
        A class named ``Config<OriginalName>`` (``CustomModule<OriginalName>``), created once
        per original type and family; ``family`` itself when ``original`` cannot be
        subclassed this way.
    """
    cls = _EXECUTION_ERROR_CLASSES.get((original, family))
    if cls is None:
        namespace = {
            "original_type": original,
            "__module__": __name__,
            "pickle_reference": classmethod(_remade),
        }
        try:
            cls = type(f"{family.name_prefix}{original.__name__}", (family, original), namespace)
        except TypeError:  # a final class, or one whose layout cannot be combined
            cls = family
        _EXECUTION_ERROR_CLASSES[(original, family)] = cls
    return cls


def _remade(cls: type[ConfigExecutionError]) -> Any:
    """How pickle makes a class of :func:`execution_error_class` again (in another process
    too): the call that made it, by reference to this module."""
    return functools.partial(execution_error_class, cls.original_type, cls.family)


def traceback_line(error: BaseException, filename: str) -> Optional[int]:
    """Return the last line of ``filename`` in the traceback of ``error``, if it is there."""
    lineno = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == filename:
            lineno = traceback.tb_lineno
        traceback = traceback.tb_next
    return lineno


def located(
    error: BaseException,
    filename: str,
    lineno: Optional[int] = None,
    *,
    family: type[ConfigExecutionError] = ConfigExecutionError,
    message: Optional[str] = None,
) -> ConfigError:
    """Return ``error`` as a cfgkit error that names ``filename`` and ``lineno``.

    The one way a location is attached to what config code raised: a cfgkit error gets the
    location when it has none (a missing key read from a ``ConfigDict``); anything else
    becomes a :class:`ConfigExecutionError` that also subclasses the original type (so
    ``except NameError`` and ``except CfgkitError`` both catch a ``NameError`` from a
    config), with the original as ``__cause__``. Raise the result.

    Args:
        error: What the config raised.
        filename: The config file that raised it.
        lineno: The line of that file the error came from; by default the last line of
            ``filename`` in the error's traceback.
        family: The cfgkit class the result derives from (see :func:`execution_error_class`).
        message: The message, when not ``"<OriginalType>: <original message>"``.
    """
    if lineno is None:
        lineno = traceback_line(error, filename)
    if isinstance(error, ConfigError):
        if error.filename is None:
            error.filename, error.lineno = filename, lineno
        return error
    cls = execution_error_class(type(error), family)
    if message is None:
        message = f"{type(error).__name__}: {error}"
    # Not through __init__: the builtin base may want other arguments (UnicodeDecodeError).
    wrapped: ConfigExecutionError = new_error(cls, (message,))
    wrapped.args = (message,)
    wrapped.message, wrapped.filename, wrapped.lineno, wrapped.key = message, filename, lineno, None
    for attribute in _COPIED_ATTRIBUTES:
        value = getattr(error, attribute, None)
        if value is not None:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(wrapped, attribute, value)
    wrapped.__cause__ = error
    return wrapped
