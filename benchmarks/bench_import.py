"""Time ``python -c "import cfgkit"`` (median of fresh processes) and check what it imports.

It runs outside the repository so that the installed package (with its compiled bytecode) is
measured, as users get it: with PYTHONDONTWRITEBYTECODE set, importing from the source tree
recompiles every module on every run.

Usage: python -m pip install . && python benchmarks/bench_import.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

OUTSIDE = tempfile.gettempdir()
HEAVY = ("yapf", "yaml", "torch", "rich", "numpy", "mmengine")


def median_run_time(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=OUTSIDE)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
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


if __name__ == "__main__":
    main()
