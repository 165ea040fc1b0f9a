"""The exception hierarchy of cfgkit.

Every concrete class also subclasses the builtin exception that mmengine raises in the same
situation, so ``except KeyError`` or ``except FileNotFoundError`` clauses written for mmengine
keep working. Messages say what went wrong, where (file, line, dotted key) and how to fix it;
the location is rendered in one place, :meth:`ConfigError.__str__`.
"""

from __future__ import annotations

import contextlib
import errno

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, ClassVar, Iterable, Optional, TypedDict, TypeVar, Union

    from typing_extensions import Unpack

    # Here, not in cfgkit._contracts: errors imports nothing of cfgkit.
    class Location(TypedDict, total=False):
        """Where a :class:`ConfigError` is: the keywords its subclasses pass on."""

        filename: Optional[str]
        lineno: Optional[int]
        key: Optional[str]

    #: The class :func:`new_error` is asked for, and so what it returns.
    ErrorT = TypeVar("ErrorT", bound=BaseException)
    #: How pickle finds an error class again: the class, or a call that makes it.
    PickleReference = Union[type["CfgkitError"], Callable[[], type["CfgkitError"]]]

__all__ = [
    "AlreadyRegisteredError",
    "BasePathError",
    "BaseReferenceError",
    "CfgkitError",
    "ConfigDecodeError",
    "ConfigEncodingError",
    "ConfigError",
    "ConfigExecutionError",
    "ConfigFileError",
    "ConfigFileNotFoundError",
    "ConfigIndexError",
    "ConfigKeyError",
    "ConfigParsingError",
    "ConfigPermissionError",
    "ConfigSyntaxError",
    "ConfigTypeError",
    "CustomImportError",
    "CustomModuleError",
    "DataSyntaxError",
    "DropInError",
    "DumpError",
    "DuplicateBaseKeyError",
    "DuplicateScopeError",
    "InheritanceCycleError",
    "MergeError",
    "MissingAttributeError",
    "MissingBaseNameError",
    "MissingEnvVarError",
    "MissingKeyError",
    "MissingTypeError",
    "NestingError",
    "NewKeyWarning",
    "NotAMappingError",
    "NotRegisteredError",
    "PackageNotFoundError",
    "RebaseError",
    "RegistryArgumentError",
    "RegistryError",
    "RegistryLookupError",
    "RegistryTypeError",
    "ReservedKeyError",
    "SelectorError",
    "TorchRequiredError",
    "UnnamedModuleError",
    "UnsafeConfigError",
    "UnsafeYamlError",
    "UnsupportedFormatError",
    "ValueSizeError",
    "did_you_mean",
]

# Attributes the builtin bases keep outside ``__dict__`` (C fields), restored when unpickled.
_BUILTIN_FIELDS = (
    "filename", "lineno", "offset", "text", "msg", "end_lineno", "end_offset",
    "errno", "strerror", "encoding", "object", "start", "end", "reason", "name", "path", "code",
)  # fmt: skip


def did_you_mean(name: object, candidates: Iterable[object], *, cutoff: float = 0.6) -> str:
    """Return ``"Did you mean 'x'?"`` for the names close to ``name``, or ``''``.

    The one spelling helper of cfgkit: missing keys, unknown types and keywords use it.

    Args:
        name: What was written.
        candidates: What exists (only strings are compared).
        cutoff: How close a candidate must be (``difflib`` ratio).
    """
    close = close_names(name, candidates, cutoff=cutoff)
    return f"Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def close_names(name: object, candidates: Iterable[object], *, cutoff: float = 0.6) -> list[str]:
    """The (at most three) names :func:`did_you_mean` offers, closest first."""
    if not isinstance(name, str):
        return []
    import difflib  # only a message that is shown needs it

    strings = [c for c in candidates if isinstance(c, str)]
    return difflib.get_close_matches(name, strings, n=3, cutoff=cutoff)


class CfgkitError(Exception):
    """Base class of every error cfgkit raises on purpose.

    Instances pickle with their message, their location and the fields of their builtin
    base, whatever that base's constructor takes (multiprocessing sends errors between
    processes).
    """

    def __reduce__(self) -> tuple[object, ...]:
        state = dict(self.__dict__)
        for field in _BUILTIN_FIELDS:
            if field not in state and hasattr(self, field):
                state[field] = getattr(self, field)
        return (_restore, (type(self).pickle_reference(), self.args, state))

    @classmethod
    def pickle_reference(cls) -> PickleReference:
        """How pickle finds the class again: the class itself, or, for a class made at run
        time, a picklable call that makes it again."""
        return cls


