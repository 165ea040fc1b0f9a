"""The ``cfgkit`` command: ``explain`` where config values come from.

Usage:
    cfgkit explain CONFIG [KEY] [--cfg-options KEY=VALUE ...]

Errors go to stderr as one message naming the file and line (``--debug`` shows the
traceback); the exit status is 2 for usage and config errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from cfgkit.config import Config, DictAction
from cfgkit.config.origins import Record, parse_key, value_at
from cfgkit.errors import CfgkitError

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional, Sequence

__all__ = ["build_parser", "main", "main_entry"]

USAGE_ERROR = 2


def _short(path: Optional[str]) -> str:
    """A path relative to the current directory when that is shorter."""
    if not path or path.startswith("<"):
        return path or "?"
    relative = os.path.relpath(path)
    return relative if len(relative) < len(path) else path


def _where(record: Record) -> str:
    if record.filename is None:
        return record.note or "?"
    line = f":{record.lineno}" if record.lineno else ""
    return f"{_short(record.filename)}{line}"


def _value_text(value: Any, width: int = 40) -> str:
    text = repr(value.to_dict() if hasattr(value, "to_dict") else value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every leaf of a config: dicts and sequences holding dicts are descended into."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path)


def _load(args: argparse.Namespace) -> Config:
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def _explain(args: argparse.Namespace) -> int:
    cfg = _load(args)
    out = sys.stdout
    if args.key is not None:
        records = cfg.provenance(args.key)
        current = value_at(cfg._cfg_dict, parse_key(args.key))
        out.write(f"{args.key} = {_value_text(current, 60)}\n")
        width = max(len(_value_text(r.value)) for r in records)
        for number, record in enumerate(records, 1):
            note = f", {record.note}" if record.note and record.filename is not None else ""
            out.write(
                f"  {number}. {record.action:<8} {_value_text(record.value).ljust(width)}  "
                f"{_where(record)}  ({record.layer}{note})\n"
            )
        return 0
    for path, value in _leaves(cfg.to_dict()):
        key = _dotted(path)
        final = cfg.provenance(path)[-1]
        out.write(f"{key} = {_value_text(value)}  # {_where(final)} ({final.layer})\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``cfgkit`` argument parser."""
    parser = argparse.ArgumentParser(prog="cfgkit", description="Inspect OpenMMLab-style configs.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)

    explain = commands.add_parser(
        "explain",
        help="where a value came from (every file, line and layer that set it)",
        description="Without KEY, list every leaf with the file:line that gave it its value.",
    )
    explain.add_argument("config", help="a .py, .json, .yaml or .yml config")
    explain.add_argument("key", nargs="?", help="a dotted key, digits index lists")
    explain.add_argument(
        "--cfg-options", nargs="+", action=DictAction, metavar="KEY=VALUE",
        help="override values, as training scripts do",
    )  # fmt: skip
    explain.set_defaults(run=_explain)
    return parser


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
    except (CfgkitError, OSError, KeyError, AttributeError, IndexError) as error:
        if args.debug:
            traceback.print_exc()
        message = str(error) if not isinstance(error, KeyError) else str(error).strip("'\"")
        sys.stderr.write(f"cfgkit {args.command}: error: {message}\n")
        return USAGE_ERROR
    return status


def main_entry() -> None:
    """Console-script entry point: ``sys.exit(main())``."""
    sys.exit(main())
