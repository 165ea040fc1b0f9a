"""Finding and reading config files: the text of a file, package config folders, cycles.

Both styles (classic ``_base_`` and pure-Python ``read_base()``) read files and find
packages through these functions, so a file that cannot be read, decoded or found gives the
same error whichever loader asked for it.
"""

from __future__ import annotations

import _thread
import errno
import os
import stat
import time
from contextvars import ContextVar

from cfgkit._keys import BASE_KEY
from cfgkit._records import NamedTuple
from cfgkit.errors import (
    ConfigEncodingError,
    ConfigError,
    ConfigFileError,
    ConfigFileNotFoundError,
    ConfigParsingError,
    ConfigPermissionError,
    InheritanceCycleError,
    UnsafeConfigError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from contextvars import Token
    from typing import Mapping, Optional, Sequence, Union

    PathOrPaths = Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]]

__all__ = [
    "MAX_BASES_PER_LOAD",
    "MAX_CONFIG_BYTES",
    "PYTHON_EXTENSION",
    "SUPPORTED_EXTENSIONS",
    "BaseBudget",
    "Stamp",
    "check_extension",
    "check_not_loading",
    "forget_packages",
    "inside_roots",
    "outside_roots_error",
    "package_directory",
    "project_roots",
    "read_text",
    "safe_roots",
    "stamp_of",
    "texts_given",
    "unchanged",
]

