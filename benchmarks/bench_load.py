"""Load every config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels with mmengine and cfgkit.

Both run in this one process, round after round: each round times mmengine once and every
cfgkit variant and floor ``--repeat`` times, interleaved. Ratios are taken within a round and
their medians over the rounds printed (this machine's speed drifts between rounds):

- mmengine: ``Config.fromfile`` on every config (mmengine has no cache);
- cfgkit, corpus: the parse cache emptied once, then every config (bases shared between
  configs are parsed once: the normal case for a process that loads many configs);
- cfgkit, per config: the parse cache emptied before every config (what a training script
  that loads one config pays);
- both with the compile cache off and warm (it keeps compiled configs across processes);
- cfgkit, warm: every config again with the parse cache full;
- cfgkit, no provenance: as "corpus" with the provenance log off (what recording costs);
- the exec floors: reading, compiling and running (or parsing) each file, nothing else:
  every file once (the floor of "corpus"), and every file of each config's chain (the floor
  of "per config"). The ``_base_`` a file reads is prepared outside the timing.

With ``--memory``, each loader's peak memory over a corpus load is measured in a fresh
process (the growth of its peak resident set over what the imports took).

Usage: python benchmarks/bench_load.py [--rounds 3] [--repeat 3] [--every 1] [--memory]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import corpus_site  # noqa: E402
from cfgkit import Config  # noqa: E402
from cfgkit.config import clear_cache  # noqa: E402
from cfgkit.config._load.inheritance import resolve_file  # noqa: E402
from tests.compat.corpus import config_files  # noqa: E402

OPTIONS = {"import_custom_modules": False, "lazy_import": False}


def time_loads(load: Callable[[Path], object], files: list[Path], before_each=None) -> float:
    gc.collect()  # every variant starts from the same heap, without the last one's garbage
    start = time.perf_counter()
    for path in files:
        if before_each is not None:
            before_each()
        try:
            load(path)
        except Exception:
            continue
    return time.perf_counter() - start


def chains(files: list[Path]) -> dict[Path, list[str]]:
    """Each config's chain of files, bases first, as cfgkit resolves it."""
    found = {}
    for path in files:
        try:
            resolved = resolve_file(str(path))
        except Exception:
            continue
        found[path] = [source.path for source in resolved.sources.flatten()]
    return found


def base_namespaces(files: set[str]) -> dict[str, Any]:
    """What ``_base_`` holds while each file runs, prepared outside the timing: the file's
    own resolved values, a superset of what its bases give it."""
    from cfgkit.config.config_dict import ConfigDict, to_config_tree

    namespaces: dict[str, Any] = {}
    for path in files:
        try:
            namespaces[path] = to_config_tree(resolve_file(path).tree)
        except Exception:
            namespaces[path] = ConfigDict()
    return namespaces


def run_file(path: str, namespace: Any) -> None:
    import yaml

    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    if path.endswith(".py"):
        # A floor: what runs counts, and an error ends the file.
        with contextlib.suppress(Exception):
            exec(compile(text, path, "exec"), {"_base_": namespace, "__file__": path})
    elif path.endswith(".json"):
        json.loads(text)
    else:
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def floors(config_chains: dict[Path, list[str]], namespaces: dict[str, Any]) -> tuple[float, float]:
    every_file = sorted({path for chain in config_chains.values() for path in chain})
    gc.collect()
    start = time.perf_counter()
    for path in every_file:
        run_file(path, namespaces.get(path))
    corpus = time.perf_counter() - start
    gc.collect()
    start = time.perf_counter()
    for chain in config_chains.values():
        for path in chain:
            run_file(path, namespaces.get(path))
    return corpus, time.perf_counter() - start


MEMORY = """
import sys, warnings
warnings.simplefilter("ignore")
sys.path[:0] = [{root!r}, {site!r}]
from tests.compat.corpus import config_files
from pathlib import Path
files = config_files(Path({site!r}))[::{every}]
{imports}
def status(field):
    with open("/proc/self/status") as stream:
        return next(int(l.split()[1]) for l in stream if l.startswith(field))
before = status("VmRSS")
kept = []
for path in files:
    try:
        {load}
    except Exception:
        pass
# VmHWM, not ru_maxrss: that keeps the peak of the process this one was forked from.
peak = status("VmHWM")
print(peak, peak - before)
"""


