"""The ``check`` subcommand: every mistake in configs before anything is built."""

from __future__ import annotations

import sys
import traceback

from cfgkit._keys import CUSTOM_IMPORTS_KEY, DEFAULT_SCOPE_KEY
from cfgkit.checking import (
    ERROR,
    NOT_CHECKED,
    NOTE,
    WARNING,
    Problem,
    check,
    default_registries,
    format_problems,
    static_index,
)
from cfgkit.cli._common import (
    USAGE_ERROR,
    add_follow,
    add_options,
    describe,
    import_modules_here,
    is_safe,
    load,
    progress,
    short_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from cfgkit.cli._common import Commands

__all__ = ["add_commands"]


# Exit statuses besides 0 (no error) and 2 (a config cannot be loaded, or a usage error).
FOUND_ERRORS = 1
NOTHING_CHECKED = 3
_RANK = {NOTE: 0, WARNING: 1, ERROR: 2}


def _check(args: argparse.Namespace) -> int:
    """Check each config: 2 if one cannot be loaded, else 1 if there are errors, else 3 if
    a config's types could not be checked (its scope's package is not installed), else 0."""
    static = bool(args.scan) or not args.imports
    import_modules_here(args.imports)  # and the current folder first on sys.path
    indexes: dict[Any, Any] = {}
    seen: set[Problem] = set()
    found: list[Problem] = []
    status = 0
    for config in args.config:
        try:
            # The static check reads custom_imports' sources instead of importing them.
            cfg = load(args, config, import_custom_modules=not static)
        except Exception as error:
            if args.debug:
                traceback.print_exc()
            sys.stderr.write(f"cfgkit check: error: {describe(error)}\n")
            status = USAGE_ERROR
            continue
        index = None
        with progress(sys.stderr, "check: reading the registries from source (cached after)"):
            if static:
                key = (cfg.get(DEFAULT_SCOPE_KEY), repr(cfg.get(CUSTOM_IMPORTS_KEY)))
                if key not in indexes:
                    # A --scan that names nothing is a usage error, raised (once) from here.
                    indexes[key] = static_index(cfg, scan=args.scan)
                index = indexes[key]
            registries = default_registries(cfg) if args.imports or not static else None
            problems = check(cfg, registries, imports=not is_safe(args), index=index)
        for problem in problems:
            if problem not in seen:  # a base shared by several configs: its problems once
                seen.add(problem)
                found.append(problem)
    least = _RANK[ERROR if args.quiet else args.severity]
    shown = [p for p in found if _RANK[p.severity] >= least]
    sys.stdout.write(format_problems(shown, args.format, short_path))
    if status == 0 and any(p.severity == ERROR for p in found):
        status = FOUND_ERRORS
    if status == 0 and any(p.code == NOT_CHECKED for p in found):
        status = NOTHING_CHECKED
    return status


def add_commands(commands: Commands) -> None:
    """Add ``check``."""
    checker = commands.add_parser(
        "check",
        help="find every mistake in a config before anything is built",
        description="Check every dict with a `type` against the registries of the config's "
        "default_scope (or all): unknown types and keywords are errors, values that "
        "contradict an annotation warnings, required arguments not given notes; stale "
        "copies (a key a base bound to a variable that a child or an option changed) are "
        "warnings under keys the runner reads and notes elsewhere. Without --import, the "
        "registries are read from source, never imported (the static index): the package "
        "of the default_scope, those it builds on (mmengine, mmcv), those custom_imports "
        "name and each --scan. One problem per line as FILE:LINE: KEY.PATH: severity: "
        "message. Exit status 0 without errors, 1 with errors, 2 when a config cannot be "
        "loaded, 3 when a config's types could not be checked (the package of its "
        "default_scope is not installed).",
    )
    checker.add_argument("config", nargs="+", help="a .py, .json, .yaml or .yml config")
    checker.add_argument(
        "--import", dest="imports", action="append", default=[], metavar="MODULE",
        help="a module to import first, so its registrations exist (repeatable); without "
        "--scan, only imported registries are searched",
    )  # fmt: skip
    checker.add_argument(
        "--scan", action="append", default=[], metavar="PKG_OR_DIR",
        help="an installed package (by import name) or a source folder to read "
        "registrations from, without importing it (repeatable)",
    )  # fmt: skip
    checker.add_argument(
        "--format", choices=("text", "json", "github"), default="text",
        help="text (FILE:LINE: KEY: severity: message), json (a list of objects) or github "
        "(GitHub Actions annotations)",
    )  # fmt: skip
    checker.add_argument(
        "--severity", choices=("note", "warning", "error"), default="note",
        help="the least severe problem to print (note: all of them); the exit status "
        "counts every problem",
    )  # fmt: skip
    checker.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only (--severity error)"
    )
    add_options(checker, "override values, as training scripts do")
    add_follow(checker)
    checker.set_defaults(run=_check)
