"""Build everything a training run needs from a config, the way OpenMMLab's train.py does.

Usage: python examples/train.py CONFIG [--cfg-options KEY=VALUE ...] [--follow-references]

It loads the config, merges the --cfg-options, selects the default scope and builds the
model, the dataset and the optimizer from the example registries, printing what it built.
"""

from __future__ import annotations

import argparse
import os
import sys

from cfgkit import Config, DictAction
from cfgkit.registry import init_default_scope

# The example packages (toycore, toydet) live next to this script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from toydet.registry import DATASETS, MODELS, OPTIMIZERS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build a model, a dataset and an optimizer.")
    parser.add_argument("config", help="train config file path")
    parser.add_argument(
        "--cfg-options",
        nargs="+",
        action=DictAction,
        help="override settings in the config: KEY=VALUE pairs, e.g. model.num_classes=5",
    )
    parser.add_argument(
        "--follow-references",
        action="store_true",
        help="give keys a base bound to a variable the variable's final value",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config, follow_references=args.follow_references)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get("default_scope", "toydet"))

    model = MODELS.build(cfg.model)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    parameters = [model.backbone, model.head]
    optimizer = OPTIMIZERS.build(cfg.optimizer, default_args=dict(params=parameters))

    print(f"model:     {model!r}")
    print(f"dataset:   {dataset!r}")
    print(f"optimizer: {optimizer!r}")
    print(f"epochs:    {cfg.train_cfg.max_epochs}, batch size {cfg.train_dataloader.batch_size}")
    print(f"work_dir:  {cfg.work_dir}")


if __name__ == "__main__":
    main()
