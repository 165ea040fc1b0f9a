"""merge_into: mmengine's merge rules, with inputs left alone."""

from __future__ import annotations

import copy

import pytest

from cfgkit import Config, errors
from cfgkit.config._merge.merging import expand_dotted_keys, merge_into
from cfgkit.errors import ConfigKeyError, MergeError


def test_nested_dicts_merge_and_other_values_replace():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 2}
    child = {"a": {"y": [3], "z": 1}, "c": 3}
    assert merge_into(child, base) == {"a": {"x": 1, "y": [3], "z": 1}, "b": 2, "c": 3}


def test_inputs_are_not_modified():
    base = {"a": {"x": 1}}
    child = {"a": {"_delete_": True, "y": 2}, "n": {"_delete_": False}}
    before = copy.deepcopy((child, base))
    merge_into(child, base)
    assert (child, base) == before


def test_delete_replaces_and_is_removed():
    assert merge_into({"a": {"_delete_": True, "y": 2}}, {"a": {"x": 1}}) == {"a": {"y": 2}}


def test_delete_false_is_removed_and_merges():
    assert merge_into({"a": {"_delete_": False, "y": 2}}, {"a": {"x": 1}}) == {
        "a": {"x": 1, "y": 2}
    }


def test_delete_is_kept_where_the_key_is_new():
    assert merge_into({"a": {"_delete_": True}}, {}) == {"a": {"_delete_": True}}


def test_scalar_may_replace_a_dict():
    assert merge_into({"a": 1}, {"a": {"x": 1}}) == {"a": 1}


@pytest.mark.parametrize(
    "base_value",
    [
        pytest.param(1, id="int"),
        pytest.param("s", id="str"),
        pytest.param([1], id="list"),
        pytest.param(None, id="none"),
    ],
)
def test_dict_into_non_dict_is_an_error(base_value):
    with pytest.raises(
        MergeError, match=r"a=\{'x': 1\} in child config cannot inherit.*key 'm\.a'"
    ):
        merge_into({"a": {"x": 1}}, {"a": base_value}, path=("m",))


def test_list_keys_index_into_lists():
    base = {"p": [{"k": 1}, {"k": 2}]}
    merged = merge_into({"p": {"1": {"k": 5}}}, base, allow_list_keys=True)
    assert merged == {"p": [{"k": 1}, {"k": 5}]}
    assert base == {"p": [{"k": 1}, {"k": 2}]}


def test_list_key_replaces_an_element_with_a_scalar():
    # mmengine crashes with AttributeError here.
    assert merge_into({"p": {"0": 9}}, {"p": [1, 2]}, allow_list_keys=True) == {"p": [9, 2]}


def test_list_key_past_the_end_is_an_error():
    with pytest.raises(
        ConfigKeyError, match=r"Index 5 exceeds the length of list \[1\].*key 'p\.5'"
    ):
        merge_into({"p": {"5": 1}}, {"p": [1]}, allow_list_keys=True)


def test_list_key_dict_into_scalar_element_is_an_error():
    with pytest.raises(MergeError, match=r"key 'p\.0'"):
        merge_into({"p": {"0": {"x": 1}}}, {"p": [1]}, allow_list_keys=True)


def test_digit_keys_are_plain_keys_without_allow_list_keys():
    with pytest.raises(MergeError):
        merge_into({"p": {"0": 1}}, {"p": [1]})


def test_key_order_keeps_base_order_and_appends_new_keys():
    merged = merge_into({"c": 1, "a": 2}, {"a": 0, "b": 0})
    assert list(merged) == ["a", "b", "c"]


def test_expand_dotted_keys():
    options = {"model.backbone.depth": 50, "model.neck": 1, "lr": 0.1, "model.backbone.x": 2}
    assert expand_dotted_keys(options) == {
        "model": {"backbone": {"depth": 50, "x": 2}, "neck": 1},
        "lr": 0.1,
    }
    assert "model.backbone.depth" in options


def test_merge_from_dict_never_changes_the_callers_options():
    options = {"model": {"x": 1}, "model.norm": "BN", "lst.5": 1}
    nested = options["model"]
    cfg = Config(dict(model=dict(a=1), lst=[0]))
    with pytest.raises(errors.ConfigIndexError):
        cfg.merge_from_dict(options)
    assert options == {"model": {"x": 1}, "model.norm": "BN", "lst.5": 1}
    assert nested == {"x": 1}
    assert cfg.to_dict() == {"model": {"a": 1}, "lst": [0]}
    del options["lst.5"]
    cfg.merge_from_dict(options)
    assert cfg.to_dict() == {"model": {"a": 1, "x": 1, "norm": "BN"}, "lst": [0]}
    assert nested == {"x": 1}


def test_a_negative_list_index_counts_from_the_end():
    cfg = Config(dict(train_pipeline=[dict(type="Load"), dict(type="Resize", scale=1)]))
    cfg.merge_from_dict({"train_pipeline.-1.scale": (640, 480)})
    assert cfg.train_pipeline[1].scale == (640, 480)
    cfg.merge_from_dict({"train_pipeline.-2": dict(type="LoadImage")})
    assert cfg.train_pipeline[0].to_dict() == {"type": "LoadImage"}


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        pytest.param(
            "layers.x",
            errors.ConfigKeyError,
            r"layers is a list of 2 items and takes an index .* not 'x'.*key 'layers\.x'",
            id="a-name",
        ),
        pytest.param(
            "layers.\u00b2", errors.ConfigKeyError, r"not '\u00b2'", id="superscript-digit"
        ),
        pytest.param("layers.1 ", errors.ConfigKeyError, r"not '1 '", id="trailing-space"),
        pytest.param(
            "layers.-3",
            errors.ConfigIndexError,
            r"Index -3 exceeds the length of list \[1, 2\] \(2 items.*key 'layers\.-3'",
            id="too-negative",
        ),
        pytest.param("layers.2", errors.ConfigIndexError, r"Index 2 exceeds", id="past-the-end"),
    ],
)
def test_list_segments_that_are_not_indexes_name_the_key_and_length(key, error, message):
    cfg = Config(dict(layers=[1, 2]))
    with pytest.raises(error, match=message):
        cfg.merge_from_dict({key: 9})
    with pytest.raises(error, match=message.split(".*")[0]):
        cfg.provenance(key)
    assert cfg.to_dict() == {"layers": [1, 2]}
