"""What code written against mmengine's finer details relies on, compared with mmengine 0.10.7.

Private static helpers of ``Config`` with their signatures and results, message texts that
downstream tests match, ``Config.diff``'s exact text, the ``_scope_`` that package bases give
values copied by ``{{ _base_.x }}``, and ``Config.to_mmengine()`` for library code that checks
``isinstance(cfg, mmengine.config.Config)``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from cfgkit import Config, ConfigDict, errors
from tests.compat.trees import first_difference
from tests.conftest import CONFIG_DIR, PACKAGES_DIR

pytestmark = pytest.mark.compat

PY = CONFIG_DIR / "py"


@pytest.fixture
def fakepkg_for_mmengine(mmengine_config, monkeypatch):
    """``fakepkg`` importable, and in mmengine's list of packages with configs."""
    import mmengine.config.utils as utils

    monkeypatch.setitem(utils.MODULE2PACKAGE, "fakepkg", "fakepkg")
    sys.path.insert(0, str(PACKAGES_DIR))
    try:
        yield
    finally:
        sys.path.remove(str(PACKAGES_DIR))
        sys.modules.pop("fakepkg", None)


def plain(value):
    """A tree with every dict, of any dict class, as a plain dict."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def test_scope_reaches_values_copied_from_package_bases(mmengine_config, fakepkg_for_mmengine):
    path = CONFIG_DIR / "packaged" / "scope_through_references.py"
    expected = quiet(mmengine_config.fromfile, str(path)).to_dict()
    actual = Config.fromfile(path).to_dict()
    assert first_difference(expected, actual) is None
    # The copies mmengine marks in place, and the one it does not (written twice in a file).
    policies = actual["train_pipeline"][1]["policies"]
    assert [p["_scope_"] for p in policies] == ["fakepkg", "fakepkg"]
    assert actual["model"]["head"]["norm_cfg"]["_scope_"] == "fakepkg"
    assert "_scope_" not in actual["wrapper"]["inner"]


def test_file2dict(mmengine_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_DATA_ROOT", "/mnt/data")
    monkeypatch.setenv("CFGKIT_TEST_NUM_CLASSES", "7")
    for path in (PY / "inherit_and_override.py", PY / "environment_variables.py"):
        expected = quiet(mmengine_config._file2dict, str(path))
        actual = Config._file2dict(str(path))
        assert first_difference(plain(expected[0]), plain(actual[0])) is None
        assert type(actual[0]) is dict
        assert all(isinstance(v, ConfigDict) for v in actual[0].values() if isinstance(v, dict))
        assert actual[1] == expected[1]
        assert actual[2] == expected[2]


def test_get_cfg_path(mmengine_config, fakepkg_for_mmengine):
    child = str(PY / "inherit_and_override.py")
    assert Config._get_cfg_path("_base_/model.py", child) == quiet(
        mmengine_config._get_cfg_path, "_base_/model.py", child
    )
    # mmengine finds packages through pkg_resources, which warns on new setuptools.
    expected = quiet(mmengine_config._get_cfg_path, "fakepkg::_base_/net.py", child)
    assert Config._get_cfg_path("fakepkg::_base_/net.py", child) == (
        str(Path(expected[0]).resolve()),
        expected[1],
    )


def test_validate_py_syntax(mmengine_config):
    bad = CONFIG_DIR / "bad" / "syntax_error.py"
    with pytest.raises(SyntaxError) as expected:
        mmengine_config._validate_py_syntax(str(bad))
    with pytest.raises(errors.ConfigSyntaxError) as actual:
        Config._validate_py_syntax(str(bad))
    assert str(actual.value).startswith(str(expected.value).split(":")[0])
    assert Config._validate_py_syntax(str(PY / "inherit_and_override.py")) is None


def test_text_substitution_helpers(mmengine_config, tmp_path, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_DATA_ROOT", "/mnt/data")
    source = tmp_path / "vars.py"
    source.write_text(
        "a = '{{ fileBasename }}'\nb = '{{ $CFGKIT_TEST_DATA_ROOT:/x }}/c'\n"
        "c = '{{ $CFGKIT_UNSET_VAR:9 }}'\n",
        encoding="utf-8",
    )
    for helper in ("_substitute_predefined_vars", "_substitute_env_variables"):
        mm_out, ck_out = tmp_path / f"mm_{helper}.py", tmp_path / f"ck_{helper}.py"
        expected = quiet(getattr(mmengine_config, helper), str(source), str(mm_out))
        actual = getattr(Config, helper)(str(source), str(ck_out))
        assert actual == expected
        assert ck_out.read_text(encoding="utf-8") == mm_out.read_text(encoding="utf-8")


def test_base_variable_helpers(mmengine_config, tmp_path):
    source = tmp_path / "refs.py"
    source.write_text(
        "_base_ = ['b.py']\nx = {{ _base_.model.depth }}\ny = dict(n={{ _base_.lst }})\n",
        encoding="utf-8",
    )
    mm_out, ck_out = tmp_path / "mm.py", tmp_path / "ck.py"
    expected = mmengine_config._pre_substitute_base_vars(str(source), str(mm_out))
    actual = Config._pre_substitute_base_vars(str(source), str(ck_out))
    assert sorted(expected.values()) == sorted(actual.values()) == ["lst", "model.depth"]
    assert all(p.startswith(f"_{path}_") for p, path in actual.items())
    base = {"model": {"depth": 50}, "lst": [1, 2]}
    for mapping, config in ((expected, mmengine_config), (actual, Config)):
        placeholders = {path: p for p, path in mapping.items()}
        cfg = {"x": placeholders["model.depth"], "y": {"n": (placeholders["lst"], "k")}}
        assert config._substitute_base_vars(cfg, mapping, base) == {
            "x": 50,
            "y": {"n": ([1, 2], "k")},
        }


def test_dict_to_config_dict(mmengine_config):
    tree = {"model": {"type": "A", "head": {"type": "B"}}, "lst": [{"type": "C"}], "n": 1}
    expected = mmengine_config._dict_to_config_dict(ConfigDict(tree), scope="mmdet")
    actual = Config._dict_to_config_dict(tree, scope="mmdet")
    assert isinstance(actual, ConfigDict)
    assert first_difference(expected.to_dict(), actual.to_dict()) is None
    assert tree == {"model": {"type": "A", "head": {"type": "B"}}, "lst": [{"type": "C"}], "n": 1}


@pytest.mark.parametrize(
    ("a", "b", "allow_list_keys"),
    [
        pytest.param({"a": 1, "b": 2}, {"a": 0, "c": 3}, False, id="plain"),
        pytest.param({"o": {"_delete_": True, "a": 1}}, {"o": {"b": 2}}, False, id="delete"),
        pytest.param({"0": {"a": 2}}, [{"a": 1}, {"b": 2}], True, id="list-keys"),
        pytest.param({"o": {"1": {"x": 9}}}, {"o": [1, {"x": 1}]}, True, id="nested-list"),
    ],
)
def test_merge_a_into_b(mmengine_config, a, b, allow_list_keys):
    import copy

    expected = mmengine_config._merge_a_into_b(copy.deepcopy(a), copy.deepcopy(b), allow_list_keys)
    assert Config._merge_a_into_b(a, b, allow_list_keys) == expected


def test_merge_a_into_b_errors_as_mmengine(mmengine_config):
    with pytest.raises(TypeError):
        mmengine_config._merge_a_into_b({"a": {"x": 1}}, {"a": 1})
    with pytest.raises(errors.MergeError):
        Config._merge_a_into_b({"a": {"x": 1}}, {"a": 1})
    with pytest.raises(KeyError):
        mmengine_config._merge_a_into_b({"5": 1}, [1], True)
    with pytest.raises(errors.ConfigKeyError, match="Index 5 exceeds the length of list"):
        Config._merge_a_into_b({"5": 1}, [1], True)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(PY / "inherit_and_override.py", id="classic"),
        pytest.param(CONFIG_DIR / "pure" / "retinanet_r50_coco.py", id="pure-python"),
        pytest.param(CONFIG_DIR / "yaml" / "simple.yaml", id="yaml"),
    ],
)
def test_is_lazy_import(mmengine_config, path):
    assert Config._is_lazy_import(str(path)) is mmengine_config._is_lazy_import(str(path))


def test_wrong_registry_message_keeps_mmengines_words(mmengine_config):
    from mmengine.registry import build_from_cfg as mmengine_build

    from cfgkit.registry import build_from_cfg

    words = r"registry must be a mmengine\.Registry object, but got"
    with pytest.raises(TypeError, match=words):
        mmengine_build(dict(type="x"), "models")
    with pytest.raises(errors.RegistryTypeError, match=words):
        build_from_cfg(dict(type="x"), "models")


def test_mixed_style_error_keeps_mmengines_words(mmengine_config):
    path = CONFIG_DIR / "pure_bad" / "pure_classic_base.py"
    with pytest.raises(Exception, match="`_base_ = ") as expected:
        quiet(mmengine_config.fromfile, str(path), lazy_import=True)
    with pytest.raises(errors.ConfigParsingError, match="`_base_ = ") as actual:
        Config.fromfile(path, lazy_import=True)
    assert isinstance(actual.value, type(expected.value).__mro__[0].__mro__[1])


def test_missing_read_base_name_is_a_key_error_in_both(mmengine_config):
    path = CONFIG_DIR / "pure_bad" / "missing_name.py"
    with pytest.raises((KeyError, ImportError), match="nope") as expected:
        quiet(mmengine_config.fromfile, str(path))
    with pytest.raises(KeyError, match="cannot import name 'nope'") as actual:
        Config.fromfile(path)
    assert isinstance(actual.value, errors.MissingBaseNameError)
    assert isinstance(expected.value, (KeyError, ImportError))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(PY / "inherit_and_override.py", PY / "child_of_child.py", id="chain"),
        pytest.param(PY / "base_reference.py", PY / "inherit_and_override.py", id="other"),
        pytest.param(PY / "scope_keys.py", PY / "scope_keys.py", id="same"),
    ],
)
def test_diff_of_files_is_mmengines_text(mmengine_config, first, second, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    expected = quiet(mmengine_config.diff, str(first), str(second))
    assert Config.diff(str(first), str(second)) == expected


def test_diff_wraps_long_lines_as_mmengine(mmengine_config, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    first = {"x": "a " * 60, "y": "b" * 170, "z": [1, 2], "w": "日本語" * 30}
    second = {"x": "a " * 61, "y": "c" * 170, "z": [1, 2, 3], "w": "日本" * 45}
    expected = mmengine_config.diff(mmengine_config(first), mmengine_config(second))
    assert Config.diff(Config(first), Config(second)) == expected


def test_diff_ignores_key_order(mmengine_config):
    first, second = {"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"d": 3, "c": 2}, "a": 1}
    assert Config.diff(Config(first), Config(second)) == "\n"
    assert mmengine_config.diff(mmengine_config(first), mmengine_config(second)) == "\n"


def test_to_mmengine_is_accepted_by_mmengine_code(mmengine_config):
    from mmengine.registry import MODELS, build_from_cfg

    cfg = Config.fromfile(PY / "inherit_and_override.py")
    converted = cfg.to_mmengine()
    assert isinstance(converted, mmengine_config)
    assert converted.filename == cfg.filename
    assert converted.text == cfg.text
    assert first_difference(converted.to_dict(), cfg.to_dict()) is None

    class Built:
        def __init__(self, **kwargs):
            self.kwargs = kwargs

    name = "CfgkitToMmengineProbe"
    MODELS.register_module(name=name, module=Built, force=True)
    built = build_from_cfg(Config({"type": name, "depth": 3}).to_mmengine(), MODELS)
    assert built.kwargs == {"depth": 3}


def test_to_mmengine_keeps_lazy_imports_lazy(mmengine_config):
    from mmengine.config.lazy import LazyObject

    cfg = Config.fromfile(CONFIG_DIR / "pure" / "named_imports.py")
    converted = cfg.to_mmengine()
    assert isinstance(converted._to_lazy_dict()["model"]["type"], LazyObject)
    assert str(converted._to_lazy_dict()["model"]["type"]) == "RetinaNet"
    assert first_difference(converted.to_dict(), cfg.to_dict()) is None
    assert converted._imported_names == cfg._imported_names
