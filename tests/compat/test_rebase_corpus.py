"""``cfgkit rebase`` on the corpus: every official classic child config rebased onto its own
bases and written beside it loads in mmengine 0.10.7 exactly as the original (order aside,
types exact) and sets no more leaves than the official child; flat dumps rebased onto the
bases they came from give the config again (a config that edits its bases in place,
``_base_.x.y = ...``, is credited by provenance with only what it changed, so its leaves are
not compared); Faster R-CNN rebased onto Mask R-CNN's bases
writes exactly the keys ``cfgkit diff`` reports. Each Python rebases half of the children
(see ``HALF``); ``CFGKIT_REBASE_CORPUS=all`` rebases every one.
"""

from __future__ import annotations

import ast
import os
import shutil
import sys

import pytest

from cfgkit import Config
from cfgkit.cli import main
from cfgkit.config import rebase
from tests.compat.corpus import WHEELS, ensure_corpus
from tests.compat.rebasing import (
    children,
    edits_bases_in_place,
    own_bases,
    own_leaves,
    quiet_load,
    same,
)

pytestmark = [pytest.mark.compat, pytest.mark.corpus]

# Pythons before 3.12 rebase the even-numbered children, later ones the odd-numbered, so that
# CI's two (3.9 and 3.13) cover all of them between them.
EVERY_OTHER = os.environ.get("CFGKIT_REBASE_CORPUS") != "all"
HALF = 1 if sys.version_info >= (3, 12) else 0


@pytest.fixture(scope="module")
def configs(tmp_path_factory):
    """A copy of the corpus's config folders, to write rebased children beside the originals."""
    site, reason = ensure_corpus()
    if site is None:
        pytest.skip(reason)
    copy = tmp_path_factory.mktemp("corpus")
    for package in WHEELS:
        shutil.copytree(site / package / ".mim" / "configs", copy / package)
    sys.path.insert(0, str(site))  # for `pkg::` bases
    try:
        yield copy
    finally:
        sys.path.remove(str(site))


@pytest.mark.parametrize("package", sorted(WHEELS))
def test_every_child_rebased_onto_its_bases_loads_the_same(configs, mmengine_config, package):
    files = children(configs / package)
    assert len(files) > 300, len(files)
    if EVERY_OTHER:
        files = files[HALF::2]
    compared, problems = 0, []
    for path in files:
        expected = quiet_load(mmengine_config.fromfile, path)
        if isinstance(expected, Exception):
            continue  # configs mmengine cannot load either
        out = path.with_name(f"{path.stem}_rebased.py")
        try:
            out.write_text(rebase(str(path), filename=out), encoding="utf-8")
        except Exception as error:
            problems.append(f"{path.name}: {error!r}")
            continue
        actual = quiet_load(mmengine_config.fromfile, out)
        compared += 1
        if isinstance(actual, Exception) or not same(actual, expected):
            problems.append(f"{path.name}: mmengine loads the child differently")
        elif edits_bases_in_place(path.read_text(encoding="utf-8")):
            continue  # provenance credits such a file with only what changed in the bases
        elif own_leaves(str(out)) > own_leaves(str(path)):
            problems.append(f"{path.name}: the child sets more leaves than the official one")
    assert not problems, "\n".join(problems[:20])
    assert compared > 0.9 * len(files), (compared, len(files))


def test_flat_dumps_rebased_onto_their_bases_give_the_config(configs, mmengine_config):
    files = children(configs / "mmdet")[HALF::40] + children(configs / "mmpretrain")[HALF::40]
    problems = []
    for path in files:
        expected = quiet_load(mmengine_config.fromfile, path)
        if isinstance(expected, Exception):
            continue
        flat = path.with_name(f"{path.stem}_flat.py")
        Config.fromfile(str(path), import_custom_modules=False).dump(str(flat))
        out = path.with_name(f"{path.stem}_from_flat.py")
        out.write_text(rebase(str(flat), own_bases(path), filename=out), encoding="utf-8")
        if not same(quiet_load(mmengine_config.fromfile, out), expected):
            problems.append(f"{path.name}: mmengine loads the child differently")
        elif edits_bases_in_place(path.read_text(encoding="utf-8")):
            continue
        elif own_leaves(str(out)) > own_leaves(str(path)):
            problems.append(f"{path.name}: the child sets more leaves than the config")
    assert not problems, "\n".join(problems)


def written_paths(text):
    """The key paths a child writes: ``del _base_.a.b`` and each leaf of its assignments
    (a list, a variable or a ``_base_`` reference is one leaf)."""
    found = set()

    def walk(node, path):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dict":
            for keyword in node.keywords:
                if keyword.arg != "_delete_":
                    walk(keyword.value, (*path, keyword.arg))
        else:
            found.add(path)

    for statement in ast.parse(text).body:
        if isinstance(statement, ast.Delete):
            names = []
            node = statement.targets[0]
            while isinstance(node, ast.Attribute):
                names.insert(0, node.attr)
                node = node.value
            found.add(tuple(names))
        elif isinstance(statement, ast.Assign) and statement.targets[0].id != "_base_":
            walk(statement.value, (statement.targets[0].id,))
    return found


def test_a_config_rebased_onto_a_siblings_bases_writes_what_diff_reports(
    configs, mmengine_config, capsys
):
    faster = configs / "mmdet" / "faster_rcnn" / "faster-rcnn_r50_fpn_1x_coco.py"
    mask = configs / "mmdet" / "mask_rcnn" / "mask-rcnn_r50_fpn_1x_coco.py"
    out = mask.with_name("faster-rcnn_onto_mask-rcnn_bases.py")
    out.write_text(rebase(str(faster), own_bases(mask), filename=out), encoding="utf-8")
    assert same(
        quiet_load(mmengine_config.fromfile, out), quiet_load(mmengine_config.fromfile, faster)
    )
    assert main(["diff", str(mask), str(faster)]) == 1
    reported = set()
    for line in capsys.readouterr().out.splitlines():
        key = line[2:].split(" = ")[0].split(": ")[0]
        reported.add(tuple(int(p) if p.isdigit() else p for p in key.split(".")))
    written = written_paths(out.read_text(encoding="utf-8"))
    assert written, out.read_text()
    # Every key diff reports is written (or lies in a list or variable written whole), and
    # nothing else is.
    assert all(any(key[: len(path)] == path for path in written) for key in reported)
    assert all(any(key[: len(path)] == path for key in reported) for path in written)
