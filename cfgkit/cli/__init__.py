"""The ``cfgkit`` command: print, dump, diff and explain configs; list registries.

Usage:
    cfgkit print CONFIG [--cfg-options KEY=VALUE ...] [--format py|json|yaml]
    cfgkit dump CONFIG OUT [--cfg-options KEY=VALUE ...]
    cfgkit diff A B [--cfg-options KEY=VALUE ...]
    cfgkit explain CONFIG [KEY] [--cfg-options KEY=VALUE ...]
    cfgkit registry [MODULE ...]
    cfgkit check CONFIG ... [--scan PKG_OR_DIR ...] [--import MODULE ...] [--format F]
    cfgkit completion bash|zsh|fish
    cfgkit lsp
    cfgkit why NAME [CONFIG] [--registry R] [--scope S] [--scan PKG_OR_DIR ...]
    cfgkit run [--registry] [--style yapf|cfgkit] SCRIPT [ARGS ...]
    cfgkit hook [--enable | --disable]
    cfgkit rebase CONFIG [--onto BASE ...] [-o OUT] [--selectors] [--no-check]

Errors go to stderr as one message naming the file and line (``--debug`` shows the
traceback); the exit status is 2 for usage and config errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from cfgkit import __version__
from cfgkit.cli import _check, _completion, _dropin, _lsp, _rebase, _registry, _show, _why
from cfgkit.cli._common import USAGE_ERROR, describe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Sequence

__all__ = ["build_parser", "main", "main_entry"]

# Each module adds its subcommands (`add_commands`), in the order `cfgkit --help` lists them.
_COMMANDS = (_show, _registry, _check, _why, _rebase, _dropin, _completion, _lsp)


def build_parser() -> argparse.ArgumentParser:
    """The ``cfgkit`` argument parser."""
    parser = argparse.ArgumentParser(prog="cfgkit", description="Inspect OpenMMLab-style configs.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"cfgkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in _COMMANDS:
        module.add_commands(commands)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``cfgkit`` command; return its exit status.

    Args:
        argv: The arguments (``sys.argv[1:]`` when None).

    Returns:
        0 on success, 2 for usage and config errors.
    """
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # a shell asks for completions (docs/cli.md)
        _completion.complete(parser)
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
        sys.stderr.write(f"cfgkit {args.command}: error: {describe(error)}\n")
        return USAGE_ERROR
    return status


def main_entry() -> None:
    """Console-script entry point: ``sys.exit(main())``."""
    sys.exit(main())
