"""Compiled Python configs kept across processes: ``__pycache__`` for configs.

``compile()`` is most of the cost of loading a config that is not in the parse cache. Its
result (and what the loader learned with it: the ``_base_`` list, whether the code reads
``_base_``) is written with :mod:`marshal` to the user's cache directory, keyed by a hash of
the file's path and its text after the text passes, and by the Python version. So a config
whose text (or whose ``{{ $VAR }}`` values) changed is compiled again, and results are the
same with and without the cache.

The directory is ``$CFGKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/cfgkit`` (``~/.cache/cfgkit``),
``~/Library/Caches/cfgkit`` on macOS or ``%LOCALAPPDATA%\\cfgkit\\Cache`` on Windows; never
beside the configs. Entries are written atomically (a private file, then a rename), read only
when they belong to the user and nobody else can write them, and never required: a missing,
read-only or foreign directory just means compiling. ``CFGKIT_NO_CACHE=1`` turns it off, and so
does ``PYTHONDONTWRITEBYTECODE`` (or ``python -B``), as for Python's own bytecode.
"""

from __future__ import annotations

import _thread
import contextlib
import marshal
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hashlib import blake2b
    from typing import Any, Optional

__all__ = ["cache_base", "cache_directory", "digest", "load", "read_entry", "store", "write_entry"]

# Bump when what an entry holds changes.
FORMAT = 1


def cache_base() -> Optional[str]:
    """The user's cfgkit cache folder, or None when ``CFGKIT_NO_CACHE`` is set."""
    if os.environ.get("CFGKIT_NO_CACHE"):
        return None
    base = os.environ.get("CFGKIT_CACHE_DIR")
    if not base:
        if sys.platform == "win32":
            local = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
            base = os.path.join(local, "cfgkit", "Cache")
        elif sys.platform == "darwin":
            base = os.path.expanduser("~/Library/Caches/cfgkit")
        else:
            home = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
            base = os.path.join(home, "cfgkit")
    return base


def cache_directory() -> Optional[str]:
    """The folder of this Python's compiled configs, or None when that cache is off (also
    under ``PYTHONDONTWRITEBYTECODE``, as for Python's own bytecode)."""
    base = cache_base()
    if base is None or sys.dont_write_bytecode:
        return None
    return os.path.join(base, f"code-{sys.implementation.cache_tag}-{FORMAT}")


def _blake2b() -> blake2b:
    """BLAKE2b from CPython's own ``_blake2`` module: ``hashlib`` would also load OpenSSL
    (~3 ms, more than compiling a small config); ``hashlib`` where ``_blake2`` is missing."""
    try:
        from _blake2 import blake2b  # lazy: only the cache needs it
    except ImportError:  # another implementation of Python
        from hashlib import blake2b  # lazy: as above
    return blake2b(digest_size=20)


def digest(*parts: str) -> str:
    """A short hex digest of ``parts`` (file names and texts), for naming cache entries."""
    hashed = _blake2b()
    hashed.update(b"\0".join(part.encode("utf-8", "surrogatepass") for part in parts))
    return str(hashed.hexdigest())


def _entry_path(text: str, filename: str) -> Optional[str]:
    """Where the entry of this text and file is kept, or None when the cache is off."""
    directory = cache_directory()
    return None if directory is None else os.path.join(directory, digest(filename, text))


def _trusted(stat: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (POSIX; elsewhere the folder decides)."""
    if not hasattr(os, "getuid"):
        return True
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def read_entry(path: str) -> object:
    """What :func:`write_entry` wrote at ``path``, or None (no entry, a foreign or corrupt
    one, another Python's)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        # Only the user's own files, which nobody else can write, are read (like __pycache__).
        if not _trusted(status):
            return None
        # A plain read of the descriptor (a buffered file costs more than a small entry);
        # entries are replaced by renames, never rewritten in place, so the size holds.
        entry: object = marshal.loads(os.read(descriptor, status.st_size))  # noqa: S302
        return entry
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        os.close(descriptor)


def write_entry(path: str, value: object) -> None:
    """Write ``value`` (marshal-able: code, tuples, lists, dicts, strings) at ``path``,
    atomically (a private file, then a rename); any problem means it is not kept."""
    checked_by_marshal: Any = value  # it raises ValueError for what it cannot write
    try:
        data = marshal.dumps(checked_by_marshal)
    except ValueError:  # something marshal cannot write: not cached
        return
    directory = os.path.dirname(path)
    partial = f"{path}.{os.getpid()}.{_thread.get_ident()}.partial"
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _trusted(os.stat(directory)):
            return
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(partial)


def load(text: str, filename: str) -> Optional[tuple[Any, ...]]:
    """Return what :func:`store` kept for this text and file, or None (any problem is a miss);
    its shape is the caller's, as it gave it to :func:`store`."""
    path = _entry_path(text, filename)
    entry = None if path is None else read_entry(path)
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == filename):
        return None
    kept: tuple[Any, ...] = entry[1]
    return kept


def store(text: str, filename: str, kept: tuple[object, ...]) -> None:
    """Keep ``kept`` (marshal-able values: a code object, lists, strings) for this text."""
    path = _entry_path(text, filename)
    if path is not None:
        write_entry(path, (filename, kept))
