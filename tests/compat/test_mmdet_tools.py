"""mmdet 3.3.0's unchanged ``tools/train.py`` and ``tools/misc/print_config.py`` on six
configs in three modes: plain mmengine, the drop-in (config half), the drop-in with the
registry half.

Needs torch, mmcv 2.x (``mmcv-lite==2.1.0`` is enough) and the mmdet 3.3.0 wheel installed
beside mmengine 0.10.7; skipped otherwise (torch from PyPI is a 5.5 GB CUDA build that runs on
CPU). Each tool runs in a fresh interpreter, unchanged, through ``runpy``, as ``cfgkit run``
runs it.

mmcv-lite has no compiled ``mmcv.ops``, and mmdet imports names from it when its models are
imported. The launcher below puts a stub of ``mmcv.ops`` (and its submodules) in front: every
name in it is a placeholder ``torch.nn.Module`` subclass that takes any arguments, so mmdet's
modules import and its models are *constructed* (their parameters counted), never run. Nothing
here needs the ops to compute anything: the runs stop where the dataset is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
pytestmark = [pytest.mark.compat, pytest.mark.torch]

CONFIGS = {
    "retinanet": "retinanet/retinanet_r50_fpn_1x_coco.py",
    "faster-rcnn": "faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py",
    "mask-rcnn": "mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py",
    "yolox": "yolox/yolox_s_8xb8-300e_coco.py",
    "rtmdet": "rtmdet/rtmdet_tiny_8xb32-300e_coco.py",
    "detr": "detr/detr_r50_8xb2-150e_coco.py",
}
MODES = ("plain", "hook", "registry")

LAUNCHER = """
import json, runpy, sys, types
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec

mode, report, tool, *args = sys.argv[1:]
if mode != 'plain':
    import cfgkit.mmengine_hook as hook
    hook.install(registry=mode == 'registry')

import torch.nn as nn

_stubs = {}

def _stub_attribute(name):
    if name.startswith('__'):
        raise AttributeError(name)
    if name not in _stubs:
        def __init__(self, *args, **kwargs):
            nn.Module.__init__(self)
        _stubs[name] = type(name, (nn.Module,), {'__init__': __init__})
    return _stubs[name]

class _OpsStub(MetaPathFinder, Loader):
    # mmcv.ops and mmcv.ops.*: placeholders, since mmcv-lite has no compiled ops.
    def find_spec(self, fullname, path=None, target=None):
        if fullname == 'mmcv.ops' or fullname.startswith('mmcv.ops.'):
            return ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = _stub_attribute
        return module

    def exec_module(self, module):
        pass

sys.meta_path.insert(0, _OpsStub())

from mmengine.runner import Runner

_train = Runner.train

def train(self):
    # What the Runner built, recorded before train() goes on to fail on the missing data.
    with open(report, 'w') as file:
        json.dump({'params': sum(p.numel() for p in self.model.parameters()),
                   'hooks': [type(h).__name__ for h in self.hooks],
                   'cfg': type(self.cfg).__module__}, file)
    return _train(self)

Runner.train = train
sys.argv = [tool, *args]
runpy.run_path(tool, run_name='__main__')
"""


@pytest.fixture(scope="module")
def mmdet_tools() -> Path:
    for name in ("torch", "mmcv", "mmdet"):
        if importlib.util.find_spec(name) is None:
            pytest.skip(
                f"{name} is not installed: these tests need torch, mmcv-lite==2.1.0 and "
                "mmdet==3.3.0 (pip install torch mmcv-lite==2.1.0 mmdet==3.3.0)"
            )
    spec = importlib.util.find_spec("mmdet")
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).parent / ".mim"


def launch(mode: str, tool: Path, *args: str, cwd: Path, report: Path):
    environment = {k: v for k, v in os.environ.items() if k != "CFGKIT_MMENGINE"}
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [sys.executable, "-c", LAUNCHER, mode, str(report), str(tool), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=600,
        check=False,
    )


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def raised(text: str) -> str:
    """The exception line of a traceback (the registry half adds notes after it)."""
    lines = [line for line in text.splitlines() if re.match(r"[\w.]+(Error|Exception): ", line)]
    return lines[-1] if lines else ""


@pytest.mark.parametrize("name", list(CONFIGS))
def test_train_builds_the_same_runner_in_every_mode(mmdet_tools, tmp_path, name):
    config = mmdet_tools / "configs" / CONFIGS[name]
    found = {}
    for mode in MODES:
        work_dir = tmp_path / mode
        report = tmp_path / f"{mode}.json"
        done = launch(
            mode,
            mmdet_tools / "tools" / "train.py",
            str(config),
            "--work-dir",
            str(work_dir),
            cwd=tmp_path,
            report=report,
        )
        assert report.exists(), done.stderr[-3000:]
        dump = (work_dir / config.name).read_text(encoding="utf-8")
        found[mode] = {
            **json.loads(report.read_text(encoding="utf-8")),
            "dump": dump.replace(str(work_dir), "WORK_DIR"),
            "failure": raised(done.stderr),
            "status": done.returncode,
        }
    plain = found["plain"]
    assert plain["cfg"] == "mmengine.config.config"
    assert "instances_train2017.json" in plain["failure"]  # no data: where every mode stops
    for mode in ("hook", "registry"):
        assert found[mode]["cfg"] == "cfgkit.mmengine_hook"
        for key in ("params", "hooks", "dump", "failure", "status"):
            assert found[mode][key] == plain[key], (mode, key)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_print_config_prints_mmengines_text_in_every_mode(mmdet_tools, tmp_path, name):
    config = mmdet_tools / "configs" / CONFIGS[name]
    printed = {}
    for mode in MODES:
        done = launch(
            mode,
            mmdet_tools / "tools" / "misc" / "print_config.py",
            str(config),
            cwd=tmp_path,
            report=tmp_path / "unused.json",
        )
        assert done.returncode == 0, done.stderr[-3000:]
        lines = done.stdout.splitlines()
        printed[mode] = "\n".join(line for line in lines if "cfgkit 0.1.0 loaded" not in line)
    assert printed["hook"] == printed["plain"]
    assert printed["registry"] == printed["plain"]


def test_a_typo_is_named_with_its_file_line_and_key(mmdet_tools, tmp_path):
    base = mmdet_tools / "configs" / CONFIGS["retinanet"]
    typo = tmp_path / "typo.py"
    typo.write_text(
        textwrap.dedent(
            f"""
            _base_ = [{str(base)!r}]
            model = dict(neck=dict(type='FPNN'))
            """
        ).lstrip(),
        encoding="utf-8",
    )
    failures = {}
    for mode in MODES:
        done = launch(
            mode,
            mmdet_tools / "tools" / "train.py",
            str(typo),
            "--work-dir",
            str(tmp_path / mode),
            cwd=tmp_path,
            report=tmp_path / f"{mode}.json",
        )
        assert done.returncode != 0
        failures[mode] = done.stderr
    assert "FPNN is not in the mmdet::model registry" in failures["plain"]
    assert "typo.py" not in last_line(failures["plain"])
    assert "Did you mean 'FPN'" in failures["registry"]
    assert "model.neck" in failures["registry"]
    assert f"{typo}:2" in failures["registry"]
