"""Finding and reading config files: the text of a file, package config folders, cycles.

Both styles (classic ``_base_`` and pure-Python ``read_base()``) read files and find
packages through these functions, so a file that cannot be read, decoded or found gives the
same error whichever loader asked for it.
"""

from __future__ import annotations

import _thread
import os
import time

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
    from typing import Optional, Sequence

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
    "unchanged",
]

PYTHON_EXTENSION = ".py"
SUPPORTED_EXTENSIONS = (".py", ".json", ".yaml", ".yml")
_package_dirs: dict[str, Optional[str]] = {}
_package_lock = _thread.allocate_lock()


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
    """The file's stamp now, or None when it cannot be trusted (or the file is gone)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - stat.st_mtime_ns < _RACY_NS:
        return None
    return Stamp(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def unchanged(path: str, text: str, stamp: Optional[Stamp]) -> bool:
    """Tell whether ``path`` still holds ``text``: by its stamp, else by reading it."""
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
    # Universal newlines, as text-mode reading gives them (and mmengine sees them).
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


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
