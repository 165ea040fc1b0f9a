"""Rebase every official classic child config of the corpus onto its own bases.

For each classic ``.py`` config with a ``_base_`` (mmdet 3.3.0 and mmpretrain 1.2.0, copied
to a scratch folder so that the rebased child is written beside its original): rebase it,
write the child beside it, load both with mmengine 0.10.7 (cfgkit with ``--no-mmengine``)
and compare their ``to_dict()`` (order aside, types exact). Reports the pass rate, how many
leaf values the rebased child sets against the official one, lines, and the time per config.

    python benchmarks/bench_rebase.py [--every K] [--offset I] [--limit N] [--flat]

``--flat`` rebases each config's flat dump (``cfgkit dump X.py flat.py``) onto X's bases
instead, and compares with X (leaves and lines against X's).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from cfgkit import Config
from cfgkit.config import rebase
from tests.compat.corpus import WHEELS, ensure_corpus
from tests.compat.rebasing import (
    children,
    edits_bases_in_place,
    own_bases,
    own_leaves,
    quiet_load,
    same,
)


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
    mmengine: Any = None
    if not args.no_mmengine:
        try:
            from mmengine.config import Config as mmengine
        except ImportError:
            mmengine = None
    scratch = Path(tempfile.mkdtemp(prefix="rebase-"))
    try:
        run(args, site, scratch, mmengine)
    finally:
        shutil.rmtree(scratch)


def run(args: argparse.Namespace, site: Path, scratch: Path, mmengine: Any) -> None:
    files = []
    for package in WHEELS:
        copy = scratch / package / "configs"
        shutil.copytree(site / package / ".mim" / "configs", copy)
        files.extend(children(copy))
    files = files[args.offset :: args.every]
    if args.limit:
        files = files[: args.limit]
    loader = mmengine.fromfile if mmengine is not None else Config.fromfile
    times: list[float] = []
    fewer: list[int] = []
    failures: list[str] = []
    in_place: list[tuple[Path, int, int]] = []
    equal = compared = skipped = longer = 0
    lines_ours = lines_theirs = 0
    for path in files:
        name = path.relative_to(scratch)
        original = str(path)
        out = path.with_name(path.stem + "_rebased.py")
        expected = quiet_load(loader, original)
        if isinstance(expected, Exception):
            skipped += 1
            continue
        source, onto = original, None
        if args.flat:
            source = str(path.with_name(path.stem + "_flat.py"))
            Config.fromfile(original, import_custom_modules=False).dump(source)
            onto = own_bases(path)
        start = time.perf_counter()
        try:
            text = rebase(source, onto, filename=out)
        except Exception as error:
            failures.append(f"{name}: rebase raised {error!r}")
            continue
        times.append(time.perf_counter() - start)
        out.write_text(text, encoding="utf-8")
        actual = quiet_load(loader, out)
        compared += 1
        if isinstance(actual, Exception) or not same(actual, expected):
            failures.append(f"{name}: loads differently ({actual!r:.200})")
            continue
        ours, theirs = own_leaves(str(out)), own_leaves(original)
        ours_lines = text.count("\n")
        theirs_lines = Path(original).read_text(encoding="utf-8").count("\n")
        lines_ours += ours_lines
        lines_theirs += theirs_lines
        longer += ours_lines > theirs_lines
        if edits_bases_in_place(Path(original).read_text(encoding="utf-8")):
            in_place.append((name, ours, theirs))
        elif ours > theirs:
            failures.append(f"{name}: sets {ours} leaves, the official {theirs}")
        elif ours < theirs:
            fewer.append(theirs - ours)
        else:
            equal += 1
    report(files, skipped, compared, failures, equal, fewer, lines_ours, lines_theirs, times)
    print(f"children with more lines than the original: {longer}")
    more = [(name, ours, theirs) for name, ours, theirs in in_place if ours > theirs]
    print(
        f"configs that edit their bases in place (leaves not compared): {len(in_place)}, "
        f"of which the child sets more leaves: {len(more)}"
    )
    for name, ours, theirs in more:
        print(f"  {name}: {ours} > {theirs}")


def report(
    files: list[Path],
    skipped: int,
    compared: int,
    failures: list[str],
    equal: int,
    fewer: list[int],
    lines_ours: int,
    lines_theirs: int,
    times: list[float],
) -> None:
    for failure in failures[:30]:
        print("FAIL", failure)
    ok = compared - len(failures)
    print(f"configs: {len(files)}, mmengine cannot load: {skipped}, compared: {compared}")
    print(f"equal, and no more leaves: {ok}/{compared} ({100 * ok / max(compared, 1):.2f}%)")
    print(f"as many leaves as the official: {equal}; fewer: {len(fewer)}")
    if fewer:
        fewer.sort()
        print(
            f"  fewer by: median {statistics.median(fewer)}, max {fewer[-1]}, total "
            f"{sum(fewer)}; by 1: {fewer.count(1)}, 2-5: {sum(2 <= s <= 5 for s in fewer)}, "
            f"6-20: {sum(6 <= s <= 20 for s in fewer)}, over 20: {sum(s > 20 for s in fewer)}"
        )
    print(f"lines: rebased {lines_ours}, originals {lines_theirs}")
    if times:
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        median = 1000 * statistics.median(times)
        print(f"time per config: median {median:.1f} ms, p95 {1000 * p95:.1f} ms")


if __name__ == "__main__":
    main()
