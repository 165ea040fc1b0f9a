"""The exception hierarchy of cfgkit.

Every concrete class also subclasses the builtin exception that mmengine raises in the same
situation, so ``except KeyError`` or ``except FileNotFoundError`` clauses written for mmengine
keep working. Messages say what went wrong, where (file, line, dotted key) and how to fix it.
"""

from __future__ import annotations

import contextlib
import errno

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Optional

__all__ = [
    "AlreadyRegisteredError",
    "BaseConfigError",
    "BasePathError",
    "BaseReferenceError",
    "CfgkitError",
    "ConfigDecodeError",
    "ConfigError",
    "ConfigExecutionError",
    "ConfigFileNotFoundError",
    "ConfigKeyError",
    "ConfigParsingError",
    "ConfigSyntaxError",
    "ConfigTypeError",
    "CustomImportError",
    "DumpError",
    "DuplicateBaseKeyError",
    "DuplicateScopeError",
    "InheritanceCycleError",
    "MergeError",
    "MissingAttributeError",
    "MissingEnvVarError",
    "MissingKeyError",
    "MissingTypeError",
    "NotAMappingError",
    "NotRegisteredError",
    "PackageNotFoundError",
    "RegistryArgumentError",
    "RegistryError",
    "RegistryLookupError",
    "RegistryTypeError",
    "ReservedKeyError",
    "TorchRequiredError",
    "UnnamedModuleError",
    "UnsafeYamlError",
    "UnsupportedFormatError",
    "execution_error_class",
]


def _location(filename: Optional[str], lineno: Optional[int], key: Optional[str]) -> str:
    parts = []
    if filename:
        parts.append(filename if lineno is None else f"{filename}, line {lineno}")
    if key:
        parts.append(f"key '{key}'")
    return ", ".join(parts)


class CfgkitError(Exception):
    """Base class of every error cfgkit raises on purpose."""


class ConfigError(CfgkitError):
    """An error in a config file, a config value or a config operation.

    Args:
        message: What went wrong and how to fix it.
        filename: The config file the error is in, when known.
        lineno: The 1-based line in ``filename``, when known.
        key: The dotted key path the error concerns, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: Optional[str] = None,
        lineno: Optional[int] = None,
        key: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.key = key

    def __str__(self) -> str:
        text = self.message + self._hint()
        where = _location(self.filename, self.lineno, self.key)
        # A message that already names the whole location ("file X does not exist") is not
        # followed by "(in X)".
        return f"{text} (in {where})" if where and where not in text else text

    def _hint(self) -> str:
        """Return extra advice computed only when the message is shown."""
        return ""

    def __reduce__(self) -> Any:
        state = {k: v for k, v in self.__dict__.items() if k not in _LOCATION_FIELDS}
        return (
            _rebuild_error,
            (type(self), self.message, self.filename, self.lineno, self.key, state),
        )


_LOCATION_FIELDS = frozenset({"message", "filename", "lineno", "key"})


def _rebuild_error(
    cls: type[ConfigError],
    message: str,
    filename: Optional[str],
    lineno: Optional[int],
    key: Optional[str],
    state: dict[str, Any],
) -> ConfigError:
    error = cls.__new__(cls, message)
    ConfigError.__init__(error, message, filename=filename, lineno=lineno, key=key)
    error.__dict__.update(state)
    return error


class ConfigFileNotFoundError(ConfigError, FileNotFoundError):
    """A config file, or a base it names, does not exist."""

    def __init__(self, message: str, **location: Any) -> None:
        super().__init__(message, **location)
        self.errno = errno.ENOENT


class PackageNotFoundError(ConfigError, ModuleNotFoundError):
    """A ``pkg::path`` base names a package that is not installed."""


class UnsupportedFormatError(ConfigError, OSError):
    """The file extension is not one of ``.py``, ``.json``, ``.yaml``, ``.yml``."""


class ConfigSyntaxError(ConfigError, SyntaxError):
    """A config file cannot be parsed; keeps ``filename``, ``lineno``, ``offset``, ``text``.

    Python's traceback printer shows the offending line with a caret for these.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: Optional[str] = None,
        lineno: Optional[int] = None,
        key: Optional[str] = None,
        offset: Optional[int] = None,
        text: Optional[str] = None,
    ) -> None:
        super().__init__(message, filename=filename, lineno=lineno, key=key)
        self.msg = message
        self.offset = offset
        self.text = text


