"""The ``lsp`` subcommand: the language server on standard input and output."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from cfgkit.cli._common import Commands

__all__ = ["add_commands"]

MISSING = 'cfgkit lsp needs pygls and lsprotocol: pip install "cfgkit[lsp]"'


def _lsp(args: argparse.Namespace) -> int:
    """Serve until the client exits; 2 when the optional dependencies are missing."""
    try:
        from cfgkit.lsp import serve  # lazy: pygls is an optional dependency, heavy to import
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        import sys  # lazy: only this message needs it

        sys.stderr.write(f"{MISSING} ({error})\n")
        return 2
    serve()
    return 0


def add_commands(commands: Commands) -> None:
    """Add ``lsp``."""
    server = commands.add_parser(
        "lsp",
        help="the language server for editors (stdio)",
        description="Serve the Language Server Protocol on standard input and output: go to "
        "definition of type= strings, _base_ entries and overridden keys; hover with final "
        "values, their history and class signatures; completion; cfgkit check's problems as "
        "diagnostics with quick fixes. Configs are read in safe mode (nothing in them runs) "
        'unless the client\'s initializationOptions say {"trusted": true}. Needs '
        'pip install "cfgkit[lsp]".',
    )
    server.add_argument(
        "--stdio",
        action="store_true",
        help="accepted for editors that pass it (stdio is the default)",
    )
    server.set_defaults(run=_lsp)
