"""How cost grows: chain depth, config size, and the first ``cfg.provenance()`` call.

Generated configs, each size twice the last; the growth exponent is the slope of log(time)
over log(size) between the smallest and the largest (1.0 is linear, 2.0 quadratic). Medians of
a few runs per size, the parse cache emptied before each.

Usage: python benchmarks/bench_scale.py [--runs 3]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cfgkit import Config  # noqa: E402
from cfgkit.config import clear_cache  # noqa: E402


def chain(folder: Path, depth: int) -> Path:
    for level in range(depth):
        base = f"_base_ = ['c{level - 1}.py']\n" if level else ""
        (folder / f"c{level}.py").write_text(
            f"{base}v{level} = dict(a={level}, b=[1, 2])\n", encoding="utf-8"
        )
    return folder / f"c{depth - 1}.py"


def wide(folder: Path, keys: int) -> Path:
    # Keys in groups of ten under top-level dicts, as real configs nest them.
    lines = [
        f"k{group} = dict(" + ", ".join(f"x{i}={i}" for i in range(10)) + ")"
        for group in range(keys // 10)
    ]
    path = folder / f"wide{keys}.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def median_seconds(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        clear_cache()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def exponent(sizes: list[int], times: list[float]) -> float:
    return math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])


def report(name: str, sizes: list[int], measure: Callable[[int], float]) -> None:
    times = [measure(size) for size in sizes]
    cells = "  ".join(f"{size:>7}: {seconds * 1000:8.1f} ms" for size, seconds in zip(sizes, times))
    print(f"{name:<34} {cells}   exponent {exponent(sizes, times):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())

    def load_chain(depth: int) -> float:
        sub = folder / f"chain{depth}"
        sub.mkdir()
        top = chain(sub, depth)
        return median_seconds(lambda: Config.fromfile(top), args.runs)

    def load_wide(keys: int) -> float:
        path = wide(folder, keys)
        return median_seconds(lambda: Config.fromfile(path), args.runs)

    def first_provenance(keys: int) -> float:
        path = wide(folder, keys)

        def both() -> None:
            cfg = Config.fromfile(path)
            cfg.provenance(f"k{keys // 10 - 1}.x9")

        def load_only() -> None:
            Config.fromfile(path)

        return max(median_seconds(both, args.runs) - median_seconds(load_only, args.runs), 1e-6)

    report("load, chain depth", [125, 250, 500, 1000], load_chain)
    report("load, keys", [12_500, 25_000, 50_000, 100_000], load_wide)
    report("first provenance() call, keys", [12_500, 25_000, 50_000, 100_000], first_provenance)


if __name__ == "__main__":
    main()
