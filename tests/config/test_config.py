"""Config: construction, access, fromstring, custom_imports, deprecation, copy and pickle."""

from __future__ import annotations

import copy
import pickle
import sys
from pathlib import Path

import pytest

from cfgkit import Config, ConfigDict, errors


def test_empty_config():
    cfg = Config()
    assert cfg.filename is None
    assert cfg.text == ""
    assert len(cfg) == 0
    assert cfg.env_variables == {}
    assert repr(cfg) == "Config (path: None): {}"
    assert not cfg


def test_dict_argument_is_converted_and_config_dict_kept():
    cfg = Config(dict(a=dict(b=1)))
    assert isinstance(cfg._cfg_dict, ConfigDict)
    shared = ConfigDict(x=1)
    assert Config(shared)._cfg_dict is shared


def test_non_dict_argument_is_a_type_error():
    with pytest.raises(
        errors.ConfigTypeError, match=r"cfg_dict must be a dict, but got <class 'list'>"
    ):
        Config([1])


@pytest.mark.parametrize("key", ["filename", "text", "pretty_text", "env_variables"])
def test_reserved_top_level_keys(key):
    with pytest.raises(errors.ReservedKeyError, match=f"{key} is reserved for config file"):
        Config({key: 1})
    assert Config({"nested": {key: 1}}).nested[key] == 1


def test_attribute_item_and_method_access():
    cfg = Config(dict(a=1, model=dict(depth=50)))
    assert cfg.a == cfg["a"] == 1
    assert cfg.model.depth == 50
    assert list(cfg.keys()) == ["a", "model"]
    assert cfg.get("missing", 3) == 3
    assert "a" in cfg
    assert dict(cfg) == {"a": 1, "model": {"depth": 50}}
    with pytest.raises(AttributeError, match="'ConfigDict' object has no attribute 'nope'"):
        cfg.nope


def test_setting_values_wraps_dicts():
    cfg = Config()
    cfg.model = dict(type="A")
    cfg["data"] = {"x": dict(y=1)}
    assert isinstance(cfg.model, ConfigDict)
    assert cfg.data.x.y == 1


@pytest.mark.parametrize("key", ["filename", "text", "pretty_text", "env_variables"])
def test_reserved_keys_are_refused_by_assignment_and_merge(key):
    cfg = Config(dict(a=1))
    with pytest.raises(errors.ReservedKeyError, match=f"{key} is reserved for config file"):
        setattr(cfg, key, 1)
    with pytest.raises(errors.ReservedKeyError, match=f"key '{key}'"):
        cfg[key] = 1
    with pytest.raises(errors.ReservedKeyError, match=f"{key} is reserved"):
        cfg.merge_from_dict({key: 1})
    with pytest.raises(errors.ReservedKeyError, match=f"{key} is reserved"):
        cfg.merge_from_dict({f"{key}.x": 1})
    assert cfg.to_dict() == {"a": 1}
    assert cfg.filename is None


def test_deleting_an_attribute_is_not_supported():
    cfg = Config(dict(a=1))
    with pytest.raises(AttributeError):
        del cfg.a
    assert cfg.pop("a") == 1


def test_fromfile_keeps_filename_as_given_and_reads_text(configs):
    path = configs / "json" / "simple.json"
    cfg = Config.fromfile(path)
    assert cfg.filename == str(path)
    assert cfg.text == f"{path}\n{path.read_text()}"
    assert cfg.to_dict() == {
        "model": {"type": "ResNet", "depth": 18},
        "lr": 0.1,
        "flags": [True, False, None],
        "name": "json config",
    }


def test_yaml_tuples_and_safe_types(configs):
    cfg = Config.fromfile(configs / "yaml" / "simple.yaml")
    assert cfg.model.stages == (1, 2, 3)
    assert cfg.flags == [True, False, None]
    assert str(cfg.when) == "2024-01-01"


def test_yml_extension(write_config):
    assert Config.fromfile(write_config("a.yml", "a: 1\n")).a == 1


def test_python_values_and_code(configs):
    cfg = Config.fromfile(configs / "py" / "code_in_config.py")
    assert cfg.pipeline[1] == {"type": "Resize", "scale": (1333, 800), "keep_ratio": True}
    assert cfg.shifted == [10, 11, 12]
    assert cfg.table == {"k0": 0, "k1": 10}
    assert cfg.flags.text == 'it\'s "quoted"\nnewline'
    assert cfg.tup == (1,)
    assert cfg.nested == [[1, (2, 3)], {"a": [{"b": 1}]}]


def test_functions_modules_and_private_names_are_dropped(configs):
    cfg = Config.fromfile(configs / "py" / "dropped_names.py")
    assert set(cfg) == {"sqrt", "_single_underscore", "joined", "root", "computed"}
    assert cfg.joined == "a/b"
    assert cfg.computed == 2


def test_file_dunder_is_the_real_path(write_config):
    path = write_config("where.py", "import os.path as osp\nhere = osp.basename(__file__)\n")
    assert Config.fromfile(path).here == "where.py"


