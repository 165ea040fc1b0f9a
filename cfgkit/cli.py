"""The ``cfgkit`` command: print, dump, diff and explain configs; list registries.

Usage:
    cfgkit print CONFIG [--cfg-options KEY=VALUE ...] [--format py|json|yaml]
    cfgkit dump CONFIG OUT [--cfg-options KEY=VALUE ...]
    cfgkit diff A B [--cfg-options KEY=VALUE ...]
    cfgkit explain CONFIG [KEY] [--cfg-options KEY=VALUE ...]
    cfgkit registry [MODULE ...]
    cfgkit check CONFIG ... [--scan PKG_OR_DIR ...] [--import MODULE ...] [--format F]

Errors go to stderr as one message naming the file and line (``--debug`` shows the
traceback); the exit status is 2 for usage and config errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from cfgkit.checking import ERROR, Problem, check, default_registries, format_problems, static_index
from cfgkit.config import Config, DictAction
from cfgkit.config.config_dict import lazy_to_string, to_plain_tree
from cfgkit.config.custom_imports import import_modules
from cfgkit.config.formatting import dump_text
from cfgkit.config.lazy import LAZY_TYPES
from cfgkit.config.provenance import Record, same_value
from cfgkit.errors import CfgkitError
from cfgkit.key_paths import dotted, leaf_paths, normalise_path, parse_key
from cfgkit.keys import CUSTOM_IMPORTS_KEY, DEFAULT_SCOPE_KEY
from cfgkit.registry.registry import Registry, all_registries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional, Sequence

    from cfgkit.key_paths import KeyPath

__all__ = ["build_parser", "main", "main_entry"]

USAGE_ERROR = 2


def _short(path: Optional[str]) -> str:
    """A path relative to the current directory when it lies below it, else as it is."""
    if not path or path.startswith("<"):
        return path or "?"
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _where(record: Record) -> str:
    if record.filename is None:
        return record.note or "?"
    line = f":{record.lineno}" if record.lineno else ""
    return f"{_short(record.filename)}{line}"


def _value_text(value: Any, width: int = 40) -> str:
    # Lazy references (an import in a pure-Python config) show as their dotted path; asking
    # one for `to_dict` would make another lazy reference.
    plain = to_plain_tree(value, lazy_to_string)
    text = repr(plain) if type(value) not in LAZY_TYPES else str(plain)
    return text if len(text) <= width else text[: width - 3] + "..."


def _safe(args: argparse.Namespace) -> bool:
    """``--safe``/``--no-safe``, else ``--safe-root`` or ``CFGKIT_SAFE=1`` in the environment."""
    if args.safe is not None:
        return bool(args.safe)
    if getattr(args, "safe_root", None):
        return True
    return os.environ.get(SAFE_VARIABLE, "") == "1"


def _load(
    args: argparse.Namespace, path: Optional[str] = None, import_custom_modules: bool = True
) -> Config:
    follow = getattr(args, "follow_references", False)
    cfg = Config.fromfile(
        path or args.config,
        follow_references=follow,
        safe=_safe(args),
        safe_root=getattr(args, "safe_root", None),
        import_custom_modules=import_custom_modules,
    )
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def _explain(args: argparse.Namespace) -> int:
    cfg = _load(args)
    out = sys.stdout
    if args.key is not None:
        records = cfg.provenance(args.key)
        current = normalise_path(cfg._cfg_dict, parse_key(args.key))[1]
        out.write(f"{args.key} = {_value_text(current, 60)}\n")
        width = max(len(_value_text(r.value)) for r in records)
        for number, record in enumerate(records, 1):
            note = f", {record.note}" if record.note and record.filename is not None else ""
            out.write(
                f"  {number}. {record.action:<8} {_value_text(record.value).ljust(width)}  "
                f"{_where(record)}  ({record.layer}{note})\n"
            )
        return 0
    for path, value in leaf_paths(cfg.to_dict()):
        key = dotted(path)
        final = cfg.provenance(path)[-1]
        out.write(f"{key} = {_value_text(value)}  # {_where(final)} ({final.layer})\n")
    return 0


def _print(args: argparse.Namespace) -> int:
    cfg = _load(args)
    if args.format == "py":
        sys.stdout.write(cfg.pretty_text)
    else:
        text = dump_text(cfg.to_dict(), args.format, json_indent=2)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _dump(args: argparse.Namespace) -> int:
    _load(args).dump(args.out)
    return 0


def _import_modules(names: Sequence[str]) -> None:
    """Import ``names`` as ``python -m`` would find them: the current directory first."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    import_modules(names, key=None)


