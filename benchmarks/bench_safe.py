"""What safe mode costs: loading every corpus config with ``safe=True`` against a normal load.

For every loadable config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels, in this one
process: a normal load and a safe load, each with the parse cache emptied first (so every
base is read again), paired per config; the median of the per-config ratios, and the ratio of
the total times. Run it with and without ``PYTHONDONTWRITEBYTECODE``/``CFGKIT_NO_CACHE`` to
compare with a normal load that compiles (safe mode never compiles, so it has no cache).

With ``--isolated``, the safe loads go through the backstop's worker process
(``CFGKIT_SAFE_ISOLATE=1``, :mod:`cfgkit.config._load.safe_worker`): the worker's start is timed
once, and the loads after it (whose parse cache lives in the worker, warm across configs as
in real use).

Usage: python benchmarks/bench_safe.py [--limit N] [--isolated]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import corpus_site  # noqa: E402
from cfgkit import Config  # noqa: E402
from cfgkit.config import clear_cache  # noqa: E402
from tests.compat.corpus import config_files, configs_folder  # noqa: E402


def timed_load(path: Path, safe: bool) -> float:
    clear_cache()
    start = time.perf_counter()
    # A safe load reads only inside the package's configs folder (bases are ../_base_/...).
    root = configs_folder(path) if safe else None
    Config.fromfile(str(path), import_custom_modules=False, safe=safe, safe_root=root)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N configs")
    parser.add_argument("--isolated", action="store_true", help="safe loads in the worker")
    args = parser.parse_args()
    site = corpus_site()
    normal, safe = [], []
    files = config_files(site)[: args.limit or None]
    if args.isolated:
        os.environ["CFGKIT_SAFE_ISOLATE"] = "1"
        start = time.perf_counter()
        Config.fromfile(str(files[0]), import_custom_modules=False, safe=True)
        print(f"worker started and first load in {(time.perf_counter() - start) * 1e3:.0f} ms")
    for path in files:
        try:
            timed_load(path, False)  # warm the compile cache and the OS's file cache
            normal_time = timed_load(path, False)
            safe_time = timed_load(path, True)
        except Exception:
            continue
        normal.append(normal_time)
        safe.append(safe_time)
    ratios = [s / n for s, n in zip(safe, normal)]
    print(f"{len(normal)} configs, parse cache emptied before each load")
    print(
        f"normal load: median {statistics.median(normal) * 1e3:.2f} ms; "
        f"safe load: median {statistics.median(safe) * 1e3:.2f} ms"
    )
    print(
        f"safe / normal: median of per-config ratios {statistics.median(ratios):.2f}x, "
        f"total {sum(safe) / sum(normal):.2f}x"
    )


if __name__ == "__main__":
    main()
