"""Stale copies: keys a base bound to a variable that a later layer changed, and following."""

from __future__ import annotations

import pickle

import pytest

from cfgkit import Config, DictAction, check
from cfgkit.cli import main
from tests.files import write_files as write

BASE = """\
norm_cfg = dict(type='SyncBN', requires_grad=True)
num_classes = 19
img_scale = (512, 512)
model = dict(
    decode_head=dict(norm_cfg=norm_cfg, num_classes=num_classes),
    auxiliary_head=dict(norm_cfg=norm_cfg, num_classes=num_classes))
train_pipeline = [dict(type='Load'), dict(type='Resize', scale=img_scale)]
train_dataloader = dict(batch_size=2, dataset=dict(pipeline=train_pipeline))
"""


def keys(cfg):
    return [stale.key for stale in cfg.stale_references()]


def load(tmp_path, child, base=BASE, name="child.py", **kwargs):
    return Config.fromfile(write(tmp_path, {"_base_/base.py": base, name: child}), **kwargs)


CHILD = "_base_ = ['./_base_/base.py']\n"


def test_a_dict_variable_changed_in_the_child_leaves_its_copies_stale(tmp_path):
    cfg = load(tmp_path, CHILD + "norm_cfg = dict(type='BN', requires_grad=True)\n")
    stale = cfg.stale_references()
    assert [s.key for s in stale] == ["model.decode_head.norm_cfg", "model.auxiliary_head.norm_cfg"]
    first = stale[0]
    assert first.variable == "norm_cfg"
    assert first.severity == "warning"
    assert (first.filename, first.lineno) == (str(tmp_path / "child.py"), 2)
    assert first.changed_by == f"{tmp_path / 'child.py'}:2"
    assert (first.bound_filename, first.bound_lineno) == (str(tmp_path / "_base_/base.py"), 5)
    assert first.value == {"type": "SyncBN", "requires_grad": True}
    assert first.expected == {"type": "BN", "requires_grad": True}
    assert "`norm_cfg`" in first.message
    assert "base.py:5" in first.message
    assert first.suggestion == (
        "Write it in the child too (`model = dict(decode_head=dict(norm_cfg=norm_cfg))`), or "
        "load with follow_references=True (--follow-references)"
    )
    # The line check prints names the key once, before the message.
    assert first.key not in first.message
    assert "follow_references=True" in first.suggestion


def test_a_scalar_variable(tmp_path):
    cfg = load(tmp_path, CHILD + "num_classes = 3\n")
    assert keys(cfg) == ["model.decode_head.num_classes", "model.auxiliary_head.num_classes"]


def test_a_list_variable_and_a_copy_nested_in_a_list_that_is_itself_copied(tmp_path):
    cfg = load(tmp_path, CHILD + "img_scale = (640, 480)\n")
    stale = cfg.stale_references()
    assert [(s.key, s.severity) for s in stale] == [
        ("train_pipeline.1.scale", "note"),  # a helper key nobody reads
        ("train_dataloader.dataset.pipeline.1.scale", "warning"),
    ]
    assert stale[1].bound_lineno == 8  # where `pipeline=train_pipeline` copied it


def test_a_replaced_list_makes_its_copy_stale(tmp_path):
    cfg = load(tmp_path, CHILD + "train_pipeline = [dict(type='Load')]\n")
    assert keys(cfg) == ["train_dataloader.dataset.pipeline"]
    assert cfg.stale_references()[0].fix == (
        "`train_dataloader = dict(dataset=dict(pipeline=train_pipeline))`"
    )
    scale = load(tmp_path, CHILD + "img_scale = (1, 1)\n").stale_references()[1]
    assert (
        scale.fix == "the whole list `train_dataloader.dataset.pipeline`: a list is written whole"
    )


def test_from_grandparent_to_grandchild(tmp_path):
    path = write(
        tmp_path,
        {
            "_base_/base.py": BASE,
            "middle.py": "_base_ = ['./_base_/base.py']\nbatch = 4\n",
            "child.py": "_base_ = ['./middle.py']\nnum_classes = 3\n",
        },
    )
    stale = Config.fromfile(path).stale_references()
    assert [s.key for s in stale] == [
        "model.decode_head.num_classes",
        "model.auxiliary_head.num_classes",
    ]
    assert stale[0].changed_by == f"{tmp_path / 'child.py'}:2"


