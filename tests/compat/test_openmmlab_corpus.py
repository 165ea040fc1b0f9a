"""Every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels, compared with mmengine 0.10.7.

- Loading: for each config mmengine loads, cfgkit's ``to_dict()`` is identical (keys, order,
  types); for each config mmengine rejects, cfgkit raises an error of the same builtin class.
- Writing: every loadable config dumped to ``.py``, ``.yaml`` and ``.json`` loads back to the
  same dict (JSON: up to tuples becoming lists); mmengine's text before yapf is reproduced byte
  for byte for every config, and its yapf-formatted ``pretty_text`` for a sample.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections import Counter

import pytest

from cfgkit import Config
from cfgkit._key_paths import leaf_paths
from tests.compat.corpus import config_files, configs_folder, ensure_corpus
from tests.compat.trees import builtin_family, first_difference

pytestmark = [pytest.mark.compat, pytest.mark.corpus]
YAPF_SAMPLE_EVERY = 40  # yapf takes ~0.2 s per config; the raw text is compared for all


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
            return loader(str(path), import_custom_modules=False, lazy_import=False)
        except Exception as error:
            return error


@pytest.fixture(scope="module")
def loaded(corpus, mmengine_config):
    """(path, mmengine result, cfgkit result) for every config; a result may be an error."""
    return [
        (path, load(mmengine_config.fromfile, path), load(Config.fromfile, path))
        for path in config_files(corpus)
    ]


def test_every_corpus_config_loads_as_in_mmengine(loaded):
    assert len(loaded) > 1500, "the corpus looks incomplete"
    outcomes: Counter[str] = Counter()
    problems = []
    for path, expected, actual in loaded:
        if isinstance(expected, Exception):
            family = builtin_family(expected)
            if isinstance(actual, Exception) and (family is None or isinstance(actual, family)):
                outcomes["rejected by both"] += 1
                continue
            problems.append(f"{path}: mmengine raised {expected!r}, cfgkit gave {actual!r:.200}")
        elif isinstance(actual, Exception):
            problems.append(f"{path}: cfgkit raised {actual!r}")
        else:
            difference = first_difference(expected.to_dict(), actual.to_dict())
            if difference is None:
                outcomes["identical"] += 1
                continue
            problems.append(f"{path}: {difference}")
        outcomes["different"] += 1
    print(f"\ncorpus of {len(loaded)} configs: {dict(outcomes)}")
    assert not problems, "\n".join(problems[:20])


def lists_for_tuples(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("file_format", ["py", "yaml", "json"])
def test_every_corpus_config_dumps_and_loads_back(loaded, tmp_path, file_format):
    problems = []
    count = 0
    for path, _, cfg in loaded:
        if isinstance(cfg, Exception):
            continue
        count += 1
        target = tmp_path / f"dumped.{file_format}"
        try:
            cfg.dump(target)
            again = Config.fromfile(target, import_custom_modules=False).to_dict()
        except Exception as error:
            problems.append(f"{path}: {error!r:.300}")
            continue
        expected = cfg.to_dict()
        if file_format == "json":
            expected = lists_for_tuples(expected)
        # .py keeps the key order; YAML writes keys sorted, as mmengine does.
        difference = first_difference(expected, again, ordered=file_format != "yaml")
        if difference:
            problems.append(f"{path}: {difference}")
    print(f"\n{count} configs dumped to .{file_format} and loaded back, {len(problems)} problems")
    assert not problems, "\n".join(problems[:20])


def test_raw_text_is_mmengines_byte_for_byte(loaded):
    compared = 0
    for path, mm_cfg, cfg in loaded:
        if isinstance(cfg, Exception):
            continue
        object.__setattr__(mm_cfg, "_format_python_code", False)
        object.__setattr__(cfg, "_format_python_code", False)
        assert cfg.pretty_text == mm_cfg.pretty_text, path
        compared += 1
    print(f"\nraw text identical for {compared} configs")


def test_yapf_style_is_mmengines_pretty_text_byte_for_byte(loaded):
    # Pythons before 3.12 take one half of the sample, later ones the other: CI's two (3.9 and
    # 3.13) compare all of it between them, in half the time each.
    half = YAPF_SAMPLE_EVERY if sys.version_info >= (3, 12) else 0
    sample = [item for item in loaded if not isinstance(item[2], Exception)][
        half :: 2 * YAPF_SAMPLE_EVERY
    ]
    for path, mm_cfg, cfg in sample:
        object.__setattr__(mm_cfg, "_format_python_code", True)
        object.__setattr__(cfg, "_format_python_code", "yapf")
        assert cfg.pretty_text == mm_cfg.pretty_text, path
    print(f"\nyapf-formatted text identical for {len(sample)} configs")


def test_metafiles_name_configs_with_their_extension(corpus):
    # mmengine looks `pkg::dir/name.py` up in the package's metafiles as 'dir/name' (the
    # extension cut off) against entries written 'configs/dir/name.py', so the lookup only
    # matches an entry without an extension. cfgkit goes straight to .mim/configs/; this
    # checks that no real metafile has such an entry, i.e. that both find the same file.
    # (An entry without '/' gives the empty name, which no `pkg::dir/name` can look up.)
    entry = re.compile(r"^\s*Config:\s*(\S+)", re.MULTILINE)
    metafiles = list(corpus.rglob("metafile.yml"))
    assert metafiles
    for metafile in metafiles:
        for config in entry.findall(metafile.read_text(encoding="utf-8")):
            name = config.partition("/")[2]
            assert name == "" or "." in name, f"{metafile}: {config}"


def test_every_leaf_is_traced_to_the_line_that_wrote_it(loaded):
    # The final record of every leaf names an existing file and a line that writes the
    # value: the line holds the name of a key on the path (the key itself, or the deepest
    # one written there), or builds it with a `**spread`, or starts the statement of its
    # top-level key. What falls outside is counted by kind and must stay rare.
    lines_of: dict = {}
    total = 0
    outside: Counter[str] = Counter()
    for _, _, cfg in loaded:
        if isinstance(cfg, Exception):
            continue
        for leaf, _ in leaf_paths(cfg.to_dict()):
            total += 1
            record = cfg.provenance(leaf)[-1]
            if record.filename is None or record.lineno is None:
                outside["no file or line"] += 1
                continue
            if record.filename not in lines_of:
                with open(record.filename, encoding="utf-8") as stream:
                    lines_of[record.filename] = stream.read().splitlines()
            line = lines_of[record.filename][record.lineno - 1]
            names = [part for part in leaf if isinstance(part, str)]
            if any(name in line for name in names) or "**" in line:
                continue
            if names and line.lstrip().startswith(names[0]):
                continue
            outside["line without the key"] += 1
    share = 1 - sum(outside.values()) / total
    print(f"\n{total} leaves traced, {share:.4%} to the line that wrote them: {dict(outside)}")
    assert share >= 0.999


PACKAGE_BASE = re.compile(r"""['"]\w+::\w""")


def test_package_bases_are_resolved_and_compared_with_their_scope(loaded):
    # The wheels are unpacked with their .dist-info beside them, which is an installation
    # for both loaders: mmengine finds the packages through pkg_resources, cfgkit through
    # importlib. Every config that names a `pkg::` base must load in both, `_scope_` equal.
    with_packages = [
        item for item in loaded if PACKAGE_BASE.search(item[0].read_text(encoding="utf-8"))
    ]
    assert len(with_packages) >= 3
    scoped = 0
    for path, expected, actual in with_packages:
        assert not isinstance(expected, Exception), f"mmengine cannot load {path}: {expected!r}"
        assert not isinstance(actual, Exception), f"cfgkit cannot load {path}: {actual!r}"
        assert first_difference(expected.to_dict(), actual.to_dict()) is None, path
        scoped += "'_scope_'" in repr(actual.to_dict())
    assert scoped == len(with_packages)
    print(f"\n{len(with_packages)} configs with package bases compared, _scope_ included")


# Stale copies the issue names that are in these two wheels (real bugs, see
# docs/references.md): each config, and key paths that must be among its findings.
KNOWN_STALE = {
    "simple_copy_paste/mask-rcnn_r50_fpn_rpn-2conv_4conv1fc_syncbn-all_32xb2-ssj-90k_coco.py": {
        "train_cfg.max_iters"
    },
    "simple_copy_paste/mask-rcnn_r50_fpn_rpn-2conv_4conv1fc_syncbn-all_32xb2-ssj-scp-90k_coco.py": {
        "train_cfg.max_iters"
    },
    **{
        f"efficientnet_v2/efficientnetv2-{size}_8xb32_in21k.py": {
            "train_dataloader.dataset.type",
            "val_dataloader.dataset.type",
            "test_dataloader.dataset.type",
        }
        for size in ("s", "m", "l", "xl")
    },
    "resnest/resnest200_64xb32_in1k.py": {
        "train_dataloader.dataset.pipeline",
        "val_dataloader.dataset.pipeline",
    },
}


def test_stale_copies_are_found_and_following_changes_only_them(loaded):
    found = {}
    for path, _, actual in loaded:
        if isinstance(actual, Exception):
            continue
        stale = actual.stale_references()
        if not stale:
            continue
        relative = path.as_posix().split(".mim/configs/")[-1]
        found[relative] = stale
        for reference in stale:
            assert reference.value != reference.expected, (relative, reference)
            assert (
                reference.filename is None
                or reference.filename != reference.bound_filename
                or (reference.lineno != reference.bound_lineno)
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            followed = Config.fromfile(
                str(path), import_custom_modules=False, follow_references=True
            )
        assert followed.stale_references() == [], relative
        # Following gives each stale copy its variable's value and changes nothing else.
        expected = actual.to_dict()
        for reference in stale:
            node = expected
            for key in reference.path[:-1]:
                node = node[key]
            node[reference.path[-1]] = reference.expected
        assert (
            first_difference(lists_for_tuples(expected), lists_for_tuples(followed.to_dict()))
            is None
        )
    for name, keys in KNOWN_STALE.items():
        assert name in found, f"{name}: no stale copy found"
        missing = keys - {reference.key for reference in found[name]}
        assert not missing, f"{name}: {sorted(missing)} not found"
    severities = Counter(reference.severity for stale in found.values() for reference in stale)
    print(f"\nstale copies in {len(found)} configs: {dict(severities)}")


def test_every_corpus_config_loads_identically_in_safe_mode(loaded):
    """Safe mode (no exec) gives the normal result for every config; only scripts are refused."""
    from cfgkit.errors import UnsafeConfigError

    refused, problems = [], []
    imports_nothing = 0
    for path, _, actual in loaded:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                safe = Config.fromfile(
                    str(path), safe=True, lazy_import=False, safe_root=configs_folder(path)
                )
        except UnsafeConfigError as error:
            refused.append(f"{path.name}: {error.message}")
            continue
        except Exception as error:
            if not isinstance(actual, Exception):
                problems.append(f"{path}: safe mode raised {error!r}")
            continue
        if isinstance(actual, ImportError):
            imports_nothing += 1  # safe mode never imports, so a missing package is no error
            continue
        if isinstance(actual, Exception):
            problems.append(f"{path}: safe mode loads what a normal load rejects ({actual!r})")
            continue
        difference = first_difference(actual.to_dict(), safe.to_dict())
        if difference is not None:
            problems.append(f"{path}: {difference}")
    print(
        f"\nsafe mode refused {len(refused)} files: {sorted(set(refused))}; "
        f"loaded {imports_nothing} whose imports fail in a normal load"
    )
    assert not problems, "\n".join(problems[:20])
    # The refused files are scripts that define and call functions, not configs.
    assert len(refused) <= 4, refused
