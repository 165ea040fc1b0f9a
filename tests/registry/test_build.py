"""build_from_cfg and friends: mmengine's semantics, and errors that say where."""

from __future__ import annotations

import sys
from typing import ClassVar

import pytest

from cfgkit import Config, errors
from cfgkit.registry import (
    DefaultScope,
    Registry,
    build_from_cfg,
    build_model_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
    init_default_scope,
)


def notes(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


@pytest.fixture
def models():
    registry = Registry("model", scope="demo")

    @registry.register_module()
    class ResNet:
        def __init__(self, depth, norm_cfg=None):
            self.depth = depth
            self.norm_cfg = norm_cfg

    @registry.register_module()
    def make_pair(a, b=2):
        return (a, b)

    return registry


def test_build_by_name_class_or_function(models):
    net = models.build(dict(type="ResNet", depth=50))
    assert net.depth == 50
    assert models.build(dict(type="make_pair", a=1)) == (1, 2)
    assert models.build(dict(type=models.get("ResNet"), depth=18)).depth == 18
    assert build_from_cfg(dict(type=dict, x=1), models) == {"x": 1}


def test_default_args_fill_in_and_cfg_wins(models):
    cfg = dict(type="ResNet", depth=50)
    net = models.build(cfg, default_args=dict(depth=18, norm_cfg="BN"))
    assert (net.depth, net.norm_cfg) == (50, "BN")
    assert build_from_cfg(dict(depth=3), models, default_args=dict(type="ResNet")).depth == 3
    assert cfg == dict(type="ResNet", depth=50)  # not modified


def test_config_and_config_dict_are_accepted(models):
    cfg = Config(dict(type="ResNet", depth=34, norm_cfg=dict(type="BN")))
    net = build_from_cfg(cfg, models)
    assert net.depth == 34
    assert net.norm_cfg.type == "BN"  # nested ConfigDicts are passed on as they are
    assert models.build(Config(dict(m=dict(type="ResNet", depth=1))).m).depth == 1


@pytest.mark.parametrize(
    ("cfg", "kwargs", "error", "message"),
    [
        pytest.param(
            [1],
            {},
            errors.RegistryTypeError,
            r"cfg should be a dict, ConfigDict or Config",
            id="cfg-list",
        ),
        pytest.param(
            {"depth": 1},
            {},
            errors.MissingTypeError,
            r"must contain the key \"type\"",
            id="no-type",
        ),
        pytest.param(
            {"type": "ResNet"},
            {"default_args": [1]},
            errors.RegistryTypeError,
            r"default_args should be a dict",
            id="default-args",
        ),
        pytest.param(
            {"type": 5},
            {},
            errors.RegistryTypeError,
            r"type must be a str or valid type, but got <class 'int'>",
            id="type-int",
        ),
    ],
)
def test_argument_errors(models, cfg, kwargs, error, message):
    with pytest.raises(error, match=message):
        models.build(cfg, **kwargs)


def test_registry_argument_must_be_a_registry():
    # mmengine's words, which downstream tests match.
    with pytest.raises(
        errors.RegistryTypeError, match=r"registry must be a mmengine\.Registry object, but got"
    ):
        build_from_cfg(dict(type="x"), "models")


def test_unknown_type_names_registry_scope_close_names_and_key_path(models):
    cfg = Config.fromstring("model = dict(backbone=dict(type='ResNt', depth=50))", ".py")
    with pytest.raises(errors.NotRegisteredError) as caught:
        models.build(cfg.model.backbone)
    message = str(caught.value)
    assert message.startswith("ResNt is not in the demo::model registry. Did you mean 'ResNet'?")
    assert message.endswith("config key model.backbone (<string>:1)")
    assert isinstance(caught.value, KeyError)


def test_constructor_errors_keep_their_type_and_gain_a_note(models):
    cfg = Config.fromstring("model = dict(type='ResNet', depht=50)", ".py")
    with pytest.raises(TypeError, match="unexpected keyword argument 'depht'") as caught:
        models.build(cfg.model)
    assert type(caught.value) is TypeError
    note = notes(caught.value)
    assert "while building ResNet from the demo::model registry, config key model" in note
    assert "with arguments: depht=50." in note
    assert "Did you mean 'depth' for 'depht'?" in note


def test_nested_builds_add_a_note_per_level(models):
    @models.register_module()
    class Detector:
        def __init__(self, backbone):
            self.backbone = models.build(backbone)

    cfg = Config.fromstring("model = dict(type='Detector', backbone=dict(type='ResNet'))", ".py")
    with pytest.raises(TypeError, match="depth") as caught:
        models.build(cfg.model)
    note = notes(caught.value)
    assert "config key model.backbone" in note
    assert "while building Detector" in note


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="add_note exists from Python 3.11")
def test_notes_reach_the_message_before_python_3_11(models):
    with pytest.raises(TypeError) as caught:
        models.build(dict(type="ResNet", depht=1))
    assert "while building ResNet" in str(caught.value)