def test_a_variable_bound_in_two_places_with_one_set_again(tmp_path):
    child = (
        CHILD + "norm_cfg = dict(type='BN')\nmodel = dict(decode_head=dict(norm_cfg=norm_cfg))\n"
    )
    assert keys(load(tmp_path, child)) == ["model.auxiliary_head.norm_cfg"]


def test_a_merge_into_the_parent_is_not_a_write_of_the_copy(tmp_path):
    child = CHILD + "num_classes = 3\nmodel = dict(decode_head=dict(loss=1))\n"
    assert keys(load(tmp_path, child)) == [
        "model.decode_head.num_classes",
        "model.auxiliary_head.num_classes",
    ]


def test_replacing_an_ancestor_is_a_write(tmp_path):
    child = CHILD + "num_classes = 3\nmodel = dict(decode_head=dict(_delete_=True, type='X'))\n"
    assert keys(load(tmp_path, child)) == ["model.auxiliary_head.num_classes"]


def test_a_yaml_child(tmp_path):
    cfg = load(tmp_path, "_base_: ./_base_/base.py\nnorm_cfg:\n  type: GN\n", name="child.yaml")
    stale = cfg.stale_references()
    assert [s.key for s in stale] == ["model.decode_head.norm_cfg", "model.auxiliary_head.norm_cfg"]
    assert (stale[0].filename, stale[0].lineno) == (str(tmp_path / "child.yaml"), 2)


def test_an_override_only(tmp_path):
    cfg = load(tmp_path, CHILD)
    assert keys(cfg) == []
    cfg.merge_from_dict({"norm_cfg.type": "GN"})
    stale = cfg.stale_references()
    assert [s.key for s in stale] == ["model.decode_head.norm_cfg", "model.auxiliary_head.norm_cfg"]
    assert (stale[0].filename, stale[0].lineno) == (None, None)  # never a base file's line
    assert stale[0].changed_by == "merge_from_dict norm_cfg.type"


def test_an_option_from_the_command_line_is_named(tmp_path):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    options = parser.parse_args(["--cfg-options", "num_classes=3"]).cfg_options
    cfg = load(tmp_path, CHILD)
    cfg.merge_from_dict(options)
    assert {s.changed_by for s in cfg.stale_references()} == {"--cfg-options num_classes"}


def test_an_override_that_sets_the_variable_and_one_copy(tmp_path):
    cfg = load(tmp_path, CHILD)
    cfg.merge_from_dict({"num_classes": 3, "model.decode_head.num_classes": 5})
    assert keys(cfg) == ["model.auxiliary_head.num_classes"]


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        (
            "model = dict(decode_head=dict(norm_cfg=dict(type='SyncBN', requires_grad=True)))",
            "a literal",
        ),
        ("model = dict(decode_head=dict(num_classes=num_classes * 2))", "an expression"),
        ("model = dict(decode_head=dict(name=f'{num_classes}'))", "an f-string"),
        ("model = dict(decode_head=dict(**norm_cfg))", "a spread"),
        ("import copy\nmodel = dict(decode_head=dict(norm_cfg=copy.deepcopy(norm_cfg)))", "a copy"),
        (
            "for num_classes in [19]:\n    pass\nmodel = dict(decode_head=dict(n=num_classes))",
            "a loop variable",
        ),
        ("model = dict(decode_head=dict(n=[c for c in [num_classes]][0]))", "a comprehension"),
    ],
)
def test_what_binds_nothing(tmp_path, statement, why):
    base = (
        "norm_cfg = dict(type='SyncBN', requires_grad=True)\nnum_classes = 19\n" + statement + "\n"
    )
    child = CHILD + "norm_cfg = dict(type='BN')\nnum_classes = 3\n"
    assert keys(load(tmp_path, child, base=base)) == [], why