def test_stdlib_imports_keep_a_config_classic(write_config):
    # mmengine takes `import os.path as osp` for a pure-Python config on Python 3.11+.
    path = write_config("osp.py", "import os.path as osp\nroot = osp.join('a', 'b')\n")
    assert Config.fromfile(path).root == "a/b"


def test_custom_imports_are_imported(configs, monkeypatch):
    monkeypatch.delitem(sys.modules, "json", raising=False)
    cfg = Config.fromfile(configs / "py" / "custom_imports_json.py")
    assert "json" in sys.modules
    assert cfg.custom_imports.imports == ["json", "os.path"]


def test_custom_imports_can_be_skipped(configs):
    cfg = Config.fromfile(
        Path(__file__).parents[1] / "data/configs/bad/custom_import_missing.py",
        import_custom_modules=False,
    )
    assert cfg.custom_imports.imports == ["cfgkit_no_such_module_xyz"]


def test_allowed_failed_custom_imports_warn(write_config):
    path = write_config(
        "c.py", "custom_imports = dict(imports='cfgkit_no_such_mod', allow_failed_imports=True)\n"
    )
    with pytest.warns(UserWarning, match="cfgkit_no_such_mod failed to import and is ignored"):
        Config.fromfile(path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("['json']", r"custom_imports must be a dict", id="not-a-dict"),
        pytest.param(
            "dict(imports=('json',))", r"must be a list but got type <class 'tuple'>", id="tuple"
        ),
        pytest.param("dict(imports=['json'], x=1)", r"takes the keys 'imports'", id="extra-key"),
        pytest.param(
            "dict(imports=[1])", r"1 is of type <class 'int'> and cannot be imported", id="int"
        ),
    ],
)
def test_malformed_custom_imports(write_config, value, message):
    path = write_config("c.py", f"custom_imports = {value}\n")
    with pytest.raises(errors.ConfigTypeError, match=message) as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, TypeError)


def test_deprecation_warns_with_the_file(configs):
    path = configs / "py" / "deprecated.py"
    with pytest.warns(
        DeprecationWarning,
        match=r"deprecated\.py will be deprecated in the future\. "
        r"Please use code_in_config\.py instead\. More information can be found at "
        r"https://example\.org/migrate",
    ):
        cfg = Config.fromfile(path)
    assert "_deprecation_" not in cfg


def test_deprecated_base_warns_for_the_child(configs, write_config):
    child = write_config("child.py", f"_base_ = '{configs / 'py' / 'deprecated.py'}'\nb = 2\n")
    with pytest.warns(DeprecationWarning, match=r"deprecated\.py will be deprecated"):
        assert Config.fromfile(child).to_dict() == {"value": 1, "b": 2}


def test_format_python_code_is_kept(configs):
    cfg = Config.fromfile(configs / "json" / "simple.json", format_python_code=False)
    assert cfg._format_python_code is False


@pytest.mark.parametrize(
    ("text", "file_format", "expected"),
    [
        pytest.param("a = 1\nb = dict(c=(1, 2))\n", ".py", {"a": 1, "b": {"c": (1, 2)}}, id="py"),
        pytest.param('{"a": 1}', ".json", {"a": 1}, id="json"),
        pytest.param("a: !!python/tuple [1, 2]\n", ".yaml", {"a": (1, 2)}, id="yaml"),
        pytest.param("a: 1\n", ".yml", {"a": 1}, id="yml"),
    ],
)
def test_fromstring(text, file_format, expected):
    cfg = Config.fromstring(text, file_format)
    assert cfg.to_dict() == expected
    assert cfg.filename is None


def test_fromstring_rejects_a_format_without_dot():
    with pytest.raises(errors.UnsupportedFormatError, match="Only py/yml/yaml/json"):
        Config.fromstring("a = 1", "py")


def test_fromstring_warns_about_python_text_in_another_format():
    with (
        pytest.warns(UserWarning, match='Please check "file_format"'),
        pytest.raises(errors.ConfigDecodeError),
    ):
        Config.fromstring("a = dict(b=1)", ".json")


def test_fromstring_resolves_relative_bases_from_the_current_directory(write_config, monkeypatch):
    base = write_config("base.py", "a = 1\n")
    monkeypatch.chdir(base.parent)
    assert Config.fromstring("_base_ = './base.py'\nb = 2\n", ".py").to_dict() == {"a": 1, "b": 2}


def test_fromstring_errors_name_the_string():
    with pytest.raises(errors.ConfigExecutionError, match=r"<string>, line 2"):
        Config.fromstring("a = 1\nb = nope\n", ".py")


def test_copy_is_one_level_deep():
    cfg = Config(dict(a=dict(x=1)), filename=None)
    other = cfg.copy()
    other.b = 2
    other.a.x = 5
    assert "b" not in cfg
    assert cfg.a.x == 5
    assert copy.copy(cfg)._cfg_dict is not cfg._cfg_dict


