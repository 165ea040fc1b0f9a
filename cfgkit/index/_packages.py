"""Find packages and their source files without importing them; keep their summaries on disk.

A package is found by name on a search path (``sys.path`` by default) the way the import
system would find it (:class:`importlib.machinery.PathFinder`, which reads folders and never
runs code), or given as a folder. Its summaries (:mod:`cfgkit.index._summary`) are kept in the
user's cache directory (``<cache>/index-<python>``, see
:mod:`cfgkit.config._load.compile_cache`), one
file per package folder holding, for each source file, its size, modification time and
summary. A file whose size or time changed is read again; so is one modified within two
seconds of the cache being written (its time may not show a later change, as git treats
"racy" files). ``CFGKIT_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import os
import sys

from cfgkit._openmmlab import package_of
from cfgkit.config._load import compile_cache
from cfgkit.index._summary import FORMAT, summarise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.metadata import Distribution
    from typing import Iterable, Iterator, Optional, Sequence

    from typing_extensions import TypeGuard

    from cfgkit.index._summary import Summary

    Stamp = tuple[int, int, int]  # size, mtime_ns, inode

__all__ = [
    "STDLIB",
    "Package",
    "find_package",
    "load_summaries",
    "missing_requirements",
    "openmmlab_distributions",
    "read_source",
]

# Folders that hold no importable modules (a package's data, caches, version control).
_SKIPPED = frozenset({"__pycache__", "node_modules"})
# Within this many nanoseconds of a cache write, a file's time may not show a change.
_RACY_NS = 2_000_000_000
OPENMMLAB_ROOTS = ("mmengine", "mmcv")
# The standard library's modules: listed from 3.10; before, only the built-in ones are, and
# the others are found on the path like any module (and imported ones are in sys.modules).
STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(sys.builtin_module_names)


class Package:
    """A package found on disk: its import name, its folder (or file) and its modules."""

    def __init__(self, name: str, folder: str, single_file: bool = False) -> None:
        self.name = name
        self.folder = folder
        self.single_file = single_file

    def __repr__(self) -> str:
        return f"<Package {self.name} at {self.folder}>"

    def sources(self) -> Iterator[tuple[str, str, bool]]:
        """``(module name, file name, is a package __init__)`` for every ``.py`` file."""
        if self.single_file:
            yield self.name, self.folder, False
            return
        stack = [(self.folder, self.name)]
        while stack:
            folder, module = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name.isidentifier() and name not in _SKIPPED:
                        stack.append((entry.path, f"{module}.{name}"))
                elif name.endswith(".py"):
                    stem = name[:-3]
                    if stem == "__init__":
                        yield module, entry.path, True
                    elif stem.isidentifier():
                        yield f"{module}.{stem}", entry.path, False


def find_package(name: str, path: Optional[Sequence[str]] = None) -> Optional[Package]:
    """The top-level package or module ``name`` on ``path``, found without importing it."""
    import importlib.machinery  # lazy: only the static index needs it

    try:
        spec = importlib.machinery.PathFinder.find_spec(name, list(path or sys.path))
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    if locations:
        return Package(name, locations[0])
    if spec.origin and spec.origin.endswith(".py"):
        return Package(name, spec.origin, single_file=True)
    return None


def folder_packages(folder: str) -> list[Package]:
    """The packages a source folder holds: the folder itself when it is a package, else each
    package (and module) directly inside it."""
    folder = os.path.abspath(folder)
    if os.path.isfile(os.path.join(folder, "__init__.py")):
        return [Package(os.path.basename(folder), folder)]
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_dir() and entry.name.isidentifier() and entry.name not in _SKIPPED:
            found.append(Package(entry.name, entry.path))
        elif entry.name.endswith(".py") and entry.name[:-3].isidentifier():
            found.append(Package(entry.name[:-3], entry.path, single_file=True))
    return found


def read_source(filename: str) -> Optional[bytes]:
    """A file's bytes, or None when it cannot be read."""
    try:
        with open(filename, "rb") as stream:
            return stream.read()
    except OSError:
        return None


def _cache_file(package: Package) -> Optional[str]:
    directory = compile_cache.cache_base()
    if directory is None:
        return None
    key = f"{package.name}\0{os.path.abspath(package.folder)}"
    digest = compile_cache.digest(key)
    tag = f"index-{sys.implementation.cache_tag}-{FORMAT}"
    return os.path.join(directory, tag, f"{package.name}-{digest}")


