"""The cfgkit command: explain."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cfgkit import Config
from cfgkit.cli import main

ROOT = Path(__file__).parents[1]
CONFIG = "tests/data/configs/py/inherit_and_override.py"


@pytest.fixture(autouse=True)
def in_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_explain_a_key_lists_every_value_it_took(capsys):
    status = main(
        ["explain", CONFIG, "model.backbone.depth", "--cfg-options", "model.backbone.depth=18"]
    )
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[0] == "model.backbone.depth = 18"
    assert out[1].split() == [
        "1.",
        "set",
        "50",
        "tests/data/configs/py/_base_/model.py:3",
        "(base)",
    ]
    assert out[2].split() == ["2.", "replace", "101", f"{CONFIG}:4", "(config)"]
    assert out[3].split() == ["3.", "replace", "18", "--cfg-options", "(options)"]


def test_explain_without_a_key_lists_every_leaf(capsys):
    assert main(["explain", CONFIG]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"model.backbone.depth = 101  # {CONFIG}:4 (config)" in out
    runtime = "tests/data/configs/py/_base_/runtime.yaml"
    assert f"default_hooks.checkpoint.interval = 1  # {runtime}:5 (base)" in out
    assert any(line.startswith("train_pipeline.1.scale = [1333, 800]  # ") for line in out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["explain", CONFIG, "model.nope"],
            "model has no key 'nope'",
            id="unknown-key",
        ),
        pytest.param(["explain", "missing.py"], 'missing.py" does not exist', id="missing-file"),
        pytest.param(
            ["explain", "tests/data/configs/bad/name_error.py"],
            "name_error.py, line 2",
            id="bad-config",
        ),
    ],
)
def test_errors_are_one_line_on_stderr_with_status_2(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("cfgkit explain: error: ")
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_debug_shows_the_traceback(capsys):
    assert main(["--debug", "explain", CONFIG, "model.nope"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["explain"])
    assert exit_info.value.code == 2


def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "cfgkit", "explain", CONFIG, "work_dir"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "work_dir = './work_dirs/retinanet'"


def test_diff_lists_changed_added_and_removed_keys_with_their_lines(capsys, write_config):
    first = write_config("a.py", "model = dict(depth=50, neck='FPN')\nlr = 0.1\n")
    second = write_config("b.yaml", "model:\n  depth: 101\nlr: 0.1\nepochs: 12\n")
    assert main(["diff", str(first), str(second)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"~ model.depth: 50 -> 101  # {first}:1 -> {second}:2",
        f"- model.neck = 'FPN'  # {first}:1",
        f"+ epochs = 12  # {second}:4",
    ]


def test_diff_ignores_key_order_and_formatting(capsys, write_config):
    first = write_config("a.py", "a = dict(x=1, y=[1, 2])\nb = 'text'\n")
    second = write_config("b.json", '{"b": "text", "a": {"y": [1, 2], "x": 1}}')
    assert main(["diff", str(first), str(second)]) == 0
    assert capsys.readouterr().out == ""


def test_diff_applies_options_to_both(capsys, write_config):
    first = write_config("a.py", "lr = 0.1\n")
    second = write_config("b.py", "lr = 0.2\n")
    assert main(["diff", str(first), str(second), "--cfg-options", "lr=0.3"]) == 0


def test_diff_colours_only_on_a_terminal(capsys, write_config, monkeypatch):
    first = write_config("a.py", "lr = 0.1\n")
    second = write_config("b.py", "lr = 0.2\n")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["diff", str(first), str(second)])
    assert capsys.readouterr().out.startswith("\033[33m~ lr: 0.1 -> 0.2")
    monkeypatch.setenv("NO_COLOR", "1")
    main(["diff", str(first), str(second)])
    assert "\033[" not in capsys.readouterr().out


@pytest.mark.parametrize("file_format", ["py", "json", "yaml"])
def test_print_formats_load_back(capsys, file_format):
    assert main(["print", CONFIG, "--format", file_format, "--cfg-options", "lr_extra=1"]) == 0
    printed = capsys.readouterr().out
    again = Config.fromstring(printed, f".{file_format}").to_dict()
    expected = Config.fromfile(CONFIG).to_dict()
    expected["lr_extra"] = 1
    if file_format == "json":
        expected = json.loads(json.dumps(expected))
    assert again == expected


@pytest.mark.parametrize("suffix", [".py", ".json", ".yaml"])
def test_dump_writes_by_extension(tmp_path, suffix):
    out = tmp_path / f"resolved{suffix}"
    assert main(["dump", CONFIG, str(out), "--cfg-options", "model.backbone.depth=18"]) == 0
    assert Config.fromfile(out).model.backbone.depth == 18


def test_dump_refuses_an_unknown_extension(tmp_path, capsys):
    assert main(["dump", CONFIG, str(tmp_path / "out.txt")]) == 2
    assert "Unsupported format: txt" in capsys.readouterr().err


def test_registry_of_an_unknown_module(capsys):
    assert main(["registry", "no_such_module_for_cfgkit"]) == 2
    assert "No module named 'no_such_module_for_cfgkit'" in capsys.readouterr().err


BAD_DATA = "tests/data/configs/bad"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["print", f"{BAD_DATA}/latin1_comment.py"],
            "latin1_comment.py is not UTF-8 text (byte 0xe9 at line 1)",
            id="latin-1",
        ),
        pytest.param(
            ["print", "tests/data/configs/pure_bad/typo_item.py"],
            "'depht'. Did you mean 'depth'?",
            id="pure-python-typo",
        ),
        pytest.param(
            ["print", f"{BAD_DATA}/alias_contains_itself.yaml"],
            "alias inside the value it names",
            id="recursive-value",
        ),
        pytest.param(
            ["print", CONFIG, "--cfg-options", "train_pipeline.-9.scale=1"],
            "Index -9 exceeds the length of list",
            id="negative-index",
        ),
        pytest.param(
            ["print", CONFIG, "--cfg-options", "train_pipeline.x=1"],
            "takes an index",
            id="name-into-list",
        ),
        pytest.param(
            ["check", CONFIG, "--import", "cfgkit_cli_raises"],
            "Failed to import custom module 'cfgkit_cli_raises': it raised ValueError: boom",
            id="import-raises",
        ),
        pytest.param(
            ["registry", "cfgkit_cli_exits"],
            "it raised SystemExit: 7",
            id="import-exits",
        ),
        pytest.param(
            ["print", "cfgkit_cli_config_exits.py"],
            "SystemExit: 7 (in",
            id="config-exits",
        ),
    ],
)
def test_no_input_prints_a_traceback(capsys, tmp_path, monkeypatch, argv, message):
    (tmp_path / "cfgkit_cli_raises.py").write_text("raise ValueError('boom')\n", encoding="utf-8")
    (tmp_path / "cfgkit_cli_exits.py").write_text("import sys\nsys.exit(7)\n", encoding="utf-8")
    (tmp_path / "cfgkit_cli_config_exits.py").write_text(
        "import sys\nsys.exit(7)\n", encoding="utf-8"
    )
    monkeypatch.chdir(Path(__file__).parents[1])
    if argv[1] == "cfgkit_cli_config_exits.py":
        argv = [argv[0], str(tmp_path / argv[1]), *argv[2:]]
    sys.path.insert(0, str(tmp_path))
    try:
        assert main(argv) == 2
    finally:
        sys.path.remove(str(tmp_path))
    captured = capsys.readouterr()
    assert captured.err.startswith(f"cfgkit {argv[0]}: error: ")
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1 or "sys.path" in captured.err


def test_a_binary_file_prints_one_line(tmp_path, capsys):
    path = tmp_path / "binary.py"
    path.write_bytes(bytes(range(256)))
    assert main(["print", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"cfgkit print: error: {path} is not UTF-8 text (byte 0x80 at line 2); save it as "
        f"UTF-8 (in {path}, line 2)\n"
    )


def test_explain_shows_a_lazy_value_as_its_import_path(tmp_path, capsys):
    from cfgkit.cli import main as run

    path = tmp_path / "c.py"
    path.write_text(
        "from not_installed.models import Net\nmodel = dict(type=Net)\n", encoding="utf-8"
    )
    assert run(["explain", str(path), "model.type"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("model.type = not_installed.models.Net\n")
    assert run(["explain", str(path), "model"]) == 0
    assert "'type': 'not_installed.models.Net'" in capsys.readouterr().out


def test_the_pre_commit_hook_runs_the_check_command(capsys, monkeypatch):
    import yaml

    root = Path(__file__).parents[1]
    (hook,) = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "cfgkit-check"
    assert hook["language"] == "python"
    program, *arguments = hook["entry"].split()
    assert program == "cfgkit"
    monkeypatch.chdir(root / "examples")
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command puts the folder first
    # pre-commit appends the changed files it selected.
    changed = ["configs/toydet_mlp_voc.py", "configs/toydet_mlp-large_voc-24e.py"]
    assert all(re.search(hook["files"], name) for name in changed)
    assert main([*arguments, *changed]) == 0
    assert "error" not in capsys.readouterr().out


HOSTILE_TEXT = "\x1b]0;owned\x07\x1b[2J\r\n::error file=x.py,line=1::forged %0A"


def assert_inert(text):
    """No control character of the config's text reaches the output raw."""
    assert not {"\x1b", "\x07", "\r"} & set(text)
    assert not any(line.lstrip().startswith("::error file=x.py") for line in text.splitlines())


