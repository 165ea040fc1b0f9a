"""What ``cfgkit check``'s static index costs: building it cold, reading it from its cache, and
checking one config against it.

- Cold: mmdet 3.3.0 + mmcv 2.1.0 + mmengine 0.10.7 scanned with an empty cache folder (every
  file parsed), and the index an mmdet config gets by default (which also scans mmpretrain,
  installed beside it and imported by some mmdet modules).
- Cached: the same with the cache filled (every file stat'ed, summaries read back).
- Check: ``check(cfg, index=...)`` per config against a warm index (loading not included),
  over every loadable config of the two wheels; and the runtime check with no registries, for
  comparison.

Medians over ``--rounds`` runs (cold and cached) and over configs (check). A fresh process is
not needed: each round builds a new ``Index``.

Usage: python benchmarks/bench_check.py [--rounds 5] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import corpus_site  # noqa: E402
from cfgkit import Config, check  # noqa: E402
from cfgkit.checking import static_index  # noqa: E402
from cfgkit.index import Index  # noqa: E402
from tests.compat.corpus import config_files, ensure_sources  # noqa: E402


def build(path: list[str], names: list[str]) -> float:
    start = time.perf_counter()
    index = Index(path)
    for name in names:
        index.scan(name)
    index.resolve()
    return time.perf_counter() - start


def default_index(path: list[str], cfg: Config) -> float:
    start = time.perf_counter()
    static_index(cfg, path=path).resolve()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0, help="check only the first N configs")
    args = parser.parse_args()
    site = corpus_site()
    sources, reason = ensure_sources()
    if sources is None:
        sys.exit(reason)
    path = [str(sources), str(site)]
    three = ["mmdet", "mmcv", "mmengine"]
    mask_rcnn = site / "mmdet/.mim/configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py"
    sample = Config.fromfile(str(mask_rcnn), import_custom_modules=False)
    with tempfile.TemporaryDirectory() as scratch:
        cold, cold_default, warm, warm_default = [], [], [], []
        for round_number in range(args.rounds):
            os.environ["CFGKIT_CACHE_DIR"] = os.path.join(scratch, f"cold-{round_number}")
            cold.append(build(path, three))
            os.environ["CFGKIT_CACHE_DIR"] = os.path.join(scratch, f"cold-default-{round_number}")
            cold_default.append(default_index(path, sample))
        os.environ["CFGKIT_CACHE_DIR"] = os.path.join(scratch, "warm")
        build(path, three)
        default_index(path, sample)
        for _ in range(args.rounds):
            warm.append(build(path, three))
            warm_default.append(default_index(path, sample))
        index = static_index(sample, path=path)
        indexes = {}
        static_times, runtime_times = [], []
        files = config_files(site)
        if args.limit:
            files = files[: args.limit]
        for file in files:
            try:
                cfg = Config.fromfile(str(file), import_custom_modules=False)
            except Exception:
                continue
            key = (cfg.get("default_scope"), repr(cfg.get("custom_imports")))
            if key not in indexes:
                indexes[key] = static_index(cfg, path=path)
            index = indexes[key]
            check(cfg, index=index)  # the first check of a scope resolves lazily
            start = time.perf_counter()
            check(cfg, index=index)
            static_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            check(cfg, registries=[])
            runtime_times.append(time.perf_counter() - start)
    median = statistics.median
    print(f"index of mmdet + mmcv + mmengine, cold:   {median(cold):6.2f} s  (target <= 10 s)")
    print(f"  the default index of an mmdet config:  {median(cold_default):6.2f} s  (+ mmpretrain)")
    print(
        f"index of mmdet + mmcv + mmengine, cached: {median(warm) * 1e3:6.0f} ms (target <= 300 ms)"
    )
    print(f"  the default index of an mmdet config:  {median(warm_default) * 1e3:6.0f} ms")
    static_times.sort()
    print(
        f"check of one config, warm index: median {median(static_times) * 1e3:.1f} ms, "
        f"p99 {static_times[int(len(static_times) * 0.99)] * 1e3:.1f} ms, "
        f"max {static_times[-1] * 1e3:.1f} ms over {len(static_times)} configs (target <= 50 ms)"
    )
    print(
        f"  the same check without an index (no registries): "
        f"median {median(runtime_times) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
