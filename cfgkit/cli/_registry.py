"""The ``registry`` subcommand: the registry trees and their names, read from the installed
OpenMMLab packages' sources (nothing imported) or from modules it imports."""

from __future__ import annotations

import os
import sys

from cfgkit.cli._common import import_modules_here
from cfgkit.errors import PackageNotFoundError
from cfgkit.registry.registry import Registry, all_registries

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Optional

    from cfgkit.cli._common import Commands
    from cfgkit.index import Index

__all__ = ["add_commands"]

NOTHING_TO_LIST = (
    "no OpenMMLab package is installed (none is mmengine or mmcv or requires them), so there "
    "is nothing to read: pass the modules that create your registries (cfgkit registry "
    "MODULE ...), or install the package whose registries you want (pip install mmdet)"
)


def _registry(args: argparse.Namespace) -> int:
    static = args.static or not args.modules
    lines = _static_lines(args.modules) if static else _imported_lines(args.modules)
    for line in lines:
        sys.stdout.write(line + "\n")
    return 0


# -- imported: the registries that exist once the modules ran ---------------------------------


def _imported_lines(modules: list[str]) -> list[str]:
    import_modules_here(modules)
    roots = {id(r.root): r.root for r in all_registries()}
    lines = []
    for root in sorted(roots.values(), key=lambda r: (r.scope, r.name)):
        lines.extend(_tree_lines(root))
    return lines


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
            depth = sum(1 for _ in registry._ancestors()) - 1  # itself not counted
            names = sorted(registry.module_dict)
            listed = f": {', '.join(names)}" if names else ""
            lines.append(f"{'  ' * depth}{registry.name} [{registry.scope}]{listed}")
    return lines


# -- static: the registries the sources create, read with the index ---------------------------


def _static_lines(modules: list[str]) -> list[str]:
    """The same layout as :func:`_tree_lines`, for the registries of ``modules`` (each with
    the packages it builds on), or of every installed OpenMMLab package when none is given."""
    from cfgkit.index import Index  # lazy: reading sources is for this listing only

    index = Index([os.getcwd(), *sys.path])  # as python -m finds modules: this folder first
    index.scan_given(modules, "read")
    if not modules:
        index.scan_openmmlab()
    index.scan_parents()
    if not index.registries:
        raise PackageNotFoundError(NOTHING_TO_LIST)
    _note_missing_foundations(index)
    children: dict[Optional[str], list[str]] = {}
    for key, registry in index.registries.items():
        parent = registry.parent if registry.parent in index.registries else None
        children.setdefault(parent, []).append(key)

    def order(key: str) -> tuple[str, str, str]:
        registry = index.registries[key]
        return (registry.scope, registry.name, key)

    lines: list[str] = []

    def visit(key: str, depth: int) -> bool:
        """Add the lines of ``key``'s subtree when it has names; tell whether it had."""
        registry = index.registries[key]
        at = len(lines)
        names = sorted(index.registrations.get(key, {}))
        listed = ", ".join(names)
        # Public modules first, as the index gives them.
        runtime = list(dict.fromkeys(m for _, m, _ in index.runtime_registrations(key)))
        if runtime:
            later = f"names registered at run time by {', '.join(runtime)}"
            listed = f"{listed}; {later}" if listed else later
        lines.append(f"{'  ' * depth}{registry.name} [{registry.scope}]: {listed}".rstrip(": "))
        below = [visit(k, depth + 1) for k in sorted(children.get(key, []), key=order)]
        if not (names or runtime or any(below)):
            del lines[at:]
            return False
        return True

    for root in sorted(children.get(None, []), key=order):
        visit(root, 0)
    return lines


def _note_missing_foundations(index: Index) -> None:
    """Say once, on stderr, which OpenMMLab foundation (mmcv, mmengine) a listed package
    requires but cannot be read: what it registers (mmcv's layers and transforms) is missing
    from the listing, and a user should not take the gap for the truth."""
    from cfgkit.index._packages import OPENMMLAB_ROOTS, openmmlab_distributions  # lazy: as Index

    missing: dict[str, list[str]] = {}
    for name, tops, requires in openmmlab_distributions(index.path):
        if any(top in index.packages for top in tops):
            for root in OPENMMLAB_ROOTS:
                wanted = requires & {root, f"{root}-full", f"{root}-lite"}
                if wanted and root not in index.packages:
                    missing.setdefault(root, []).append(name)
    for root, users in sorted(missing.items()):
        sys.stderr.write(
            f"cfgkit registry: note: {root} is not installed ({', '.join(sorted(users))} "
            f"requires it), so the names {root} registers are not listed\n"
        )


def add_commands(commands: Commands) -> None:
    """Add ``registry``."""
    registry = commands.add_parser(
        "registry",
        help="list the registries and what is registered in each",
        description="List every registry tree with the names registered in it. Without "
        "MODULE, the trees of the installed OpenMMLab packages (mmengine, mmcv and every "
        "package that requires them) are read from their sources: nothing is imported. With "
        "MODULE, each is imported (the current directory is searched first) and the "
        "registries that then exist are listed; --static reads them from source instead.",
    )
    registry.add_argument(
        "modules", nargs="*", metavar="MODULE", help="a module to import (or, with --static, read)"
    )
    registry.add_argument(
        "--static",
        action="store_true",
        help="read each MODULE's package (and the OpenMMLab packages it builds on) from "
        "source instead of importing it",
    )
    registry.set_defaults(run=_registry)
