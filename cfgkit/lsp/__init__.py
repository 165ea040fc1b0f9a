"""``cfgkit lsp``: a language server for OpenMMLab configs (needs ``pip install "cfgkit[lsp]"``).

Go to definition (``type=`` strings to the class a build finds, ``_base_`` entries to their
files, keys to the base line they override), hover (final value and history; signature,
registry and docstring of a type), completion (type names, constructor keywords, inherited
keys, base files), diagnostics (``cfgkit check``) with quick fixes, document symbols and
inlay hints. Nothing in a config runs: configs are read in safe mode unless the client says
the workspace is trusted, and ``custom_imports`` are never imported.

Inside: :mod:`._document` reads one config's text (which key path each position is on),
:mod:`._workspace` answers questions with cfgkit's public analysis (loading with provenance,
``check``, stale references, the static index), :mod:`._server` speaks the protocol
(pygls). ``import cfgkit`` never imports this package.
"""

from __future__ import annotations

from cfgkit.lsp._server import create_server

__all__ = ["create_server", "serve"]


def serve() -> None:
    """Serve the Language Server Protocol on standard input and output until the client
    exits."""
    create_server().start_io()
