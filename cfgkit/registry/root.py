"""The root registries, with mmengine's names, so downstream code can register into them.

They have mmengine's scope (``'mmengine'``), so ``'mmengine.Name'`` keys and
``_scope_='mmengine'`` resolve to them as in mmengine.
"""

from __future__ import annotations

from cfgkit.registry.build import (
    build_model_from_cfg,
    build_optimizer_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)
from cfgkit.registry.registry import Registry

__all__ = [
    "DATASETS", "DATA_SAMPLERS", "EVALUATOR", "FUNCTIONS", "HOOKS", "INFERENCERS",
    "LOG_PROCESSORS", "LOOPS", "METRICS", "MODELS", "MODEL_WRAPPERS", "OPTIMIZERS",
    "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "RUNNERS",
    "RUNNER_CONSTRUCTORS", "STRATEGIES", "TASK_UTILS", "TRANSFORMS", "VISBACKENDS",
    "VISUALIZERS", "WEIGHT_INITIALIZERS",
]  # fmt: skip

ROOT_SCOPE = "mmengine"

RUNNERS = Registry("runner", build_func=build_runner_from_cfg, scope=ROOT_SCOPE)
RUNNER_CONSTRUCTORS = Registry("runner constructor", scope=ROOT_SCOPE)
LOOPS = Registry("loop", scope=ROOT_SCOPE)
HOOKS = Registry("hook", scope=ROOT_SCOPE)
STRATEGIES = Registry("strategy", scope=ROOT_SCOPE)
DATASETS = Registry("dataset", scope=ROOT_SCOPE)
DATA_SAMPLERS = Registry("data sampler", scope=ROOT_SCOPE)
TRANSFORMS = Registry("transform", scope=ROOT_SCOPE)
MODELS = Registry("model", build_func=build_model_from_cfg, scope=ROOT_SCOPE)
MODEL_WRAPPERS = Registry("model_wrapper", scope=ROOT_SCOPE)
WEIGHT_INITIALIZERS = Registry("weight initializer", scope=ROOT_SCOPE)
OPTIMIZERS = Registry("optimizer", build_func=build_optimizer_from_cfg, scope=ROOT_SCOPE)
OPTIM_WRAPPERS = Registry("optim_wrapper", scope=ROOT_SCOPE)
OPTIM_WRAPPER_CONSTRUCTORS = Registry("optimizer wrapper constructor", scope=ROOT_SCOPE)
PARAM_SCHEDULERS = Registry(
    "parameter scheduler", build_func=build_scheduler_from_cfg, scope=ROOT_SCOPE
)
METRICS = Registry("metric", scope=ROOT_SCOPE)
EVALUATOR = Registry("evaluator", scope=ROOT_SCOPE)
TASK_UTILS = Registry("task util", scope=ROOT_SCOPE)
VISUALIZERS = Registry("visualizer", scope=ROOT_SCOPE)
VISBACKENDS = Registry("vis_backend", scope=ROOT_SCOPE)
LOG_PROCESSORS = Registry("log_processor", scope=ROOT_SCOPE)
INFERENCERS = Registry("inferencer", scope=ROOT_SCOPE)
FUNCTIONS = Registry("function", scope=ROOT_SCOPE)

ROOT_REGISTRIES = {
    name: registry for name, registry in globals().items() if isinstance(registry, Registry)
}