def new_error(cls: type[ErrorT], args: tuple[object, ...]) -> ErrorT:
    """An instance of ``cls`` made without ``__init__`` (the builtin base may want other
    arguments, as UnicodeDecodeError does); for unpickling and for ``cfgkit._located``."""
    try:
        return cls.__new__(cls, *args)
    except TypeError:
        # MemoryError's own __new__ (it keeps a free list) refuses to make an instance of
        # a subclass that is not its own; the plain exception layout is the same.
        return BaseException.__new__(cls, *args)


def _restore(
    reference: PickleReference, args: tuple[object, ...], state: dict[str, object]
) -> CfgkitError:
    cls = reference if isinstance(reference, type) else reference()
    error: CfgkitError = new_error(cls, args)
    error.args = args
    for field, value in state.items():
        # A read-only builtin field keeps its default.
        with contextlib.suppress(AttributeError, TypeError):
            setattr(error, field, value)
    return error


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
        hint = self._hint()
        text = f"{self.message}. {hint}" if hint else self.message
        parts = []
        if self.filename:
            line = "" if self.lineno is None else f", line {self.lineno}"
            parts.append(f"{self.filename}{line}")
        if self.key:
            parts.append(f"key '{self.key}'")
        where = ", ".join(parts)
        # A message that already names the whole location ("file X does not exist") is not
        # followed by "(in X)".
        return f"{text} (in {where})" if where and where not in text else text

    def _hint(self) -> str:
        """Return extra advice computed only when the message is shown."""
        return ""


class ConfigFileError(ConfigError, OSError):
    """A config file cannot be read (an ``OSError``: permissions, an I/O error)."""

    def __init__(
        self, message: str, *, error_number: Optional[int] = None, **location: Unpack[Location]
    ):
        super().__init__(message, **location)
        self.errno = error_number
        self.strerror = message


class ConfigFileNotFoundError(ConfigFileError, FileNotFoundError):
    """A config file, or a base it names, does not exist."""

    def __init__(self, message: str, **location: Unpack[Location]) -> None:
        super().__init__(message, error_number=errno.ENOENT, **location)


class ConfigPermissionError(ConfigFileError, PermissionError):
    """A config file, or a base it names, cannot be read for lack of permission."""


class PackageNotFoundError(ConfigError, ModuleNotFoundError):
    """A ``pkg::path`` base names a package that is not installed."""


class ConfigSyntaxError(ConfigError, SyntaxError):
    """A config file cannot be parsed; keeps ``filename``, ``lineno``, ``offset``, ``text``, so
    Python's traceback printer shows the offending line with a caret."""

    def __init__(
        self,
        message: str,
        *,
        offset: Optional[int] = None,
        text: Optional[str] = None,
        **location: Unpack[Location],
    ) -> None:
        super().__init__(message, **location)
        self.msg = message
        self.offset = offset
        self.text = text


class ConfigDecodeError(ConfigError, ValueError):
    """A config file's bytes or text cannot be decoded: not UTF-8, malformed JSON or YAML."""


class ConfigEncodingError(ConfigDecodeError, UnicodeDecodeError):
    """A config file is not valid UTF-8 (a ``UnicodeDecodeError`` naming the file and line)."""

    def __init__(
        self, message: str, *, error: UnicodeDecodeError, **location: Unpack[Location]
    ) -> None:
        # Keep a window of the bytes around the bad one, not the whole file.
        first = max(error.start - 40, 0)
        window = error.object[first : error.end + 40]
        start, end = error.start - first, error.end - first
        UnicodeDecodeError.__init__(self, error.encoding, window, start, end, error.reason)
        self.args = (message,)
        self.message = message
        self.filename = location.get("filename")
        self.lineno = location.get("lineno")
        self.key = location.get("key")


class DataSyntaxError(ConfigDecodeError, ConfigSyntaxError):
    """A config's text is malformed: JSON or YAML that does not parse, or a NUL byte in a
    Python config (both a ``SyntaxError`` and a ``ValueError``: Python raises the latter for a
    NUL before 3.11.4)."""


class UnsafeYamlError(ConfigError, ValueError):
    """A YAML file would construct Python objects, or its aliases expand without bound."""


class UnsafeConfigError(ConfigError):
    """A config loaded with ``safe=True`` uses a construct that safe mode does not run."""


class ConfigParsingError(ConfigError, RuntimeError):
    """A config file breaks the rules of its style (mmengine's name, kept for ``except``)."""


class InheritanceCycleError(ConfigParsingError, RecursionError):
    """A chain of ``_base_`` files reaches a file that is already being loaded (mmengine
    recurses until Python gives up with ``RecursionError``; that base is kept)."""


class NestingError(ConfigError, RecursionError):
    """A value contains itself, or is nested deeper than the operation can follow."""


class ValueSizeError(ConfigError, ValueError):
    """A value would stand for more than the size limit once written out: ``{{ _base_.x }}``
    references multiplying a big base value (shared parts count wherever they appear)."""