def load_summaries(package: Package) -> dict[str, tuple[str, bool, Optional[Summary]]]:
    """``{module: (file name, is a package, summary)}`` for every source file of ``package``,
    from the cache where the file did not change."""
    cache_file = _cache_file(package)
    cached: object = {}
    if cache_file is not None:
        entry = compile_cache.read_entry(cache_file)
        if isinstance(entry, dict) and entry.get("format") == FORMAT:
            cached = entry.get("files", {})
    if not isinstance(cached, dict):
        cached = {}  # not what this version writes: read every file again
    written = cached.get("\0written", 0)
    if not isinstance(written, int):
        cached, written = {}, 0
    fresh: dict[str, object] = {"\0written": 0}
    result: dict[str, tuple[str, bool, Optional[Summary]]] = {}
    changed = False
    for module, filename, is_package in package.sources():
        try:
            stat = os.stat(filename)
        except OSError:
            continue
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        old: object = cached.get(filename)
        if _usable(old, stamp) and stat.st_mtime_ns < written - _RACY_NS:
            summary = old[1]
        else:
            changed = True
            source = read_source(filename)
            if source is None:
                continue
            summary = summarise(source, module, is_package, filename)
        fresh[filename] = (stamp, summary)
        result[module] = (filename, is_package, summary)
    if cache_file is not None and (changed or len(fresh) != len(cached)):
        import time  # lazy: only when the cache is written

        fresh["\0written"] = time.time_ns()
        compile_cache.write_entry(cache_file, {"format": FORMAT, "files": fresh})
    return result


def _usable(entry: object, stamp: Stamp) -> TypeGuard[tuple[Stamp, Optional[Summary]]]:
    """Tell whether a cached entry has the shape this version writes and the file's stamp."""
    return (
        isinstance(entry, tuple)
        and len(entry) == 2
        and entry[0] == stamp
        and (entry[1] is None or isinstance(entry[1], dict))
    )


def _distributions(path: list[str]) -> Iterable[Distribution]:
    import importlib.metadata  # lazy: only the static index reads package metadata

    return importlib.metadata.distributions(path=path)


def _requirement_name(requirement: str) -> str:
    name = requirement.strip()
    for stop in " ;[<>=!~(":
        name = name.split(stop, 1)[0]
    return name.lower().replace("_", "-")


def _needed(distribution: Distribution, extras: tuple[str, ...] = ("mim",)) -> list[str]:
    """A distribution's requirements, as written, that apply without an extra or with one of
    ``extras``."""
    wanted = {f"extra=='{extra}'" for extra in extras}
    needed = []
    for requirement in distribution.requires or ():
        marker = requirement.partition(";")[2].replace('"', "'").replace(" ", "")
        if not marker or marker in wanted:
            needed.append(requirement)
    return needed


def top_level_names(distribution: Distribution) -> list[str]:
    """The import names a distribution provides."""
    text = distribution.read_text("top_level.txt")
    if text:
        return [line.strip() for line in text.splitlines() if line.strip().isidentifier()]
    names: dict[str, None] = {}
    for file in distribution.files or ():
        parts = file.parts
        if len(parts) > 1 and parts[1] == "__init__.py" and parts[0].isidentifier():
            names[parts[0]] = None
        elif len(parts) == 1 and parts[0].endswith(".py") and parts[0][:-3].isidentifier():
            names[parts[0][:-3]] = None
    return list(names)


def openmmlab_distributions(
    path: Optional[Sequence[str]] = None,
) -> list[tuple[str, list[str], set[str]]]:
    """``(name, import names, requirements)`` of each installed distribution that is mmengine
    or mmcv or requires one of them. Its requirements are the distribution names it builds
    on: its plain requirements and its ``mim`` and ``all`` extras' (OpenMMLab packages name
    mmcv and mmengine there), not other extras' (a test or compatibility extra, such as
    cfgkit's own ``compat``)."""
    found = []
    seen = set()
    family = {*OPENMMLAB_ROOTS, "mmcv-full", "mmcv-lite"}
    for distribution in _distributions(list(path or sys.path)):
        try:
            name = _requirement_name(distribution.metadata["Name"] or "")
        except Exception:  # noqa: S112 - a broken metadata folder is not ours to judge
            continue
        if not name or name in seen:
            continue
        seen.add(name)
        requires = {_requirement_name(r) for r in _needed(distribution, ("mim", "all"))}
        if name in family or requires & family:
            found.append((name, top_level_names(distribution), requires))
    return found


def missing_requirements(
    packages: Sequence[str], path: Optional[Sequence[str]] = None
) -> list[tuple[str, str, str]]:
    """The OpenMMLab distributions that the distributions of ``packages`` require and that
    cannot be found on ``path`` (mmcv for mmdet on a machine without torch).

    Returns:
        ``(package, missing distribution, the requirement as written)`` for each, the
        requirement without its environment marker (``'mmcv<2.2.0,>=2.0.0rc4'``).
    """
    wanted = set(packages)
    found = []
    seen = set()
    for distribution in _distributions(list(path or sys.path)):
        try:
            tops = [name for name in top_level_names(distribution) if name in wanted]
        except Exception:  # noqa: S112 - a broken metadata folder is not ours to judge
            continue
        for requirement in _needed(distribution) if tops else ():
            name = _requirement_name(requirement)
            package = package_of(name)
            if package is None or (tops[0], name) in seen:
                continue
            seen.add((tops[0], name))
            if find_package(package, path) is None:
                written = requirement.split(";", 1)[0].strip().replace(" ", "")
                found.append((tops[0], name, written))
    return found