def test_a_variable_set_to_the_same_value_changes_nothing(tmp_path):
    assert keys(load(tmp_path, CHILD + "num_classes = 19\n")) == []


def test_a_copy_that_already_equals_the_new_value_is_not_stale(tmp_path):
    base = BASE + "model['decode_head']['num_classes'] = 3\n"  # not a bare name: not bound
    child = CHILD + "num_classes = 3\n"
    assert keys(load(tmp_path, child, base=base)) == ["model.auxiliary_head.num_classes"]


def test_a_binding_the_file_itself_breaks_is_not_a_binding(tmp_path):
    base = "n = 1\nmodel = dict(a=n)\nn = 2\n"  # the file's result: model.a is 1, n is 2
    assert keys(load(tmp_path, CHILD + "n = 5\n", base=base)) == []


def test_a_stale_copy_under_another_is_reported_as_the_outer_one(tmp_path):
    base = "scale = 1\npipe = [dict(s=scale)]\nloader = dict(pipeline=pipe)\n"
    child = CHILD + "scale = 2\npipe = [dict(s=scale), dict(t=1)]\n"
    cfg = load(tmp_path, child, base=base)
    assert keys(cfg) == ["loader.pipeline"]


def test_the_runner_keys_are_warnings_and_helpers_notes(tmp_path):
    base = (
        "n = 1\nmodel = dict(n=n)\nval_evaluator = dict(n=n)\ndata = dict(n=n)\n"
        "helper = dict(n=n)\nnorm_cfg = dict(n=n)\n"
    )
    stale = load(tmp_path, CHILD + "n = 2\n", base=base).stale_references()
    assert {s.key: s.severity for s in stale} == {
        "model.n": "warning",
        "val_evaluator.n": "warning",
        "data.n": "warning",
        "helper.n": "note",
        "norm_cfg.n": "note",
    }


def test_following_gives_every_stale_copy_its_variables_value(tmp_path):
    child = CHILD + "norm_cfg = dict(type='BN', requires_grad=True)\nimg_scale = (640, 480)\n"
    cfg = load(tmp_path, child, follow_references=True)
    assert cfg.model.decode_head.norm_cfg == {"type": "BN", "requires_grad": True}
    assert cfg.model.auxiliary_head.norm_cfg.type == "BN"
    assert cfg.train_dataloader.dataset.pipeline[1].scale == (640, 480)
    assert cfg.stale_references() == []
    plain = load(tmp_path, child)
    assert plain.model.decode_head.norm_cfg.type == "SyncBN"  # off: exactly mmengine's


def test_following_copies_are_separate_values(tmp_path):
    cfg = load(tmp_path, CHILD + "norm_cfg = dict(type='BN')\n", follow_references=True)
    cfg.model.decode_head.norm_cfg.type = "GN"
    assert cfg.norm_cfg.type == "BN"
    assert cfg.model.auxiliary_head.norm_cfg.type == "BN"


def test_following_after_merge_from_dict(tmp_path):
    cfg = load(tmp_path, CHILD, follow_references=True)
    options = {"norm_cfg.type": "GN", "model.auxiliary_head.norm_cfg.requires_grad": False}
    cfg.merge_from_dict(options)
    assert cfg.model.decode_head.norm_cfg == {"type": "GN", "requires_grad": True}
    # A copy the options set on its own is left as they set it.
    assert cfg.model.auxiliary_head.norm_cfg == {"type": "SyncBN", "requires_grad": False}
    assert options == {"norm_cfg.type": "GN", "model.auxiliary_head.norm_cfg.requires_grad": False}


def test_following_twice_follows_the_latest_value(tmp_path):
    cfg = load(tmp_path, CHILD + "num_classes = 3\n", follow_references=True)
    assert cfg.model.decode_head.num_classes == 3
    cfg.merge_from_dict({"num_classes": 7})
    assert (cfg.model.decode_head.num_classes, cfg.model.auxiliary_head.num_classes) == (7, 7)


