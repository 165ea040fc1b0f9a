"""What is registered: ``traverse_registry_tree`` and ``count_registered_modules``."""

from __future__ import annotations

import os

from cfgkit._lazy_modules import lazy_module
from cfgkit.registry.registry import Registry
from cfgkit.registry.root import ROOT_REGISTRIES

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from typing import Any, Optional, Union

    # A registry's entry: its ``num_modules``, ``scope``, and the names per module folder.
    Entry = dict[str, Union[int, str, list[str]]]
else:
    datetime = lazy_module("datetime")  # lazy: see cfgkit._lazy_modules

__all__ = ["count_registered_modules", "traverse_registry_tree"]


def traverse_registry_tree(registry: Registry, verbose: bool = True) -> list[Entry]:
    """Describe every registry in ``registry``'s tree, root first (depth first).

    Each node gives ``num_modules``, ``scope``, and for every module path (its dotted
    module without the last part, with ``/``) the names registered from there.

    Args:
        registry: Any registry of the tree.
        verbose: Print a line per registry, as mmengine logs one.

    Returns:
        One dict per registry.
    """
    nodes: list[Entry] = []
    for node in registry.root.walk():
        entry: dict[str, Any] = {"num_modules": len(node.module_dict), "scope": node.scope}
        for name, module in node.module_dict.items():
            folder = "/".join(str(getattr(module, "__module__", "")).split(".")[:-1])
            entry.setdefault(folder, []).append(name)
        nodes.append(entry)
        if verbose:
            print(f"Find {entry['num_modules']} modules in {node.scope}'s {node.name} registry")
    return nodes


def count_registered_modules(
    save_path: Optional[str] = None, verbose: bool = True
) -> dict[str, object]:
    """Describe every root registry's tree (see :func:`traverse_registry_tree`).

    Unlike mmengine, nothing is imported first: the result shows what has been registered.

    Args:
        save_path: A folder to write ``modules_statistic_results.json`` into.
        verbose: Print a line per registry.

    Returns:
        ``{'scan_date': ..., 'registries': {NAME: [...]}}``.
    """
    result: dict[str, object] = {
        "scan_date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        "registries": {
            name: traverse_registry_tree(registry, verbose)
            for name, registry in ROOT_REGISTRIES.items()
        },
    }
    if save_path is not None:
        import json  # lazy: only saving needs it

        with open(os.path.join(save_path, "modules_statistic_results.json"), "w") as stream:
            json.dump(result, stream, indent=2)
    return result
