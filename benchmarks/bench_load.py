"""Load every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels with mmengine and cfgkit.

Both run in this one process, round after round, and the medians are compared:

- mmengine: ``Config.fromfile`` on every config (mmengine has no cache);
- cfgkit, corpus: the parse cache emptied once, then every config (bases shared between
  configs are parsed once: the normal case for a process that loads many configs);
- cfgkit, per config: the cache emptied before every config (what a training script that
  loads one config pays);
- cfgkit, warm: every config again with the cache full;
- cfgkit, no provenance: as "corpus" with the provenance log off (what recording costs).

Usage: python benchmarks/bench_load.py [--rounds 3] [--every 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cfgkit import Config  # noqa: E402
from cfgkit.config import clear_cache, provenance  # noqa: E402
from tests.compat.corpus import config_files, ensure_corpus  # noqa: E402


def time_loads(load: Callable[[Path], object], files: list[Path], before_each=None) -> float:
    start = time.perf_counter()
    for path in files:
        if before_each is not None:
            before_each()
        try:
            load(path)
        except Exception:
            continue
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--every", type=int, default=1, help="use every n-th config only")
    args = parser.parse_args()

    site, reason = ensure_corpus()
    if site is None:
        sys.exit(reason)
    sys.path.insert(0, str(site))
    files = config_files(site)[:: args.every]
    warnings.simplefilter("ignore")
    from mmengine.config import Config as MMConfig

    options = {"import_custom_modules": False, "lazy_import": False}
    timings: dict[str, list[float]] = {
        "mmengine": [],
        "cfgkit corpus": [],
        "cfgkit per config": [],
        "cfgkit warm": [],
        "cfgkit no provenance": [],
    }
    for _ in range(args.rounds):
        timings["mmengine"].append(
            time_loads(lambda p: MMConfig.fromfile(str(p), **options), files)
        )
        clear_cache()
        timings["cfgkit corpus"].append(time_loads(lambda p: Config.fromfile(p, **options), files))
        timings["cfgkit warm"].append(time_loads(lambda p: Config.fromfile(p, **options), files))
        timings["cfgkit per config"].append(
            time_loads(lambda p: Config.fromfile(p, **options), files, before_each=clear_cache)
        )
        provenance.RECORDING = False
        clear_cache()
        timings["cfgkit no provenance"].append(
            time_loads(lambda p: Config.fromfile(p, **options), files)
        )
        provenance.RECORDING = True
        clear_cache()

    reference = statistics.median(timings["mmengine"])
    recording = statistics.median(timings["cfgkit corpus"])
    without = statistics.median(timings["cfgkit no provenance"])
    print(f"{len(files)} configs, {args.rounds} rounds, medians (Python {sys.version.split()[0]})")
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"  {name:22s} {median:7.3f} s  {median / len(files) * 1e3:6.2f} ms/config  "
            f"mmengine/cfgkit = {reference / median:5.1f}x"
        )
    print(f"provenance recording costs {100 * (recording / without - 1):+.1f}% of a corpus load")


if __name__ == "__main__":
    main()