class ConfigDecodeError(ConfigSyntaxError, ValueError):
    """A JSON or YAML config file is not well formed."""


class UnsafeYamlError(ConfigError, ValueError):
    """A YAML file uses a tag that would construct arbitrary Python objects."""


class ConfigParsingError(ConfigError, RuntimeError):
    """A config file breaks the rules of its style (mmengine's name, kept for ``except``)."""


class InheritanceCycleError(ConfigParsingError, RecursionError):
    """A chain of ``_base_`` files reaches a file that is already being loaded.

    mmengine recurses until Python gives up with ``RecursionError``; that base is kept.
    """


class NotAMappingError(ConfigError, TypeError, AttributeError):
    """The top level of a JSON or YAML config is not a mapping.

    mmengine fails here with an ``AttributeError`` from ``.items()``; both bases are kept.
    """


class BasePathError(ConfigError, ValueError):
    """A ``_base_`` entry is not a path cfgkit can resolve (a malformed ``pkg::path``)."""


class ConfigTypeError(ConfigError, TypeError):
    """A config value has a type the operation cannot use (``_base_``, ``custom_imports``, ...)."""


class MergeError(ConfigError, TypeError):
    """A child config gives a dict where its base has a value that is not a dict."""


class ConfigKeyError(ConfigError, KeyError):
    """A key is missing, reserved or duplicated; the message is not repr-quoted."""

    def __str__(self) -> str:
        return ConfigError.__str__(self)


class BaseConfigError(ConfigKeyError):
    """A problem with what the ``_base_`` files provide."""


class DuplicateBaseKeyError(BaseConfigError):
    """Two sibling ``_base_`` files define the same top-level key."""


class BaseReferenceError(BaseConfigError):
    """A ``{{ _base_.x }}`` reference names something the bases do not define."""


class MissingEnvVarError(ConfigKeyError):
    """``{{ $VAR }}`` names an unset environment variable and gives no default."""


class ReservedKeyError(ConfigKeyError):
    """A config defines a top-level key that ``Config`` reserves for itself."""


class MissingKeyError(ConfigKeyError):
    """``cfg['x']`` on a config dict that has no key ``'x'``.

    ``args[0]`` is the key, as for a plain ``KeyError``; the message adds close matches.
    """

    def __init__(self, key: Any, available: Any = ()) -> None:
        KeyError.__init__(self, key)
        self.message = repr(key)
        self.filename = None
        self.lineno = None
        self.key = None
        self.available = tuple(available)

    def _hint(self) -> str:
        return _did_you_mean(self.args[0], self.available)

    def __reduce__(self) -> Any:
        return (type(self), (self.args[0], self.available))


class MissingAttributeError(ConfigError, AttributeError):
    """``cfg.x`` on a config dict that has no key ``'x'``; the text is mmengine's.

    The "did you mean" hint is computed only when the message is shown, so ``hasattr``
    checks stay cheap.
    """

    def __init__(self, owner: str, name: str, available: Any = ()) -> None:
        AttributeError.__init__(self, f"'{owner}' object has no attribute '{name}'")
        self.message = self.args[0]
        self.filename = None
        self.lineno = None
        self.key = None
        self.attribute = name
        self.available = tuple(available)

    def _hint(self) -> str:
        return _did_you_mean(self.attribute, self.available)

    def __reduce__(self) -> Any:
        owner = self.message.split("'")[1]
        return (type(self), (owner, self.attribute, self.available))


