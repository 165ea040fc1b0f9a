"""merge_into: mmengine's merge rules, with inputs left alone."""

from __future__ import annotations

import copy

import pytest

from cfgkit.config.merging import expand_dotted_keys, merge_into
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
