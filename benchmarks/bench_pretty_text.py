"""Time ``pretty_text`` over every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels.

mmengine formats with yapf; cfgkit's default style does not. Both run in this process on
the same configs, one after the other, and the medians of ``--rounds`` rounds are compared.
``--yapf`` also times cfgkit's mmengine-identical ``'yapf'`` style.

Usage: python benchmarks/bench_pretty_text.py [--rounds 1] [--every 1] [--yapf]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import corpus_site  # noqa: E402
from cfgkit import Config  # noqa: E402
from tests.compat.corpus import config_files  # noqa: E402


def total_time(configs: list, attribute: str = "pretty_text") -> float:
    start = time.perf_counter()
    for cfg in configs:
        getattr(cfg, attribute)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--every", type=int, default=1, help="use every n-th config only")
    parser.add_argument("--yapf", action="store_true", help="also time the 'yapf' style")
    args = parser.parse_args()

    site = corpus_site()
    from mmengine.config import Config as MMConfig

    options = {"import_custom_modules": False, "lazy_import": False}
    pairs = []
    for path in config_files(site)[:: args.every]:
        try:
            pairs.append(
                (MMConfig.fromfile(str(path), **options), Config.fromfile(path, **options))
            )
        except Exception:  # configs that either library rejects are left out
            continue
    mmengine = [pair[0] for pair in pairs]
    cfgkit = [pair[1] for pair in pairs]
    yapf_style = [
        Config(c._cfg_dict, filename=c.filename, format_python_code="yapf") for c in cfgkit
    ]

    timings: dict[str, list[float]] = {"mmengine (yapf)": [], "cfgkit": []}
    if args.yapf:
        timings["cfgkit 'yapf' style"] = []
    for _ in range(args.rounds):
        timings["mmengine (yapf)"].append(total_time(mmengine))
        timings["cfgkit"].append(total_time(cfgkit))
        if args.yapf:
            timings["cfgkit 'yapf' style"].append(total_time(yapf_style))

    reference = statistics.median(timings["mmengine (yapf)"])
    print(f"pretty_text of {len(pairs)} configs, {args.rounds} round(s), medians")
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"  {name:20s} {median:8.3f} s  {median / len(pairs) * 1e3:7.2f} ms/config  "
            f"mmengine/cfgkit = {reference / median:6.1f}x"
        )


if __name__ == "__main__":
    main()
