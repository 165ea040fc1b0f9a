"""Time single operations in cfgkit and mmengine 0.10.7, in this one process.

On a loaded config (mask-rcnn from the mmdet wheel): ``merge_from_dict`` of 20 options,
``DictAction`` parsing 20 ``--cfg-options`` values, ``dump`` to YAML and to JSON, and the first
``cfg.provenance()`` call. Each is repeated, and the medians of the rounds are compared.

Usage: python benchmarks/bench_ops.py [--rounds 7] [--repeat 50]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import corpus_site  # noqa: E402
from cfgkit import Config, DictAction  # noqa: E402

MASK_RCNN = "mmdet/.mim/configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py"
OPTIONS = [
    "model.backbone.depth=101",
    "model.backbone.frozen_stages=2",
    "model.backbone.norm_cfg.type=SyncBN",
    "model.neck.out_channels=128",
    "model.rpn_head.anchor_generator.scales=[4,8]",
    "model.roi_head.bbox_head.num_classes=3",
    "model.roi_head.mask_head.num_classes=3",
    "model.train_cfg.rpn.sampler.num=128",
    "model.test_cfg.rcnn.max_per_img=50",
    "train_dataloader.batch_size=4",
    "train_dataloader.num_workers=8",
    "train_dataloader.dataset.data_root=/data/coco/",
    "val_dataloader.batch_size=2",
    "optim_wrapper.optimizer.lr=0.01",
    "optim_wrapper.optimizer.weight_decay=0.0005",
    "param_scheduler.1.milestones=[16,22]",
    "train_cfg.max_epochs=24",
    "default_hooks.checkpoint.interval=2",
    "train_pipeline.2.scale=(1333,800)",
    "work_dir=work_dirs/bench",
]


def paired_times(
    ours: Callable[[], object], theirs: Callable[[], object], repeat: int, rounds: int
) -> tuple[float, float, float]:
    """Medians of both, and of their per-round ratio: each round times the two back to back
    (this machine's speed drifts more between rounds than the differences measured)."""
    mine, other, ratios = [], [], []
    for _ in range(rounds):
        times = []
        for function in (ours, theirs):
            start = time.perf_counter()
            for _ in range(repeat):
                function()
            times.append((time.perf_counter() - start) / repeat)
        mine.append(times[0])
        other.append(times[1])
        ratios.append(times[1] / times[0])
    return statistics.median(mine), statistics.median(other), statistics.median(ratios)


def median_time(function: Callable[[], object], repeat: int, rounds: int) -> float:
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            function()
        results.append((time.perf_counter() - start) / repeat)
    return statistics.median(results)


def parsed(action_class: type, values: list[str]) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cfg-options", nargs="+", action=action_class)
    return parser.parse_args(["--cfg-options", *values]).cfg_options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    site = corpus_site()
    from mmengine.config import Config as MMConfig
    from mmengine.config import DictAction as MMDictAction

    path = str(site / MASK_RCNN)
    options = parsed(DictAction, OPTIONS)
    mm_options = parsed(MMDictAction, OPTIONS)
    cfg, mm_cfg = Config.fromfile(path), MMConfig.fromfile(path)
    out = Path(tempfile.mkdtemp())

    def merge_cfgkit() -> None:
        copy.copy(cfg).merge_from_dict(options)

    def merge_mmengine() -> None:
        copy.copy(mm_cfg).merge_from_dict(copy.deepcopy(mm_options))

    def first_provenance() -> None:
        fresh = Config.fromfile(path)
        fresh.provenance("model.roi_head.bbox_head.num_classes")

    rows = [
        ("merge_from_dict, 20 options", merge_cfgkit, merge_mmengine),
        (
            "DictAction, 20 values",
            lambda: parsed(DictAction, OPTIONS),
            lambda: parsed(MMDictAction, OPTIONS),
        ),
        ("dump to YAML", lambda: cfg.dump(out / "c.yaml"), lambda: mm_cfg.dump(out / "m.yaml")),
        ("dump to JSON", lambda: cfg.dump(out / "c.json"), lambda: mm_cfg.dump(out / "m.json")),
    ]
    print(
        f"medians of {args.rounds} rounds of {args.repeat}, both timed in each round "
        "(microseconds per operation; the ratio is the median of the rounds' ratios)"
    )
    print(f"{'operation':<30}{'mmengine':>12}{'cfgkit':>12}{'mmengine / cfgkit':>20}")
    for name, ours, theirs in rows:
        cfgkit_time, mmengine_time, ratio = paired_times(ours, theirs, args.repeat, args.rounds)
        print(f"{name:<30}{mmengine_time * 1e6:>12.1f}{cfgkit_time * 1e6:>12.1f}{ratio:>19.2f}x")
    load = median_time(lambda: Config.fromfile(path), args.repeat, args.rounds) * 1e6
    with_provenance = median_time(first_provenance, args.repeat, args.rounds) * 1e6
    extra = with_provenance - load
    print(f"first cfg.provenance() call: {extra:.1f} us (on top of a {load:.1f} us load)")


if __name__ == "__main__":
    main()