PYTHON_EXTENSION = ".py"
SUPPORTED_EXTENSIONS = (".py", ".json", ".yaml", ".yml")
# The most cfgkit reads of one config file: far above any real config (the largest in the
# OpenMMLab corpus the tests load, mmpose's deepfashion2 dataset, is 75,480 bytes), and small
# enough that a link to /dev/zero or a huge file ends in a clear error, not out of memory.
MAX_CONFIG_BYTES = 64 * 2**20
_CHUNK_BYTES = 2**20
# Read-only, without blocking on a FIFO, never becoming a controlling terminal, not inherited.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# The kernel's pseudo file systems: their files claim size 0 and may never end.
_PSEUDO_FOLDERS = ("/proc/", "/sys/", "/dev/")
# The base files one load may use, counted as they are loaded (see BaseBudget): the
# 4,092 OpenMMLab configs name at most 14 in one file and use at most 15 in a whole load.
MAX_BASES_PER_LOAD = 10_000
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
        self.token: Optional[Token[Optional[Mapping[str, str]]]] = None

    def __enter__(self) -> None:
        if self.texts is not None:
            self.token = _given_texts.set(self.texts)

    def __exit__(self, *exc_info: object) -> None:
        if self.token is not None:
            _given_texts.reset(self.token)
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
    """Raise :class:`ConfigFileError` unless ``extension`` is a config format.

    Raises:
        ConfigFileError: The extension is not ``.py``, ``.json``, ``.yaml``, ``.yml`` (also an
            ``OSError``, as in mmengine).
    """
    if extension not in SUPPORTED_EXTENSIONS:
        raise ConfigFileError(
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


def read_text(
    filename: str,
    requested_by: Optional[str] = None,
    *,
    roots: Optional[Sequence[str]] = None,
) -> str:
    """Return the text of ``filename``, decoded as UTF-8.

    Only a regular file is read, and at most :data:`MAX_CONFIG_BYTES` of it: the file is
    opened without blocking (a FIFO cannot hang the open) and the *opened* file is checked,
    so a path swapped for a FIFO, a device or a link to one between a check and the read
    cannot win.

    Args:
        filename: The file.
        requested_by: The config whose ``_base_`` names it, named in errors.
        roots: In safe mode, the folders the file must be inside (its real path, as
            opened); None reads it wherever it is.

    Raises:
        ConfigFileNotFoundError: The file does not exist, is a folder, or its name cannot
            be a path (a NUL byte, a lone surrogate); also a ``FileNotFoundError``.
        ConfigPermissionError: It cannot be read for lack of permission.
        ConfigFileError: It is not a regular file (a FIFO, a device, a socket), it is
            larger than :data:`MAX_CONFIG_BYTES`, or any other ``OSError`` while reading it.
        ConfigEncodingError: It is not valid UTF-8 (also a ``UnicodeDecodeError``); the
            message gives the line of the first bad byte.
        UnsafeConfigError: ``roots`` are given and the file, as opened, is outside them.
    """
    given = _given(filename)
    if given is not None:  # an editor's unsaved text stands for the file
        if roots is not None and not inside_roots(filename, roots):
            raise outside_roots_error(filename, roots, requested_by)
        return given
    data = _read_bytes(filename, requested_by, roots)
    wanted = f", which is a _base_ of {requested_by}" if requested_by else ""
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


def _read_bytes(
    filename: str, requested_by: Optional[str], roots: Optional[Sequence[str]]
) -> bytes:
    wanted = f", which is a _base_ of {requested_by}" if requested_by else ""
    where = requested_by or filename
    try:
        descriptor = os.open(filename, _READ_FLAGS)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise ConfigFileNotFoundError(
            f'file "{filename}" does not exist{wanted}', filename=where
        ) from None
    except OSError as error:
        raise _os_error(error, filename, wanted, where) from None
    except ValueError as error:  # a NUL byte, or a lone surrogate the file system cannot name
        reason = "a NUL byte" if "\0" in filename else "a character that cannot be encoded"
        raise ConfigFileNotFoundError(
            f"file {filename!r} does not exist{wanted}: its name holds {reason} ({error})",
            filename=requested_by,
        ) from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise ConfigFileNotFoundError(
                f'"{filename}" is a folder, not a config file{wanted}', filename=where
            )
        if not stat.S_ISREG(status.st_mode):
            raise ConfigFileError(
                f'cannot read "{filename}"{wanted}: it is {_kind(status.st_mode)}, not a '
                "regular file (a config is read only from a regular file)",
                error_number=errno.EINVAL,
                filename=where,
            )
        if roots is not None and not inside_roots(_opened_path(descriptor, filename), roots):
            raise outside_roots_error(filename, roots, requested_by)
        if status.st_size > MAX_CONFIG_BYTES:
            raise _too_large(filename, wanted, where)
        chunks = []
        left = MAX_CONFIG_BYTES + 1  # one byte more tells a file that grew past the limit
        while left > 0:
            chunk = os.read(descriptor, min(left, _CHUNK_BYTES))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise _too_large(filename, wanted, where)
        return b"".join(chunks)
    except OSError as error:
        if isinstance(error, ConfigError):
            raise
        raise _os_error(error, filename, wanted, where) from None
    finally:
        os.close(descriptor)


def _os_error(error: OSError, filename: str, wanted: str, where: str) -> ConfigFileError:
    denied = isinstance(error, PermissionError)
    return (ConfigPermissionError if denied else ConfigFileError)(
        f'cannot read "{filename}"{wanted}: '
        f"{'permission denied' if denied else error.strerror or error}",
        error_number=error.errno,
        filename=where,
    )


def _too_large(filename: str, wanted: str, where: str) -> ConfigFileError:
    return ConfigFileError(
        f'cannot read "{filename}"{wanted}: it is larger than {MAX_CONFIG_BYTES // 2**20} MiB, '
        "the most cfgkit reads of one config file (the largest real config is under 100 KiB)",
        error_number=errno.EFBIG,
        filename=where,
    )


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "a special file")


def _opened_path(descriptor: int, filename: str) -> str:
    """The real path of the file open as ``descriptor`` (the link the kernel keeps for it
    where there is one, so a path changed since the open does not count)."""
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return os.path.realpath(filename)


