"""Rebase every official classic child config of the corpus onto its own bases.

For each classic ``.py`` config with a ``_base_`` (mmdet 3.3.0 and mmpretrain 1.2.0, copied
to a scratch folder so that the rebased child is written beside its original): rebase it,
write the child beside it, load both with mmengine 0.10.7 (when installed) and with cfgkit,
and compare their ``to_dict()`` (order aside, types exact). Reports the pass rate, how many
leaf values the rebased child writes against the official one, and the time per config.

    python benchmarks/bench_rebase.py [--limit N] [--every K] [--flat]

``--flat`` rebases each config's flat dump (``cfgkit dump X.py flat.py``) onto X's bases
instead, and compares with X.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from cfgkit import Config
from cfgkit._key_paths import leaf_paths
from cfgkit._locations import PROVENANCE_ATTRIBUTE
from cfgkit.config import rebase
from cfgkit.config._load.pure_python import is_pure_python
from tests.compat.corpus import WHEELS, ensure_corpus

BASE_PATTERN = "_base_"


def children(configs: Path) -> list[Path]:
    """Every classic ``.py`` config under ``configs`` that names a ``_base_``."""
    found = []
    for path in sorted(configs.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if BASE_PATTERN not in text or is_pure_python(text, str(path)):
            continue
        if any(line.startswith("_base_") for line in text.splitlines()):
            found.append(path)
    return found


def own_leaves(path: str) -> int:
    """How many leaf values the file itself writes (its provenance layers' trees)."""
    cfg = Config.fromfile(path, import_custom_modules=False, lazy_import=False)
    log = cfg._cfg_dict.__dict__[PROVENANCE_ATTRIBUTE]
    real = os.path.abspath(path)
    return sum(
        sum(1 for _ in leaf_paths(layer.tree)) if layer.tree else 0
        for layer in log.layers
        if layer.filename == real
    )


def same(first: object, second: object) -> bool:
    from cfgkit.config._analysis.rebase import _same

    return _same(first, second)


def quiet(load, path):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return load(str(path), import_custom_modules=False, lazy_import=False).to_dict()
        except Exception as error:
            return error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N configs")
    parser.add_argument("--every", type=int, default=1, help="every K-th config")
    parser.add_argument("--offset", type=int, default=0, help="start at this config")
    parser.add_argument("--flat", action="store_true", help="rebase flat dumps instead")
    parser.add_argument("--no-mmengine", action="store_true", help="compare in cfgkit only")
    args = parser.parse_args()
    site, reason = ensure_corpus()
    if site is None:
        sys.exit(reason)
    sys.path.insert(0, str(site))
    mmengine = None
    if not args.no_mmengine:
        try:
            from mmengine.config import Config as mmengine  # type: ignore[no-redef]
        except ImportError:
            mmengine = None
    scratch = Path(tempfile.mkdtemp(prefix="rebase-"))
    try:
        run(args, site, scratch, mmengine)
    finally:
        shutil.rmtree(scratch)


def run(args: argparse.Namespace, site: Path, scratch: Path, mmengine: object) -> None:
    files = []
    for package in WHEELS:
        source = site / package / ".mim" / "configs"
        copy = scratch / package / "configs"
        shutil.copytree(source, copy)
        files.extend(children(copy))
    files = files[args.offset :: args.every]
    if args.limit:
        files = files[: args.limit]
    times, shorter, equal, failures, compared, skipped = [], [], 0, [], 0, 0
    lines_ours, lines_theirs = 0, 0
    for path in files:
        original = str(path)
        out = str(path.with_name(path.stem + "_rebased.py"))
        expected = quiet(mmengine.fromfile, original) if mmengine else None  # type: ignore[attr-defined]
        if isinstance(expected, Exception):
            skipped += 1
            continue
        source = original
        onto = None
        if args.flat:
            source = str(path.with_name(path.stem + "_flat.py"))
            Config.fromfile(original, import_custom_modules=False).dump(source)
            from cfgkit.config._analysis.rebase import _own_bases

            base_cfg = Config.fromfile(original, import_custom_modules=False)
            onto = [
                e if "::" in e else os.path.join(os.path.dirname(original), e)
                for e in _own_bases(base_cfg)
            ]
        start = time.perf_counter()
        try:
            text = rebase(source, onto, filename=out)
        except Exception as error:
            failures.append(f"{path.relative_to(scratch)}: rebase raised {error!r}")
            continue
        times.append(time.perf_counter() - start)
        Path(out).write_text(text, encoding="utf-8")
        if mmengine is not None:
            actual = quiet(mmengine.fromfile, out)  # type: ignore[attr-defined]
        else:
            expected = quiet(Config.fromfile, original)
            actual = quiet(Config.fromfile, out)
        compared += 1
        if isinstance(actual, Exception) or not same(actual, expected):
            failures.append(f"{path.relative_to(scratch)}: loads differently ({actual!r:.200})")
            continue
        ours, theirs = own_leaves(out), own_leaves(original)
        lines_ours += text.count("\n")
        lines_theirs += Path(source).read_text(encoding="utf-8").count("\n")
        if ours > theirs:
            failures.append(f"{path.relative_to(scratch)}: {ours} leaves > {theirs}")
        elif ours < theirs:
            shorter.append(theirs - ours)
        else:
            equal += 1
    for failure in failures[:30]:
        print("FAIL", failure)
    ok = compared - len(failures)
    print(f"configs: {len(files)}, mmengine cannot load: {skipped}, compared: {compared}")
    print(f"equal values and no more leaves: {ok}/{compared} ({100 * ok / max(compared, 1):.2f}%)")
    print(f"same number of leaves: {equal}; fewer: {len(shorter)}")
    if shorter:
        shorter.sort()
        print(
            "  fewer by: median "
            f"{statistics.median(shorter)}, max {shorter[-1]}, total {sum(shorter)}; "
            f"by 1: {shorter.count(1)}, 2-5: {sum(2 <= s <= 5 for s in shorter)}, "
            f"6-20: {sum(6 <= s <= 20 for s in shorter)}, >20: {sum(s > 20 for s in shorter)}"
        )
    print(f"lines: rebased {lines_ours}, originals {lines_theirs}")
    if times:
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        median = 1000 * statistics.median(times)
        print(f"time per config: median {median:.1f} ms, p95 {1000 * p95:.1f} ms")


if __name__ == "__main__":
    main()
