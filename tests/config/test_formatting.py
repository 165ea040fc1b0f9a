"""pretty_text and dump: text that always loads back to the same dict."""

from __future__ import annotations

import datetime
import json
import os
import pickle

import pytest

from cfgkit import Config, errors
from tests.compat.trees import first_difference


def reload(text: str, file_format: str = ".py") -> dict:
    return Config.fromstring(text, file_format).to_dict()


def test_default_style_keeps_order_and_fits_in_79_columns(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    text = cfg.pretty_text
    assert all(len(line) <= 79 for line in text.splitlines())
    assert first_difference(cfg.to_dict(), reload(text)) is None  # order included
    assert text.startswith("model = dict(\n    type='RetinaNet',\n")


def test_default_style_puts_short_values_on_one_line():
    cfg = Config(dict(a=1, b=dict(c=[1, 2], d=(3,)), e="x"))
    assert cfg.pretty_text == "a = 1\nb = dict(c=[1, 2], d=(3,))\ne = 'x'\n"


def test_default_style_explodes_long_values():
    cfg = Config(dict(pipeline=[dict(type="LoadImageFromFile", key=f"value{i}") for i in range(3)]))
    assert cfg.pretty_text == (
        "pipeline = [\n"
        "    dict(type='LoadImageFromFile', key='value0'),\n"
        "    dict(type='LoadImageFromFile', key='value1'),\n"
        "    dict(type='LoadImageFromFile', key='value2'),\n"
        "]\n"
    )


def test_default_style_does_not_import_yapf():
    import sys

    sys.modules.pop("yapf", None)
    Config(dict(a=1)).pretty_text
    assert "yapf" not in sys.modules


def test_yapf_style_matches_mmengine_text():
    cfg = Config(dict(b=2, a=1, c=[1, 2], d=dict(y=1, x=(4,))), format_python_code="yapf")
    assert cfg.pretty_text == ("a = 1\nb = 2\nc = [\n    1,\n    2,\n]\nd = dict(x=(4, ), y=1)\n")


def test_raw_style_is_mmengine_text_before_yapf():
    cfg = Config(dict(b=2, a=1, c=[1, 2]), format_python_code=False)
    assert cfg.pretty_text == "a=1\nb=2\nc=[\n    1,\n    2,\n    ]"


@pytest.mark.parametrize("style", [True, "yapf", False], ids=["cfgkit", "yapf", "raw"])
@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"a b": 1, "ok": 2}, id="non-identifier-top-level-key"),
        pytest.param({"class": 1, 3: "int key"}, id="keyword-and-int-keys"),
        pytest.param({"x": {"class": 1, "a-b": [1], (1, 2): "tuple key"}}, id="nested-odd-keys"),
        pytest.param({"x": float("inf"), "y": float("-inf"), "z": [float("nan")]}, id="inf-nan"),
        pytest.param({"s": 'it\'s "quoted"\nand\ttabbed \\ back'}, id="quotes-newlines"),
        pytest.param(
            {"s": "{{ fileDirname }} {{$HOME:x}} <<_base_.a>> {{ _base_.b }}"}, id="markers"
        ),
        pytest.param({"t": (1,), "e": (), "n": [[], {}, ((),)]}, id="empty-and-single"),
        pytest.param({"c": complex(1, 2), "b": b"\x00by", "r": range(3)}, id="other-literals"),
        pytest.param({"s": {3, 1, 2}, "f": frozenset({"a"}), "e": set()}, id="sets"),
        pytest.param({"cls": dict, "fn": {"f": os.path.join}}, id="importable-objects"),
        pytest.param({"d": datetime.date(2024, 1, 2)}, id="date"),
    ],
)
def test_python_text_loads_back_type_exact(style, value):
    text = Config(value, format_python_code=style).pretty_text
    # cfgkit's style keeps the key order; mmengine's styles sort the keys.
    assert first_difference(value, reload(text), ordered=style is True) is None


@pytest.mark.parametrize(
    ("value", "key"),
    [
        pytest.param({"m": {"obj": object()}}, r"m\.obj", id="plain-object"),
        pytest.param({"m": [1, lambda x: x]}, r"m\.1", id="lambda"),
        pytest.param({"__hidden": 1}, "__hidden", id="dunder-top-level"),
        pytest.param({"_base_": ["x.py"]}, "_base_", id="base-key"),
        pytest.param({"f": os.path.join}, "f", id="top-level-function"),
    ],
)
def test_values_that_cannot_load_back_are_errors(value, key):
    with pytest.raises(errors.DumpError, match=key) as caught:
        Config(value).pretty_text
    assert isinstance(caught.value, TypeError)


def test_dump_without_file_follows_the_source_format(configs, write_config):
    assert Config(dict(a=1, b=2)).dump() == "a = 1\nb = 2\n"
    assert Config.fromfile(configs / "json" / "simple.json").dump().startswith('{"model": {')
    yaml_cfg = Config.fromfile(write_config("c.yaml", "b: 1\na: !!python/tuple [1, 2]\n"))
    assert yaml_cfg.dump() == "a: !!python/tuple\n- 1\n- 2\nb: 1\n"


@pytest.mark.parametrize("suffix", [".py", ".json", ".yaml", ".yml", ".pkl", ".pickle"])
def test_dump_writes_a_file_that_loads_back(tmp_path, configs, suffix):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    target = tmp_path / f"out{suffix}"
    assert cfg.dump(target) is None
    if suffix in (".pkl", ".pickle"):
        loaded = pickle.loads(target.read_bytes())
    else:
        loaded = Config.fromfile(target).to_dict()
    expected = cfg.to_dict()
    if suffix == ".json":
        expected = json.loads(json.dumps(expected))  # tuples become lists
    assert loaded == expected