def project_roots(path: str, folders: Sequence[str] = ()) -> list[str]:
    """The folders a tool that reads a project's configs in safe mode lets it read: each of
    ``folders`` (a workspace) that holds ``path``, and the outermost folder named
    ``configs`` above it (OpenMMLab configs name ``../_base_/...``); the config's own
    folder when there is neither.

    Args:
        path: A config file.
        folders: The folders of the project or workspace the tool serves.
    """
    real = os.path.realpath(path)
    roots = [os.path.realpath(f) for f in folders]
    roots = [r for r in roots if real.startswith(os.path.join(r, ""))]
    folder = os.path.dirname(real)
    outermost = None
    while os.path.dirname(folder) != folder:
        if os.path.basename(folder) == "configs":
            outermost = folder
        folder = os.path.dirname(folder)
    if outermost is not None:
        roots.append(outermost)
    return roots or [os.path.dirname(real)]


def inside_roots(path: str, roots: Sequence[str]) -> bool:
    """Tell whether the real path of ``path`` (links followed) is inside one of ``roots``
    (real paths) and not in the kernel's pseudo file systems (``/proc``, ``/sys``, ``/dev``)."""
    real = os.path.realpath(path)
    if real.startswith(_PSEUDO_FOLDERS):
        return False
    return any(real == root or real.startswith(os.path.join(root, "")) for root in roots)


def outside_roots_error(
    path: str,
    roots: Sequence[str],
    requested_by: Optional[str],
    lineno: Optional[int] = None,
    key: Optional[str] = BASE_KEY,
) -> UnsafeConfigError:
    """The error of safe mode's root rule: ``path`` is outside every root.

    Args:
        path: The file as named.
        roots: The real paths of the folders allowed.
        requested_by: The config that names it (the error's file), None for the config itself.
        lineno: The line of ``requested_by`` that names it, when known.
        key: The key that names it (``_base_``; None for a ``read_base()`` import).
    """
    real = os.path.realpath(path)
    named = f"{path} (the file {real})" if real != path else path
    asked = f", a base of {requested_by}," if requested_by else ""
    return UnsafeConfigError(
        f"safe mode reads only files inside {' and '.join(roots)}: {named}{asked} is not "
        "inside; pass safe_root= (--safe-root DIR) to allow another folder",
        filename=requested_by or path,
        lineno=lineno,
        key=key if requested_by else None,
    )


def safe_roots(entry: str, extra: Optional[PathOrPaths] = None) -> tuple[str, ...]:
    """The real paths of the folders a safe load of ``entry`` may read: its folder and
    ``extra``.

    Args:
        entry: The config file being loaded.
        extra: More folders (``safe_root=``), a path or a list of them.
    """
    folders = [os.path.dirname(os.path.abspath(os.path.expanduser(entry)))]
    if isinstance(extra, (str, os.PathLike)):
        folders.append(os.fspath(extra))
    elif extra is not None:
        folders.extend(os.fspath(folder) for folder in extra)
    return tuple(dict.fromkeys(os.path.realpath(os.path.expanduser(f)) for f in folders))


class BaseBudget:
    """The base files one load has used, counted as mmengine loads them.

    A base named twice (by one file or by two) counts twice, with all its own bases, even
    when cfgkit reuses it from a cache: that is the work the chain asks for, and what makes
    its layers and ``Config.text`` grow. Each use is charged before the base is resolved, so
    ``_base_ = ['b.py'] * 10**6`` or a 30-level diamond (2**30 uses) ends in an error at once.
    """

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used = 0

    def charge(self, count: int, requested_by: str, lineno: Optional[int] = None) -> None:
        """Count ``count`` more base files named by ``requested_by``.

        Raises:
            ConfigParsingError: The load would use more than :data:`MAX_BASES_PER_LOAD`.
        """
        self.used += count
        if self.used > MAX_BASES_PER_LOAD:
            raise ConfigParsingError(
                f"the inheritance chain uses more than {MAX_BASES_PER_LOAD:,} base files "
                "(a base named again counts again, with its own bases, as loading them does); "
                "the OpenMMLab configs use at most 15: name each base once",
                filename=requested_by,
                lineno=lineno,
                key=BASE_KEY,
            )


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
