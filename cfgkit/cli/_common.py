"""What the ``cfgkit`` subcommands share: loading a config with the common flags, the flags
themselves, and how paths, values, records and errors are written."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings

from cfgkit._escaping import clipped, for_terminal
from cfgkit._lazy_modules import lazy_pattern
from cfgkit.config import Config, DictAction
from cfgkit.config._load.custom_imports import import_modules
from cfgkit.config._load.inheritance import PACKAGE_SEPARATOR, locate_base
from cfgkit.config.config_dict import lazy_to_string, to_plain_tree
from cfgkit.config.lazy import LAZY_TYPES
from cfgkit.errors import CfgkitError, NewKeyWarning

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any, Iterator, Optional, Sequence, TextIO

    from cfgkit.config._analysis.provenance import Record

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = [
    "USAGE_ERROR",
    "add_follow",
    "add_imports",
    "add_options",
    "config_path",
    "describe",
    "import_modules_here",
    "is_safe",
    "load",
    "progress",
    "record_where",
    "short_path",
    "value_text",
    "warn",
]

USAGE_ERROR = 2


# An absolute path in a message: up to a quote, a space, a colon or a comma (file:line).
_ABSOLUTE_PATH = lazy_pattern(r"(?<![\w.])/[^\s\"'`:,()]+")

# `CFGKIT_SAFE=1` makes every command read configs in safe mode unless `--no-safe` is given.
SAFE_VARIABLE = "CFGKIT_SAFE"


def short_path(path: Optional[str]) -> str:
    """A path as a user would write it: ``mmdet::path`` for a config an installed package
    ships, relative to the current directory when it lies below it, else as it is."""
    if not path or path.startswith("<"):
        return path or "?"
    marker = f"{os.sep}.mim{os.sep}configs{os.sep}"
    if os.path.isabs(path) and marker in path:
        folder, _, inside = path.rpartition(marker)
        return f"{os.path.basename(folder)}::{inside.replace(os.sep, '/')}"
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def short_paths_in(text: str) -> str:
    """``text`` with every absolute path in it written as :func:`short_path` writes it."""
    if os.sep not in text:
        return text
    return _ABSOLUTE_PATH.sub(lambda match: short_path(match.group(0)), text)


def record_where(record: Record) -> str:
    if record.filename is None:
        return record.note or "?"
    line = f":{record.lineno}" if record.lineno else ""
    return f"{short_path(record.filename)}{line}"


def value_text(value: Any, width: int = 40) -> str:
    # Lazy references (an import in a pure-Python config) show as their dotted path; asking
    # one for `to_dict` would make another lazy reference.
    plain = to_plain_tree(value, lazy_to_string)
    return clipped(repr(plain) if type(value) not in LAZY_TYPES else str(plain), width)


def is_safe(args: argparse.Namespace) -> bool:
    """``--safe``/``--no-safe``, else ``--safe-root`` or ``CFGKIT_SAFE=1`` in the environment."""
    if args.safe is not None:
        return bool(args.safe)
    if getattr(args, "safe_root", None):
        return True
    return os.environ.get(SAFE_VARIABLE, "") == "1"


def load(
    args: argparse.Namespace, path: Optional[str] = None, import_custom_modules: bool = False
) -> Config:
    """Load the config (or ``path``) as the command's flags say, and merge the options.

    An option that creates a key the config did not have is a warning on stderr (an error
    with ``--strict-keys``). ``custom_imports`` are imported only when asked for: by
    ``import_custom_modules``, or ``--import-custom`` of the commands that never build.
    """
    cfg = Config.fromfile(
        config_path(path or args.config),
        follow_references=getattr(args, "follow_references", False),
        safe=is_safe(args),
        safe_root=getattr(args, "safe_root", None),
        import_custom_modules=import_custom_modules or getattr(args, "import_custom", False),
    )
    if args.cfg_options:
        strict = getattr(args, "strict_keys", False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NewKeyWarning)
            cfg.merge_from_dict(args.cfg_options, new_keys="error" if strict else "warn")
        for warning in caught:
            if issubclass(warning.category, NewKeyWarning):
                warn(args, str(warning.message))
            else:  # not ours to change: as it would have been shown
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
    return cfg


def config_path(given: str) -> str:
    """The file a config argument names: a path, or ``pkg::path`` for a config an installed
    package ships (as a ``_base_`` entry writes it), unless a file has that very name."""
    if PACKAGE_SEPARATOR not in given or os.path.exists(given):
        return given
    try:
        return locate_base(given, os.path.join(os.getcwd(), "<command line>"))[0]
    except CfgkitError:  # not a package's config: the loader says the file does not exist
        return given


def warn(args: argparse.Namespace, message: str) -> None:
    """One warning line on stderr: ``cfgkit COMMAND: warning: message``."""
    line = f"cfgkit {args.command}: warning: {short_paths_in(message)}"
    sys.stderr.write(for_terminal(line) + "\n")


def import_modules_here(names: Sequence[str]) -> None:
    """Import ``names`` as ``python -m`` would find them: the current directory first."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    import_modules(names, key=None)


