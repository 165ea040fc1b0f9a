"""ConfigDict: mmengine's semantics for access, missing keys, copy, pickle and merge."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import pytest

from cfgkit import Config, ConfigDict, errors
from cfgkit.config.config_dict import tree_class, use_tree_class
from cfgkit.errors import MissingAttributeError, MissingKeyError


def test_attribute_and_item_access():
    cd = ConfigDict(model=dict(type="ResNet", depth=50), items=[dict(a=1)])
    assert cd.model.depth == 50
    assert cd["model"]["type"] == "ResNet"
    assert isinstance(cd.model, ConfigDict)
    assert isinstance(cd["items"], list)
    assert isinstance(cd["items"][0], ConfigDict)


def test_missing_attribute_has_mmengine_text_and_a_hint():
    cd = ConfigDict(learning_rate=1)
    with pytest.raises(
        AttributeError, match=r"^'ConfigDict' object has no attribute 'learning_rat'"
    ):
        cd.learning_rat
    with pytest.raises(MissingAttributeError, match=r"Did you mean 'learning_rate'\?"):
        cd.learning_rat
    assert not hasattr(cd, "nope")
    assert getattr(cd, "nope", 7) == 7


def test_missing_item_is_a_key_error_without_auto_creation():
    cd = ConfigDict(a=1)
    with pytest.raises(KeyError) as caught:
        cd["b"]
    assert caught.value.args == ("b",)
    assert isinstance(caught.value, MissingKeyError)
    with pytest.raises(AttributeError, match="'z'"):
        cd.z.y = 1
    assert cd.to_dict() == {"a": 1}


def test_setting_values_converts_dicts():
    cd = ConfigDict()
    cd.n = dict(deep=dict(x=1))
    cd["m"] = [dict(y=2)]
    assert isinstance(cd.n.deep, ConfigDict)
    assert isinstance(cd.m[0], ConfigDict)


def test_method_names_are_read_only_attributes():
    cd = ConfigDict()
    with pytest.raises(AttributeError, match="'Dict' object attribute 'items' is read-only"):
        cd.items = 1
    cd["items"] = 1
    assert callable(cd.items)
    assert cd["items"] == 1


def test_get_and_pop_default_to_none():
    cd = ConfigDict(a=1)
    assert cd.get("x") is None
    assert cd.pop("x") is None
    assert cd.pop("a") == 1


def test_values_and_items_are_lists():
    cd = ConfigDict(a=1, b=2)
    assert cd.values() == [1, 2]
    assert cd.items() == [("a", 1), ("b", 2)]


def test_custom_dict_subclasses_are_kept():
    class CustomDict(dict):
        pass

    cd = ConfigDict(c=CustomDict(x=1), o=OrderedDict(y=2))
    assert type(cd.c) is CustomDict
    assert type(cd.o) is ConfigDict
    assert type(cd.to_dict()["c"]) is dict


def test_update_is_recursive():
    cd = ConfigDict(a=dict(x=1, y=2), b=1)
    cd.update(dict(a=dict(y=3), b=dict(z=1)))
    assert cd.to_dict() == {"a": {"x": 1, "y": 3}, "b": {"z": 1}}
    with pytest.raises(TypeError, match="only accept one positional argument"):
        cd.update({}, {})


def test_merge_honours_delete():
    cd = ConfigDict(a=dict(x=1, y=2), b=1)
    other = dict(a=dict(_delete_=True, z=3), c=dict(_delete_=True, w=1))
    cd.merge(other)
    assert cd.to_dict() == {"a": {"z": 3}, "b": 1, "c": {"w": 1}}
    assert "_delete_" in other["a"]


def test_copy_is_shallow_and_deepcopy_is_deep():
    cd = ConfigDict(a=dict(x=1))
    shallow = copy.copy(cd)
    deep = copy.deepcopy(cd)
    cd.a.x = 2
    assert shallow.a.x == 2
    assert deep.a.x == 1
    assert type(shallow) is type(deep) is ConfigDict
    assert cd.copy().a is cd.a


def test_pickle_round_trip():
    cd = ConfigDict(a=dict(x=(1, 2)), b=[dict(c=3)])
    again = pickle.loads(pickle.dumps(cd))
    assert again == cd
    assert isinstance(again.a, ConfigDict)
    assert isinstance(again.b[0], ConfigDict)


def test_equality_with_dicts_and_config_dicts():
    cd = ConfigDict(a=dict(x=1))
    assert cd == {"a": {"x": 1}}
    assert cd == {"a": {"x": 1}}
    assert cd == ConfigDict(a=dict(x=1))
    assert cd != ConfigDict(a=dict(x=2))
    assert cd != [1]
    with pytest.raises(TypeError, match="unhashable"):
        hash(cd)


def test_to_dict_converts_nested_containers_and_keeps_tuples():
    cd = ConfigDict(a=[dict(b=(dict(c=1),))])
    plain = cd.to_dict()
    assert plain == {"a": [{"b": ({"c": 1},)}]}
    assert type(plain["a"][0]) is dict
    assert type(plain["a"][0]["b"]) is tuple


def test_positional_argument_forms():
    assert ConfigDict(("a", 1)).to_dict() == {"a": 1}
    assert ConfigDict([("a", 1), ("b", 2)]).to_dict() == {"a": 1, "b": 2}
    assert ConfigDict(None, {}, a=1).to_dict() == {"a": 1}


def test_instance_state_matches_addict():
    assert vars(ConfigDict()) == {"__parent": None, "__key": None, "__frozen": False}


def test_repr_is_the_dict_repr():
    assert repr(ConfigDict(a=1, b=dict(c=2))) == "{'a': 1, 'b': {'c': 2}}"


class _TreeNode(ConfigDict):
    """A ConfigDict subclass, as the mmengine drop-in makes one."""


@pytest.fixture
def tree_node_class():
    use_tree_class(_TreeNode)
    yield _TreeNode
    use_tree_class(None)


def test_trees_are_built_from_the_class_in_use(tree_node_class, tmp_path):
    path = tmp_path / "tree.py"
    path.write_text("model = dict(backbone=dict(depth=50), heads=[dict(n=1)])\n")
    cfg = Config.fromfile(path)
    cfg.merge_from_dict({"model.neck": {"type": "FPN"}})
    cfg.extra = {"a": {"b": 1}}
    built = Config({"x": {"y": 1}})
    nodes = [cfg._cfg_dict, cfg.model, cfg.model.backbone, cfg.model.heads[0], cfg.model.neck]
    nodes += [cfg.extra, cfg.extra.a, built._cfg_dict, built.x]
    assert all(type(node) is tree_node_class for node in nodes)
    assert tree_class() is tree_node_class
    assert cfg.provenance("model.backbone.depth")[0].value == 50


def test_trees_go_back_to_configdict():
    use_tree_class(_TreeNode)
    use_tree_class(None)
    assert tree_class() is ConfigDict
    assert type(Config({"x": {"y": 1}}).x) is ConfigDict


@pytest.mark.parametrize(
    "cls", [dict, "ConfigDict", None.__class__], ids=["dict", "str", "none-type"]
)
def test_tree_class_must_be_a_configdict(cls):
    with pytest.raises(
        errors.ConfigTypeError, match="a config tree class must subclass ConfigDict"
    ):
        use_tree_class(cls)
    assert tree_class() is ConfigDict
