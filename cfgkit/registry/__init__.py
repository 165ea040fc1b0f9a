"""Registries and building objects from configs (``mmengine.registry``'s surface)."""

from cfgkit.registry import root
from cfgkit.registry.build import (
    build_from_cfg,
    build_model_from_cfg,
    build_optimizer_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)
from cfgkit.registry.inventory import count_registered_modules, traverse_registry_tree
from cfgkit.registry.registry import Registry, import_object
from cfgkit.registry.root import *  # noqa: F403 - the root registries, listed in root.py
from cfgkit.registry.scope import DefaultScope, init_default_scope

__all__ = [
    *root.__all__,
    "DefaultScope", "Registry", "build_from_cfg", "build_model_from_cfg",
    "build_optimizer_from_cfg", "build_runner_from_cfg", "build_scheduler_from_cfg",
    "count_registered_modules", "import_object", "init_default_scope", "traverse_registry_tree",
]  # fmt: skip
