"""The subcommands that show a config: ``print``, ``dump``, ``explain`` and ``diff``."""

from __future__ import annotations

import os
import sys

from cfgkit._escaping import for_terminal
from cfgkit._key_paths import dotted, leaf_paths, normalise_path, parse_key
from cfgkit.cli._common import add_follow, add_options, load, record_where, value_text
from cfgkit.config._analysis.provenance import same_value
from cfgkit.config._output.formatting import dump_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from cfgkit._key_paths import KeyPath
    from cfgkit.cli._common import Commands
    from cfgkit.config import Config

__all__ = ["add_commands"]


def _explain(args: argparse.Namespace) -> int:
    cfg = load(args)
    out = sys.stdout
    if args.key is not None:
        records = cfg.provenance(args.key)
        current = normalise_path(cfg._cfg_dict, parse_key(args.key))[1]
        out.write(for_terminal(f"{args.key} = {value_text(current, 60)}") + "\n")
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
        return 0
    for path, value in leaf_paths(cfg.to_dict()):
        key = dotted(path)
        final = cfg.provenance(path)[-1]
        out.write(
            for_terminal(f"{key} = {value_text(value)}  # {record_where(final)} ({final.layer})")
            + "\n"
        )
    return 0


def _print(args: argparse.Namespace) -> int:
    cfg = load(args)
    if args.format == "py":
        text = cfg.pretty_text
    else:
        text = dump_text(cfg.to_dict(), args.format, json_indent=2)
    text = for_terminal(text, keep_newlines=True)  # the text is Python, YAML or JSON: safe
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _dump(args: argparse.Namespace) -> int:
    load(args).dump(args.out)
    return 0


_COLOURS = {"-": "\033[31m", "+": "\033[32m", "~": "\033[33m"}


def _final_where(cfg: Config, path: KeyPath) -> str:
    return record_where(cfg.provenance(path)[-1])


def _diff(args: argparse.Namespace) -> int:
    first, second = load(args, args.first), load(args, args.second)
    old = dict(leaf_paths(first.to_dict()))
    new = dict(leaf_paths(second.to_dict()))
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
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
    show.add_argument("--format", choices=("py", "json", "yaml"), default="py")
    add_options(show, "override values, as training scripts do")
    add_follow(show)
    show.set_defaults(run=_print)

    dump = commands.add_parser("dump", help="write the resolved config; the format follows OUT")
    dump.add_argument("config", help="a .py, .json, .yaml or .yml config")
    dump.add_argument("out", help="where to write: .py, .json, .yaml, .yml or .pkl")
    add_options(dump, "override values, as training scripts do")
    add_follow(dump)
    dump.set_defaults(run=_dump)

    explain = commands.add_parser(
        "explain",
        help="where a value came from (every file, line and layer that set it)",
        description="Without KEY, list every leaf with the file:line that gave it its value.",
    )
    explain.add_argument("config", help="a .py, .json, .yaml or .yml config")
    explain.add_argument("key", nargs="?", help="a dotted key, digits index lists")
    add_options(explain, "override values, as training scripts do")
    add_follow(explain)
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
    add_options(diff, "override values in both configs")
    diff.set_defaults(run=_diff)
