"""What an editor waits for from ``cfgkit lsp``, measured from the client side over stdio.

- Cold start: from starting the server to the first answer about a real mmdet config
  (initialize, open it, its diagnostics once the static index is built, a definition).
- Warm requests: definition, hover and completion at the ``type=`` strings and keys of real
  mmdet configs (each config opened first), p50 / p95 / max.
- Diagnostics after an edit: a change to the open config until its diagnostics arrive.
- Memory: the server's resident size after it has opened, checked and closed every config of
  the mmdet wheel (its caches are bounded: 64 loaded configs, 8 indexes, 256 parsed
  documents, 64 parsed class sources).

The packages are read from the corpus (never imported), as the end-to-end tests do.

Usage: python benchmarks/bench_lsp.py [--limit 40] [--all]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.compat.corpus import ensure_corpus, ensure_sources  # noqa: E402
from tests.lsp.client import Client  # noqa: E402

TYPE = re.compile(r"type\s*=\s*'([A-Za-z_][\w.]*)'")
KEY = re.compile(r"^\s+(\w+)=", re.MULTILINE)


def spots(text: str, pattern: re.Pattern[str], group: int, offset: int) -> list[tuple[int, int]]:
    found = []
    for match in pattern.finditer(text):
        start = match.start(group) + offset
        line = text.count("\n", 0, start)
        found.append((line, start - (text.rfind("\n", 0, start) + 1)))
    return found


def summary(name: str, times: list[float]) -> str:
    if not times:
        return f"{name:<26} no samples"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{name:<26} n={len(times):<5} p50 {statistics.median(times) * 1000:7.1f} ms   "
        f"p95 {p95 * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms"
    )


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40, help="configs for the warm requests")
    parser.add_argument("--all", action="store_true", help="then serve every mmdet config")
    args = parser.parse_args()
    site, reason = ensure_corpus()
    sources, reason2 = ensure_sources()
    if site is None or sources is None:
        sys.exit(reason or reason2)
    configs = site / "mmdet" / ".mim" / "configs"
    files = sorted(p for p in configs.rglob("*.py") if "_base_" not in p.parts)
    random.Random(0).shuffle(files)
    env = dict(os.environ, CFGKIT_CACHE_DIR=str(sources.parent / "cache"))

    started = time.perf_counter()
    client = Client(env=env)
    client.initialize(configs, {"path": [str(sources), str(site)]})
    initialized = time.perf_counter() - started
    first = configs / "faster_rcnn" / "faster-rcnn_r50_fpn_1x_coco.py"
    client.diagnostics(first, client.open(first))
    model = configs / "_base_" / "models" / "faster-rcnn_r50_fpn.py"
    line, column = spots(model.read_text(), TYPE, 1, 1)[2]
    client.at("textDocument/definition", model, line, column)
    cold = time.perf_counter() - started
    print(f"initialize answered after {initialized * 1000:.0f} ms (index not built yet)")
    print(f"cold start to the first definition: {cold * 1000:.0f} ms (index built)")

    timings: dict[str, list[float]] = {
        "definition (type=)": [],
        "definition (key)": [],
        "hover (type=)": [],
        "hover (key)": [],
        "completion (type=)": [],
        "completion (keyword)": [],
        "diagnostics after edit": [],
    }

    def timed(name: str, method: str, path: Path, where: tuple[int, int]) -> None:
        begin = time.perf_counter()
        client.at(method, path, *where)
        timings[name].append(time.perf_counter() - begin)

    for path in files[: args.limit]:
        text = path.read_text(encoding="utf-8")
        client.diagnostics(path, client.open(path))
        types = spots(text, TYPE, 1, 1)[:3]
        keys = spots(text, KEY, 1, 1)[:3]
        for where in types:
            timed("definition (type=)", "textDocument/definition", path, where)
            timed("hover (type=)", "textDocument/hover", path, where)
            timed("completion (type=)", "textDocument/completion", path, where)
        for where in keys:
            timed("definition (key)", "textDocument/definition", path, where)
            timed("hover (key)", "textDocument/hover", path, where)
        for line, _ in spots(text, TYPE, 0, 0)[:2]:
            # A keyword being written: a new line after a `type=` line (inside its dict).
            lines = text.split("\n")
            lines.insert(line + 1, "")
            client.change(path, "\n".join(lines))
            begin = time.perf_counter()
            client.at("textDocument/completion", path, line + 1, 0)
            timings["completion (keyword)"].append(time.perf_counter() - begin)
        for number in range(3):
            edited = f"{text}\n_bench_edit = {number}\n"
            begin = time.perf_counter()
            client.diagnostics(path, client.change(path, edited))
            timings["diagnostics after edit"].append(time.perf_counter() - begin)
        client.close(path)
    print(f"warm requests over {min(args.limit, len(files))} mmdet configs:")
    for name, times in timings.items():
        print("  " + summary(name, times))
    print(f"server memory after those: {rss_mb(client.process.pid):.0f} MB")

    if args.all:
        begin = time.perf_counter()
        for path in files:
            client.diagnostics(path, client.open(path))
            client.close(path)
        took = time.perf_counter() - begin
        memory = rss_mb(client.process.pid)
        print(
            f"served all {len(files)} mmdet configs (open, check, close) in {took:.1f} s; "
            f"server memory {memory:.0f} MB"
        )
    client.stop()


if __name__ == "__main__":
    main()
