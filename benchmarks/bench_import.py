"""Time ``python -c "import cfgkit"`` (median of fresh processes) and check what it imports.

It runs outside the repository so that the installed package (with its compiled bytecode) is
measured, as users get it: with PYTHONDONTWRITEBYTECODE set, importing from the source tree
recompiles every module on every run.

Usage: python -m pip install . && python benchmarks/bench_import.py [--runs 30] [--loads]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUTSIDE = tempfile.gettempdir()
HEAVY = ("yapf", "yaml", "torch", "rich", "numpy", "mmengine")


def median_run_time(code: str, runs: int, environment: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=OUTSIDE, env=environment)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_loads(runs: int) -> None:
    """A fresh process that loads one config, as a training script does, against mmengine."""
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.compat.corpus import ensure_corpus

    site, reason = ensure_corpus()
    if site is None:
        print(f"cold loads not measured: {reason}")
        return
    config = site / "mmdet/.mim/configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py"
    # Bytecode (and so the compile cache) as users have it, in a private cache folder.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["CFGKIT_CACHE_DIR"] = tempfile.mkdtemp()
    environment["PYTHONPATH"] = str(site)
    cfgkit = f"from cfgkit import Config; Config.fromfile({str(config)!r})"
    mmengine = (
        "import warnings; warnings.simplefilter('ignore'); "
        f"from mmengine.config import Config; Config.fromfile({str(config)!r})"
    )
    bare = median_run_time("pass", runs, environment)
    times = {
        "mmengine 0.10.7": median_run_time(mmengine, runs, environment),
        "cfgkit, compile cache off": median_run_time(
            cfgkit, runs, {**environment, "CFGKIT_NO_CACHE": "1"}
        ),
        "cfgkit, compile cache warm": median_run_time(cfgkit, runs, environment),
    }
    print(f"\na fresh process loading {config.name} (median of {runs}; bare {bare * 1e3:.1f} ms):")
    reference = times["mmengine 0.10.7"] - bare
    for name, seconds in times.items():
        own = seconds - bare
        print(
            f"  {name:<28} {seconds * 1e3:6.1f} ms, {own * 1e3:6.1f} ms over bare, "
            f"{own / reference:.2f}x mmengine's"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--loads", action="store_true", help="also time a fresh process loading one config"
    )
    args = parser.parse_args()
    bare = median_run_time("pass", args.runs)
    with_cfgkit = median_run_time("import cfgkit", args.runs)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, cfgkit; "
            f"print(cfgkit.__file__, [m for m in {HEAVY!r} if m in sys.modules])",
        ],
        check=True,
        cwd=OUTSIDE,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"python -c pass:           {bare * 1e3:6.1f} ms (median of {args.runs})")
    own = (with_cfgkit - bare) * 1e3
    print(
        f'python -c "import cfgkit": {with_cfgkit * 1e3:6.1f} ms (the import itself {own:.1f} ms)'
    )
    print(f"imported from, and heavy modules imported: {loaded}")
    if args.loads:
        cold_loads(args.runs)


if __name__ == "__main__":
    main()
