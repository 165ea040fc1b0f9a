"""The subcommands that show a config: ``print``, ``dump``, ``explain`` and ``diff``."""

from __future__ import annotations

import os
import sys

from cfgkit._escaping import for_terminal
from cfgkit._key_paths import dotted, leaf_paths, value_at
from cfgkit.cli._common import (
    add_follow,
    add_imports,
    add_options,
    load,
    record_where,
    short_path,
    value_text,
    warn,
)
from cfgkit.config._load.layers import same_value
from cfgkit.config._merge.selectors import find_key
from cfgkit.config._output.formatting import dump_text, format_python

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Optional

    from cfgkit._contracts import KeyPath
    from cfgkit.cli._common import Commands
    from cfgkit.config import Config
    from cfgkit.config._analysis.references import StaleReference

__all__ = ["add_commands"]


def _say_stale(args: argparse.Namespace, cfg: Config) -> None:
    """One warning line per stale copy a runner reads, naming the flag that follows it."""
    for stale in cfg.stale_references():
        if stale.severity == "warning":
            warn(
                args,
                f"{stale.key} still holds the old value of `{stale.variable}`, which "
                f"{short_path(stale.changed_by)} changed (--follow-references makes it follow)",
            )


def _explain(args: argparse.Namespace) -> int:
    cfg = load(args)
    stale = {s.path: s for s in cfg.stale_references()}  # by key path; none when followed
    out = sys.stdout
    if args.key is not None:
        path = find_key(cfg._cfg_dict, args.key)
        records = cfg.provenance(path)
        current = value_at(cfg._cfg_dict, path)
        out.write(for_terminal(f"{dotted(path)} = {value_text(current, 60)}") + "\n")
        width = max(len(value_text(r.value)) for r in records)
        for number, record in enumerate(records, 1):
            note = f", {record.note}" if record.note and record.filename is not None else ""
            out.write(
                for_terminal(
                    f"  {number}. {record.action:<8} {value_text(record.value).ljust(width)}  "
                    f"{record_where(record)}  ({record.layer}{note})"
                )
                + "\n"
            )
        copy = _copy_holding(path, stale)
        if copy is not None:
            out.write(for_terminal(f"  stale: {copy.key} is {copy.message}") + "\n")
        return 0
    for path, value in leaf_paths(cfg.to_dict()):
        final = cfg.provenance(path)[-1]
        line = f"{dotted(path)} = {value_text(value)}  # {record_where(final)} ({final.layer})"
        copy = _copy_holding(path, stale)
        if copy is not None:
            line += f" [stale copy of `{copy.variable}`]"
        out.write(for_terminal(line) + "\n")
    return 0


def _copy_holding(path: KeyPath, stale: dict[KeyPath, StaleReference]) -> Optional[StaleReference]:
    """The stale copy ``path`` lies in (it, or a key above it), or None."""
    for end in range(len(path), 0, -1):
        if path[:end] in stale:
            return stale[path[:end]]
    return None


def _print(args: argparse.Namespace) -> int:
    cfg = load(args)
    if not args.follow_references:
        _say_stale(args, cfg)
    if args.key is None:
        text = _document(cfg, args.format)
    else:
        path = find_key(cfg._cfg_dict, args.key)
        text = _value_document(dotted(path), value_at(cfg.to_dict(), path), args.format)
    text = for_terminal(text, keep_newlines=True)  # the text is Python, YAML or JSON: safe
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _document(cfg: Config, file_format: str) -> str:
    """The whole config as ``print`` shows it (the config's own key order in every format)."""
    if file_format == "py":
        return cfg.pretty_text
    text: str = dump_text(cfg.to_dict(), file_format, json_indent=2, sort_keys=False)
    return text