def _did_you_mean(name: Any, available: tuple[Any, ...]) -> str:
    if not isinstance(name, str) or not available:
        return ""
    import difflib  # only needed when a message is actually shown

    candidates = [k for k in available if isinstance(k, str)]
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.75)
    if not close:
        return ""
    return ". Did you mean " + " or ".join(repr(c) for c in close) + "?"


class DumpError(ConfigError, TypeError):
    """A config cannot be written in the asked format so that it loads back the same."""


class CustomImportError(ConfigError, ImportError):
    """A module named in ``custom_imports`` cannot be imported."""


class ConfigExecutionError(ConfigError):
    """A Python config raised while it ran.

    Concrete classes come from :func:`execution_error_class` and also subclass the type of
    the original exception, which is kept as ``__cause__`` (its traceback shows the line).
    """

    original_type: ClassVar[type[BaseException]] = Exception


_EXECUTION_ERROR_CLASSES: dict[type[BaseException], type[ConfigExecutionError]] = {}
_COPIED_ATTRIBUTES = ("name", "obj", "path", "errno", "strerror")


def execution_error_class(original: type[BaseException]) -> type[ConfigExecutionError]:
    """Return the ``ConfigExecutionError`` subclass that also subclasses ``original``.

    Args:
        original: The type of the exception a config raised.

    Returns:
        A class named ``Config<OriginalName>``, created once per original type.

    Raises:
        TypeError: When ``original`` cannot be combined with ``ConfigError``.
    """
    cls = _EXECUTION_ERROR_CLASSES.get(original)
    if cls is None:
        namespace = {"original_type": original, "__module__": __name__}
        if issubclass(original, KeyError):
            namespace["__str__"] = ConfigError.__str__
        cls = type(f"Config{original.__name__}", (ConfigExecutionError, original), namespace)
        _EXECUTION_ERROR_CLASSES[original] = cls
    return cls


def wrap_execution_error(
    error: Exception, filename: str, lineno: Optional[int]
) -> ConfigExecutionError:
    """Return a located error of the same builtin family as ``error``.

    Args:
        error: What the config raised.
        filename: The config file that raised it.
        lineno: The line of that file the error came from, when known.

    Returns:
        A new error whose class subclasses both ``ConfigExecutionError`` and ``type(error)``.

    Raises:
        TypeError: When ``type(error)`` cannot be subclassed this way.
    """
    cls = execution_error_class(type(error))
    message = f"{type(error).__name__}: {error}"
    wrapped = cls.__new__(cls, message)
    ConfigError.__init__(wrapped, message, filename=filename, lineno=lineno)
    for attribute in _COPIED_ATTRIBUTES:
        value = getattr(error, attribute, None)
        if value is not None:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(wrapped, attribute, value)
    return wrapped


class RegistryError(CfgkitError):
    """An error in registering, finding or building a module."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotRegisteredError(RegistryError, KeyError):
    """A ``type`` is not registered in the registry searched (nor importable by path)."""


class AlreadyRegisteredError(RegistryError, KeyError):
    """A name is registered twice without ``force=True``."""


class RegistryTypeError(RegistryError, TypeError):
    """An argument of a registry function has the wrong type (``force``, ``name``, ``cfg``)."""


class RegistryArgumentError(RegistryError, TypeError, AssertionError):
    """A registry is built from bad arguments; mmengine asserts here, hence both bases."""


class DuplicateScopeError(RegistryError, KeyError, AssertionError):
    """A child registry takes a scope its parent already has a child for."""


class UnnamedModuleError(RegistryError, AttributeError):
    """A module without ``__name__`` (a ``functools.partial``) is registered without a name."""


class MissingTypeError(RegistryError, KeyError):
    """A config to build has no ``type`` (and ``default_args`` gives none)."""


class RegistryLookupError(RegistryError, RuntimeError):
    """A key cannot even be tried as an import path (``''``, ``'a..b'``)."""


class TorchRequiredError(RegistryError, ImportError):
    """Building a ``torch.nn.Sequential`` from a list of configs needs PyTorch."""
