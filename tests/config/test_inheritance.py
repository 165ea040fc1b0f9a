"""`_base_` inheritance: paths, merging rules, `_delete_`, `_base_` access, packages, scopes."""

from __future__ import annotations

import os

import pytest

from cfgkit import Config, errors


def test_child_merges_into_bases_of_every_format(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    assert cfg.model.backbone.to_dict() == {
        "type": "ResNet",
        "depth": 101,
        "norm_cfg": {"type": "BN", "requires_grad": False},
        "out_indices": (0, 1, 2, 3),
    }
    # A list in the child replaces the base list wholesale.
    assert cfg.model.neck.in_channels == [64, 128]
    assert cfg.optim_wrapper.optimizer.to_dict() == {
        "type": "SGD",
        "lr": 0.02,
        "momentum": 0.9,
        "weight_decay": 0.0001,
    }
    assert cfg.default_hooks.checkpoint.interval == 1  # from YAML
    assert cfg.train_pipeline[1]["scale"] == [1333, 800]  # from JSON
    assert cfg.train_cfg.max_epochs == 24


def test_key_order_is_base_order_then_new_child_keys(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    assert list(cfg) == [
        "model",
        "backend_args",
        "optim_wrapper",
        "train_cfg",
        "param_scheduler",
        "default_scope",
        "log_level",
        "default_hooks",
        "env_cfg",
        "load_from",
        "resume",
        "dataset_type",
        "data_root",
        "train_pipeline",
        "train_dataloader",
        "work_dir",
    ]
    assert list(cfg.model.backbone) == ["type", "depth", "norm_cfg", "out_indices"]


def test_inheritance_over_two_levels(configs):
    cfg = Config.fromfile(configs / "py" / "child_of_child.py")
    assert cfg.model.head.num_classes == 3
    assert cfg.model.backbone.depth == 101
    assert cfg.param_scheduler == [{"type": "ConstantLR", "factor": 1.0}]


def test_delete_replaces_the_base_dict(configs):
    cfg = Config.fromfile(configs / "py" / "delete_replaces_dict.py")
    assert cfg.model.backbone.to_dict() == {"type": "SwinTransformer", "embed_dims": 96}
    assert cfg.model.neck.type == "FPN"


def test_delete_on_a_new_key_is_kept_as_in_mmengine(configs):
    cfg = Config.fromfile(configs / "py" / "delete_kept_on_new_key.py")
    assert cfg.extra.to_dict() == {"_delete_": True, "value": 1}
    assert cfg.model.new_part.to_dict() == {"_delete_": True, "x": 1}


def test_base_name_reads_and_changes_base_values(configs):
    cfg = Config.fromfile(configs / "py" / "base_attribute_access.py")
    assert cfg.lr == 0.02
    assert cfg.milestones == [8, 11]
    # In-place edits through `_base_` change the inherited key too, as in mmengine.
    assert cfg.model.backbone.norm_cfg.type == "SyncBN"
    assert cfg.model.head.num_classes == 20
    assert cfg.head.to_dict() == {"type": "RetinaHead", "num_classes": 20}


def test_base_name_without_bases_is_empty(write_config):
    cfg = Config.fromfile(write_config("alone.py", "size = len(_base_)\n"))
    assert cfg.to_dict() == {"size": 0}


def test_missing_base_attribute_names_the_line(write_config):
    write_config("base.py", "a = 1\n")
    path = write_config("child.py", "_base_ = './base.py'\nb = _base_.nope\n")
    with pytest.raises(
        AttributeError, match=r"'ConfigDict' object has no attribute 'nope'.*line 2"
    ):
        Config.fromfile(path)


def test_yaml_and_json_inherit_from_python(configs):
    yaml_cfg = Config.fromfile(configs / "yaml" / "inherit.yaml")
    assert yaml_cfg.model.backbone.depth == 152
    assert yaml_cfg.optim_wrapper.optimizer.lr == 0.01
    assert yaml_cfg.num_classes == 80
    assert yaml_cfg.work_dir == "./work_dirs/inherit"
    assert "_base_" not in yaml_cfg
    json_cfg = Config.fromfile(configs / "json" / "inherit.json")
    assert json_cfg.model.backbone.depth == 34
    assert json_cfg.num_classes == 80


@pytest.mark.parametrize(
    "base_line",
    [
        pytest.param("_base_ = []", id="empty-list"),
        pytest.param("_base_ = ['base' + '.py']", id="expression"),
        pytest.param("_base_ = './sub/../base.py'", id="dot-dot"),
    ],
)
def test_base_spellings(write_config, base_line):
    write_config("base.py", "a = 1\n")
    write_config("sub/keep.txt", "")
    cfg = Config.fromfile(write_config("child.py", f"{base_line}\nb = 2\n"))
    expected = {"b": 2} if base_line.endswith("[]") else {"a": 1, "b": 2}
    assert cfg.to_dict() == expected


def test_base_path_with_tilde_is_expanded(write_config, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_config("home_base.py", "a = 1\n")
    child = write_config("deep/child.py", "_base_ = '~/home_base.py'\nb = 2\n")
    assert Config.fromfile(child).to_dict() == {"a": 1, "b": 2}


def test_config_path_with_tilde_is_expanded(write_config, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_config("cfg.py", "a = 1\n")
    cfg = Config.fromfile("~/cfg.py")
    assert cfg.a == 1
    assert cfg.filename == "~/cfg.py"


def test_only_the_first_top_level_base_assignment_counts(write_config):
    write_config("one.py", "a = 1\n")
    write_config("two.py", "b = 2\n")
    path = write_config("child.py", "_base_ = './one.py'\n_base_ = './two.py'\nc = 3\n")
    assert Config.fromfile(path).to_dict() == {"a": 1, "c": 3}


def test_base_assignment_inside_a_block_is_removed_not_an_error(write_config):
    # mmengine fails with "ValueError: empty body on If" here.
    path = write_config("child.py", "if True:\n    _base_ = './x.py'\nc = 3\n")
    assert Config.fromfile(path).to_dict() == {"c": 3}


def test_bases_of_mixed_formats_share_no_keys_check(write_config):
    write_config("a.yaml", "x: 1\n")
    write_config("b.json", '{"x": 2}')
    path = write_config("child.py", "_base_ = ['./a.yaml', './b.json']\n")
    with pytest.raises(errors.DuplicateBaseKeyError, match=r"\{'x'\}.*a\.yaml and .*b\.json"):
        Config.fromfile(path)


def test_child_may_override_a_key_of_any_base(write_config):
    write_config("a.py", "x = 1\ny = dict(k=1)\n")
    write_config("b.py", "z = 3\n")
    path = write_config("child.py", "_base_ = ['./a.py', './b.py']\nx = 5\ny = 7\n")
    assert Config.fromfile(path).to_dict() == {"x": 5, "y": 7, "z": 3}


def test_text_lists_bases_then_the_file(configs):
    cfg = Config.fromfile(configs / "py" / "delete_replaces_dict.py")
    base = configs / "py" / "_base_" / "model.py"
    child = configs / "py" / "delete_replaces_dict.py"
    assert cfg.text == (f"{base}\n{base.read_text()}\n{child}\n{child.read_text()}")


def test_package_base_gets_the_package_scope(configs, fake_package, write_config):
    path = write_config(
        "uses_pkg.py",
        """
        _base_ = 'fakepkg::_base_/net.py'
        model = dict(backbone=dict(depth=5))
        """,
    )
    cfg = Config.fromfile(path)
    # The outermost dict with a `type` on each path gets `_scope_`; nested typed dicts do not.
    assert cfg.model.to_dict() == {
        "type": "FakeNet",
        "backbone": {"type": "FakeBackbone", "depth": 5},
        "plain": {"a": 1},
        "_scope_": "fakepkg",
    }
    assert cfg.train_cfg._scope_ == "fakepkg"
    assert "_scope_" not in cfg.train_cfg.stages[0]
    assert cfg.log_level == "INFO"


def test_package_base_keeps_an_explicit_scope(fake_package, write_config):
    path = write_config("child.py", "_base_ = 'fakepkg::det/scoped.py'\n")
    cfg = Config.fromfile(path)
    assert cfg.optimizer._scope_ == "other"
    assert cfg.model._scope_ == "fakepkg"


def test_local_bases_get_no_scope(configs):
    cfg = Config.fromfile(configs / "py" / "inherit_and_override.py")
    assert "_scope_" not in cfg.model


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param(
            "fakepkg::x.py", r"Invalid package config path 'fakepkg::x\.py'", id="no-folder"
        ),
        pytest.param("a::b/c::d/e.py", r"multiple `::`", id="two-separators"),
    ],
)
def test_malformed_package_path(write_config, entry, message):
    path = write_config("child.py", f"_base_ = '{entry}'\n")
    with pytest.raises(errors.BasePathError, match=message) as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, ValueError)
    assert str(path) in str(caught.value)


def test_package_base_that_does_not_exist(fake_package, write_config):
    path = write_config("child.py", "_base_ = 'fakepkg::_base_/nope.py'\n")
    with pytest.raises(errors.ConfigFileNotFoundError, match=r"nope\.py\" does not exist"):
        Config.fromfile(path)


def test_scope_keys_are_ordinary_keys(configs):
    cfg = Config.fromfile(configs / "py" / "scope_keys.py")
    assert cfg.default_scope == "mmdet"
    assert cfg.model._scope_ == "mmdet"


def test_relative_config_path_is_kept_as_given(configs, monkeypatch):
    monkeypatch.chdir(configs / "py")
    cfg = Config.fromfile("delete_replaces_dict.py")
    assert cfg.filename == "delete_replaces_dict.py"
    assert cfg.text.startswith(os.path.join(str(configs / "py"), "_base_", "model.py"))


# A file that reads `_base_` has its `_base_ = ...` statement removed (mmengine removes it from
# the syntax tree). cfgkit does it on the text where the statement's extent is certain, and
# through the tree otherwise; each case must load as mmengine's rule says.
READER_CASES = {
    "list with comments and brackets in strings": (
        "# a comment with 'quotes' and [brackets\nimport os\n"
        "_base_ = [  # the bases\n    './base.py',  # ] not the end\n    \"./other.py\",\n]\n"
        "b = _base_.a + 1\n",
        {"a": 1, "o": 2, "b": 2},
    ),
    "docstring before it": (
        '"""A docstring: _base_ = [\'nope.py\']."""\n_base_ = "./base.py"\nb = _base_.a\n',
        {"a": 1, "b": 1},
    ),
    "more targets": ("_base_ = x = ['./base.py']\nb = _base_.a\n", {"a": 1, "b": 1}),
    "two statements on the line": ("_base_ = ['./base.py']; y = 5\nb = _base_.a\n", None),
    "continued line": ("_base_ = \\\n    './base.py'\nb = _base_.a\n", {"a": 1, "b": 1}),
    "reads without assigning": ("n = len(_base_)\n", {"n": 0}),
    "value that names something": (
        "_base_ = [name for name in ('./base.py',)]\nb = _base_.a\n",
        {"a": 1, "b": 1},
    ),
    "annotated": ("_base_: list = ['./base.py']\nb = 1\n", None),
}


@pytest.mark.parametrize(("text", "expected"), READER_CASES.values(), ids=READER_CASES.keys())
def test_a_file_that_reads_base_has_its_base_statement_removed(write_config, text, expected):
    write_config("base.py", "a = 1\n")
    write_config("other.py", "o = 2\n")
    path = write_config("child.py", text)
    if expected is None:  # cases whose result is checked by their own tests below
        Config.fromfile(path)
        return
    assert Config.fromfile(path).to_dict() == expected


def test_more_targets_of_the_base_statement_are_removed_with_it(write_config):
    write_config("base.py", "a = 1\n")
    path = write_config("child.py", "_base_ = x = ['./base.py']\nb = _base_.a\n")
    assert "x" not in Config.fromfile(path)


def test_a_statement_after_the_base_statement_on_its_line_still_runs(write_config):
    write_config("base.py", "a = 1\n")
    path = write_config("child.py", "_base_ = ['./base.py']; y = 5\nb = _base_.a\n")
    assert Config.fromfile(path).to_dict() == {"a": 1, "y": 5, "b": 1}


def test_an_annotated_base_is_not_removed(write_config):
    # Not an assignment statement to mmengine either: no bases, and it runs.
    write_config("base.py", "a = 1\n")
    path = write_config("child.py", "_base_: list = ['./base.py']\nb = len(_base_)\n")
    assert Config.fromfile(path).to_dict() == {"b": 1}


def test_errors_keep_their_lines_when_the_base_statement_is_removed(write_config):
    write_config("base.py", "a = 1\n")
    path = write_config("child.py", "_base_ = [\n    './base.py',\n]\nb = _base_.a\nc = 1 / 0\n")
    with pytest.raises(errors.ConfigExecutionError) as caught:
        Config.fromfile(path)
    assert caught.value.lineno == 5
    bad_value = write_config("bad.py", "x = 1\n_base_ = [\n    1 / 0,\n]\nb = _base_\n")
    with pytest.raises(errors.ConfigExecutionError) as caught:
        Config.fromfile(bad_value)
    assert caught.value.lineno == 3


@pytest.mark.parametrize(
    "name",
    [
        "list with comments and brackets in strings",
        "more targets",
        "continued line",
        "reads without assigning",
        "value that names something",
    ],
)
def test_a_certain_base_statement_is_removed_without_a_syntax_tree(write_config, monkeypatch, name):
    from cfgkit.config._load import parsing

    def no_tree(*args):
        raise AssertionError("a syntax tree was built")

    text, expected = READER_CASES[name]
    if name == "more targets":  # `x = ...` after `_base_ =`: not certain, so a tree is built
        monkeypatch.setattr(parsing, "parse_tree", no_tree)
        with pytest.raises(AssertionError, match="syntax tree"):
            Config.fromfile(write_config("child.py", text))
        return
    write_config("base.py", "a = 1\n")
    write_config("other.py", "o = 2\n")
    path = write_config("child.py", text)
    monkeypatch.setattr(parsing, "parse_tree", no_tree)
    assert Config.fromfile(path).to_dict() == expected


def test_a_syntax_error_near_the_base_statement_is_reported_where_it_is(write_config):
    write_config("base.py", "a = 1\n")
    path = write_config("child.py", "_base_ = ['./base.py']\nb = _base_.a\nc = (\n")
    with pytest.raises(errors.ConfigSyntaxError) as caught:
        Config.fromfile(path)
    assert caught.value.filename == str(path)
    assert caught.value.lineno == 3
