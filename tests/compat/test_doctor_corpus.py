"""The registry doctor on the real mmdet 3.3.0 sources, read and never imported (mmdet#11762:
"Mask2Former is not in the mmengine::model registry"): at build time through cfgkit's
registries, with its cost on a warm index cache, and in ``cfgkit check``."""

from __future__ import annotations

import sys
import time

import pytest

from cfgkit import Config, errors
from cfgkit.checking import check, static_index
from cfgkit.registry import Registry
from tests.compat.corpus import corpus_on_path

pytestmark = [pytest.mark.corpus]

SCOPE_FIX = "default_scope = 'mmdet'  # or type='mmdet.Mask2Former'"


@pytest.fixture(scope="module")
def mmdet_site():
    with corpus_on_path() as found:
        yield found


def test_a_build_in_mmengines_scope_names_mmdet_within_a_second(mmdet_site):
    # The Runner of a config without default_scope builds from mmengine's root registry.
    root = Registry("model", scope="mmengine")
    Registry("model", parent=root, scope="mmdet")
    started = time.perf_counter()
    with pytest.raises(errors.NotRegisteredError) as caught:
        root.build(dict(type="Mask2Former"))
    first = time.perf_counter() - started
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("Mask2Former is not in the mmengine::model registry. Please")
    assert lines[1].startswith("  why (other scope): 'Mask2Former' is registered in scope 'mmdet'")
    assert "mmdet/models/detectors/mask2former.py:" in lines[1]
    assert lines[2] == f"  fix: {SCOPE_FIX}"
    assert not any(m == "mmdet" or m.startswith("mmdet.") for m in sys.modules)
    started = time.perf_counter()
    with pytest.raises(errors.NotRegisteredError, match="why \\(other scope\\): 'DINO'"):
        root.build(dict(type="DINO"))
    again = time.perf_counter() - started
    # The first failure reads mmdet's and mmengine's summaries from the index cache (about
    # 0.5 s here); later ones reuse the index.
    assert first < 5
    assert again < 1


def test_check_names_mmdets_scope_for_a_config_built_in_mmengines(mmdet_site, tmp_path):
    _, path = mmdet_site
    config = tmp_path / "mask2former.py"
    config.write_text("default_scope = 'mmengine'\nmodel = dict(type='Mask2Former')\n")
    cfg = Config.fromfile(str(config))
    index = static_index(cfg, scan=["mmdet"], path=path)
    problems = {p.key: p for p in check(cfg, index=index, references=False)}
    problem = problems["model.type"]
    assert problem.severity == "error"
    assert problem.cause == "other scope"
    assert problem.fix == SCOPE_FIX


def test_check_refuses_an_mmdet_transform_under_model(mmdet_site, tmp_path):
    _, path = mmdet_site
    config = tmp_path / "transform_as_model.py"
    config.write_text(
        "default_scope = 'mmdet'\n"
        "model = dict(type='PackDetInputs')\n"
        "train_pipeline = [dict(type='PackDetInputs')]\n"
    )
    cfg = Config.fromfile(str(config))
    problems = {p.key: p for p in check(cfg, index=static_index(cfg, path=path), references=False)}
    assert problems["model.type"].cause == "other registry"
    assert problems["model.type"].message.startswith("'PackDetInputs' is a transform, but model")
    assert "train_pipeline.0.type" not in problems
