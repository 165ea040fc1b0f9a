"""Who would use list selectors, and what an edit by selector costs.

Survey: over every loadable config of the mmdet 3.3.0 and mmpretrain 1.2.0 wheels, the child
configs that write a whole list of dicts over a base list of the same length in which exactly
one element differs (``train_pipeline = [...]`` copied to change one ``Resize``), and the
lines they would save: the statement's lines against a selector edit
(``train_pipeline = {'[type=Resize]': dict(scale=...)}``, one line per changed field plus
two). It also counts keys that contain ``[`` anywhere in the corpus (selectors must not
change what any existing config means).

Cost: ``merge_from_dict`` of one selector edit against the same edit by index, medians.

Usage: python benchmarks/bench_selectors.py [--limit N] [--show 10]
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import corpus_site  # noqa: E402
from cfgkit import Config  # noqa: E402
from cfgkit._locations import PROVENANCE_ATTRIBUTE  # noqa: E402
from cfgkit.config._merge.merging import merge_into  # noqa: E402
from tests.compat.corpus import config_files  # noqa: E402


def is_dict_list(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def one_changed(own: Any, base: Any, path: tuple[Any, ...], found: list[Any]) -> None:
    """Record each list of dicts in ``own`` that rewrites a base list to change one element."""
    if isinstance(own, dict) and isinstance(base, dict):
        for key, value in own.items():
            if key in base:
                one_changed(value, base[key], (*path, key), found)
    elif is_dict_list(own) and is_dict_list(base) and len(own) == len(base):
        changed = [i for i, (a, b) in enumerate(zip(own, base)) if a != b]
        if len(changed) == 1:
            index = changed[0]
            fields = [k for k in own[index] if own[index].get(k) != base[index].get(k)]
            fields += [k for k in base[index] if k not in own[index]]
            found.append((path, index, len(fields)))


def brackets(tree: Any) -> int:
    if isinstance(tree, dict):
        return sum(("[" in k if isinstance(k, str) else 0) + brackets(v) for k, v in tree.items())
    if isinstance(tree, (list, tuple)):
        return sum(brackets(v) for v in tree)
    return 0


def statement_lines(text: str) -> dict[str, int]:
    """Lines of each top-level assignment (the last one of a name wins)."""
    lines: dict[str, int] = {}
    try:
        module = ast.parse(text)
    except SyntaxError:
        return lines
    for node in module.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            lines[node.targets[0].id] = (node.end_lineno or node.lineno) - node.lineno + 1
    return lines


def survey(files: list[Path], show: int) -> None:
    children, edits, saved, with_brackets = set(), 0, 0, 0
    examples = []
    for path in files:
        try:
            cfg = Config.fromfile(str(path), import_custom_modules=False)
        except Exception:
            continue
        log = cfg._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is None:
            continue
        with_brackets += sum(brackets(layer.tree) for layer in log.layers[-1:])
        if len(log.layers) < 2 or log.layers[-1].extension != ".py":
            continue
        base: dict[str, Any] = {}
        for layer in log.layers[:-1]:
            try:
                base = merge_into(layer.tree, base, allow_list_keys=True)
            except Exception:
                break
        own = log.layers[-1].tree
        found: list[Any] = []
        one_changed(own, base, (), found)
        if not found:
            continue
        children.add(str(path))
        lines = statement_lines(log.layers[-1].text)
        for key_path, index, fields in found:
            edits += 1
            written = lines.get(key_path[0], 0) if len(key_path) == 1 else 0
            saved += max(written - (fields + 2), 0)
            if len(examples) < show:
                relative = path.as_posix().split(".mim/configs/")[-1]
                examples.append(f"  {relative}: {'.'.join(map(str, key_path))}[{index}]")
    print(
        f"{len(children)} child configs rewrite a whole base list of dicts to change one "
        f"element ({edits} lists); selectors would save {saved} lines (top-level lists only)"
    )
    print("\n".join(examples))
    print(f"keys containing '[' in the configs' own trees: {with_brackets}")


def cost() -> None:
    pipeline = [dict(type=f"T{i}", scale=(i, i)) for i in range(12)]

    def timed(options: dict[str, Any]) -> float:
        results = []
        for _ in range(7):
            cfg = Config(dict(train_pipeline=[dict(d) for d in pipeline]))
            start = time.perf_counter()
            for _ in range(200):
                cfg.merge_from_dict(options)
            results.append((time.perf_counter() - start) / 200)
        return statistics.median(results)

    by_index = timed({"train_pipeline.7.scale": (1, 2)})
    by_selector = timed({"train_pipeline[type=T7].scale": (1, 2)})
    print(
        f"merge_from_dict, one edit: by index {by_index * 1e6:.1f} us, by selector "
        f"{by_selector * 1e6:.1f} us ({by_selector / by_index:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N configs")
    parser.add_argument("--show", type=int, default=10, help="examples to print")
    args = parser.parse_args()
    site = corpus_site()
    survey(config_files(site)[: args.limit or None], args.show)
    cost()


if __name__ == "__main__":
    main()
