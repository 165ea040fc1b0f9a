"""Finding and reading config files: the text of a file, package config folders, cycles.

Both styles (classic ``_base_`` and pure-Python ``read_base()``) read files and find
packages through these functions, so a file that cannot be read, decoded or found gives the
same error whichever loader asked for it.
"""

from __future__ import annotations

import _thread
import os
import time
from contextvars import ContextVar

from cfgkit._records import NamedTuple
from cfgkit.errors import (
    ConfigEncodingError,
    ConfigFileError,
    ConfigFileNotFoundError,
    ConfigPermissionError,
    InheritanceCycleError,
    UnsupportedFormatError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional, Sequence

__all__ = [
    "PYTHON_EXTENSION",
    "SUPPORTED_EXTENSIONS",
    "Stamp",
    "check_extension",
    "check_not_loading",
    "forget_packages",
    "package_directory",
    "read_text",
    "stamp_of",
    "texts_given",
    "unchanged",
]

PYTHON_EXTENSION = ".py"
SUPPORTED_EXTENSIONS = (".py", ".json", ".yaml", ".yml")
_package_dirs: dict[str, Optional[str]] = {}
_package_lock = _thread.allocate_lock()
# Texts that stand for files (an editor's unsaved buffers), by absolute path, while a load
# that was given them runs (per thread and task, so other loads still read the disk).
_given_texts: ContextVar[Optional[Mapping[str, str]]] = ContextVar("cfgkit_texts", default=None)


class texts_given:
    """Read ``texts`` (absolute path to text) instead of those files while the block runs.

    Every file a load reads goes through :func:`read_text`, and the parse cache asks
    :func:`unchanged`: both consult the texts, so a file given here is never taken from the
    disk or from a cache entry made from other text.
    """

    def __init__(self, texts: Optional[Mapping[str, str]]) -> None:
        self.texts = texts
        self.token: Optional[object] = None

    def __enter__(self) -> None:
        if self.texts is not None:
            self.token = _given_texts.set(self.texts)

    def __exit__(self, *exc_info: object) -> None:
        if self.token is not None:
            _given_texts.reset(self.token)  # type: ignore[arg-type]
            self.token = None


def _given(path: str) -> Optional[str]:
    texts = _given_texts.get()
    if not texts:
        return None
    text = texts.get(os.path.abspath(path))
    return None if text is None else _universal_newlines(text)


def _universal_newlines(text: str) -> str:
    # As text-mode reading gives them (and mmengine sees them).
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


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


class Stamp(NamedTuple):
    """What ``os.stat`` said of a file when it was read: size, modification time, inode."""

    size: int
    mtime_ns: int
    inode: int


# A file changed less than this long before it was read may change again within the same
# timestamp (coarse file systems): its stamp proves nothing, so it is compared by text.
_RACY_NS = 2_000_000_000


def stamp_of(path: str) -> Optional[Stamp]:
    """The file's stamp now, or None when it cannot be trusted (or the file is gone, or a
    text given for it stands in for it)."""
    if _given(path) is not None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - stat.st_mtime_ns < _RACY_NS:
        return None
    return Stamp(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def unchanged(path: str, text: str, stamp: Optional[Stamp]) -> bool:
    """Tell whether ``path`` still holds ``text``: by its stamp, else by reading it."""
    given = _given(path)
    if given is not None:
        return given == text
    if stamp is not None:
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns, stat.st_ino) == stamp:
            return True
    try:
        return read_text(path) == text
    except (OSError, ValueError):
        return False


def read_text(filename: str, requested_by: Optional[str] = None) -> str:
    """Return the text of ``filename``, decoded as UTF-8.

    Args:
        filename: The file.
        requested_by: The config whose ``_base_`` names it, named in errors.

    Raises:
        ConfigFileNotFoundError: The file does not exist (also a ``FileNotFoundError``).
        ConfigPermissionError: It cannot be read for lack of permission.
        ConfigFileError: Any other ``OSError`` while reading it.
        ConfigEncodingError: It is not valid UTF-8 (also a ``UnicodeDecodeError``); the
            message gives the line of the first bad byte.
    """
    given = _given(filename)
    if given is not None:
        return given
    wanted = f", which is a _base_ of {requested_by}" if requested_by else ""
    try:
        with open(filename, "rb") as stream:
            data = stream.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise ConfigFileNotFoundError(
            f'file "{filename}" does not exist{wanted}', filename=requested_by or filename
        ) from None
    except OSError as error:
        denied = isinstance(error, PermissionError)
        raise (ConfigPermissionError if denied else ConfigFileError)(
            f'cannot read "{filename}"{wanted}: '
            f"{'permission denied' if denied else error.strerror or error}",
            error_number=error.errno,
            filename=requested_by or filename,
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        lineno = data.count(b"\n", 0, error.start) + 1
        raise ConfigEncodingError(
            f"{filename} is not UTF-8 text (byte {data[error.start]:#04x} at line {lineno})"
            f"{wanted}; save it as UTF-8",
            error=error,
            filename=filename,
            lineno=lineno,
        ) from None
    return _universal_newlines(text)


def check_not_loading(path: str, chain: Sequence[str], requested_by: Optional[str]) -> None:
    """Raise :class:`InheritanceCycleError` when ``path`` is already being loaded.

    Args:
        path: The file about to be loaded.
        chain: The files being loaded that lead to it, outermost first.
        requested_by: The file that asks for it.
    """
    if path in chain:
        loop = " -> ".join((*chain[list(chain).index(path) :], path))
        raise InheritanceCycleError(
            f"Config inheritance cycle: {loop}. A file cannot be its own base",
            filename=requested_by or path,
        )


def package_directory(package: str) -> Optional[str]:
    """Return the folder of an installed package, found without importing it (or None)."""
    if package in _package_dirs:
        return _package_dirs[package]
    import importlib.util  # lazy: only package bases need it

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        return None  # not remembered: the package may be installed later
    with _package_lock:
        _package_dirs[package] = locations[0]
    return locations[0]


def forget_packages() -> None:
    """Find packages again on the next lookup (after ``sys.path`` changed)."""
    with _package_lock:
        _package_dirs.clear()