def test_json_and_yaml_text_match_mmengine_layout():
    cfg = Config(dict(a=1, b=2))
    assert cfg.dump.__self__ is cfg
    from cfgkit.config._output.formatting import dump_text

    assert dump_text(cfg.to_dict(), "json") == '{"a": 1, "b": 2}'
    assert dump_text(cfg.to_dict(), "yaml") == "a: 1\nb: 2\n"


def test_markers_in_strings_survive_json_and_yaml(tmp_path):
    value = {"s": "{{ fileDirname }}/<<_base_.x>>", "t": ["{{$HOME:x}}"]}
    for suffix in (".json", ".yaml"):
        target = tmp_path / f"m{suffix}"
        Config(value).dump(target)
        assert Config.fromfile(target).to_dict() == value


@pytest.mark.parametrize(
    ("value", "suffix", "message"),
    [
        pytest.param(
            {"a": {(1, 2): "x"}},
            "json",
            r"JSON keys are strings, numbers or null.*key 'a\.\(1, 2\)'",
            id="json-tuple-key",
        ),
        pytest.param({"a": [{1, 2}]}, "json", r"type set to JSON.*key 'a\.0'", id="json-set"),
        pytest.param(
            {"a": {"b": object()}}, "yaml", r"type object to YAML.*key 'a\.b'", id="yaml-object"
        ),
        pytest.param({"a": 1}, "txt", r"Unsupported format: txt", id="unknown-format"),
    ],
)
def test_dump_errors_name_the_key(tmp_path, value, suffix, message):
    target = tmp_path / f"out.{suffix}"
    with pytest.raises(errors.DumpError, match=message):
        Config(value).dump(target)
    assert not target.exists()


def test_empty_config_text():
    assert Config().pretty_text == "\n"
    assert reload(Config().pretty_text) == {}


def dumped_and_loaded(tree, file_format, tmp_path):
    path = tmp_path / f"dumped.{file_format}"
    Config(tree).dump(path)
    return Config.fromfile(path).to_dict()


@pytest.mark.parametrize("file_format", ["py", "json", "yaml"])
@pytest.mark.parametrize("key", ["__hidden", "_base_", "_deprecation_"])
def test_every_format_refuses_top_level_keys_that_loading_drops(tmp_path, file_format, key):
    with pytest.raises(errors.DumpError, match=rf"top-level key named '{key}'.*key '{key}'"):
        Config({key: "x", "a": 1}).dump(tmp_path / f"out.{file_format}")
    assert not (tmp_path / f"out.{file_format}").exists()


def test_top_level_keys_that_shadow_builtins_the_dump_calls_reload(tmp_path):
    tree = {
        "dict": 1,
        "float": 2.0,
        "set": {3},
        "globals": "g",
        "range": range(2),
        "model": {"inf": float("inf"), "empty": set(), "frozen": frozenset({1}), "c": 1j},
        "not a name": {"x": 1},
    }
    for style in (True, False):
        text = Config(tree, format_python_code=style).pretty_text
        assert "__import__('builtins').dict(" in text
        again = Config.fromstring(text, ".py").to_dict()
        # mmengine's raw style (False) sorts the keys.
        assert first_difference(tree, again, ordered=style) is None


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param({"\ufb01": 1}, id="ligature"),
        pytest.param({"\uff2b": {"\ufb01": 2}}, id="fullwidth-nested"),
        pytest.param({"caf\u00e9": 3}, id="already-normal"),
    ],
)
def test_keys_that_nfkc_normalisation_would_rename_come_back_as_they_were(tmp_path, tree):
    assert dumped_and_loaded(tree, "py", tmp_path) == tree


def test_bytes_holding_substitution_markers_come_back_as_they_were(tmp_path):
    tree = {"b": b"{{ $HOME:x }}", "c": b"<<_base_.x>>", "d": b"plain"}
    assert dumped_and_loaded(tree, "py", tmp_path) == tree


def test_integers_longer_than_python_converts(tmp_path):
    tree = {"n": 10**5000, "m": -(10**4400)}
    assert dumped_and_loaded(tree, "py", tmp_path) == tree
    assert dumped_and_loaded(tree, "yaml", tmp_path) == tree
    with pytest.raises(
        errors.DumpError, match=r"integer this long cannot be written to JSON.*key 'n'"
    ):
        Config(tree).dump(tmp_path / "out.json")


class Name(str):
    pass


class Count(int):
    pass


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            "\ud800", r"lone surrogate cannot be written to YAML.*key 'v'", id="surrogate"
        ),
        pytest.param(Name("x"), r"type Name \(a subclass of str\) to YAML.*key 'v'", id="str-sub"),
        pytest.param(Count(3), r"type Count \(a subclass of int\) to YAML.*key 'v'", id="int-sub"),
    ],
)
def test_yaml_refuses_values_it_would_change(tmp_path, value, message):
    with pytest.raises(errors.DumpError, match=message):
        Config({"v": value}).dump(tmp_path / "out.yaml")


def test_a_lone_surrogate_reloads_from_python_and_json(tmp_path):
    assert dumped_and_loaded({"v": "\ud800"}, "py", tmp_path) == {"v": "\ud800"}
    assert dumped_and_loaded({"v": "\ud800"}, "json", tmp_path) == {"v": "\ud800"}


def test_json_writes_integer_keys_as_strings_like_mmengine(tmp_path):
    # mmaction2's flip label maps; JSON has no integer keys (a lossy format, like tuples).
    assert dumped_and_loaded({"flip": {0: 1, 1: 0}}, "json", tmp_path) == {"flip": {"0": 1, "1": 0}}
    with pytest.raises(errors.DumpError, match=r"keys 1 and '1' would both be written as '1'"):
        Config({"m": {1: "a", "1": "b"}}).dump(tmp_path / "out.json")
