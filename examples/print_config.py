"""Print a fully resolved config, like OpenMMLab's ``tools/misc/print_config.py``.

Usage: python examples/print_config.py CONFIG
"""

from __future__ import annotations

import argparse
import json

from cfgkit import Config


def main() -> None:
    parser = argparse.ArgumentParser(description="Print a fully resolved config.")
    parser.add_argument("config", help="a .py, .json, .yaml or .yml config file")
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    print(f"# {cfg.filename}")
    print(json.dumps(cfg.to_dict(), indent=2, default=repr))


if __name__ == "__main__":
    main()
