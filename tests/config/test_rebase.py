"""cfgkit.config.rebase and ``cfgkit rebase``: the shortest child config of given bases."""

from __future__ import annotations

import functools
import os

import pytest

from cfgkit import Config
from cfgkit.cli import main
from cfgkit.config import rebase
from cfgkit.errors import (
    ConfigFileNotFoundError,
    DumpError,
    RebaseError,
)
from tests.files import write_files as write

BASE = """\
    classes = ('a', 'b', 'c')
    norm_cfg = dict(type='BN', requires_grad=True)
    model = dict(
        type='Net',
        backbone=dict(type='ResNet', depth=50, norm_cfg=norm_cfg, out_indices=(0, 1, 2, 3)),
        head=dict(type='Head', num_classes=3, loss=dict(type='CE', weight=1.0)),
    )
    train_pipeline = [dict(type='Load'), dict(type='Resize', scale=(1333, 800)), dict(type='Pack')]
    train_dataloader = dict(batch_size=2, dataset=dict(classes=classes, pipeline=train_pipeline))
    optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)
    """


def project(tmp_path, child, base=BASE, name="child.py"):
    return write(tmp_path, {"_base_/base.py": base, name: child})


def loaded(path):
    return Config.fromfile(path, import_custom_modules=False).to_dict()


