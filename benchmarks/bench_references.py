"""What finding and following stale copies costs, per config, over the corpus.

For every loadable config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels: the time of
``cfg.stale_references()`` on a fresh load (median, 99th percentile, max), and a load with
``follow_references=True`` against a plain load (medians, paired per config in this run).
Off, nothing runs for a classic config; for pure-Python configs (the ones in tests/data) the
provenance layers they now keep are timed against loading without recording.

Usage: python benchmarks/bench_references.py [--limit N] [--rounds 5]
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
from cfgkit.config import clear_cache  # noqa: E402
from tests.compat.corpus import config_files  # noqa: E402


def load(path: Path, follow: bool = False, recording: bool = True) -> Config:
    return Config.fromfile(
        str(path), import_custom_modules=False, follow_references=follow, provenance=recording
    )


def timed_load(path: Path, follow: bool = False, recording: bool = True) -> float:
    start = time.perf_counter()
    load(path, follow, recording)
    return time.perf_counter() - start


def timed_detection(cfg: Config) -> float:
    start = time.perf_counter()
    cfg.stale_references()
    return time.perf_counter() - start


def loads(path: Path) -> bool:
    try:
        load(path)
    except Exception:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N configs")
    parser.add_argument("--rounds", type=int, default=5, help="rounds for the pure-Python loads")
    args = parser.parse_args()
    site = corpus_site()
    files = config_files(site)[: args.limit or None]
    detect, plain, followed, found = [], [], [], 0
    for path in filter(loads, files):
        clear_cache()
        plain.append(timed_load(path))
        clear_cache()
        cfg = load(path)
        detect.append(timed_detection(cfg))
        found += bool(cfg.stale_references())
        clear_cache()
        followed.append(timed_load(path, follow=True))
    detect.sort()
    ratios = sorted(f / p for f, p in zip(followed, plain))
    print(f"{len(detect)} configs, {found} with stale copies")
    print(
        f"stale_references(): median {statistics.median(detect) * 1e3:.2f} ms, "
        f"p99 {detect[int(len(detect) * 0.99)] * 1e3:.2f} ms, max {detect[-1] * 1e3:.2f} ms"
    )
    print(
        f"load with follow_references=True / plain load: median {statistics.median(ratios):.2f}x "
        f"(plain median {statistics.median(plain) * 1e3:.2f} ms)"
    )
    pure = sorted((ROOT / "tests" / "data" / "configs" / "pure").glob("*.py"))
    pure = [path for path in pure if loads(path)]
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for recording in (True, False):
            times[recording].append(sum(timed_load(path, recording=recording) for path in pure))
    ratio = statistics.median(times[True]) / statistics.median(times[False])
    print(f"pure-Python loads ({len(pure)} configs) with provenance layers / without: {ratio:.2f}x")


if __name__ == "__main__":
    main()
