"""`cfgkit check` on every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels, against a
static index of their sources, mmengine 0.10.7's and mmcv 2.1.0's (no torch, nothing
imported).

- No false alarms: the configs with an error are exactly those below, each a real mistake
  that fails when the config is built.
- Fault injection: misspelt types and keywords planted in real configs (in the config itself
  and in a base two levels up) are each found at the file, line and key path they were written.
"""

from __future__ import annotations

import ast
import random
import re
import shutil
import warnings
from pathlib import Path

import pytest

from cfgkit import Config, check
from cfgkit.checking import static_index
from cfgkit.config import clear_cache
from tests.compat.corpus import config_files, corpus_on_path

pytestmark = [pytest.mark.corpus]

# Every error check reports in the official configs, and why it is a real mistake.
KNOWN_ERRORS = {
    # A metric registered as MOTChallengeMetric.
    "mmdet/bytetrack/bytetrack_yolox_x_8xb4-80e_crowdhuman-mot20train_test-mot20test.py": {
        "test_evaluator.type"
    },
    "mmdet/bytetrack/bytetrack_yolox_x_8xb4-amp-80e_crowdhuman-mot20train_test-mot20test.py": {
        "test_evaluator.type"
    },
    # The VOC base's VOCMetric(eval_mode=...) merged into a CocoMetric without _delete_.
    "mmdet/pascal_voc/faster-rcnn_r50_fpn_1x_voc0712-cocofmt.py": {"val_evaluator.eval_mode"},
    # train_cfg keeps the base's type='EpochBasedTrainLoop' and gets by_epoch, which only a
    # train_cfg without a type takes.
    "mmdet/solov2/solov2-light_r18_fpn_ms-3x_coco.py": {"train_cfg.by_epoch"},
    "mmdet/solov2/solov2-light_r34_fpn_ms-3x_coco.py": {"train_cfg.by_epoch"},
    "mmdet/solov2/solov2-light_r50-dcn_fpn_ms-3x_coco.py": {"train_cfg.by_epoch"},
    "mmdet/solov2/solov2-light_r50_fpn_ms-3x_coco.py": {"train_cfg.by_epoch"},
    "mmpretrain/maskfeat/benchmarks/vit-base-p16_8xb256-coslr-100e_in1k.py": {"train_cfg.by_epoch"},
    # A keyword of a fork's FPN; mmdet 3.3's FPN does not take it.
    "mmdet/v3det/fcos_swinb_fpn_8x4_sample1e-3_mstrain_v3det_2x.py": {
        "model.neck.force_grad_on_level"
    },
    # mmcls 0.x pipelines (size=, flip_prob=) left in mmpretrain 1.2's bases.
    **{
        f"mmpretrain/_base_/datasets/imagenet_bs64_clip_{size}.py": {
            "data.train.pipeline.1.size",
            "data.train.pipeline.2.flip_prob",
            "data.val.pipeline.1.size",
        }
        for size in (224, 384, 448)
    },
    # Metrics and a batch augment that mmpretrain 1.2 no longer has (VQAAcc, CutMix).
    "mmpretrain/_base_/datasets/vizwiz.py": {"val_evaluator.type"},
    "mmpretrain/_base_/datasets/vsr.py": {"val_evaluator.type"},
    "mmpretrain/_base_/models/resnet50_cifar_cutmix.py": {"model.train_cfg.augments.type"},
    "mmpretrain/_base_/models/resnet50_cutmix.py": {"model.train_cfg.augments.type"},
    "mmpretrain/resnet/resnet50_8xb32-cutmix_in1k.py": {"model.train_cfg.augments.type"},
}
# Not found, and rightly so: blip2_8xb32_retrieval.py gives Blip2Retrieval a max_txt_len its
# own __init__ does not take, but without the multimodal extras mmpretrain registers a
# placeholder taking **kwargs under the same name, and a keyword any candidate takes is valid.


@pytest.fixture(scope="module")
def corpus():
    with corpus_on_path() as found:
        yield found


def name_of(site, path):
    relative = Path(path).relative_to(site)
    return f"{relative.parts[0]}/{'/'.join(relative.parts[3:])}"


def load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return Config.fromfile(str(path), import_custom_modules=False)
        except Exception:
            return None


class Checker:
    """One index per (scope, custom imports), as the command keeps them."""

    def __init__(self, path):
        self.path = path
        self.indexes = {}

    def __call__(self, cfg):
        key = (cfg.get("default_scope"), repr(cfg.get("custom_imports")))
        if key not in self.indexes:
            self.indexes[key] = static_index(cfg, path=self.path)
        return check(cfg, index=self.indexes[key])


@pytest.fixture(scope="module")
def checker(corpus):
    return Checker(corpus[1])


def test_every_error_in_the_official_configs_is_a_real_mistake(corpus, checker):
    site, _ = corpus
    errors = {}
    loaded = 0
    for path in config_files(site):
        cfg = load(path)
        if cfg is None:
            continue
        loaded += 1
        found = {p.key for p in checker(cfg) if p.severity == "error"}
        if found:
            errors[name_of(site, path)] = found
    assert loaded > 1800
    assert errors == KNOWN_ERRORS


