"""``Config.fromfile(..., texts=...)``: texts that stand for files (an editor's unsaved buffers)."""

from __future__ import annotations

import pytest

from cfgkit import Config
from cfgkit.errors import ConfigFileNotFoundError


@pytest.fixture
def chain(write_config):
    base = write_config("base.py", "depth = 50\nmodel = dict(depth=depth, width=1)\n")
    child = write_config("child.py", "_base_ = ['base.py']\nmodel = dict(width=2)\n")
    return base, child


def test_a_given_text_replaces_the_config_itself(chain):
    _, child = chain
    texts = {str(child): "_base_ = ['base.py']\nmodel = dict(width=3)\n"}
    cfg = Config.fromfile(child, texts=texts)
    assert cfg.model.width == 3
    assert cfg.provenance("model.width")[-1].lineno == 2


def test_a_given_text_replaces_a_base_and_the_cache_never_answers_for_it(chain):
    base, child = chain
    assert Config.fromfile(child).model.depth == 50  # now in the parse cache
    edited = {str(base): "model = dict(depth=101, width=1)\n"}
    cfg = Config.fromfile(child, texts=edited)
    assert cfg.model.depth == 101
    assert cfg.provenance("model.depth")[0].filename == str(base)
    assert Config.fromfile(child).model.depth == 50  # the disk again, not the given text
    assert Config.fromfile(child, texts=edited).model.depth == 101


def test_a_given_text_stands_for_a_file_that_does_not_exist(chain, tmp_path):
    _, child = chain
    new = tmp_path / "new_base.py"
    texts = {str(child): "_base_ = ['new_base.py']\n", str(new): "lr = 0.1\n"}
    assert Config.fromfile(child, texts=texts).lr == 0.1
    with pytest.raises(ConfigFileNotFoundError, match=r"new_base\.py"):
        Config.fromfile(child, texts={str(child): "_base_ = ['new_base.py']\n"})


def test_given_texts_reach_safe_loading_and_stale_references(chain):
    _, child = chain
    texts = {str(child): "_base_ = ['base.py']\ndepth = 101\n"}
    cfg = Config.fromfile(child, safe=True, texts=texts)
    assert cfg.depth == 101
    assert [s.key for s in cfg.stale_references()] == ["model.depth"]
