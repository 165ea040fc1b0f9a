"""Compare this checkout's load speed and import time with another commit's, in one run.

The other commit is exported (``git archive``) into ``.cache/bench-versions/<ref>``; then the
two are timed in alternating fresh interpreters, round after round, and the medians compared:

- corpus: every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels loaded in one process;
- per config: the same with the parse cache emptied before every config;
- import: ``python -c "import cfgkit"``.

Usage: python benchmarks/bench_versions.py REF [--rounds 5] [--every 1] [--no-compile-cache]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.compat.corpus import ensure_corpus  # noqa: E402

LOAD = """
import sys, time, warnings
sys.path.insert(0, {source!r}); sys.path.insert(1, {site!r}); sys.path.insert(2, {root!r})
warnings.simplefilter("ignore")
from cfgkit import Config
from cfgkit.config import clear_cache
from tests.compat.corpus import config_files
from pathlib import Path
files = config_files(Path({site!r}))[::{every}]
clear_cache()
start = time.perf_counter()
for path in files:
    if {per_config}:
        clear_cache()
    try:
        Config.fromfile(str(path), import_custom_modules=False, lazy_import=False)
    except Exception:
        pass
print(time.perf_counter() - start)
"""


def export(ref: str) -> Path:
    target = ROOT / ".cache" / "bench-versions" / ref
    if not (target / "cfgkit").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", ref, "cfgkit"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def timed(code: str, compile_cache: bool = True) -> float:
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    environment.pop("PYTHONDONTWRITEBYTECODE")
    if not compile_cache:
        environment["CFGKIT_NO_CACHE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    return float(result.stdout.strip().splitlines()[-1])


def import_time(source: Path) -> float:
    code = (
        f"import sys, time; sys.path.insert(0, {str(source)!r}); start = time.perf_counter(); "
        "import cfgkit; print(time.perf_counter() - start)"
    )
    return timed(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare with (a hash, tag or branch)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--every", type=int, default=1, help="use every n-th config only")
    parser.add_argument(
        "--no-compile-cache", action="store_true", help="load with the compile cache off"
    )
    args = parser.parse_args()
    site, reason = ensure_corpus()
    if site is None:
        sys.exit(reason)
    sources = {"this checkout": ROOT, args.ref: export(args.ref)}
    timings: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name, source in sources.items():
            for mode, per_config in (("corpus", False), ("per config", True)):
                code = LOAD.format(
                    source=str(source), site=str(site), root=str(ROOT), every=args.every,
                    per_config=per_config,
                )  # fmt: skip
                seconds = timed(code, compile_cache=not args.no_compile_cache)
                timings.setdefault((name, mode), []).append(seconds)
            timings.setdefault((name, "import"), []).append(import_time(source))
    cache = "off" if args.no_compile_cache else "on"
    print(
        f"medians of {args.rounds} alternating rounds, compile cache {cache} (seconds; import "
        "in milliseconds)"
    )
    for mode in ("corpus", "per config", "import"):
        scale = 1000 if mode == "import" else 1
        this = statistics.median(timings[("this checkout", mode)]) * scale
        other = statistics.median(timings[(args.ref, mode)]) * scale
        print(
            f"  {mode:<11} this checkout {this:8.3f}   {args.ref} {other:8.3f}   "
            f"ratio {this / other:.3f}"
        )


if __name__ == "__main__":
    main()
