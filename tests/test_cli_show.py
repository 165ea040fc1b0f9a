"""The commands that show a config, as a user meets them on a real project: one key at a
time, to standard output, overrides that change nothing said out loud, stale copies named,
paths as the user writes them, custom imports only when asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cfgkit import Config
from cfgkit.cli import main
from cfgkit.errors import ConfigKeyError, NewKeyWarning
from tests.files import write_files

ROOT = Path(__file__).parents[1]

PROJECT = {
    "_base_/data.py": """\
        train_pipeline = [dict(type='Load'), dict(type='Resize', scale=(1333, 800))]
        train_dataloader = dict(dataset=dict(type='Coco', pipeline=train_pipeline))
        """,
    "config.py": """\
        _base_ = ['./_base_/data.py']
        model = dict(type='Net', backbone=dict(type='ResNet', depth=50), zeta=1, alpha=2)
        """,
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_files(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_print_a_key_prints_that_subtree(project, capsys):
    status, out, _ = run(capsys, "print", "config.py", "model.backbone")
    assert status == 0
    assert out == "model.backbone = dict(type='ResNet', depth=50)\n"


def test_print_a_key_takes_selectors_and_every_format(project, capsys):
    key = "train_dataloader.dataset.pipeline[type=Resize]"
    _, out, _ = run(capsys, "print", "config.py", key, "--format", "json")
    assert json.loads(out) == {"type": "Resize", "scale": [1333, 800]}
    _, out, _ = run(capsys, "print", "config.py", f"{key}.scale", "--format", "yaml")
    assert out == "!!python/tuple\n- 1333\n- 800\n"


def test_print_as_yaml_keeps_the_configs_key_order(project, capsys):
    _, out, _ = run(capsys, "print", "config.py", "model", "--format", "yaml")
    assert [line.split(":")[0].strip() for line in out.splitlines()[:4]] == [
        "type",
        "backbone",
        "type",
        "depth",
    ]
    _, out, _ = run(capsys, "print", "config.py", "--format", "yaml")
    top = [line.split(":")[0] for line in out.splitlines() if not line.startswith((" ", "-"))]
    assert top == ["train_pipeline", "train_dataloader", "model"]


def test_dump_to_standard_output(project, capsys):
    _, out, _ = run(capsys, "dump", "config.py", "-")
    assert Config.fromstring(out, ".py").to_dict() == Config.fromfile("config.py").to_dict()
    _, out, _ = run(capsys, "dump", "config.py", "-", "--format", "json")
    assert json.loads(out)["model"]["backbone"]["depth"] == 50


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param(
            "model.backbone.depth.x",
            "model.backbone.depth is an int (50), which has no key 'x'",
            id="into-a-value",
        ),
        pytest.param("model..backbone", "'model..backbone' has an empty segment", id="two-dots"),
        pytest.param(
            "model.backbone.dpeth",
            "model.backbone has no key 'dpeth'. Did you mean 'depth'?",
            id="misspelt",
        ),
        pytest.param(
            "train_pipeline[type=Nope]", "matches no element of train_pipeline", id="selector"
        ),
        pytest.param(
            "model[type=Net]", "model is not a list, so the selector [type=Net]", id="not-a-list"
        ),
    ],
)
def test_explain_and_print_name_the_key_they_cannot_follow(project, capsys, key, message):
    for command in ("explain", "print"):
        status, out, err = run(capsys, command, "config.py", key)
        assert status == 2
        assert out == ""
        assert err.startswith(f"cfgkit {command}: error: ")
        assert message in err
        assert len(err.splitlines()) == 1


def test_explain_takes_a_selector(project, capsys):
    status, out, _ = run(capsys, "explain", "config.py", "train_pipeline[type=Resize].scale")
    assert status == 0
    assert out.splitlines()[0] == "train_pipeline.1.scale = (1333, 800)"


@pytest.mark.parametrize(
    ("option", "warning"),
    [
        pytest.param(
            "model.backbone.dpeth=101",
            "model.backbone.dpeth is a new key: model.backbone had no 'dpeth'",
            id="misspelt-leaf",
        ),
        pytest.param("modle.backbone.depth=101", "Did you mean 'model'?", id="misspelt-top"),
        pytest.param(
            "train_pipeline[1].scale=(1,1)",
            "did you mean 'train_pipeline.1.scale'?",
            id="python-index",
        ),
    ],
)
def test_an_option_that_creates_a_key_is_a_warning_or_with_strict_keys_an_error(
    project, capsys, option, warning
):
    status, out, err = run(capsys, "print", "config.py", "--cfg-options", option)
    assert status == 0
    assert out
    assert err.startswith("cfgkit print: warning: ")
    assert warning in err
    status, out, err = run(capsys, "print", "config.py", "--cfg-options", option, "--strict-keys")
    assert status == 2
    assert out == ""
    assert warning in err


def test_an_option_that_changes_a_value_is_silent(project, capsys):
    status, _, err = run(capsys, "print", "config.py", "--cfg-options", "model.backbone.depth=18")
    assert (status, err) == (0, "")


def test_merge_from_dict_new_keys_allow_warn_or_error(project):
    cfg = Config.fromfile("config.py")
    cfg.merge_from_dict({"model.alpah": 3})  # mmengine's behaviour by default: silent
    assert cfg.model.alpah == 3
    with pytest.warns(NewKeyWarning, match=r"model\.zeat is a new key.*Did you mean 'zeta'"):
        cfg.merge_from_dict({"model.zeat": 3}, new_keys="warn")
    before = cfg.to_dict()
    with pytest.raises(ConfigKeyError, match=r"model\.backbone\.dpeth is a new key"):
        cfg.merge_from_dict(
            {"model.backbone.depth": 18, "model.backbone.dpeth": 3}, new_keys="error"
        )
    assert cfg.to_dict() == before  # nothing merged
    # A dict given whole creates no new key.
    replaced = {"model.backbone": {"_delete_": True, "type": "ViT", "patch": 16}}
    cfg.merge_from_dict(replaced, new_keys="error")
    assert cfg.model.backbone.to_dict() == {"type": "ViT", "patch": 16}
    with pytest.raises(ValueError, match="new_keys must be 'allow', 'warn' or 'error'"):
        cfg.merge_from_dict({"model.zeta": 1}, new_keys="loud")


def test_a_stale_copy_is_said_by_print_and_dump_and_marked_by_explain(project, capsys):
    option = ["--cfg-options", "train_pipeline[type=Resize].scale=(640,480)"]
    for argv in (["print", "config.py"], ["dump", "config.py", "-"]):
        _, out, err = run(capsys, *argv, *option)
        assert err.splitlines() == [
            f"cfgkit {argv[0]}: warning: train_dataloader.dataset.pipeline still holds the old "
            "value of `train_pipeline`, which --cfg-options train_pipeline.1.scale changed "
            "(--follow-references makes it follow)"
        ]
        _, _, err = run(capsys, *argv, *option, "--follow-references")
        assert err == ""
    _, out, _ = run(capsys, "explain", "config.py", *option)
    assert (
        "train_dataloader.dataset.pipeline.1.scale = (1333, 800)  # _base_/data.py:1 (base)"
        " [stale copy of `train_pipeline`]" in out.splitlines()
    )


def test_diff_follows_references_when_asked(project, capsys):
    option = ["--cfg-options", "train_pipeline.1.scale=(1,1)"]
    status, out, _ = run(capsys, "diff", "config.py", "config.py", *option)
    assert (status, out) == (0, "")
    (project / "other.py").write_text("_base_ = ['./config.py']\ntrain_pipeline = []\n")
    _, out, _ = run(capsys, "diff", "config.py", "other.py", "--follow-references")
    assert "- train_dataloader.dataset.pipeline.0.type = 'Load'" in out


def test_the_commands_that_never_build_import_custom_imports_only_when_asked(project, capsys):
    (project / "plugin.py").write_text("raise ImportError('No module named torch')\n")
    (project / "custom.py").write_text(
        "_base_ = ['./config.py']\ncustom_imports = dict(imports=['plugin'])\n"
    )
    for argv in (["print", "custom.py"], ["explain", "custom.py"], ["dump", "custom.py", "-"]):
        status, _, err = run(capsys, *argv)
        assert (status, err) == (0, "")
    status, _, err = run(capsys, "print", "custom.py", "--import-custom")
    assert status == 2
    assert "plugin" in err
    assert len(err.splitlines()) == 1


def test_messages_name_files_as_the_user_wrote_them(project, capsys):
    status, _, err = run(capsys, "print", str(project / "missing.py"))
    assert status == 2
    assert str(project) not in err
    assert '"missing.py"' in err


def test_a_packaged_config_is_named_with_its_package(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    write_files(
        site,
        {
            "shipped/__init__.py": "",
            "shipped/.mim/configs/_base_/model.py": "model = dict(depth=50)\n",
        },
    )
    write_files(tmp_path, {"child.py": "_base_ = ['shipped::_base_/model.py']\n"})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "explain", "child.py", "model.depth")
    assert "shipped::_base_/model.py:1" in out


def test_no_color_set_but_empty_keeps_colour(project):
    (project / "b.py").write_text("_base_ = ['./config.py']\nmodel = dict(zeta=3)\n")
    script = (
        "import sys; sys.stdout.isatty = lambda: True\n"
        "from cfgkit.cli import main\n"
        "main(['diff', 'config.py', 'b.py'])\n"
    )
    for value, coloured in (("", True), ("1", False)):
        env = {"PYTHONPATH": str(ROOT), "NO_COLOR": value, "PATH": "/usr/bin:/bin"}
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
        )
        assert ("\033[33m" in result.stdout) is coloured, result.stderr


def test_a_folder_given_as_a_config_says_it_is_a_folder(project, capsys):
    (project / "configs").mkdir()
    status, out, err = run(capsys, "print", "configs")
    assert (status, out) == (2, "")
    assert err == 'cfgkit print: error: "configs" is a folder, not a config file\n'


def test_a_config_argument_with_a_double_colon_that_names_no_package_is_a_missing_file(
    project, capsys
):
    status, out, err = run(capsys, "print", "nopkg::x.py")
    assert (status, out) == (2, "")
    assert err == 'cfgkit print: error: file "nopkg::x.py" does not exist\n'
