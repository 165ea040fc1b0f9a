"""The per-process parse cache never changes results."""

from __future__ import annotations

import pytest

from cfgkit import Config
from cfgkit.config import clear_cache


@pytest.mark.parametrize(
    "name",
    [
        "py/inherit_and_override.py",
        "py/base_attribute_access.py",
        "py/base_reference.py",
        "py/child_of_child.py",
        "yaml/inherit.yaml",
        "json/inherit.json",
    ],
)
def test_cached_load_equals_a_fresh_load(configs, name):
    clear_cache()
    fresh = Config.fromfile(configs / name)
    cached = Config.fromfile(configs / name)
    assert cached.to_dict() == fresh.to_dict()
    assert cached.text == fresh.text
    assert cached._cfg_dict is not fresh._cfg_dict


def test_changing_a_loaded_config_does_not_leak_into_the_next_load(configs):
    path = configs / "py" / "base_attribute_access.py"
    first = Config.fromfile(path)
    first.model.backbone.depth = 1
    first.model.neck.in_channels.append(1)
    first.head.num_classes = 0
    second = Config.fromfile(path)
    assert second.model.backbone.depth == 50
    assert second.model.neck.in_channels == [256, 512, 1024, 2048]
    assert second.head.num_classes == 20


def test_base_name_edits_in_one_child_do_not_reach_a_sibling(write_config):
    write_config("base.py", "model = dict(type='A')\n")
    editing = write_config("edit.py", "_base_ = './base.py'\n_base_.model.type = 'B'\n")
    plain = write_config("plain.py", "_base_ = './base.py'\n")
    assert Config.fromfile(editing).model.type == "B"
    assert Config.fromfile(plain).model.type == "A"


def test_edited_base_file_is_read_again(write_config):
    base = write_config("base.py", "a = 1\n")
    child = write_config("child.py", "_base_ = './base.py'\n")
    assert Config.fromfile(child).a == 1
    base.write_text("a = 2\n")  # same size, possibly the same mtime: content is compared
    assert Config.fromfile(child).a == 2


def test_changed_environment_is_seen(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_CACHE_VAR", "one")
    write_config("base.py", "a = '{{$CFGKIT_TEST_CACHE_VAR:}}'\n")
    child = write_config("child.py", "_base_ = './base.py'\n")
    assert Config.fromfile(child).a == "one"
    monkeypatch.setenv("CFGKIT_TEST_CACHE_VAR", "two")
    assert Config.fromfile(child).a == "two"
    assert Config.fromfile(child).env_variables == {"CFGKIT_TEST_CACHE_VAR": "two"}


def test_options_are_part_of_the_key(write_config):
    path = write_config("a.py", "name = '{{ fileBasename }}'\n")
    assert Config.fromfile(path).name == "a.py"
    assert Config.fromfile(path, use_predefined_variables=False).name == "{{ fileBasename }}"


def test_deleted_base_is_noticed(write_config):
    base = write_config("base.py", "a = 1\n")
    child = write_config("child.py", "_base_ = './base.py'\n")
    Config.fromfile(child)
    base.unlink()
    with pytest.raises(FileNotFoundError, match=r"base\.py\" does not exist"):
        Config.fromfile(child)


def test_deprecation_warns_on_every_load(configs):
    for _ in range(2):
        with pytest.warns(DeprecationWarning, match="will be deprecated"):
            Config.fromfile(configs / "py" / "deprecated.py")
