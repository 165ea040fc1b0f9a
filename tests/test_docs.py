"""Every ```python block in README.md and docs/ runs (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cfgkit import Config

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
INDENTED_BLOCK = re.compile(r"\n( +)```python\n(.*?)\n\1```", re.DOTALL)
# Blocks that show a file's content rather than code to run.
SHOWN_FILES = ("# configs/", "# tools/", "_base_ = ")


def blocks():
    import textwrap

    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        found = [textwrap.dedent(m.group(2)) for m in INDENTED_BLOCK.finditer(text)]
        found += [m.group(1) for m in BLOCK.finditer(text) if not m.group(0).startswith(" ")]
        for index, code in enumerate(found):
            if not code.lstrip().startswith(SHOWN_FILES) and not code.startswith(" "):
                yield pytest.param(code, id=f"{page.name}-{index}")


@pytest.mark.parametrize("code", list(blocks()))
def test_python_blocks_run(code, monkeypatch):
    if "to_mmengine" in code:
        pytest.importorskip(
            "mmengine", reason="mmengine is not installed (pip install '.[compat]')"
        )
    monkeypatch.chdir(ROOT)
    exec(compile(code, "<docs>", "exec"), {})


README_COMMANDS = [
    "python -m pip install . && cfgkit print examples/configs/retinanet_r101_fpn_2x_coco.py "
    "--cfg-options model.backbone.depth=50",
    'python -m pip install ".[test,compat]" && python -m pytest',
]


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert first_block == README_COMMANDS
    assert text.index("```bash") < text.index("## ")  # before any section


def test_readme_main_job_runs(monkeypatch, capsys):
    from cfgkit.cli import main

    monkeypatch.chdir(ROOT)
    arguments = README_COMMANDS[0].split("&& cfgkit ", 1)[1].split()
    assert main(arguments) == 0
    printed = capsys.readouterr().out
    assert "depth=50," in printed
    assert Config.fromstring(printed, ".py").model.backbone.depth == 50


SHELL_BLOCK = re.compile(r"```\n(\$ (?:cd \S+ && )?cfgkit .*?)```", re.DOTALL)


def shell_examples():
    for page in PAGES:
        for index, match in enumerate(SHELL_BLOCK.finditer(page.read_text(encoding="utf-8"))):
            yield pytest.param(match.group(1), id=f"{page.name}-shell-{index}")


@pytest.mark.parametrize("block", list(shell_examples()))
def test_cfgkit_commands_print_what_the_docs_show(block, monkeypatch, capsys):
    import shlex

    from cfgkit.cli import main

    monkeypatch.chdir(ROOT)
    command, *shown = block.rstrip("\n").splitlines()
    words = shlex.split(command)[1:]  # drop "$"
    if words[0] == "cd":
        monkeypatch.chdir(ROOT / words[1])
        words = words[3:]  # drop "cd DIR &&"
    main(words[1:])  # drop "cfgkit"
    captured = capsys.readouterr()
    printed = (captured.out + captured.err).splitlines()
    for line in shown:
        if line != "...":
            assert line in printed
