"""Walking a config for ``cfgkit check``: its typed dicts, the dict that encloses each, the
scopes and custom imports it names."""

from __future__ import annotations

from cfgkit._keys import CUSTOM_IMPORTS_KEY, SCOPE_KEY, TYPE_KEY
from cfgkit._openmmlab import FOREIGN_PREFIX, NOT_REGISTRY_KEYS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Iterator, Mapping, Optional

    from cfgkit._contracts import ConfigValue, KeyPath
    from cfgkit.config import Config
    from cfgkit.index import Index

__all__ = [
    "custom_imports",
    "direct_parent",
    "enclosing",
    "first",
    "module_name",
    "scopes_used",
    "typed_dicts",
]


def module_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def custom_imports(cfg: Optional[Config]) -> list[str]:
    if cfg is None:
        return []
    custom = cfg.get(CUSTOM_IMPORTS_KEY)
    names = custom.get("imports") if isinstance(custom, dict) else None
    if isinstance(names, str):
        return [names]
    return [n for n in names if isinstance(n, str)] if isinstance(names, (list, tuple)) else []


def typed_dicts(tree: ConfigValue, path: KeyPath = ()) -> Iterator[tuple[KeyPath, dict[str, Any]]]:
    # The dict's values stay Any until _checker (not typed in this round) narrows its
    # node[SCOPE_KEY] read; the values are ConfigValue.
    if isinstance(tree, dict):
        if path and path[-1] in NOT_REGISTRY_KEYS:
            return
        if TYPE_KEY in tree:
            yield path, tree
            kind = tree[TYPE_KEY]
            if isinstance(kind, str) and kind.rpartition(".")[2].lower().startswith(FOREIGN_PREFIX):
                return
        for key, value in tree.items():
            yield from typed_dicts(value, (*path, key))
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from typed_dicts(value, (*path, index))


def scopes_used(tree: ConfigValue, index: Optional[Index]) -> set[Optional[str]]:
    """The scopes a config names besides its default: ``_scope_`` values, and the scopes
    of ``scope.Name`` types."""
    if index is None:
        return set()
    found: set[Optional[str]] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            scope = node.get(SCOPE_KEY)
            if isinstance(scope, str):
                found.add(scope)
            kind = node.get(TYPE_KEY)
            if isinstance(kind, str) and "." in kind and module_name(kind.partition(".")[0]):
                found.add(kind.partition(".")[0])
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return found


def first(values: Iterable[Optional[str]]) -> Optional[str]:
    return next((v for v in values if v), None)


def enclosing(path: KeyPath, kinds: Mapping[KeyPath, ConfigValue]) -> Optional[tuple[KeyPath, str]]:
    """The nearest typed dict above ``path`` and the key of it that holds ``path``."""
    for cut in range(len(path) - 1, -1, -1):
        if path[:cut] in kinds:
            key = path[cut]
            return (path[:cut], key) if isinstance(key, str) else None
    return None


def direct_parent(path: KeyPath) -> KeyPath:
    """The dict whose key holds the dict at ``path`` (through one list: ``loss=[...]``)."""
    if path and isinstance(path[-1], int):
        path = path[:-1]
    return path[:-1]