def test_deepcopy_shares_nothing(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    other = copy.deepcopy(cfg)
    other.model.backbone.depth = 1
    assert cfg.model.backbone.depth == 101
    assert other.filename == cfg.filename
    assert other.text == cfg.text


def test_pickle_round_trip(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    again = pickle.loads(pickle.dumps(cfg))
    assert again.__dict__ == cfg.__dict__
    assert again.to_dict() == cfg.to_dict()


def test_to_dict_is_plain_and_independent(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    plain = cfg.to_dict()
    assert type(plain["model"]) is dict
    plain["model"]["backbone"]["depth"] = 0
    assert cfg.model.backbone.depth == 101


def test_uninitialised_config_has_no_attributes():
    bare = Config.__new__(Config)
    assert not hasattr(bare, "model")


def test_merge_from_dict_with_dotted_and_list_keys(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    options = {
        "model.backbone.depth": 18,
        "train_pipeline.1.scale": (640, 480),
        "param_scheduler.0": 9,
        "new.deep.key": [1],
    }
    cfg.merge_from_dict(options)
    assert cfg.model.backbone.depth == 18
    assert cfg.train_pipeline[1].scale == (640, 480)
    assert cfg.param_scheduler[0] == 9  # mmengine crashes replacing an element by a scalar
    assert cfg.new.deep.key == [1]
    assert isinstance(cfg.new.deep, ConfigDict)
    assert list(cfg)[-1] == "new"


def test_merge_from_dict_delete_and_caller_dict_untouched():
    cfg = Config(dict(model=dict(type="A", depth=1)))
    options = {"model": dict(_delete_=True, type="B")}
    cfg.merge_from_dict(options)
    assert cfg.model.to_dict() == {"type": "B"}
    assert options == {"model": {"_delete_": True, "type": "B"}}
    cfg.merge_from_dict({"model._delete_": True, "model.x": 1})
    assert cfg.model.to_dict() == {"x": 1}


def test_merge_from_dict_keeps_untouched_parts_and_wraps_new_dicts():
    cfg = Config(dict(a=dict(x=1), b=dict(y=2)))
    untouched = cfg.b
    cfg.merge_from_dict({"a.x": 5, "c": [dict(z=1)]})
    assert cfg.b is untouched
    assert isinstance(cfg.c[0], ConfigDict)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        pytest.param({"a.b": 1}, errors.MergeError, r"key 'a'\)", id="dict-into-scalar"),
        pytest.param(
            {"lst.5": 1},
            errors.ConfigKeyError,
            r"Index 5 exceeds.*key 'lst\.5'",
            id="index-past-end",
        ),
        pytest.param(
            {"ok": 1, "lst.0.x": 1}, errors.MergeError, r"key 'lst\.0'\)", id="dict-into-element"
        ),
    ],
)
def test_failed_merge_leaves_the_config_unchanged(options, error, message):
    cfg = Config(dict(a=1, lst=[1, 2], ok=0))
    before = cfg.to_dict()
    inner = cfg._cfg_dict
    with pytest.raises(error, match=message):
        cfg.merge_from_dict(options)
    assert cfg.to_dict() == before
    assert cfg._cfg_dict is inner


def test_merge_from_dict_without_list_keys():
    cfg = Config(dict(lst=[1, 2]))
    with pytest.raises(errors.MergeError):
        cfg.merge_from_dict({"lst.0": 3}, allow_list_keys=False)


def test_diff_layout_matches_mmengine(monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    a, b = Config(dict(a=1, b=2)), Config(dict(a=1, b=3))
    assert Config.diff(a, b) == "--- \n\n+++ \n\n@@ -1,3 +1,3 @@\n\n a = 1\n-b = 2\n+b = 3\n \n\n"
    assert Config.diff(a, a) == "\n"


def test_diff_colours_only_on_a_terminal(monkeypatch):
    a, b = Config(dict(a=1)), Config(dict(a=2))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\033[91m-a = 1\033[0m\n" in Config.diff(a, b)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in Config.diff(a, b)


def test_diff_loads_paths(configs):
    text = Config.diff(
        configs / "py" / "delete_replaces_dict.py", configs / "py" / "_base_" / "model.py"
    )
    assert "SwinTransformer" in text


def test_auto_argparser(configs, monkeypatch):
    path = str(configs / "json" / "simple.json")
    monkeypatch.setattr(sys, "argv", ["train.py", path, "--lr", "0.5"])
    parser, cfg = Config.auto_argparser("demo")
    args = parser.parse_args([path, "--lr", "0.5", "--model.depth", "34"])
    assert args.lr == 0.5
    assert getattr(args, "model.depth") == 34
    assert cfg.lr == 0.1


def test_repr_len_iter(configs):
    cfg = Config.fromfile(configs / "json" / "simple.json")
    assert repr(cfg).startswith(f"Config (path: {configs / 'json' / 'simple.json'}): {{'model'")
    assert len(cfg) == 4
    assert list(cfg) == ["model", "lr", "flags", "name"]
