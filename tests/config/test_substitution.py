"""Text passes: predefined variables, environment variables and `{{ _base_.x }}` references."""

from __future__ import annotations

import pytest

from cfgkit import Config, errors


def test_predefined_variables_name_the_file(configs):
    path = configs / "py" / "predefined_variables.py"
    cfg = Config.fromfile(path)
    assert cfg.work_dir == "./work_dirs/predefined_variables"
    assert cfg.names.to_dict() == {
        "dirname": str(path.parent).replace("\\", "/"),
        "basename": "predefined_variables.py",
        "ext": ".py",
    }


def test_predefined_variables_of_a_base_refer_to_the_base(write_config):
    write_config("sub/base.py", "where = '{{ fileBasenameNoExtension }}'\n")
    child = write_config("child.py", "_base_ = './sub/base.py'\nme = '{{fileBasename}}'\n")
    assert Config.fromfile(child).to_dict() == {"where": "base", "me": "child.py"}


def test_predefined_variables_can_be_turned_off(configs):
    cfg = Config.fromfile(
        configs / "py" / "predefined_variables.py", use_predefined_variables=False
    )
    assert cfg.work_dir == "./work_dirs/{{ fileBasenameNoExtension }}"


def test_environment_variables_with_defaults(configs, monkeypatch):
    monkeypatch.delenv("CFGKIT_TEST_DATA_ROOT", raising=False)
    monkeypatch.delenv("CFGKIT_TEST_NUM_CLASSES", raising=False)
    monkeypatch.delenv("CFGKIT_TEST_UNSET_SPACED", raising=False)
    cfg = Config.fromfile(configs / "py" / "environment_variables.py")
    assert cfg.data_root == "/data/default/coco/"
    assert cfg.num_classes == 80
    assert cfg.spaced == "fallback"
    assert cfg.env_variables == {}


