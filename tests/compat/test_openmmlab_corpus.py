"""Every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels loads exactly as in mmengine.

For each config mmengine 0.10.7 loads, cfgkit's ``to_dict()`` is identical (keys, order,
types); for each config mmengine rejects, cfgkit raises an error of the same builtin class.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections import Counter

import pytest

from cfgkit import Config
from tests.compat.corpus import config_files, ensure_corpus
from tests.compat.trees import builtin_family, first_difference

pytestmark = [pytest.mark.compat, pytest.mark.corpus]


@pytest.fixture(scope="module")
def corpus():
    site, reason = ensure_corpus()
    if site is None:
        pytest.skip(reason)
    # Not monkeypatch.syspath_prepend: its importlib.invalidate_caches() call can fail on
    # Python 3.9 ("dictionary changed size during iteration"); a new entry needs no reset.
    sys.path.insert(0, str(site))
    try:
        yield site
    finally:
        sys.path.remove(str(site))


def load(loader, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return loader(str(path), import_custom_modules=False, lazy_import=False).to_dict()
        except Exception as error:
            return error


def test_every_corpus_config_loads_as_in_mmengine(corpus, mmengine_config):
    files = config_files(corpus)
    assert len(files) > 1500, "the corpus looks incomplete"
    outcomes: Counter[str] = Counter()
    problems = []
    for path in files:
        expected = load(mmengine_config.fromfile, path)
        actual = load(Config.fromfile, path)
        if isinstance(expected, Exception):
            family = builtin_family(expected)
            if isinstance(actual, Exception) and (family is None or isinstance(actual, family)):
                outcomes["rejected by both"] += 1
                continue
            problems.append(f"{path}: mmengine raised {expected!r}, cfgkit gave {actual!r:.200}")
        elif isinstance(actual, Exception):
            problems.append(f"{path}: cfgkit raised {actual!r}")
        else:
            difference = first_difference(expected, actual)
            if difference is None:
                outcomes["identical"] += 1
                continue
            problems.append(f"{path}: {difference}")
        outcomes["different"] += 1
    print(f"\ncorpus of {len(files)} configs: {dict(outcomes)}")
    assert not problems, "\n".join(problems[:20])


def test_metafiles_name_configs_with_their_extension(corpus):
    # mmengine looks `pkg::dir/name.py` up in the package's metafiles as 'dir/name' (the
    # extension cut off) against entries written 'configs/dir/name.py', so the lookup only
    # matches an entry without an extension. cfgkit goes straight to .mim/configs/; this
    # checks that no real metafile has such an entry, i.e. that both find the same file.
    # (An entry without '/' gives the empty name, which no `pkg::dir/name` can look up.)
    entry = re.compile(r"^\s*Config:\s*(\S+)", re.MULTILINE)
    metafiles = [p for p in corpus.rglob("metafile.yml")]
    assert metafiles
    for metafile in metafiles:
        for config in entry.findall(metafile.read_text(encoding="utf-8")):
            name = config.partition("/")[2]
            assert name == "" or "." in name, f"{metafile}: {config}"