def test_a_failed_merge_leaves_a_following_config_as_it_was(tmp_path):
    from cfgkit.errors import MergeError

    cfg = load(tmp_path, CHILD + "num_classes = 3\n", follow_references=True)
    before = cfg.to_dict()
    with pytest.raises(MergeError):
        cfg.merge_from_dict({"num_classes": 5, "num_classes.x": 1})
    assert cfg.to_dict() == before


def test_provenance_shows_the_follow_step(tmp_path):
    cfg = load(tmp_path, CHILD + "num_classes = 3\n", follow_references=True)
    records = cfg.provenance("model.decode_head.num_classes")
    assert [(r.value, r.layer) for r in records] == [(19, "base"), (3, "follow")]
    assert (records[-1].filename, records[-1].lineno) == (str(tmp_path / "child.py"), 2)
    assert "follows `num_classes`" in records[-1].note
    assert "base.py:5" in records[-1].note
    cfg.merge_from_dict({"num_classes": 4})
    last = cfg.provenance("model.decode_head.num_classes")[-1]
    assert (last.value, last.layer, last.filename) == (4, "follow", None)
    assert last.where.startswith("merge_from_dict num_classes; follows `num_classes` bound at")


def test_following_survives_copy_and_the_dump_reloads(tmp_path):
    cfg = load(tmp_path, CHILD + "num_classes = 3\n", follow_references=True)
    out = tmp_path / "out.py"
    cfg.dump(str(out))
    assert Config.fromfile(str(out)).model.decode_head.num_classes == 3
    copied = cfg.copy()
    assert copied.model.auxiliary_head.num_classes == 3
    assert pickle.loads(pickle.dumps(cfg)).model.decode_head.num_classes == 3


def test_edits_through_base_in_the_file_that_binds(tmp_path):
    child = "_base_ = ['./_base_/base.py']\nnum_classes = 3\nhelper = dict(n=num_classes)\n"
    grandchild = "_base_ = ['./child.py']\nnum_classes = 5\n"
    path = write(tmp_path, {"_base_/base.py": BASE, "child.py": child, "grand.py": grandchild})
    assert keys(Config.fromfile(path)) == [
        "model.decode_head.num_classes",
        "model.auxiliary_head.num_classes",
        "helper.n",
    ]


def test_pure_python_configs(tmp_path):
    base = """\
    norm_cfg = dict(type='SyncBN', requires_grad=True)
    model = dict(decode_head=dict(norm_cfg=norm_cfg), aux=dict(norm_cfg=None))
    model['aux']['norm_cfg'] = norm_cfg
    """
    child = """\
    from mmengine.config import read_base
    with read_base():
        from .base.models import *
    norm_cfg = dict(type='BN', requires_grad=True)
    model.decode_head.num_classes = 3
    """
    kept = child + "model.decode_head.norm_cfg = dict(type='SyncBN', requires_grad=True)\n"
    files = {"base/__init__.py": "", "base/models.py": base, "child.py": child, "kept.py": kept}
    write(tmp_path, files)
    cfg = Config.fromfile(str(tmp_path / "child.py"))
    stale = cfg.stale_references()
    assert [(s.key, s.bound_lineno) for s in stale] == [
        ("model.decode_head.norm_cfg", 2),
        ("model.aux.norm_cfg", 3),
    ]
    assert (stale[0].filename, stale[0].lineno) == (str(tmp_path / "child.py"), 4)
    # Writing the copy in the child keeps it, even with the base's very value.
    assert keys(Config.fromfile(str(tmp_path / "kept.py"))) == ["model.aux.norm_cfg"]
    followed = Config.fromfile(str(tmp_path / "child.py"), follow_references=True)
    assert followed.model.aux.norm_cfg.type == "BN"
    assert stale[1].fix == "`model.aux.norm_cfg = norm_cfg`"
    assert followed.model.decode_head == {
        "norm_cfg": {"type": "BN", "requires_grad": True},
        "num_classes": 3,
    }


