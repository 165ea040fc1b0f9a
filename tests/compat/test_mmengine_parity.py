"""Differential test: cfgkit and mmengine 0.10.7 load the test configs to the same dict."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from cfgkit import Config
from tests.compat.trees import builtin_family, first_difference

pytestmark = pytest.mark.compat

CONFIGS = Path(__file__).parents[1] / "data" / "configs"
GOOD = sorted(
    p
    for folder in ("py", "json", "yaml")
    for p in (CONFIGS / folder).rglob("*")
    if p.suffix in (".py", ".json", ".yaml", ".yml")
)
ENVIRONMENT = {"CFGKIT_TEST_DATA_ROOT": "/mnt/data", "CFGKIT_TEST_NUM_CLASSES": "7"}

CYCLE = "mmengine recurses until RecursionError, or crashes in its cleanup on Python 3.9"
# Bad inputs where cfgkit differs from mmengine on purpose (docs/compat.md says why).
INTENDED = {
    "unsafe_tag.yaml": "mmengine runs the command; never load it with mmengine",
    "cycle_a.py": CYCLE,
    "cycle_b.py": CYCLE,
    "self_base.py": CYCLE,
    "missing_package.py": "mmengine only knows a fixed list of OpenMMLab packages",
}
BAD = sorted(p for p in (CONFIGS / "bad").glob("*.*") if p.name not in INTENDED)


def load_both(mmengine_config, path, monkeypatch, **mmengine_options):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    outcomes = []
    for load in (
        lambda: mmengine_config.fromfile(str(path), **mmengine_options),
        lambda: Config.fromfile(path),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                outcomes.append(("ok", load().to_dict()))
            except Exception as error:
                outcomes.append(("error", error))
    return outcomes


@pytest.mark.parametrize("path", GOOD, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_same_dict_as_mmengine(mmengine_config, path, monkeypatch):
    # mmengine's style detection misfiles `import os.path` on Python 3.11+ (compat.md);
    # cfgkit loads with detection on, mmengine with it off.
    (kind, expected), (_, actual) = load_both(mmengine_config, path, monkeypatch, lazy_import=False)
    if kind == "error":
        pytest.fail(f"mmengine cannot load {path}: {expected!r}")
    assert first_difference(expected, actual) is None


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_same_error_family_as_mmengine(mmengine_config, path, monkeypatch):
    (kind, expected), (cfgkit_kind, actual) = load_both(mmengine_config, path, monkeypatch)
    assert kind == cfgkit_kind == "error", (expected, actual)
    family = builtin_family(expected)
    if family is not None:
        assert isinstance(actual, family), (expected, actual)
