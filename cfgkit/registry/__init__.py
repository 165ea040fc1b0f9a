"""Registries and building objects from configs (``mmengine.registry``'s surface)."""

from cfgkit.registry.build import (
    build_from_cfg,
    build_model_from_cfg,
    build_optimizer_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)
from cfgkit.registry.inventory import count_registered_modules, traverse_registry_tree
from cfgkit.registry.registry import Registry, import_object
from cfgkit.registry.root import (
    DATA_SAMPLERS,
    DATASETS,
    EVALUATOR,
    FUNCTIONS,
    HOOKS,
    INFERENCERS,
    LOG_PROCESSORS,
    LOOPS,
    METRICS,
    MODEL_WRAPPERS,
    MODELS,
    OPTIM_WRAPPER_CONSTRUCTORS,
    OPTIM_WRAPPERS,
    OPTIMIZERS,
    PARAM_SCHEDULERS,
    RUNNER_CONSTRUCTORS,
    RUNNERS,
    STRATEGIES,
    TASK_UTILS,
    TRANSFORMS,
    VISBACKENDS,
    VISUALIZERS,
    WEIGHT_INITIALIZERS,
)
from cfgkit.registry.scope import DefaultScope, init_default_scope

__all__ = [
    "DATASETS", "DATA_SAMPLERS", "EVALUATOR", "FUNCTIONS", "HOOKS", "INFERENCERS",
    "LOG_PROCESSORS", "LOOPS", "METRICS", "MODELS", "MODEL_WRAPPERS", "OPTIMIZERS",
    "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "RUNNERS",
    "RUNNER_CONSTRUCTORS", "STRATEGIES", "TASK_UTILS", "TRANSFORMS", "VISBACKENDS",
    "VISUALIZERS", "WEIGHT_INITIALIZERS",
    "DefaultScope", "Registry", "build_from_cfg", "build_model_from_cfg",
    "build_optimizer_from_cfg", "build_runner_from_cfg", "build_scheduler_from_cfg",
    "count_registered_modules", "import_object", "init_default_scope", "traverse_registry_tree",
]  # fmt: skip