class NotAMappingError(ConfigError, TypeError, AttributeError):
    """The top level of a JSON or YAML config is not a mapping (mmengine fails here with an
    ``AttributeError`` from ``.items()``; both bases are kept)."""


class BasePathError(ConfigError, ValueError):
    """A ``_base_`` entry is not a path cfgkit can resolve (a malformed ``pkg::path``)."""


class ConfigTypeError(ConfigError, TypeError):
    """A config value has a type the operation cannot use (``_base_``, ``custom_imports``, ...)."""


class MergeError(ConfigError, TypeError):
    """A child config gives a dict where its base has a value that is not a dict."""


class ConfigKeyError(ConfigError, KeyError):
    """A key is missing, reserved, duplicated or not a valid index (not repr-quoted)."""


class ConfigIndexError(ConfigKeyError, IndexError):
    """A list index is out of range: a ``KeyError`` as in mmengine's merge, and an
    ``IndexError`` as for ``cfg.lst[9]``."""


class MissingBaseNameError(ConfigParsingError, KeyError):
    """``with read_base(): from .base import name`` names what the base does not define."""


class SelectorError(ConfigKeyError):
    """A list selector (``train_pipeline[type=Resize]``) that matches no element or several,
    or that addresses something that is not a list of dicts."""


class ReservedKeyError(ConfigKeyError):
    """A config defines a top-level key that ``Config`` reserves for itself."""


class MissingKeyError(ConfigKeyError):
    """``cfg['x']`` on a config dict that has no key ``'x'``: ``args[0]`` is the key, as for a
    plain ``KeyError``; the message adds close matches, computed only when it is shown."""

    def __init__(self, missing: object, available: Iterable[object] = ()) -> None:
        super().__init__(repr(missing))
        self.args = (missing,)
        self.missing = missing
        self.available = tuple(available)

    def _hint(self) -> str:
        return did_you_mean(self.missing, self.available, cutoff=0.75)


class MissingAttributeError(ConfigError, AttributeError):
    """``cfg.x`` on a config dict that has no key ``'x'``; the text is mmengine's, its "did
    you mean" hint computed only when the message is shown (``hasattr`` checks stay cheap)."""

    def __init__(self, owner: str, attribute: str, available: Iterable[object] = ()) -> None:
        super().__init__(f"'{owner}' object has no attribute '{attribute}'")
        self.owner = owner
        self.attribute = attribute
        self.available = tuple(available)

    def _hint(self) -> str:
        return did_you_mean(self.attribute, self.available, cutoff=0.75)


class DumpError(ConfigError, TypeError):
    """A config cannot be written in the asked format so that it loads back the same."""


class RebaseError(ConfigError, ValueError):
    """A config cannot be written as a child of the given bases that loads back the same."""


class CustomImportError(ConfigError, ImportError):
    """A module named in ``custom_imports`` (or given to ``--import``) cannot be imported."""


class ConfigExecutionError(ConfigError):
    """A Python config raised while it ran.

    Concrete classes are made per original type (``cfgkit._located``) and also subclass the
    type of the original exception, which is kept as ``__cause__`` (its traceback shows the
    line): ``except ValueError`` and ``except ConfigError`` both catch a config's
    ``ValueError``.
    """

    original_type: ClassVar[type[BaseException]] = Exception
    # The cfgkit class the per-type classes derive from, and the start of their names.
    family: ClassVar[type[ConfigExecutionError]]
    name_prefix: ClassVar[str] = "Config"


ConfigExecutionError.family = ConfigExecutionError


class CustomModuleError(ConfigExecutionError):
    """A module named in ``custom_imports`` (or given to ``--import``) raised while it was
    imported, with an error that is not an ``ImportError`` (a ``ValueError``, a syntax error,
    ``sys.exit()``); made per original type as :class:`ConfigExecutionError` is, as mmengine
    lets the module's own exception through. One not found is a :class:`CustomImportError`."""

    name_prefix: ClassVar[str] = "CustomModule"


CustomModuleError.family = CustomModuleError


# Names of classes folded into their families (a user catches them as the family; each was
# raised in one place): still importable, the same class as the family.
UnsupportedFormatError = ConfigFileError  # an extension that is not .py, .json, .yaml, .yml
DuplicateBaseKeyError = ConfigKeyError  # two sibling `_base_` files define the same key
BaseReferenceError = ConfigKeyError  # `{{ _base_.x }}` names what the bases do not define
MissingEnvVarError = ConfigKeyError  # `{{ $VAR }}` unset, with no default


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


class NewKeyWarning(ConfigError, UserWarning):
    """An override created a key the config did not have (``model.backbone.dpeth=101``), so
    it changes no value the config had; ``merge_from_dict(..., new_keys='warn')`` and the
    ``cfgkit`` command say so."""


class DropInError(CfgkitError, RuntimeError):
    """The mmengine drop-in (:mod:`cfgkit.mmengine_hook`) cannot do what it was asked."""