def _bases(path):
    """The files a config names in ``_base_`` (relative ones; ``pkg::`` ones are left out)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_base_" for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            names = [value] if isinstance(value, str) else list(value)
            return [
                (Path(path).parent / n).resolve()
                for n in names
                if "::" not in n and n.endswith(".py")
            ]
    return []


def _typed(tree, path=()):
    if isinstance(tree, dict):
        if isinstance(tree.get("type"), str):
            yield path, tree
        for key, value in tree.items():
            yield from _typed(value, (*path, key))
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from _typed(value, (*path, index))


def _dotted(path):
    return ".".join(str(p) for p in path)


def _planted(cfg, checker, wanted_file, keyword):
    """A (path, key, line) to misspell in ``wanted_file``: a type, or a keyword of a class
    whose whole constructor chain is known and takes no ``**kwargs``."""
    clean = {p.key for p in checker(cfg)}
    index = checker.indexes[(cfg.get("default_scope"), repr(cfg.get("custom_imports")))]
    for path, node in _typed(cfg.to_dict()):
        if not isinstance(path[0], str) or path[0].endswith("pipeline") or "transforms" in path:
            continue  # helper keys and wrapped transforms may be reported as notes
        keys = [k for k in node if k not in ("type", "_scope_")] if keyword else ["type"]
        for key in keys:
            records = cfg.provenance((*path, key))
            last = records[-1]
            if last.filename != str(wanted_file) or len(records) != 1 or not last.lineno:
                continue
            line = Path(wanted_file).read_text(encoding="utf-8").splitlines()[last.lineno - 1]
            if keyword:
                if len(re.findall(rf"\b{re.escape(key)}\s*=", line)) != 1:
                    continue
                if any(k.startswith(_dotted((*path,))) for k in clean):
                    continue
                found = _registrations(index, cfg, node["type"])
                if not found or any(
                    index.parameters(r) is None or index.parameters(r)[2] for r in found
                ):
                    continue  # unknown, or **kwargs somewhere: the keyword is not checkable
            elif len(re.findall(rf"""type\s*=\s*['"]{re.escape(node["type"])}['"]""", line)) != 1:
                continue
            elif not _registrations(index, cfg, node["type"]):
                continue  # a name only a run-time registry has (SGD): unknown ones are notes
            return path, key, last.lineno
    return None


def _registrations(index, cfg, kind):
    scope = cfg.get("default_scope")
    keys = [k for k, r in index.registries.items() if r.scope == scope or scope is None]
    found = []
    for key in keys:
        for registry in index.ancestors(key):
            found.extend(index.registrations.get(registry.key, {}).get(kind, ()))
    return found


def test_planted_mistakes_are_found_where_they_were_written(corpus, checker, tmp_path):
    site, _ = corpus
    rng = random.Random(18)
    for package in ("mmdet", "mmpretrain"):
        shutil.copytree(site / package / ".mim" / "configs", tmp_path / package)
    candidates = sorted(p for p in tmp_path.rglob("*.py") if "_base_" not in p.parts)
    rng.shuffle(candidates)
    planted = {
        ("mmdet", False): 0,
        ("mmdet", True): 0,
        ("mmpretrain", False): 0,
        ("mmpretrain", True): 0,
    }
    depths = {0: 0, 2: 0}
    for entry in candidates:
        package = entry.relative_to(tmp_path).parts[0]
        cfg = load(entry)
        if cfg is None:
            continue
        targets = [(0, entry)] + [(2, f) for b in _bases(entry) for f in _bases(b)]
        for depth, file in targets[:2]:
            for keyword in (False, True):
                if planted[(package, keyword)] >= 12 or (depth == 2 and depths[2] >= 24):
                    continue
                spot = _planted(cfg, checker, file, keyword)
                if spot is None:
                    continue
                path, key, line = spot
                text = Path(file).read_text(encoding="utf-8")
                lines = text.splitlines(keepends=True)
                if keyword:
                    wrong = f"{key}_typo"
                    lines[line - 1] = re.sub(
                        rf"\b{re.escape(key)}(\s*=)", rf"{wrong}\1", lines[line - 1], count=1
                    )
                    expected = (_dotted((*path, wrong)), "error")
                else:
                    kind = cfg.to_dict()
                    for part in path:
                        kind = kind[part]
                    wrong = f"{kind['type']}Typo"
                    lines[line - 1] = lines[line - 1].replace(kind["type"], wrong, 1)
                    expected = (_dotted((*path, "type")), "error")
                Path(file).write_text("".join(lines), encoding="utf-8")
                try:
                    clear_cache()
                    changed = load(entry)
                    assert changed is not None, f"{entry}: the planted mistake broke loading"
                    found = {(p.key, p.severity): p for p in checker(changed)}
                    assert expected in found, f"{file}:{line}: {expected} not found in {entry}"
                    problem = found[expected]
                    assert (problem.filename, problem.lineno) == (str(file), line)
                finally:
                    Path(file).write_text(text, encoding="utf-8")
                    clear_cache()
                planted[(package, keyword)] += 1
                depths[depth] += 1
        if all(count >= 12 for count in planted.values()) and depths[2] >= 12:
            break
    assert all(count >= 12 for count in planted.values()), planted
    assert depths[2] >= 12, depths
