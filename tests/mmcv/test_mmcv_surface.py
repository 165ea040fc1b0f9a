"""cfgkit.mmcv: the mmcv 1.7 surface, where it differs from mmengine's."""

from __future__ import annotations

import copy
import pickle

import pytest

from cfgkit import errors
from cfgkit.mmcv import Config, ConfigDict, DictAction, Registry, build_from_cfg
from cfgkit.registry import Registry as MMEngineRegistry


def test_exports():
    import cfgkit

    assert ConfigDict is cfgkit.ConfigDict
    assert DictAction is cfgkit.DictAction
    assert issubclass(Config, cfgkit.Config)


def test_fromfile_signature_and_no_environment_variables(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_MMCV_VAR", "set")
    path = write_config("c.py", "a = '{{$CFGKIT_MMCV_VAR:x}}'\nname = '{{ fileBasename }}'\n")
    cfg = Config.fromfile(path)
    assert isinstance(cfg, Config)
    assert cfg.a == "{{$CFGKIT_MMCV_VAR:x}}"
    assert cfg.name == "c.py"
    assert Config.fromfile(path, use_predefined_variables=False).name == "{{ fileBasename }}"
    with pytest.raises(TypeError, match="unexpected keyword argument 'lazy_import'"):
        Config.fromfile(path, lazy_import=False)


def test_syntax_error_message_is_mmcvs(write_config):
    path = write_config("bad.py", "a = (1,\n")
    with pytest.raises(
        SyntaxError,
        match=rf"^There are syntax errors in config file {path}: .* \(bad\.py, line 1\)",
    ):
        Config.fromfile(path)


def test_copy_returns_the_config_dict_and_copy_copy_shares_it(write_config):
    cfg = Config.fromfile(write_config("c.py", "a = dict(b=1)\n"))
    shallow = cfg.copy()
    assert type(shallow) is ConfigDict
    assert shallow.a is cfg.a
    shared = copy.copy(cfg)
    assert type(shared) is Config
    assert shared._cfg_dict is cfg._cfg_dict


def test_pickle_keeps_three_fields(write_config):
    cfg = Config.fromfile(write_config("c.py", "a = 1\n"))
    assert len(cfg.__getstate__()) == 3
    again = pickle.loads(pickle.dumps(cfg))
    assert type(again) is Config
    assert again.to_dict() == {"a": 1}
    assert again.filename == cfg.filename


def test_child_registry_does_not_search_its_parent():
    parent = Registry("model", scope="mmcv_parent")
    child = Registry("model", parent=parent, scope="mmcv_child")
    parent.register_module(name="A", module=dict)
    assert child.get("A") is None
    assert child.get("mmcv_parent.A") is dict
    assert parent.get("mmcv_child.Nope") is None
    assert parent.get("os.path.join") is None  # no import fallback in mmcv


def test_scope_is_inferred_from_the_callers_package():
    assert Registry("model").scope == __name__.split(".")[0]


def test_old_registration_api_warns_and_works():
    registry = Registry("model", scope="mmcv_old")
    with pytest.warns(DeprecationWarning, match="old API of register_module"):

        @registry.register_module
        class Old:
            pass

    with pytest.warns(DeprecationWarning, match="old API"):
        registry.register_module(dict)
    assert registry.get("Old") is Old
    assert registry.get("dict") is dict


def test_only_classes_and_functions_register():
    import functools

    registry = Registry("model", scope="mmcv_partial")
    with pytest.raises(errors.RegistryTypeError, match="must be a class or a function"):
        registry.register_module(name="p", module=functools.partial(dict))


def test_build_passes_scope_on_and_rejects_configs_that_are_not_dicts():
    registry = Registry("model", scope="mmcv_build")
    registry.register_module(name="D", module=dict)
    assert registry.build(dict(type="D", _scope_="x", a=1)) == {"_scope_": "x", "a": 1}
    with pytest.raises(errors.RegistryTypeError, match="cfg must be a dict"):
        registry.build(Config(dict(type="D")))
    with pytest.raises(errors.RegistryTypeError, match=r"registry must be an mmcv\.Registry"):
        build_from_cfg(dict(type="D"), MMEngineRegistry("x", scope="other"))
    with pytest.raises(errors.NotRegisteredError, match="E is not in the mmcv_build::model"):
        registry.build(dict(type="E"))


def test_repr():
    registry = Registry("model", scope="mmcv_repr")
    registry.register_module(name="D", module=dict)
    assert repr(registry) == "Registry(name=model, items={'D': <class 'dict'>})"


def test_deprecated_register_module_warns_and_registers():
    from cfgkit.mmcv import Registry as MmcvRegistry

    registry = MmcvRegistry("models", scope="old_api")
    with pytest.warns(DeprecationWarning, match="The old API of register_module"):
        decorator = registry.deprecated_register_module()

    class Old:
        pass

    # As in mmcv, the decorator is the method again, so it warns again.
    with pytest.warns(DeprecationWarning, match="The old API of register_module"):
        assert decorator(Old) is Old

    with pytest.warns(DeprecationWarning, match="The old API of register_module"):
        assert registry.deprecated_register_module(dict, force=True) is dict
    assert registry.get("Old") is Old
    assert registry.get("dict") is dict
