"""Build the model a config describes, with the toycore/toydet example registries.

Usage: python examples/build_model.py CONFIG [--cfg-options KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import os
import sys

from cfgkit import Config, DictAction
from cfgkit.registry import init_default_scope

# The example packages live next to this script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from toydet.registry import MODELS


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the model of a config.")
    parser.add_argument("config")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, help="KEY=VALUE overrides")
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get("default_scope", "toydet"))
    print(MODELS.build(cfg.model))


if __name__ == "__main__":
    main()