def _value_document(key: str, value: object, file_format: str) -> str:
    """One value as ``print CONFIG KEY`` shows it: ``KEY = ...`` in Python, else the value."""
    if file_format == "py":
        return f"{key} = {format_python({'_': value})[len('_ = ') :]}"
    if file_format == "json":
        import json  # lazy: only for --format json

        return json.dumps(value, indent=2) + "\n"
    from cfgkit.config._load.yaml_safe import dump_yaml  # lazy: PyYAML costs ~20 ms

    return dump_yaml(value, sort_keys=False)


def _dump(args: argparse.Namespace) -> int:
    cfg = load(args)
    if not args.follow_references:
        _say_stale(args, cfg)
    if args.out == "-":
        sys.stdout.write(_document(cfg, args.format))
    else:
        cfg.dump(args.out)
    return 0


_COLOURS = {"-": "\033[31m", "+": "\033[32m", "~": "\033[33m"}


def _final_where(cfg: Config, path: KeyPath) -> str:
    return record_where(cfg.provenance(path)[-1])


def _diff(args: argparse.Namespace) -> int:
    first, second = load(args, args.first), load(args, args.second)
    old = dict(leaf_paths(first.to_dict()))
    new = dict(leaf_paths(second.to_dict()))
    # no-color.org: a NO_COLOR that is set and not empty turns colour off.
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    lines = []
    for path, value in old.items():
        if path not in new:
            lines.append(
                ("-", f"{dotted(path)} = {value_text(value, 60)}  # {_final_where(first, path)}")
            )
        elif not same_value(value, new[path]):
            lines.append((
                "~",
                f"{dotted(path)}: {value_text(value)} -> {value_text(new[path])}  "
                f"# {_final_where(first, path)} -> {_final_where(second, path)}",
            ))  # fmt: skip
    for path, value in new.items():
        if path not in old:
            lines.append(
                ("+", f"{dotted(path)} = {value_text(value, 60)}  # {_final_where(second, path)}")
            )
    for sign, text in lines:
        line = for_terminal(f"{sign} {text}")
        sys.stdout.write(f"{_COLOURS[sign]}{line}\033[0m\n" if colour else f"{line}\n")
    return 1 if lines else 0


def add_commands(commands: Commands) -> None:
    """Add ``print``, ``dump``, ``explain`` and ``diff``."""
    show = commands.add_parser("print", help="print the fully resolved config")
    show.add_argument("config", help="a .py, .json, .yaml or .yml config")
    show.add_argument(
        "key", nargs="?", help="print only this key (dotted, list indexes and selectors)"
    )
    show.add_argument("--format", choices=("py", "json", "yaml"), default="py")

    dump = commands.add_parser("dump", help="write the resolved config; the format follows OUT")
    dump.add_argument("config", help="a .py, .json, .yaml or .yml config")
    dump.add_argument(
        "out", help="where to write: .py, .json, .yaml, .yml or .pkl; - for standard output"
    )
    dump.add_argument(
        "--format",
        choices=("py", "json", "yaml"),
        default="py",
        help="the format written to standard output (a file's follows its extension)",
    )

    explain = commands.add_parser(
        "explain",
        help="where a value came from (every file, line and layer that set it)",
        description="Without KEY, list every leaf with the file:line that gave it its value.",
    )
    explain.add_argument("config", help="a .py, .json, .yaml or .yml config")
    explain.add_argument(
        "key", nargs="?", help="a dotted key: digits index lists, selectors pick from them"
    )

    diff = commands.add_parser(
        "diff",
        help="what differs between two configs, key by key",
        description="Keys removed (-), added (+) and changed (~), each with the file:line of "
        "its value; key order and formatting do not matter. Exit status 1 when the configs "
        "differ, 0 when they do not.",
    )
    diff.add_argument("first", metavar="A", help="a config")
    diff.add_argument("second", metavar="B", help="another config")
    as_scripts = "override values, as training scripts do"
    for parser, run, options in (
        (show, _print, as_scripts),
        (dump, _dump, as_scripts),
        (explain, _explain, as_scripts),
        (diff, _diff, "override values in both configs"),
    ):
        add_options(parser, options)
        add_follow(parser)
        add_imports(parser)
        parser.set_defaults(run=run)