def test_environment_variables_from_the_environment(configs, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_DATA_ROOT", "/mnt/ssd")
    monkeypatch.setenv("CFGKIT_TEST_NUM_CLASSES", "3")
    cfg = Config.fromfile(configs / "py" / "environment_variables.py")
    assert cfg.data_root == "/mnt/ssd/coco/"
    assert cfg.num_classes == 3
    assert cfg.env_variables == {
        "CFGKIT_TEST_DATA_ROOT": "/mnt/ssd",
        "CFGKIT_TEST_NUM_CLASSES": "3",
    }


def test_environment_values_with_backslashes(write_config, monkeypatch):
    # mmengine fails with "re.error: bad escape \d" here (mmengine#1161).
    monkeypatch.setenv("CFGKIT_TEST_WIN_PATH", r"C:\data\coco")
    path = write_config("win.py", "root = r'{{$CFGKIT_TEST_WIN_PATH:}}'\n")
    assert Config.fromfile(path).root == r"C:\data\coco"


def test_environment_default_with_regex_characters(write_config, monkeypatch):
    # mmengine leaves `{{$X:a+b}}` unreplaced because the default goes into a regex.
    monkeypatch.delenv("CFGKIT_TEST_UNSET_PLUS", raising=False)
    path = write_config("plus.py", "value = '{{$CFGKIT_TEST_UNSET_PLUS:a+b(c)}}'\n")
    assert Config.fromfile(path).value == "a+b(c)"


def test_empty_environment_variable_without_default_is_an_error(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_EMPTY", "")
    path = write_config("empty.py", "value = '{{$CFGKIT_TEST_EMPTY:}}'\n")
    with pytest.raises(errors.MissingEnvVarError, match=r"CFGKIT_TEST_EMPTY.*empty\.py, line 1"):
        Config.fromfile(path)


def test_environment_variables_can_be_turned_off(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_DATA_ROOT", "/mnt/ssd")
    path = write_config("off.py", "root = '{{$CFGKIT_TEST_DATA_ROOT:/data}}/coco/'\n")
    cfg = Config.fromfile(path, use_environment_variables=False)
    assert cfg.root == "{{$CFGKIT_TEST_DATA_ROOT:/data}}/coco/"
    assert cfg.env_variables == {}


def test_environment_variables_of_bases_are_reported(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_BASE_VAR", "b")
    monkeypatch.setenv("CFGKIT_TEST_CHILD_VAR", "c")
    write_config("base.py", "x = '{{$CFGKIT_TEST_BASE_VAR:}}'\n")
    child = write_config("child.py", "_base_ = './base.py'\ny = '{{$CFGKIT_TEST_CHILD_VAR:}}'\n")
    cfg = Config.fromfile(child)
    assert cfg.env_variables == {"CFGKIT_TEST_CHILD_VAR": "c", "CFGKIT_TEST_BASE_VAR": "b"}


def test_base_references_as_whole_values(configs):
    cfg = Config.fromfile(configs / "py" / "base_reference.py")
    assert cfg.num_classes == 80
    assert cfg.pipeline[0] == {"type": "LoadImageFromFile"}
    assert cfg.test_dataloader.dataset.type == "CocoDataset"
    assert cfg.backend.to_dict() == {"args": None, "items": ["data/coco/", ("data/coco/",)]}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("name = 'run_{{ _base_.tag }}_x'", "run_v2_x", id="single-quoted"),
        pytest.param('name = "run_{{ _base_.tag }}_x"', "run_v2_x", id="double-quoted"),
        pytest.param("name = f'run_{{ _base_.tag }}'", "run_v2", id="f-string"),
        pytest.param("name = 'depth{{ _base_.depth }}'", "depth50", id="number-in-string"),
        pytest.param("name = <<_base_.tag>>", "v2", id="angle-spelling"),
        pytest.param("name = 'a-<<_base_.tag>>'", "a-v2", id="angle-in-string"),
        pytest.param("name = {{ _base_.items.1 }}", 20, id="list-index"),
    ],
)
def test_base_references_inside_strings_and_other_spellings(write_config, line, expected):
    write_config("base.py", "tag = 'v2'\ndepth = 50\nitems = [10, 20]\n")
    child = write_config("child.py", f"_base_ = './base.py'\n{line}\n")
    assert Config.fromfile(child, lazy_import=False).name == expected


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(
            "child.yaml", "_base_: ./base.py\nname: run_{{ _base_.tag }}\n", id="yaml-plain"
        ),
        pytest.param(
            "child.yaml", '_base_: ./base.py\nname: "run_{{ _base_.tag }}"\n', id="yaml-double"
        ),
        pytest.param(
            "child.yaml", "_base_: ./base.py\nname: 'run_{{ _base_.tag }}'\n", id="yaml-single"
        ),
        pytest.param(
            "child.json", '{"_base_": "./base.py", "name": "run_{{ _base_.tag }}"}', id="json"
        ),
    ],
)
def test_base_references_inside_yaml_and_json_strings(write_config, name, text):
    write_config("base.py", "tag = 'v2'\n")
    assert Config.fromfile(write_config(name, text)).name == "run_v2"


def test_base_reference_reflects_changes_made_through_base(write_config):
    write_config("base.py", "model = dict(type='A')\n")
    child = write_config(
        "child.py",
        """
        _base_ = './base.py'
        _base_.model.type = 'B'
        same = {{ _base_.model }}
        """,
    )
    cfg = Config.fromfile(child)
    assert cfg.same.type == "B"
    assert cfg.model.type == "B"


def test_same_reference_twice_is_one_value(write_config):
    write_config("base.py", "x = [1, 2]\n")
    child = write_config("child.py", "_base_ = './base.py'\na = {{_base_.x}}\nb = {{ _base_.x }}\n")
    cfg = Config.fromfile(child)
    assert cfg.a == cfg.b == [1, 2]


def test_placeholder_copied_before_resolution_is_resolved_too(write_config):
    write_config("base.py", "x = 5\n")
    child = write_config("child.py", "_base_ = './base.py'\na = {{ _base_.x }}\nb = a\n")
    assert Config.fromfile(child).to_dict() == {"x": 5, "a": 5, "b": 5}


def test_plain_string_mentioning_base_is_left_alone(write_config):
    write_config("base.py", "x = 5\n")
    child = write_config("child.py", "_base_ = './base.py'\nnote = '_base_.x'\n")
    assert Config.fromfile(child).note == "_base_.x"