@pytest.mark.parametrize(
    ("config", "argv"),
    [
        pytest.param(f"raise ValueError({HOSTILE_TEXT!r})\n", ["print"], id="error-message"),
        pytest.param(f"a = {{{HOSTILE_TEXT!r}: 1}}\n", ["explain"], id="explain-key"),
        pytest.param(f"a = {{{HOSTILE_TEXT!r}: 1}}\n", ["print"], id="print-key"),
        pytest.param(f"a = {{{HOSTILE_TEXT!r}: 1}}\n", ["print", "--format", "yaml"], id="yaml"),
        pytest.param(
            f"model = {{{HOSTILE_TEXT!r}: dict(type='Nope')}}\n", ["check"], id="check-text"
        ),
    ],
)
def test_a_configs_text_cannot_drive_the_terminal_or_forge_lines(tmp_path, capsys, config, argv):
    path = tmp_path / "hostile.py"
    path.write_text(config)
    main([*argv, str(path)])
    out, err = capsys.readouterr()
    assert_inert(out)
    assert_inert(err)
    assert len(err.splitlines()) <= 1  # an error is one line, however many its text has
    assert "\\x1b" in out + err or "\\e" in out  # shown, escaped (YAML writes \\e)


def test_a_diff_escapes_control_characters(tmp_path, capsys):
    (tmp_path / "a.py").write_text("a = 'x'\n")
    (tmp_path / "b.py").write_text(f"a = 'x'\nb = {{{HOSTILE_TEXT!r}: 1}}\n")
    main(["diff", str(tmp_path / "a.py"), str(tmp_path / "b.py")])
    out = capsys.readouterr().out
    assert_inert(out)
    assert out.count("\n") == 1


def test_github_annotations_cannot_start_another_command(tmp_path, capsys):
    path = tmp_path / "hostile.py"
    path.write_text(f"model = {{{HOSTILE_TEXT!r}: dict(type='Nope')}}\n")
    main(["check", "--format", "github", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert all("\x1b" not in line for line in lines)
    assert "%25" in lines[0]  # the config's own % cannot make an escape
