"""Every config of eight more OpenMMLab projects (mmseg, mmpose, mmdet3d, mmocr, mmaction2,
mmyolo, mmagic, mmrotate) loads in cfgkit exactly as in mmengine 0.10.7: where mmengine loads
a config, cfgkit's ``to_dict()`` is identical (keys, order, types, values). Each Python
compares half of them (see ``EVERY_OTHER``).

The loader's fast paths (configs that read ``_base_`` compiled without a syntax tree, the
style decided without one, YAML built from PyYAML's nodes) meet configs written by other
teams here.
"""

from __future__ import annotations

import os
import sys
import warnings

import pytest

from cfgkit import Config
from tests.compat.corpus import CONFIG_SUFFIXES, MORE_WHEELS, ensure_corpus, ensure_more
from tests.compat.trees import first_difference

pytestmark = [pytest.mark.compat, pytest.mark.corpus]

PACKAGES = sorted(package for package, _ in MORE_WHEELS.values())


@pytest.fixture(scope="module")
def more_site():
    site, reason = ensure_corpus()
    more, reason_more = ensure_more()
    if site is None or more is None:
        pytest.skip(reason or reason_more)
    # mmdet and mmpretrain beside them, for their `mmdet::` bases.
    sys.path[:0] = [str(more), str(site)]
    try:
        yield more
    finally:
        sys.path.remove(str(more))
        sys.path.remove(str(site))


def load(loader, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return loader(str(path), import_custom_modules=False, lazy_import=False).to_dict()
        except Exception as error:
            return error


# mmengine takes ~17 ms a config: Pythons before 3.12 compare the even-numbered configs, later
# ones the odd-numbered, so that CI's two (3.9 and 3.13) cover all of them between them.
# CFGKIT_MORE_PARITY=all compares every config.
EVERY_OTHER = os.environ.get("CFGKIT_MORE_PARITY") != "all"
HALF = 1 if sys.version_info >= (3, 12) else 0


@pytest.mark.parametrize("package", PACKAGES)
def test_every_config_loads_as_in_mmengine(more_site, mmengine_config, package):
    folder = more_site / package / ".mim" / "configs"
    files = sorted(p for p in folder.rglob("*") if p.suffix in CONFIG_SUFFIXES)
    assert files, folder
    if EVERY_OTHER:
        files = files[HALF::2]
    compared, problems = 0, []
    for path in files:
        expected = load(mmengine_config.fromfile, path)
        if isinstance(expected, Exception):
            continue  # configs mmengine cannot load either (missing packages, old syntax)
        actual = load(Config.fromfile, path)
        if isinstance(actual, Exception):
            problems.append(f"{path.relative_to(folder)}: cfgkit raised {actual!r}")
            continue
        difference = first_difference(expected, actual)
        if difference:
            problems.append(f"{path.relative_to(folder)}: {difference}")
        compared += 1
    assert not problems, "\n".join(problems[:20])
    assert compared > 0.9 * len(files), (compared, len(files))