def rebased(tmp_path, config, onto=None, out="out/rebased.py", **options):
    """Rebase, write the child to ``out`` and check that it loads to the config's values."""
    out = tmp_path / out
    text = rebase(config, onto, filename=out, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    expected = config.to_dict() if isinstance(config, Config) else loaded(config)
    assert loaded(str(out)) == expected
    return text


def test_a_child_is_rebased_to_what_it_changes(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        model = dict(backbone=dict(depth=101), head=dict(num_classes=3))
        optimizer = dict(lr=0.01)
        """,
    )
    text = rebased(tmp_path, config, out="child_rebased.py")
    assert text == (
        "_base_ = './_base_/base.py'\n"
        "\n"
        "model = dict(backbone=dict(depth=101))\n"
        "optimizer = dict(lr=0.01)\n"
    )


def test_base_paths_are_written_from_the_folder_of_the_child(tmp_path):
    config = project(tmp_path, "_base_ = ['./_base_/base.py']\nmodel = dict(type='Other')\n")
    text = rebased(tmp_path, config, out="deeper/folder/x.py")
    assert text.startswith("_base_ = '../../_base_/base.py'\n")


def test_package_bases_are_written_as_they_are(tmp_path, fake_package):
    config = write(
        tmp_path,
        {"child.py": "_base_ = 'fakepkg::_base_/net.py'\nmodel = dict(backbone=dict(depth=5))\n"},
    )
    text = rebased(tmp_path, config, out="elsewhere/x.py")
    assert text == ("_base_ = 'fakepkg::_base_/net.py'\n\nmodel = dict(backbone=dict(depth=5))\n")


def test_onto_paths_are_relative_to_the_current_directory(tmp_path, monkeypatch):
    config = project(tmp_path, "_base_ = './_base_/base.py'\nmodel = dict(type='Other')\n")
    monkeypatch.chdir(tmp_path / "_base_")
    text = rebased(tmp_path, config, ["base.py"], out="x.py")
    assert text.startswith("_base_ = './_base_/base.py'\n")


def test_keys_that_go_get_delete_and_the_rest_refers_to_the_base(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        optimizer = dict(_delete_=True, type='AdamW', lr=0.001, weight_decay=0.0001)
        model = dict(head=dict(_delete_=True, type='Head2', loss=dict(type='CE', weight=1.0)))
        """,
    )
    text = rebased(tmp_path, config, out="x.py")
    assert "optimizer = dict(_delete_=True, type='AdamW', lr=0.001, weight_decay=0.0001)" in text
    assert "    head=dict(_delete_=True, type='Head2', loss=_base_.model.head.loss))" in text
    assert text.count("_delete_") == 2


def test_delete_is_not_written_where_no_key_goes(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        optimizer = dict(_delete_=True, type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001)
        """,
    )
    assert rebased(tmp_path, config, out="x.py").endswith("\noptimizer = dict(lr=0.01)\n")


def test_a_dict_over_a_value_of_another_type_gets_delete(tmp_path):
    config = project(
        tmp_path,
        "_base_ = './_base_/base.py'\nclasses = dict(_delete_=True, names=['x'])\n",
    )
    text = rebased(tmp_path, config, out="x.py")
    assert "classes = dict(_delete_=True, names=['x'])" in text


def test_a_changed_list_is_written_whole_and_tuples_stay_tuples(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        train_pipeline = [
            dict(type='Load'), dict(type='Resize', scale=(640, 480)), dict(type='Pack')
        ]
        model = dict(backbone=dict(out_indices=(3,)))
        """,
    )
    text = rebased(tmp_path, config, out="x.py")
    assert "scale=(640, 480)" in text
    assert "out_indices=(3,)" in text
    assert type(loaded(str(tmp_path / "x.py"))["model"]["backbone"]["out_indices"]) is tuple


def test_a_copy_of_a_changed_variable_is_written_as_the_variable(tmp_path):
    flat = tmp_path / "flat.py"
    config = project(tmp_path, "_base_ = './_base_/base.py'\nclasses = ('x', 'y')\n")
    cfg = Config.fromfile(config, follow_references=True)
    cfg.dump(str(flat))
    text = rebased(tmp_path, str(flat), [str(tmp_path / "_base_/base.py")], out="x.py")
    assert text == (
        "_base_ = './_base_/base.py'\n"
        "\n"
        "classes = ('x', 'y')\n"
        "train_dataloader = dict(dataset=dict(classes=classes))\n"
    )


def test_a_flat_copy_of_a_value_the_child_writes_is_written_as_its_name(tmp_path):
    cfg = Config({"p": [dict(type="A", x=1), dict(type="B", y=2)], "d": dict(a=0)})
    cfg.d = dict(one=dict(pipeline=cfg.to_dict()["p"]), two=dict(pipeline=cfg.to_dict()["p"]))
    text = rebased(tmp_path, cfg, [], out="x.py")
    assert text == (
        "_base_ = []\n\np = [dict(type='A', x=1), dict(type='B', y=2)]\n"
        "d = dict(one=dict(pipeline=p), two=dict(pipeline=p))\n"
    )


def test_a_copy_of_a_value_the_bases_give_is_written_as_a_reference(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        val_pipeline = [
            dict(type='Load'), dict(type='Resize', scale=(1333, 800)), dict(type='Pack')
        ]
        """,
    )
    text = rebased(tmp_path, config, out="x.py")
    assert text.endswith("\nval_pipeline = _base_.train_pipeline\n")


def test_a_stale_copy_the_config_keeps_is_not_written(tmp_path):
    config = project(tmp_path, "_base_ = './_base_/base.py'\nclasses = ('x', 'y')\n")
    text = rebased(tmp_path, config, out="x.py")
    assert "train_dataloader" not in text


def test_a_variable_is_written_before_the_keys_that_read_it(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        train_dataloader = dict(dataset=dict(pipeline=[dict(type='Load')]))
        train_pipeline = [dict(type='Load')]
        """,
    )
    text = rebased(tmp_path, config, out="x.py")
    assert text.index("train_pipeline = ") < text.index("pipeline=train_pipeline")


def test_a_top_level_key_the_config_lacks_is_deleted_from_the_bases(tmp_path):
    config = project(tmp_path, "_base_ = './_base_/base.py'\ndel _base_.norm_cfg\n")
    text = rebased(tmp_path, config, out="x.py")
    assert text == "_base_ = './_base_/base.py'\n\ndel _base_.norm_cfg\n"


@pytest.mark.parametrize("extension", ["yaml", "py"])
def test_a_flat_dump_becomes_a_child(tmp_path, extension):
    config = project(
        tmp_path, "_base_ = './_base_/base.py'\nmodel = dict(backbone=dict(depth=18))\n"
    )
    flat = str(tmp_path / f"flat.{extension}")
    Config.fromfile(config).dump(flat)
    text = rebased(tmp_path, flat, [str(tmp_path / "_base_/base.py")], out="x.py")
    assert text == "_base_ = './_base_/base.py'\n\nmodel = dict(backbone=dict(depth=18))\n"


def test_a_json_dump_is_rebased_with_the_lists_json_gives(tmp_path):
    config = project(tmp_path, "_base_ = './_base_/base.py'\n")
    flat = str(tmp_path / "flat.json")
    Config.fromfile(config).dump(flat)
    text = rebased(tmp_path, flat, [str(tmp_path / "_base_/base.py")], out="x.py")
    assert "classes = ['a', 'b', 'c']" in text  # JSON has no tuples


def test_a_yaml_child_is_rebased_onto_its_own_bases(tmp_path):
    config = project(
        tmp_path,
        "_base_: ./_base_/base.py\nmodel:\n  backbone:\n    depth: 18\n",
        name="child.yaml",
    )
    text = rebased(tmp_path, config, out="x.py")
    assert text == "_base_ = './_base_/base.py'\n\nmodel = dict(backbone=dict(depth=18))\n"


def test_keys_are_written_in_the_bases_order(tmp_path):
    base = project(tmp_path, "x = 1\n", name="unused.py").replace("unused.py", "_base_/base.py")
    tree = Config.fromfile(base).to_dict()
    tree["model"] = dict(reversed(list(tree["model"].items())))
    tree["model"]["backbone"]["depth"] = 18
    tree["model"]["type"] = "Net2"
    text = rebased(tmp_path, Config(tree), [base], out="x.py")
    assert text.endswith("model = dict(type='Net2', backbone=dict(depth=18))\n")


def test_a_config_with_options_is_rebased_with_them(tmp_path):
    config = project(tmp_path, "_base_ = './_base_/base.py'\n")
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({"optimizer.lr": 0.5})
    assert rebased(tmp_path, cfg, out="x.py").endswith("optimizer = dict(lr=0.5)\n")


def test_a_config_equal_to_its_bases_is_the_base_line_alone(tmp_path):
    config = project(tmp_path, "_base_ = './_base_/base.py'\n")
    assert rebased(tmp_path, config, out="x.py") == "_base_ = './_base_/base.py'\n"


def test_custom_imports_are_written_not_imported(tmp_path):
    config = project(
        tmp_path,
        "_base_ = './_base_/base.py'\n"
        "custom_imports = dict(imports=['no_such_module_here'], allow_failed_imports=False)\n",
    )
    text = rebased(tmp_path, config, out="x.py")
    assert "imports=['no_such_module_here']" in text


def test_long_values_are_laid_out_as_openmmlab_configs(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        model = dict(backbone=dict(depth=101, init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101')))
        train_pipeline = [
            dict(type='Resize',
                 scales=[(1333, 640), (1333, 672), (1333, 704), (1333, 736), (1333, 768)])
        ]
        """,
    )
    assert rebased(tmp_path, config, out="x.py") == (
        "_base_ = './_base_/base.py'\n"
        "\n"
        "model = dict(\n"
        "    backbone=dict(\n"
        "        depth=101,\n"
        "        init_cfg=dict(\n"
        "            type='Pretrained', checkpoint='torchvision://resnet101')))\n"
        "\n"
        "train_pipeline = [\n"
        "    dict(\n"
        "        type='Resize',\n"
        "        scales=[\n"
        "            (1333, 640), (1333, 672), (1333, 704), (1333, 736), (1333, 768)\n"
        "        ])\n"
        "]\n"
    )


def test_selectors_edit_a_list_of_dicts_by_type(tmp_path):
    config = project(
        tmp_path,
        """\
        _base_ = './_base_/base.py'
        train_pipeline = [
            dict(type='Load'), dict(type='Resize', scale=(640, 480)), dict(type='Pack'),
            dict(type='Extra')
        ]
        """,
    )
    text = rebased(tmp_path, config, out="x.py", selectors=True)
    assert text.endswith(
        "train_pipeline = {\n"
        "    '[type=Resize]': dict(scale=(640, 480)), '[+]': dict(type='Extra')}\n"
    )


def test_selectors_are_not_used_where_the_list_is_shorter(tmp_path):
    config = project(
        tmp_path, "_base_ = './_base_/base.py'\ntrain_pipeline = [dict(type='Load')]\n"
    )
    text = rebased(tmp_path, config, out="x.py", selectors=True)
    assert "train_pipeline = [dict(type='Load')]" in text


# --- errors -----------------------------------------------------------------------------------


def test_a_lazy_import_is_an_error_naming_the_key(tmp_path):
    config = write(
        tmp_path,
        {
            "classic.py": "model = dict(type='X')\n",
            "pure.py": """\
                from mmengine.config import read_base
                from torch.nn import ReLU
                with read_base():
                    from .plain import *
                model = dict(type=ReLU)
                """,
        },
    )
    write(tmp_path, {"plain.py": "from mmengine.config import read_base\nx = 1\n"})
    with pytest.raises(RebaseError, match=r"lazy import \(ReLU\).*key 'model.type'"):
        rebase(config, [str(tmp_path / "classic.py")])


def test_a_pure_python_config_needs_onto(tmp_path):
    config = write(
        tmp_path,
        {
            "plain.py": "from mmengine.config import read_base\nx = 1\n",
            "pure.py": """\
                from mmengine.config import read_base
                with read_base():
                    from .plain import *
                y = 2
                """,
        },
    )
    with pytest.raises(RebaseError, match="pure-Python config inherits with imports"):
        rebase(config)


def test_a_value_without_text_is_an_error_naming_the_key(tmp_path):
    cfg = Config({"hook": {"fn": functools.partial(print, 1)}})
    with pytest.raises(DumpError, match=r"functools.partial.*key 'hook.fn'"):
        rebase(cfg, [], filename=tmp_path / "x.py")


def test_a_child_that_loads_differently_is_an_error(tmp_path):
    cfg = Config({"__hidden": 1})
    with pytest.raises(RebaseError, match=r"does not load back .*the key is missing.*'__hidden'"):
        rebase(cfg, [], filename=tmp_path / "x.py")
    assert rebase(cfg, [], filename=tmp_path / "x.py", check=False).endswith("__hidden = 1\n")


def test_a_delete_key_the_merge_would_remove_is_an_error(tmp_path):
    cfg = Config.fromfile(project(tmp_path, "_base_ = './_base_/base.py'\n"))
    cfg.model["_delete_"] = True
    with pytest.raises(RebaseError, match=r"keeps a '_delete_' key.*key 'model'"):
        rebase(cfg, filename=tmp_path / "x.py")


def test_a_nested_delete_key_is_kept_by_replacing_the_dict_above(tmp_path):
    cfg = Config.fromfile(project(tmp_path, "_base_ = './_base_/base.py'\n"))
    cfg.model.backbone["_delete_"] = True
    text = rebased(tmp_path, cfg, out="x.py")
    assert "model = dict(\n    _delete_=True," in text


def test_a_top_level_key_no_statement_can_delete_is_an_error(tmp_path):
    base = write(tmp_path, {"odd.yaml": "1.5: a\nx: 1\n"})
    with pytest.raises(RebaseError, match=r"top-level key 1\.5 .*no statement can delete"):
        rebase(Config({"x": 1}), [base], filename=tmp_path / "x.py")


def test_a_missing_base_is_an_error(tmp_path):
    config = project(tmp_path, "_base_ = './_base_/base.py'\n")
    with pytest.raises(ConfigFileNotFoundError, match=r"nope\.py"):
        rebase(config, [str(tmp_path / "nope.py")], filename=tmp_path / "x.py")


# --- the command ------------------------------------------------------------------------------


def test_the_command_writes_the_child(tmp_path, capsys):
    config = project(tmp_path, "_base_ = './_base_/base.py'\nmodel = dict(type='Other')\n")
    out = tmp_path / "new" / "child.py"
    assert main(["rebase", config, "-o", str(out)]) == 0
    assert out.read_text() == "_base_ = '../_base_/base.py'\n\nmodel = dict(type='Other')\n"
    assert capsys.readouterr().out == ""


def test_the_command_prints_the_child_with_options(tmp_path, capsys, monkeypatch):
    config = project(tmp_path, "_base_ = './_base_/base.py'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["rebase", config, "--cfg-options", "model.type=Other", "--safe"]) == 0
    assert capsys.readouterr().out == (
        "_base_ = './_base_/base.py'\n\nmodel = dict(type='Other')\n"
    )


def test_the_command_reports_an_error_in_one_line(tmp_path, capsys):
    config = project(tmp_path, "_base_ = './_base_/base.py'\n")
    missing = os.path.join(str(tmp_path), "nope.py")
    assert main(["rebase", config, "--onto", missing, "--no-check"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cfgkit rebase: error: file ")
    assert error.count("\n") == 1
