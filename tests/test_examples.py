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
