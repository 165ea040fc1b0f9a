"""Root registries, traverse_registry_tree and count_registered_modules."""

from __future__ import annotations

import json

import cfgkit.registry as registry_module
from cfgkit.registry import MODELS, Registry, count_registered_modules, traverse_registry_tree

ROOT_NAMES = [
    "RUNNERS", "RUNNER_CONSTRUCTORS", "LOOPS", "HOOKS", "STRATEGIES", "DATASETS",
    "DATA_SAMPLERS", "TRANSFORMS", "MODELS", "MODEL_WRAPPERS", "WEIGHT_INITIALIZERS",
    "OPTIMIZERS", "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS",
    "METRICS", "EVALUATOR", "TASK_UTILS", "VISUALIZERS", "VISBACKENDS", "LOG_PROCESSORS",
    "INFERENCERS", "FUNCTIONS",
]  # fmt: skip


def test_root_registries_have_mmengine_names_and_scope():
    for name in ROOT_NAMES:
        registry = getattr(registry_module, name)
        assert isinstance(registry, Registry), name
        assert registry.scope == "mmengine"
        assert name in registry_module.__all__
    assert MODELS.name == "model"


def test_downstream_code_registers_into_a_child_of_a_root():
    models = Registry("model", parent=MODELS, scope="downstream_pkg")
    try:
        models.register_module(name="Net", module=dict)
        assert MODELS.get("downstream_pkg.Net") is dict
        assert models.build(dict(type="Net", a=1)) == {"a": 1}
    finally:
        del MODELS.children["downstream_pkg"]


def test_traverse_registry_tree_lists_every_node():
    root = Registry("thing", scope="inv_root")
    child = Registry("thing", parent=root, scope="inv_child")
    root.register_module(name="A", module=json.JSONDecoder)
    child.register_module(name="B", module=dict)
    nodes = traverse_registry_tree(child, verbose=False)
    assert nodes == [
        {"num_modules": 1, "scope": "inv_root", "json": ["A"]},
        {"num_modules": 1, "scope": "inv_child", "": ["B"]},
    ]


def test_count_registered_modules_writes_json(tmp_path):
    result = count_registered_modules(save_path=str(tmp_path), verbose=False)
    assert set(result["registries"]) == set(ROOT_NAMES)
    saved = json.loads((tmp_path / "modules_statistic_results.json").read_text())
    assert saved["registries"]["MODELS"][0]["scope"] == "mmengine"
