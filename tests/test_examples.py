"""Every example script runs on every example config."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
EXAMPLE_CONFIGS = sorted((ROOT / "examples" / "configs").glob("*.py"))


@pytest.mark.parametrize("config", EXAMPLE_CONFIGS, ids=lambda p: p.name)
def test_print_config(config):
    result = subprocess.run(
        [sys.executable, "examples/print_config.py", str(config.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    header, _, body = result.stdout.partition("\n")
    assert header == f"# {config.relative_to(ROOT)}"
    printed = json.loads(body)
    assert printed["model"]["type"] == "RetinaNet"
    assert printed["train_cfg"]["type"] == "EpochBasedTrainLoop"


def test_r101_example_overrides_its_base():
    result = subprocess.run(
        [
            sys.executable,
            "examples/print_config.py",
            "examples/configs/retinanet_r101_fpn_2x_coco.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    printed = json.loads(result.stdout.partition("\n")[2])
    assert printed["model"]["backbone"]["depth"] == 101
    assert printed["train_cfg"]["max_epochs"] == 24
    assert printed["optim_wrapper"]["optimizer"]["lr"] == 0.01
    assert printed["num_classes"] == 80


def run_build(*extra):
    return subprocess.run(
        [
            sys.executable,
            "examples/build_model.py",
            "examples/configs/toydet/detector_voc.py",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_build_model_builds_an_object_graph_across_two_scopes():
    result = run_build()
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Detector(num_classes=20,\n"
        "  backbone=MLP(Linear(64 -> 256), activation='relu'),\n"
        "  head=Head(Linear(256 -> 20)))\n"
    )


def test_build_model_takes_overrides():
    result = run_build("--cfg-options", "model.backbone.widths=[8,16,32]", "model.num_classes=3")
    assert result.returncode == 0, result.stderr
    assert "MLP(Linear(8 -> 16), Linear(16 -> 32)" in result.stdout
    assert "Head(Linear(256 -> 3))" in result.stdout


def test_build_model_typo_says_where_and_what_was_meant():
    result = run_build("--cfg-options", "model.backbone.type=MLp")
    assert result.returncode == 1
    assert "MLp is not in the toydet::model registry. Did you mean 'MLP'?" in result.stderr
    assert "config key model.backbone" in result.stderr