def test_scope_switching_across_a_parent_and_two_children(tree):
    root, ca, cb = tree
    # No default scope: build where asked.
    assert ca.build(dict(type="ANet", depth=2)).depth == 2
    # A default scope picks the registry of that scope in the tree.
    init_default_scope("cb")
    assert type(ca.build(dict(type="BNet"))).__name__ == "BNet"
    with pytest.raises(errors.NotRegisteredError, match="ANet is not in the cb::model"):
        ca.build(dict(type="ANet"))
    # `_scope_` in a config overrides it for that build only.
    assert ca.build(dict(type="ANet", _scope_="ca")).depth == 1
    assert type(root.build(dict(type="BNet"))).__name__ == "BNet"
    # The parent's modules stay reachable from a child scope.
    assert cb.build(dict(type="RootNet", depth=7)).depth == 7


def test_unknown_default_scope_falls_back_with_a_warning(tree):
    _, ca, _ = tree
    DefaultScope.get_instance("task", scope_name="nowhere")
    with pytest.warns(UserWarning, match='Failed to search registry with scope "nowhere"'):
        assert ca.build(dict(type="ANet")).depth == 1


def test_default_scope_instances():
    assert DefaultScope.get_current_instance() is None
    first = DefaultScope.get_instance("a", scope_name="mmdet")
    assert DefaultScope.get_current_instance() is first
    assert DefaultScope.get_instance("a") is first
    assert DefaultScope.check_instance_created("a")
    with DefaultScope.overwrite_default_scope("mmpretrain"):
        assert DefaultScope.get_current_instance().scope_name == "mmpretrain"
    with DefaultScope.overwrite_default_scope(None):
        assert DefaultScope.get_current_instance() is first
    assert DefaultScope.get_current_instance() is first
    with pytest.raises(errors.RegistryArgumentError, match="scope_name should be a string"):
        DefaultScope("b", scope_name=1)


def test_init_default_scope_forces_a_change_with_a_warning():
    init_default_scope("ca")
    init_default_scope("ca")
    assert DefaultScope.get_current_instance().scope_name == "ca"
    init_default_scope("cb")
    assert DefaultScope.get_current_instance().scope_name == "cb"
    with pytest.warns(UserWarning, match='default scope "cb" is not "ca"'):
        init_default_scope("ca")
    assert DefaultScope.get_current_instance().scope_name == "ca"


def test_scope_overrides_do_not_leak_between_threads():
    import threading

    seen = {}
    entered = threading.Event()
    release = threading.Event()

    def inside():
        with DefaultScope.overwrite_default_scope("thread-scope"):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=inside)
    thread.start()
    entered.wait(5)
    seen["main"] = DefaultScope.get_current_instance()
    release.set()
    thread.join()
    assert seen["main"] is None


def test_manager_classes_are_built_through_get_instance(models):
    @models.register_module()
    class Visualizer:
        _instance_dict: ClassVar[dict] = {}

        def __init__(self, name):
            self.name = name

        @classmethod
        def get_instance(cls, name, **kwargs):
            return cls._instance_dict.setdefault(name, cls(name, **kwargs))

    first = models.build(dict(type="Visualizer", name="vis"))
    assert models.build(dict(type="Visualizer", name="vis")) is first


def test_model_lists_need_torch(models, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(errors.TorchRequiredError, match="needs PyTorch: pip install torch"):
        build_model_from_cfg([dict(type="ResNet", depth=1)], models)
    assert build_model_from_cfg(dict(type="ResNet", depth=1), models).depth == 1


def test_model_lists_become_sequential(models):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    models.register_module(name="Linear", module=torch.nn.Linear)
    sequential = build_model_from_cfg(
        [dict(type="Linear", in_features=2, out_features=2)] * 2, models
    )
    assert isinstance(sequential, torch.nn.Sequential)
    assert len(sequential) == 2


def test_runner_build_uses_from_cfg():
    runners = Registry("runner", build_func=build_runner_from_cfg, scope="runners")

    @runners.register_module()
    class Runner:
        @classmethod
        def from_cfg(cls, cfg):
            return ("built", cfg["work_dir"], "_scope_" in cfg)

    assert runners.build(dict(work_dir="w", _scope_="runners")) == ("built", "w", False)
    with pytest.raises(errors.NotRegisteredError, match="Other is not in"):
        runners.build(dict(runner_type="Other"))


def test_scheduler_build_converts_epochs_to_iterations():
    schedulers = Registry("scheduler", build_func=build_scheduler_from_cfg, scope="sched")

    @schedulers.register_module()
    class StepLR:
        def __init__(self, step, by_epoch=True):
            self.step = step

        @classmethod
        def build_iter_from_epoch(cls, step, epoch_length, by_epoch=True):
            return cls(step * epoch_length, by_epoch=False)

    assert schedulers.build(dict(type="StepLR", step=2, epoch_length=10)).step == 2
    converted = dict(type="StepLR", step=2, epoch_length=10, convert_to_iter_based=True)
    assert schedulers.build(converted).step == 20
    with pytest.raises(errors.RegistryArgumentError, match="`epoch_length` should be set"):
        schedulers.build(dict(type="StepLR", step=2, convert_to_iter_based=True))
