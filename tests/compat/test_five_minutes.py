"""docs/five-minutes.md runs as written on the real mmdet 3.3.0 wheel: its config is written
into a fresh project, mmdet's wheel (unpacked) is importable as if installed, mmcv's
sources stand where the page's recipe unpacks them, and every `$ cfgkit` command of its
console blocks prints the lines shown (`...` stands for lines left out)."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

from cfgkit.cli import main
from cfgkit.config import clear_cache
from tests.compat.corpus import site_and_sources

pytestmark = [pytest.mark.corpus]

PAGE = Path(__file__).parents[2] / "docs" / "five-minutes.md"
CONSOLE = re.compile(r"```console\n(.*?)```", re.DOTALL)
CONFIG = re.compile(r"```python\n(_base_ = .*?)```", re.DOTALL)


def commands():
    for index, match in enumerate(CONSOLE.finditer(PAGE.read_text(encoding="utf-8"))):
        yield pytest.param(match.group(1), id=f"console-{index}")


@pytest.fixture
def project(tmp_path, monkeypatch):
    site, sources = site_and_sources()
    (config,) = CONFIG.findall(PAGE.read_text(encoding="utf-8"))
    (tmp_path / "faster_rcnn_r101_voc.py").write_text(config, encoding="utf-8")
    (tmp_path / "mmcv-2.1.0").mkdir()
    (tmp_path / "mmcv-2.1.0" / "mmcv").symlink_to(sources / "mmcv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    clear_cache()  # package folders are looked up again with mmdet on the path
    yield tmp_path
    clear_cache()


@pytest.mark.parametrize("block", list(commands()))
def test_the_five_minute_page_prints_what_it_shows(project, block, capsys):
    command, *shown = block.rstrip("\n").splitlines()
    words = shlex.split(command)
    assert words[:2] == ["$", "cfgkit"]
    main(words[2:])
    captured = capsys.readouterr()
    printed = (captured.out + captured.err).splitlines()
    for line in shown:
        if line != "...":
            assert line in printed, "\n".join(printed)