def add_follow(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--follow-references",
        action="store_true",
        help="give every stale copy (a key bound to a variable that a child or an option "
        "changed) the variable's value; see docs/references.md",
    )


def add_imports(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--import-custom",
        action="store_true",
        help="import the config's custom_imports (off by default: this command builds "
        "nothing, and many custom imports need torch)",
    )


def add_options(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--cfg-options", nargs="+", action=DictAction, metavar="KEY=VALUE", help=help_text
    )
    parser.add_argument(
        "--strict-keys",
        action="store_true",
        help="make an option that creates a key the config did not have an error (by "
        "default a warning: such an option changes no value the config had)",
    )
    safety = parser.add_mutually_exclusive_group()
    safety.add_argument(
        "--safe",
        dest="safe",
        action="store_const",
        const=True,
        default=None,
        help=f"read Python configs without running them (the default when {SAFE_VARIABLE}=1); "
        "see docs/safe-mode.md",
    )
    safety.add_argument(
        "--no-safe", dest="safe", action="store_const", const=False, help="run them, as mmengine"
    )
    parser.add_argument(
        "--safe-root",
        action="append",
        metavar="DIR",
        help="in safe mode, also read configs and bases inside DIR (repeatable; implies --safe); "
        "by default only the config's own folder",
    )


@contextlib.contextmanager
def progress(stream: TextIO, text: str, after: float = 0.5) -> Iterator[None]:
    """Show ``cfgkit TEXT...`` on ``stream`` if it is a terminal and the block takes longer
    than ``after`` seconds (a cold index takes seconds, and a silent pause looks like a
    hang); erase the line when the block ends."""
    if not stream.isatty():
        yield
        return
    import threading  # lazy: only a terminal needs the timer

    shown = threading.Event()

    def show() -> None:
        stream.write(f"cfgkit {text}...")
        stream.flush()
        shown.set()

    timer = threading.Timer(after, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        if shown.is_set():
            stream.write("\r\033[K")
            stream.flush()


def describe(error: BaseException) -> str:
    """One line for any error: cfgkit's own messages as they are, others with their type."""
    if isinstance(error, SystemExit) and not isinstance(error, CfgkitError):
        frame = error.__traceback__
        where = ""
        while frame is not None:
            where = f" at {short_path(frame.tb_frame.f_code.co_filename)}:{frame.tb_lineno}"
            frame = frame.tb_next
        return for_terminal(f"sys.exit({error.code!r}) was called while loading{where}")
    try:
        message = str(error)
    except Exception:  # an error whose own __str__ fails
        message = repr(error)
    if isinstance(error, KeyError) and not isinstance(error, CfgkitError):
        message = message.strip("'\"")
    if not isinstance(error, CfgkitError):
        message = f"{type(error).__name__}: {message}"
    # Paths as the user wrote them; no control character of a config's reaches the terminal.
    return for_terminal(short_paths_in(message))