def _registry(args: argparse.Namespace) -> int:
    _import_modules(args.modules)
    roots = {id(r.root): r.root for r in all_registries()}
    for root in sorted(roots.values(), key=lambda r: (r.scope, r.name)):
        for line in _tree_lines(root):
            sys.stdout.write(line + "\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Check each config; 2 if one cannot be loaded, else 1 if there are errors, else 0."""
    static = bool(args.scan) or not args.imports
    _import_modules(args.imports)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as python -m finds modules: the current folder first
    indexes: dict[Any, Any] = {}
    seen: set[Problem] = set()
    found: list[Problem] = []
    status = 0
    for config in args.config:
        try:
            # The static check reads custom_imports' sources instead of importing them.
            cfg = _load(args, config, import_custom_modules=not static)
        except Exception as error:
            if args.debug:
                traceback.print_exc()
            sys.stderr.write(f"cfgkit check: error: {_describe(error)}\n")
            status = USAGE_ERROR
            continue
        index = None
        if static:
            key = (cfg.get(DEFAULT_SCOPE_KEY), repr(cfg.get(CUSTOM_IMPORTS_KEY)))
            if key not in indexes:
                # A --scan that names nothing is a usage error, raised (once) from here.
                indexes[key] = static_index(cfg, scan=args.scan)
            index = indexes[key]
        registries = default_registries(cfg) if args.imports or not static else None
        for problem in check(cfg, registries, imports=not _safe(args), index=index):
            if problem not in seen:  # a base shared by several configs: its problems once
                seen.add(problem)
                found.append(problem)
    sys.stdout.write(format_problems(found, args.format, _short))
    if status == 0 and any(p.severity == ERROR for p in found):
        status = 1
    return status


def _tree_lines(root: Registry) -> list[str]:
    """A line per registry of ``root``'s tree that has modules in it or below it."""
    registries = list(root.walk())
    kept: set[int] = set()
    for registry in registries:
        registry.import_from_location()
        node: Optional[Registry] = registry if registry.module_dict else None
        while node is not None and id(node) not in kept:
            kept.add(id(node))
            node = node.parent
    lines = []
    for registry in registries:
        if id(registry) in kept:
            depth = sum(1 for _ in _ancestors(registry))
            names = sorted(registry.module_dict)
            listed = f": {', '.join(names)}" if names else ""
            lines.append(f"{'  ' * depth}{registry.name} [{registry.scope}]{listed}")
    return lines


def _ancestors(registry: Registry) -> Iterator[Registry]:
    while registry.parent is not None:
        registry = registry.parent
        yield registry


_COLOURS = {"-": "\033[31m", "+": "\033[32m", "~": "\033[33m"}


def _final_where(cfg: Config, path: KeyPath) -> str:
    return _where(cfg.provenance(path)[-1])


def _diff(args: argparse.Namespace) -> int:
    first, second = _load(args, args.first), _load(args, args.second)
    old = dict(leaf_paths(first.to_dict()))
    new = dict(leaf_paths(second.to_dict()))
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    lines = []
    for path, value in old.items():
        if path not in new:
            lines.append(
                ("-", f"{dotted(path)} = {_value_text(value, 60)}  # {_final_where(first, path)}")
            )
        elif not same_value(value, new[path]):
            lines.append((
                "~",
                f"{dotted(path)}: {_value_text(value)} -> {_value_text(new[path])}  "
                f"# {_final_where(first, path)} -> {_final_where(second, path)}",
            ))  # fmt: skip
    for path, value in new.items():
        if path not in old:
            lines.append(
                ("+", f"{dotted(path)} = {_value_text(value, 60)}  # {_final_where(second, path)}")
            )
    for sign, text in lines:
        line = f"{sign} {text}"
        sys.stdout.write(f"{_COLOURS[sign]}{line}\033[0m\n" if colour else f"{line}\n")
    return 1 if lines else 0


# `CFGKIT_SAFE=1` makes every command read configs in safe mode unless `--no-safe` is given.
SAFE_VARIABLE = "CFGKIT_SAFE"


def build_parser() -> argparse.ArgumentParser:
    """The ``cfgkit`` argument parser."""
    parser = argparse.ArgumentParser(prog="cfgkit", description="Inspect OpenMMLab-style configs.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)

    show = commands.add_parser("print", help="print the fully resolved config")
    show.add_argument("config", help="a .py, .json, .yaml or .yml config")
    show.add_argument("--format", choices=("py", "json", "yaml"), default="py")
    _add_options(show, "override values, as training scripts do")
    _add_follow(show)
    show.set_defaults(run=_print)

    dump = commands.add_parser("dump", help="write the resolved config; the format follows OUT")
    dump.add_argument("config", help="a .py, .json, .yaml or .yml config")
    dump.add_argument("out", help="where to write: .py, .json, .yaml, .yml or .pkl")
    _add_options(dump, "override values, as training scripts do")
    _add_follow(dump)
    dump.set_defaults(run=_dump)

    explain = commands.add_parser(
        "explain",
        help="where a value came from (every file, line and layer that set it)",
        description="Without KEY, list every leaf with the file:line that gave it its value.",
    )
    explain.add_argument("config", help="a .py, .json, .yaml or .yml config")
    explain.add_argument("key", nargs="?", help="a dotted key, digits index lists")
    _add_options(explain, "override values, as training scripts do")
    _add_follow(explain)
    explain.set_defaults(run=_explain)

    diff = commands.add_parser(
        "diff",
        help="what differs between two configs, key by key",
        description="Keys removed (-), added (+) and changed (~), each with the file:line of "
        "its value; key order and formatting do not matter. Exit status 1 when the configs "
        "differ, 0 when they do not.",
    )
    diff.add_argument("first", metavar="A", help="a config")
    diff.add_argument("second", metavar="B", help="another config")
    _add_options(diff, "override values in both configs")
    diff.set_defaults(run=_diff)

    registry = commands.add_parser(
        "registry",
        help="import modules and list the registries and what is registered in each",
        description="Import each MODULE (the current directory is searched first), then "
        "list every registry tree with the names registered in it.",
    )
    registry.add_argument("modules", nargs="*", metavar="MODULE", help="a module to import")
    registry.set_defaults(run=_registry)

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
        "loaded.",
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
    _add_options(checker, "override values, as training scripts do")
    checker.set_defaults(run=_check)
    return parser


def _add_follow(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--follow-references",
        action="store_true",
        help="give every stale copy (a key bound to a variable that a child or an option "
        "changed) the variable's value; see docs/references.md",
    )


def _add_options(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--cfg-options", nargs="+", action=DictAction, metavar="KEY=VALUE", help=help_text
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


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``cfgkit`` command; return its exit status.

    Args:
        argv: The arguments (``sys.argv[1:]`` when None).

    Returns:
        0 on success, 2 for usage and config errors.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except BrokenPipeError:  # the reader went away (`cfgkit explain x | head`)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python's exit flush quiet
        return 0
    except KeyboardInterrupt:
        raise
    except (Exception, SystemExit) as error:
        # No input may print a traceback: every error is one line (--debug shows it all).
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"cfgkit {args.command}: error: {_describe(error)}\n")
        return USAGE_ERROR
    return status


def _describe(error: BaseException) -> str:
    """One line for any error: cfgkit's own messages as they are, others with their type."""
    if isinstance(error, SystemExit) and not isinstance(error, CfgkitError):
        frame = error.__traceback__
        where = ""
        while frame is not None:
            where = f" at {_short(frame.tb_frame.f_code.co_filename)}:{frame.tb_lineno}"
            frame = frame.tb_next
        return f"sys.exit({error.code!r}) was called while loading{where}"
    try:
        message = str(error)
    except Exception:  # an error whose own __str__ fails
        message = repr(error)
    if isinstance(error, CfgkitError):
        return message
    if isinstance(error, KeyError):
        message = message.strip("'\"")
    return f"{type(error).__name__}: {message}"


def main_entry() -> None:
    """Console-script entry point: ``sys.exit(main())``."""
    sys.exit(main())
