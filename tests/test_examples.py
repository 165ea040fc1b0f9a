"""Every example runs: train.py on every example project config, and the README's commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cfgkit.cli import main

ROOT = Path(__file__).parents[1]
CONFIGS = ROOT / "examples" / "configs"


def run_train(config, *extra):
    return subprocess.run(
        [sys.executable, "examples/train.py", f"examples/configs/{config}", *extra],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_train_builds_model_dataset_and_optimizer():
    result = run_train("toydet_mlp_voc.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "model:     Detector(num_classes=20,\n"
        "  backbone=MLP(Linear(64 -> 128), Linear(128 -> 256), activation='relu'),\n"
        "  head=Head(Linear(256 -> 20)))\n"
        "dataset:   ToyDataset(5011 samples of 20 classes from 'data/voc/', "
        "pipeline=['LoadImageFromFile', 'Resize', 'RandomFlip'])\n"
        "optimizer: SGD(lr=0.01, momentum=0.9, 2 parameter groups)\n"
        "epochs:    12, batch size 2\n"
        "work_dir:  ./work_dirs/toydet_mlp_voc\n"
    )


def test_train_on_the_child_config_with_overrides():
    result = run_train(
        "toydet_mlp-large_voc-24e.py", "--cfg-options", "model.num_classes=5", "optimizer.lr=0.05"
    )
    assert result.returncode == 0, result.stderr
    assert "MLP(Linear(64 -> 512), Linear(512 -> 512)" in result.stdout
    assert "head=Head(Linear(512 -> 5))" in result.stdout
    assert "SGD(lr=0.05" in result.stdout
    assert "epochs:    24" in result.stdout


def test_train_reads_the_data_root_from_the_environment():
    import os

    env = {**os.environ, "DATA_ROOT": "/mnt/voc"}
    result = subprocess.run(
        [sys.executable, "examples/train.py", "examples/configs/toydet_mlp_voc.py"],
        cwd=ROOT, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert "from '/mnt/voc'" in result.stdout


def test_train_typo_says_where_and_what_was_meant():
    result = run_train("toydet_mlp_voc.py", "--cfg-options", "model.backbone.type=MLp")
    assert result.returncode == 1
    assert "MLp is not in the toydet::model registry. Did you mean 'MLP'?" in result.stderr
    assert "config key model.backbone" in result.stderr


@pytest.mark.parametrize("config", sorted(CONFIGS.glob("*.py")), ids=lambda p: p.name)
def test_cfgkit_print_shows_every_example_config(config, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["print", str(config.relative_to(ROOT))]) == 0
    text = capsys.readouterr().out
    assert text.startswith(("model = dict(", "default_scope = "))


def test_registry_lists_the_example_trees(capsys, monkeypatch):
    monkeypatch.chdir(ROOT / "examples")
    assert main(["registry", "toydet.models", "toydet.datasets", "toydet.optim"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "model [toycore]: Linear, MLP, MultiLayerPerceptron" in out
    assert "  model [toydet]: Detector, Head" in out
    assert "dataset [toydet]: ToyDataset" in out
    assert "optimizer [toydet]: SGD" in out


def readme_commands():
    text = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("command", readme_commands())
def test_every_command_of_the_examples_readme_runs(command, monkeypatch, capsys):
    # Run in-process: `python examples/train.py` as a subprocess, `cfgkit ...` through main.
    monkeypatch.chdir(ROOT)
    if command.startswith("(cd examples && "):
        monkeypatch.chdir(ROOT / "examples")
        command = command[len("(cd examples && ") : -1]
    words = command.split()
    if words[0] == "python":
        result = subprocess.run([sys.executable, *words[1:]], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return
    assert words[0] == "cfgkit"
    status = main(words[1:])
    assert status in (0, 1), capsys.readouterr().err  # diff exits 1 when configs differ
    assert capsys.readouterr().out
