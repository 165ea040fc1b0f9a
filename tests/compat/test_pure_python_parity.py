"""Differential test: pure-Python configs load in cfgkit as in mmengine 0.10.7.

The configs in tests/data/configs/pure are laid out like a project (a _base_ package of
models, datasets, schedules and runtime; configs inheriting over two levels and changing
inherited dicts and lists in place; classes from a fake package). Lazy objects compare as
their import paths, as ``to_dict()`` writes them.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from cfgkit import Config
from tests.compat.trees import first_difference

pytestmark = pytest.mark.compat

DATA = Path(__file__).parents[1] / "data"
CONFIGS = sorted((DATA / "configs" / "pure").glob("*.py"))


@pytest.fixture(autouse=True)
def fake_packages():
    sys.path.insert(0, str(DATA / "packages"))
    yield
    sys.path.remove(str(DATA / "packages"))


def names_for_functions(tree):
    # read_base is a different function object in each library; compare it by name.
    return {k: getattr(v, "__name__", v) if callable(v) else v for k, v in tree.items()}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_same_dict_as_mmengine(mmengine_config, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = mmengine_config.fromfile(str(path))
    actual = Config.fromfile(path)
    assert first_difference(expected.to_dict(), actual.to_dict()) is None
    assert (
        first_difference(
            names_for_functions(expected.to_dict(keep_imported=True)),
            names_for_functions(actual.to_dict(keep_imported=True)),
        )
        is None
    )
    text = Config.fromfile(path, format_python_code="yapf").pretty_text
    if "{{" in expected.pretty_text:
        # mmengine writes such strings as they are, and its dump then substitutes them;
        # cfgkit splits them ('{' '{x}}') so that they load back (docs/compat.md).
        assert text == expected.pretty_text.replace("'{{", "'{' '{")
    else:
        assert text == expected.pretty_text
