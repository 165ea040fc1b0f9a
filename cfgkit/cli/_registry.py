"""The ``registry`` subcommand: import modules, list the registry trees and their names."""

from __future__ import annotations

import sys

from cfgkit.cli._common import import_modules_here
from cfgkit.registry.registry import Registry, all_registries

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Iterator, Optional

    from cfgkit.cli._common import Commands

__all__ = ["add_commands"]


def _registry(args: argparse.Namespace) -> int:
    import_modules_here(args.modules)
    roots = {id(r.root): r.root for r in all_registries()}
    for root in sorted(roots.values(), key=lambda r: (r.scope, r.name)):
        for line in _tree_lines(root):
            sys.stdout.write(line + "\n")
    return 0


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


def add_commands(commands: Commands) -> None:
    """Add ``registry``."""
    registry = commands.add_parser(
        "registry",
        help="import modules and list the registries and what is registered in each",
        description="Import each MODULE (the current directory is searched first), then "
        "list every registry tree with the names registered in it.",
    )
    registry.add_argument("modules", nargs="*", metavar="MODULE", help="a module to import")
    registry.set_defaults(run=_registry)
