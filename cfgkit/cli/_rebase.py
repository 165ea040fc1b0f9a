"""The ``rebase`` subcommand: a config written as the shortest child of given bases."""

from __future__ import annotations

import argparse
import os
import sys

from cfgkit.cli._common import add_options, is_safe, load
from cfgkit.config._rebase import rebase

TYPE_CHECKING = False
if TYPE_CHECKING:
    from cfgkit.cli._common import Commands

__all__ = ["add_commands"]


def _rebase(args: argparse.Namespace) -> int:
    cfg = load(args, import_custom_modules=False)
    text = rebase(
        cfg,
        args.onto,
        filename=args.out,
        selectors=args.selectors,
        check=args.check,
        safe=is_safe(args),
        safe_root=getattr(args, "safe_root", None),
    )
    if args.out is None:
        sys.stdout.write(text)
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as file:
        file.write(text)
    return 0


def add_commands(commands: Commands) -> None:
    """Add ``rebase``."""
    rebase_parser = commands.add_parser(
        "rebase",
        help="write a config as the shortest child config of given bases",
        description="Write a classic child config whose _base_ is BASE ... (default: "
        "CONFIG's own) and whose load equals CONFIG's resolved config: only what differs "
        "from the bases, dicts as partial dicts, `del _base_.key` for a few keys that go, "
        "_delete_=True for a dict that is replaced. Nothing is imported (custom_imports are "
        "left as written). See docs/rebase.md.",
    )
    rebase_parser.add_argument("config", help="a .py, .json, .yaml or .yml config")
    rebase_parser.add_argument(
        "--onto",
        nargs="+",
        metavar="BASE",
        help="the bases (paths, or pkg::path); default: CONFIG's own _base_",
    )
    rebase_parser.add_argument(
        "-o",
        "--out",
        metavar="OUT",
        help="write the child here (default: standard output; _base_ paths are then "
        "written relative to the current directory)",
    )
    rebase_parser.add_argument(
        "--selectors",
        action="store_true",
        help="write changed lists of dicts with list selectors where shorter (cfgkit only: "
        "mmengine cannot load the child)",
    )
    rebase_parser.add_argument(
        "--check",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="load the child back and compare it with CONFIG (default: on)",
    )
    add_options(rebase_parser, "override values of CONFIG before rebasing it")
    rebase_parser.set_defaults(run=_rebase)