def peak_memory(site: Path, every: int, imports: str, load: str) -> tuple[int, int]:
    """Peak resident set of a fresh process over a corpus load, and its growth (KiB)."""
    code = MEMORY.format(root=str(ROOT), site=str(site), every=every, imports=imports, load=load)
    environment = {**os.environ, "CFGKIT_NO_CACHE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    peak, growth = result.stdout.split()[-2:]
    return int(peak), int(growth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--repeat", type=int, default=3, help="times each cfgkit variant and floor runs a round"
    )
    parser.add_argument("--every", type=int, default=1, help="use every n-th config only")
    parser.add_argument("--memory", action="store_true", help="also measure peak memory")
    args = parser.parse_args()

    site = corpus_site()
    files = config_files(site)[:: args.every]
    warnings.simplefilter("ignore")
    from mmengine.config import Config as MMConfig

    # The compile cache as users have it (this machine may set PYTHONDONTWRITEBYTECODE).
    sys.dont_write_bytecode = False
    os.environ["CFGKIT_CACHE_DIR"] = tempfile.mkdtemp()
    config_chains = chains(files)
    namespaces = base_namespaces({p for chain in config_chains.values() for p in chain})

    def load(path: Path) -> object:
        return Config.fromfile(path, **OPTIONS)

    def load_bare(path: Path) -> object:
        return Config.fromfile(path, **OPTIONS, provenance=False)

    # Each round times mmengine once, then every cfgkit variant and both floors `--repeat`
    # times, interleaved, keeping each one's median: ratios are taken within a round (the
    # machine's speed drifts between rounds) and their medians over the rounds reported.
    rounds: list[dict[str, float]] = []
    for _ in range(args.rounds):
        timings: dict[str, list[float]] = {}

        def record(name: str, seconds: float, timings: dict[str, list[float]] = timings) -> None:
            timings.setdefault(name, []).append(seconds)

        record("mmengine", time_loads(lambda p: MMConfig.fromfile(str(p), **OPTIONS), files))
        for _ in range(args.repeat):
            for cache in ("off", "warm"):
                os.environ.pop("CFGKIT_NO_CACHE", None)
                if cache == "off":
                    os.environ["CFGKIT_NO_CACHE"] = "1"
                clear_cache()
                record(f"cfgkit corpus, compile cache {cache}", time_loads(load, files))
                if cache == "warm":
                    record("cfgkit warm parse cache", time_loads(load, files))
                record(
                    f"cfgkit per config, compile cache {cache}",
                    time_loads(load, files, before_each=clear_cache),
                )
            os.environ.pop("CFGKIT_NO_CACHE", None)
            clear_cache()
            record("cfgkit corpus, no provenance", time_loads(load_bare, files))
            corpus_floor, per_config_floor = floors(config_chains, namespaces)
            record("exec floor, each file once", corpus_floor)
            record("exec floor, each config's chain", per_config_floor)
        rounds.append({name: statistics.median(values) for name, values in timings.items()})

    def floor_of(name: str) -> str:
        if "per config" in name:
            return "exec floor, each config's chain"
        return "exec floor, each file once"

    def over_rounds(ratio: Callable[[dict[str, float]], float]) -> float:
        return statistics.median(ratio(measured) for measured in rounds)

    medians = {name: over_rounds(lambda m, name=name: m[name]) for name in rounds[0]}
    print(
        f"{len(files)} configs, {args.rounds} rounds of {args.repeat}, medians; ratios within "
        f"each round (Python {sys.version.split()[0]})"
    )
    for name, median in medians.items():
        speedup = over_rounds(lambda m, name=name: m["mmengine"] / m[name])
        to_floor = over_rounds(lambda m, name=name: m[name] / m[floor_of(name)])
        print(
            f"  {name:38s} {median:7.3f} s  {median / len(files) * 1e3:6.2f} ms/config  "
            f"mmengine/this {speedup:5.1f}x  this/floor {to_floor:4.2f}x"
        )
    recording = over_rounds(
        lambda m: m["cfgkit corpus, compile cache warm"] / m["cfgkit corpus, no provenance"]
    )
    print(f"provenance recording costs {100 * (recording - 1):+.1f}% of a corpus load")
    if args.memory:
        load_line = (
            "kept.append(Config.fromfile(str(path), import_custom_modules=False, "
            "lazy_import=False)); kept.pop()"
        )
        cfgkit = peak_memory(site, args.every, "from cfgkit import Config", load_line)
        mmengine = peak_memory(site, args.every, "from mmengine.config import Config", load_line)
        print(
            f"peak resident set over a corpus load: mmengine {mmengine[0] / 1024:.1f} MiB, "
            f"cfgkit {cfgkit[0] / 1024:.1f} MiB ({cfgkit[0] / mmengine[0]:.2f}x); grown during "
            f"the load (cfgkit imports PyYAML and ast then, mmengine before): mmengine "
            f"{mmengine[1] / 1024:.1f} MiB, cfgkit {cfgkit[1] / 1024:.1f} MiB"
        )


if __name__ == "__main__":
    main()
