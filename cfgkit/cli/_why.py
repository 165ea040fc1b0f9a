"""The ``why`` subcommand: where a type name is defined and registered, and whether (and
why not) a build finds it, read from sources without importing them."""

from __future__ import annotations

import os
import sys

from cfgkit._escaping import for_terminal
from cfgkit._keys import DEFAULT_SCOPE_KEY, TYPE_KEY
from cfgkit.checking import ERROR, check, static_index
from cfgkit.cli._common import add_options, load, short_path
from cfgkit.errors import close_names
from cfgkit.index import Index
from cfgkit.index._why import definitions, diagnose, project_root, render

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any, Iterator, Optional

    from cfgkit._contracts import KeyPath
    from cfgkit.cli._common import Commands
    from cfgkit.config import Config

__all__ = ["add_commands"]

NOT_FOUND = 1


def _why(args: argparse.Namespace) -> int:
    """Print where NAME is; 0 when a build finds it (at each of the config's dicts that
    name it, or in the scope asked), 1 when not."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as python -m finds modules: the current folder first
    cfg = load(args, import_custom_modules=False) if args.config else None
    scope = args.scope
    if scope is None and cfg is not None:
        default = cfg.get(DEFAULT_SCOPE_KEY)
        scope = default if isinstance(default, str) and default else None
    index = _index(cfg, scope, args.scan)
    start = cfg.filename if cfg is not None else None
    project = project_root(start, index.path) or project_root(os.getcwd(), index.path)
    out = sys.stdout
    name = args.name
    bare = name.partition(".")[2] if "." in name else name
    out.write(f"{name}:\n")
    for line in _where(index, bare, project):
        out.write(f"  {line}\n")
    close = _close_names(index, bare)
    if close:
        out.write(f"close names: {', '.join(close)}\n")
    if project is not None:
        out.write(f"project scanned: {short_path(project)}\n")
    if cfg is not None and args.registry is None:
        return _at_config(cfg, index, name, bare, out)
    return _in_scope(index, name, scope, args.registry, project, out)


def _index(cfg: Optional[Config], scope: Optional[str], scan: list[str]) -> Index:
    """The static index as ``check`` reads it for the config; without one, the package of
    ``scope`` (every installed OpenMMLab package when there is none) and each of ``scan``.

    Raises:
        PackageNotFoundError: One of ``scan`` is neither an installed package nor a folder.
    """
    if cfg is not None:
        index = static_index(cfg, scan=scan)
    else:
        index = Index()
        index.scan_given(scan)
        if scope is None or not index.scan_with_requirements(scope):
            index.scan_openmmlab()
    if scope is not None:
        index.scan_scope(scope)
    index.scan_parents()
    return index


def _where(index: Index, name: str, project: Optional[str]) -> list[str]:
    found = definitions(index, name, project)
    if not found:
        return ["defined and registered nowhere scanned"]
    lines = []
    for definition in found:
        where = f"{short_path(definition.filename)}:{definition.lineno}"
        module = f" (module {definition.module})" if definition.module else ""
        if definition.registry:
            lines.append(f"registered in {definition.registry} at {where}{module}")
        else:
            lines.append(f"class defined, not registered, at {where}{module}")
    return lines


def _close_names(index: Index, name: str) -> list[str]:
    """Names close to ``name`` in any registry, with where they are registered."""
    everything = index.names(index.registries)
    wanted = name.lower().replace("_", "")
    same = [n for n in everything if n != name and n.lower().replace("_", "") == wanted]
    close = same + close_names(name, everything)
    labels = []
    for other in dict.fromkeys(n for n in close if n != name):
        registries = sorted(
            {
                f"{index.registries[k].scope}::{index.registries[k].name}"
                for k, names in index.registrations.items()
                if other in names
            }
        )
        labels.append(f"{other!r} ({', '.join(registries)})")
    return labels


def _typed(tree: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    if isinstance(tree, dict):
        if TYPE_KEY in tree:
            yield path, tree
        for key, value in tree.items():
            yield from _typed(value, (*path, key))
    elif isinstance(tree, (list, tuple)):
        for number, value in enumerate(tree):
            yield from _typed(value, (*path, number))


def _at_config(cfg: Config, index: Index, name: str, bare: str, out: Any) -> int:
    """For each dict of the config whose type is ``name`` (or ``bare``, without its scope):
    found by its build, or why not (``check``'s verdict at that key)."""
    paths = [
        p
        for p, node in _typed(cfg.to_dict())
        if isinstance(node[TYPE_KEY], str) and node[TYPE_KEY] in (name, bare)
    ]
    if not paths:
        out.write(f"{cfg.filename}: no dict has type={name!r}\n")
        default = cfg.get(DEFAULT_SCOPE_KEY)
        scope = default if isinstance(default, str) and default else None
        project = project_root(cfg.filename, index.path)
        return _in_scope(index, name, scope, None, project, out)
    problems = {p.key: p for p in check(cfg, index=index, references=False)}
    status = 0
    for path in paths:
        key = ".".join(str(p) for p in path)
        found = problems.get(f"{key}.{TYPE_KEY}")
        where = (
            f" ({short_path(found.filename)}:{found.lineno})" if found and found.filename else ""
        )
        if found is None or found.severity != ERROR:
            out.write(f"at {key}: a build finds it\n")
            continue
        status = NOT_FOUND
        out.write(for_terminal(f"at {key}{where}: not found: {found.message}") + "\n")
        if found.fix:
            for fix in found.fix.split(" | "):
                out.write(for_terminal(f"  fix: {fix}") + "\n")
        elif found.suggestion:
            out.write(for_terminal(f"  {found.suggestion}") + "\n")
    return status


def _in_scope(
    index: Index,
    name: str,
    scope: Optional[str],
    registry: Optional[str],
    project: Optional[str],
    out: Any,
) -> int:
    """Whether a build in ``scope`` (from the registry named ``registry``, else any) finds
    ``name``, and why not."""
    start = index.build_registries(scope)
    if registry is not None:
        start = [k for k in start if index.registries[k].name == registry]
        if not start:
            names = sorted({index.registries[k].name for k in index.build_registries(scope)})
            out.write(f"no {registry!r} registry in scope {scope!r}; registries: {names}\n")
            return NOT_FOUND
    label = f"scope {scope!r}" if scope else "no default scope"
    if any(index.lookup(name, key) for key in start):
        out.write(f"in {label}: a build finds it\n")
        return 0
    out.write(f"in {label}: a build does not find it\n")
    causes = diagnose(
        index,
        name,
        scope,
        start=start if registry is not None else None,
        project=project,
        search_path=index.path,
        close_names=True,
    )
    for line in render(causes, "  ").splitlines():
        out.write(for_terminal(line) + "\n")
    return NOT_FOUND


def add_commands(commands: Commands) -> None:
    """Add ``why``."""
    why = commands.add_parser(
        "why",
        help="where a type name is registered, and why a build does not find it",
        description="List where NAME (and names close to it) is defined and registered, in "
        "the installed OpenMMLab packages and the current project's sources (read, never "
        "imported), then whether a build finds it: at each dict of CONFIG whose type is "
        "NAME, or in --scope (the config's default_scope) from --registry. When it is not "
        "found, say why and print the line that fixes it. Exit status 0 when found, 1 when "
        "not, 2 on usage errors.",
    )
    why.add_argument("name", metavar="NAME", help="the type, as a config writes it")
    why.add_argument("config", nargs="?", help="a config whose dicts with this type to judge")
    why.add_argument("--registry", metavar="R", help="the registry a build starts from (model)")
    why.add_argument("--scope", metavar="S", help="the scope the build runs in (mmdet)")
    why.add_argument(
        "--scan", action="append", default=[], metavar="PKG_OR_DIR",
        help="an installed package or a source folder to read as well (repeatable)",
    )  # fmt: skip
    add_options(why, "override values of CONFIG, as training scripts do")
    why.set_defaults(run=_why)