def test_pure_python_configs_have_provenance(tmp_path):
    base = "depth = 50\nmodel = dict(depth=depth, name='r')\n"
    child = """\
    from mmengine.config import read_base
    with read_base():
        from .base.models import *
    model.depth = 101
    """
    write(tmp_path, {"base/__init__.py": "", "base/models.py": base, "child.py": child})
    cfg = Config.fromfile(str(tmp_path / "child.py"))
    records = cfg.provenance("model.depth")
    assert [(r.value, r.layer, r.lineno) for r in records] == [(50, "base", 2), (101, "config", 4)]
    assert [(r.value, r.layer) for r in cfg.provenance("model.name")] == [("r", "base")]


def test_check_reports_stale_copies_where_the_variable_changed(tmp_path):
    cfg = load(tmp_path, CHILD + "img_scale = (640, 480)\n")
    problems = check(cfg, registries=[])
    stale = [p for p in problems if "copy of" in p.message]
    assert [(p.severity, p.key, p.lineno) for p in stale] == [
        ("note", "train_pipeline.1.scale", 2),
        ("warning", "train_dataloader.dataset.pipeline.1.scale", 2),
    ]
    assert str(stale[1]).startswith(f"{tmp_path / 'child.py'}:2: train_dataloader.dataset")
    assert not [p for p in check(cfg, registries=[], references=False) if "copy of" in p.message]


def test_cfgkit_check_and_follow_references_on_the_command_line(tmp_path, capsys):
    base = "num_classes = 1\nmodel = dict(decode_head=dict(num_classes=num_classes))\n"
    base += "model['auxiliary_head'] = dict(num_classes=num_classes)\n"
    path = write(tmp_path, {"_base_/base.py": base, "child.py": CHILD + "num_classes = 3\n"})
    assert main(["check", path]) == 0  # warnings only
    out = capsys.readouterr().out
    assert "model.decode_head.num_classes: warning: a stale copy of `num_classes`" in out
    assert "child.py:2: " in out
    assert (
        main(["check", path, "--cfg-options", "num_classes=4", "model.decode_head.num_classes=4"])
        == 0
    )
    out = capsys.readouterr().out
    assert "model.decode_head" not in out
    assert "changed at --cfg-options num_classes" in out
    assert main(["print", path, "--format", "json", "--follow-references"]) == 0
    assert '"num_classes": 3' in capsys.readouterr().out.split('"auxiliary_head"')[1]
    assert main(["explain", path, "model.auxiliary_head.num_classes", "--follow-references"]) == 0
    assert "(follow" in capsys.readouterr().out
    out_file = tmp_path / "dumped.json"
    assert main(["dump", path, str(out_file), "--follow-references"]) == 0
    assert Config.fromfile(str(out_file)).model.auxiliary_head.num_classes == 3


def test_a_config_without_provenance_has_no_stale_references():
    assert Config(dict(a=1)).stale_references() == []


def test_the_scope_of_a_package_base_makes_no_copy_stale(fake_package, write_config):
    path = write_config("uses_pkg.py", "_base_ = 'fakepkg::_base_/bound.py'\n")
    cfg = Config.fromfile(str(path))
    assert cfg.test_pipeline[0]._scope_ == "fakepkg"
    assert "_scope_" not in cfg.test_dataloader.dataset.pipeline[0]
    assert cfg.stale_references() == []
    changed = write_config(
        "changes.py", "_base_ = 'fakepkg::_base_/bound.py'\ntest_pipeline = [dict(type='X')]\n"
    )
    assert [s.key for s in Config.fromfile(str(changed)).stale_references()] == [
        "test_dataloader.dataset.pipeline"
    ]


def test_copies_of_a_following_config_follow_on_their_own(tmp_path):
    import copy

    cfg = load(tmp_path, CHILD + "num_classes = 3\n", follow_references=True)
    for other in (cfg.copy(), copy.deepcopy(cfg)):
        other.merge_from_dict({"num_classes": 7})
        assert other.model.auxiliary_head.num_classes == 7
        assert other.provenance("model.auxiliary_head.num_classes")[-1].layer == "follow"
    assert cfg.model.auxiliary_head.num_classes == 3  # the original is left alone
    assert [r.value for r in cfg.provenance("num_classes")] == [19, 3]
