"""Provenance: every value a key took, with the file, line and layer that set it."""

from __future__ import annotations

import copy
import pickle
import sys

import pytest

from cfgkit import Config, DictAction, errors
from cfgkit.registry import Registry


def summary(records):
    return [(r.action, r.value, r.layer, r.lineno) for r in records]


def names(records):
    return [r.filename.rsplit("/", 1)[-1] if r.filename else r.note for r in records]


def test_base_then_config_oldest_first(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    records = cfg.provenance("model.backbone.depth")
    assert summary(records) == [("set", 50, "base", 3), ("replace", 101, "config", 4)]
    assert names(records) == ["model.py", "inherit_and_override.py"]
    assert summary(cfg.provenance("model.backbone.type")) == [("set", "ResNet", "base", 3)]


def test_yaml_and_json_give_the_line_of_the_key(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    assert summary(cfg.provenance("default_hooks.checkpoint.interval")) == [("set", 1, "base", 5)]
    [record] = cfg.provenance("train_pipeline.1.scale")
    assert (record.lineno, names([record])) == (6, ["dataset.json"])


def test_dicts_merge_and_lists_replace(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    model = cfg.provenance("model")
    assert [r.action for r in model] == ["set", "merge"]
    channels = cfg.provenance("model.neck.in_channels")
    assert [r.action for r in channels] == ["set", "replace"]
    assert channels[-1].value == [64, 128]
    element = cfg.provenance("model.neck.in_channels.1")
    assert [(r.action, r.value) for r in element] == [("set", 512), ("replace", 128)]
    assert element[-1].note == "set as part of a sequence"


def test_delete_shows_as_a_replacement(configs):
    cfg = Config.fromfile(configs / "py" / "delete_replaces_dict.py")
    backbone = cfg.provenance("model.backbone")
    assert [(r.action, r.note) for r in backbone] == [("set", ""), ("replace", "_delete_=True")]
    depth = cfg.provenance(["model", "backbone", "embed_dims"])
    assert summary(depth) == [("set", 96, "config", 2)]


def test_key_removed_by_delete_is_an_access_error(configs):
    cfg = Config.fromfile(configs / "py" / "delete_replaces_dict.py")
    with pytest.raises(AttributeError, match="'ConfigDict' object has no attribute 'depth'"):
        cfg.provenance("model.backbone.depth")


def test_environment_variable_layer(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_PROV_ROOT", "/mnt")
    path = write_config("env.py", "a = 1\nroot = '{{$CFGKIT_TEST_PROV_ROOT:/data}}/coco'\n")
    [record] = Config.fromfile(path).provenance("root")
    assert (record.layer, record.note, record.lineno, record.value) == (
        "env", "$CFGKIT_TEST_PROV_ROOT", 2, "/mnt/coco",
    )  # fmt: skip


def test_options_and_command_line_layers(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    cfg.merge_from_dict({"model.backbone.depth": 18})
    parser_options = DictAction._parse_iterable("34")
    from argparse import ArgumentParser

    parser = ArgumentParser()
    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    args = parser.parse_args(["--cfg-options", f"model.backbone.depth={parser_options}"])
    cfg.merge_from_dict(args.cfg_options)
    records = cfg.provenance("model.backbone.depth")
    assert [(r.layer, r.note, r.value) for r in records[-2:]] == [
        ("options", "merge_from_dict", 18),
        ("options", "--cfg-options", 34),
    ]


def test_list_index_options(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    cfg.merge_from_dict({"train_pipeline.1.scale": (640, 480)})
    assert summary(cfg.provenance("train_pipeline.1.scale"))[-1] == (
        "replace", (640, 480), "options", None,
    )  # fmt: skip


def test_assignments_in_code_name_their_line(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    cfg.model.backbone.depth = 5
    line = sys._getframe().f_lineno - 1
    cfg["work_dir"] = "elsewhere"
    record = cfg.provenance("model.backbone.depth")[-1]
    assert (record.layer, record.value, record.filename, record.lineno) == (
        "code", 5, __file__, line,
    )  # fmt: skip
    assert cfg.provenance("work_dir")[-1].value == "elsewhere"


def test_new_dicts_assigned_in_code_are_tracked_inside(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    cfg.model.neck = dict(type="PAFPN", levels=dict(n=3))
    assert cfg.provenance("model.neck.levels.n")[-1].layer == "code"
    cfg.model.neck.levels.n = 4
    assert [r.value for r in cfg.provenance("model.neck.levels.n")] == [3, 4]


def test_in_place_changes_that_bypass_the_log_are_reported(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    cfg.model.neck.in_channels.append(256)
    last = cfg.provenance("model.neck.in_channels")[-1]
    assert (last.layer, last.note, last.value) == ("code", "changed in code", [64, 128, 256])


def test_values_built_by_code_get_the_statement_line(write_config):
    path = write_config(
        "code.py",
        """
        base = dict(a=1, b=2)
        scales = [(1, 2), (3, 4)]
        pipeline = [dict(scale=s) for s in scales]
        spread = dict(**base, c=3)
        alias = dict(inner=base)
        """,
    )
    cfg = Config.fromfile(path)
    assert cfg.provenance("pipeline.1.scale")[-1].lineno == 3
    assert cfg.provenance("spread.a")[-1].lineno == 4
    assert cfg.provenance("spread.c")[-1].lineno == 4
    assert cfg.provenance("alias.inner.b")[-1].lineno == 1  # where `base` wrote b


def test_edits_through_base_are_credited_to_the_child(configs):
    cfg = Config.fromfile(configs / "py" / "base_attribute_access.py")
    records = cfg.provenance("model.backbone.norm_cfg.type")
    assert summary(records) == [("set", "BN", "base", 3), ("replace", "SyncBN", "config", 5)]


def test_package_scope_is_credited_to_the_package_base(fake_package, write_config):
    cfg = Config.fromfile(write_config("child.py", "_base_ = 'fakepkg::_base_/net.py'\n"))
    [record] = cfg.provenance("model._scope_")
    assert (record.value, names([record])) == ("fakepkg", ["net.py"])


def test_yaml_child_of_python_bases(configs):
    cfg = Config.fromfile(configs / "yaml" / "inherit.yaml")
    records = cfg.provenance("model.backbone.depth")
    assert [(r.layer, r.lineno, r.value) for r in records] == [("base", 3, 50), ("config", 6, 152)]


def test_unknown_keys_raise_what_access_raises(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    with pytest.raises(AttributeError, match="'ConfigDict' object has no attribute 'nope'"):
        cfg.provenance("model.nope")
    with pytest.raises(IndexError):
        cfg.provenance("train_pipeline.9")


def test_config_from_a_dict_has_a_single_record():
    [record] = Config(dict(a=dict(b=1))).provenance("a.b")
    assert (record.value, record.layer, record.note) == (1, "code", "given to Config()")


def test_records_print_readably(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    text = repr(cfg.provenance("model.backbone.depth"))
    assert text.startswith("[<set 50 at ")
    assert "model.py:3 (base)>, <replace 101 at " in text


def test_provenance_is_invisible_to_dicts_dumps_pickles_and_copies(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    plain = cfg.to_dict()
    assert "__cfgkit_provenance__" not in str(plain)
    assert Config.fromstring(cfg.pretty_text, ".py").to_dict() == plain
    again = pickle.loads(pickle.dumps(cfg))
    assert again.to_dict() == plain
    clone = copy.deepcopy(cfg)
    clone.model.backbone.depth = 1
    assert cfg.provenance("model.backbone.depth")[-1].value == 101


def test_build_errors_name_the_file_and_line(write_config):
    models = Registry("model", scope="prov_build")
    path = write_config("det.py", "model = dict(\n    backbone=dict(type='ResNt'),\n)\n")
    cfg = Config.fromfile(path)
    with pytest.raises(
        errors.NotRegisteredError, match=rf"config key model\.backbone \({path}:2\)"
    ):
        models.build(cfg.model.backbone)


@pytest.mark.parametrize(
    "config",
    [
        pytest.param("py/inherit_and_override.py", id="classic"),
        pytest.param("pure/retinanet_x101_voc.py", id="pure-python"),
    ],
)
def test_provenance_is_a_load_option_that_never_changes_the_values(configs, config):
    path = str(configs / config)
    bare = Config.fromfile(path, provenance=False)
    full = Config.fromfile(path)
    assert bare.to_dict() == full.to_dict()
    key = next(iter(full.to_dict()))
    assert [r.layer for r in bare.provenance(key)] == ["code"]  # no file recorded it
    assert {r.layer for r in full.provenance(key)} & {"base", "config"}
    # The parse cache keeps the two apart: a recorded load after a bare one still records.
    assert [r.layer for r in Config.fromfile(path).provenance(key)] != ["code"]
