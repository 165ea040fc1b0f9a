"""The OpenMMLab config corpus: the mmdet 3.3.0 and mmpretrain 1.2.0 wheels from PyPI.

The wheels are downloaded once into ``.cache/openmmlab`` (ignored by git; override with
``CFGKIT_CORPUS_DIR``) and unpacked side by side, so that the folder works as a
``site-packages`` for ``pkg::path`` bases in both cfgkit and mmengine.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Iterator, Optional

WHEELS = {"mmdet": "3.3.0", "mmpretrain": "1.2.0"}
CONFIG_SUFFIXES = (".py", ".json", ".yaml", ".yml")
DEFAULT_CACHE = Path(__file__).parents[2] / ".cache" / "openmmlab"


def cache_dir() -> Path:
    return Path(os.environ.get("CFGKIT_CORPUS_DIR", DEFAULT_CACHE))


def ensure_corpus() -> tuple[Optional[Path], str]:
    """Download and unpack the wheels if needed; return (site folder, or None, and why)."""
    return _unpacked_wheels(cache_dir(), WHEELS)


def _unpacked_wheels(root: Path, wheels: dict[str, str]) -> tuple[Optional[Path], str]:
    """Download ``{distribution: version}`` wheels (without dependencies) into
    ``root/wheels`` and unpack them side by side into ``root/site``, once; return (the site
    folder, or None, and why)."""
    site = root / "site"
    done = site / ".complete"
    if done.exists():
        return site, ""
    downloads = root / "wheels"
    downloads.mkdir(parents=True, exist_ok=True)
    requirements = [f"{name}=={version}" for name, version in wheels.items()]
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(downloads)
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command + requirements, capture_output=True, text=True, timeout=900, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"cannot download the OpenMMLab wheels: {error}"
    if result.returncode != 0:
        return None, f"cannot download the OpenMMLab wheels: {result.stderr.strip()[-500:]}"
    site.mkdir(parents=True, exist_ok=True)
    for name, version in wheels.items():
        found = sorted(downloads.glob(f"{name}-{version}-*.whl"))
        if not found:
            return None, f"pip did not produce a wheel for {name}=={version}"
        with zipfile.ZipFile(found[0]) as archive:
            archive.extractall(site)
    done.touch()
    return site, ""


# What the static check reads besides the two wheels: mmengine's wheel and mmcv's source
# distribution (its wheels need torch to build), unpacked without their dependencies.
SOURCES = {"mmengine": "0.10.7", "mmcv": "2.1.0"}


def ensure_sources() -> tuple[Optional[Path], str]:
    """Download and unpack mmengine and mmcv's sources beside the corpus; return (folder, or
    None, and why). The folder is never put on ``sys.path``: it is read, not imported."""
    root = cache_dir()
    sources = root / "sources"
    done = sources / ".complete"
    if done.exists():
        return sources, ""
    downloads = root / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)

    def pip(python: str) -> list[str]:
        return [python, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(downloads)]

    mmcv = ["--no-binary", ":all:", f"mmcv=={SOURCES['mmcv']}"]
    # Reading the sdist's metadata runs its setup.py (which skips the CUDA ops without torch);
    # --no-build-isolation uses this environment's setuptools and wheel. That setup.py cannot
    # run on Python 3.13 (it reads a version from exec() through locals()), so there another
    # installed Python is asked, with pip's own build isolation.
    attempts = [[[*pip(sys.executable), f"mmengine=={SOURCES['mmengine']}"]]]
    attempts.append(
        [[*pip(sys.executable), "--no-build-isolation", *mmcv]]
        + [[*pip(python), *mmcv] for python in _older_pythons()]
    )
    for commands in attempts:
        errors = []
        for command in commands:
            try:
                result = subprocess.run(
                    command, capture_output=True, text=True, timeout=900, check=False
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                errors.append(str(error))
                continue
            if result.returncode == 0:
                break
            errors.append(result.stderr.strip()[-300:])
        else:
            return None, f"cannot download mmengine and mmcv's sources: {' | '.join(errors)}"
    import tarfile

    sources.mkdir(parents=True, exist_ok=True)
    wheel = sorted(downloads.glob(f"mmengine-{SOURCES['mmengine']}-*.whl"))
    sdist = sorted(downloads.glob(f"mmcv-{SOURCES['mmcv']}.tar.gz"))
    if not wheel or not sdist:
        return None, "pip did not produce the mmengine wheel and the mmcv sdist"
    with zipfile.ZipFile(wheel[0]) as archive:
        archive.extractall(sources)
    prefix = f"mmcv-{SOURCES['mmcv']}/"
    with tarfile.open(sdist[0]) as archive:
        members = []
        for member in archive.getmembers():
            name = member.name
            if name.startswith(prefix + "mmcv/") and member.isfile() and name.endswith(".py"):
                member.name = name[len(prefix) :]
                members.append(member)
        # The "data" filter where Python has it (3.12 warns without a filter).
        options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(sources, members=members, **options)
    done.touch()
    return sources, ""


# More OpenMMLab projects for the static check, built on mmdet, mmpretrain, mmengine and mmcv.
MORE_WHEELS = {
    "mmsegmentation": ("mmseg", "1.2.2"),
    "mmpose": ("mmpose", "1.3.2"),
    "mmdet3d": ("mmdet3d", "1.4.0"),
    "mmocr": ("mmocr", "1.0.1"),
    "mmaction2": ("mmaction", "1.2.0"),
    "mmyolo": ("mmyolo", "0.6.0"),
    "mmagic": ("mmagic", "1.2.0"),
    "mmrotate": ("mmrotate", "1.0.0rc1"),
}


def ensure_more() -> tuple[Optional[Path], str]:
    """Download and unpack :data:`MORE_WHEELS`; return (site folder, or None, and why)."""
    wheels = {name: version for name, (_, version) in MORE_WHEELS.items()}
    return _unpacked_wheels(cache_dir() / "more", wheels)


def _older_pythons() -> list[str]:
    """Interpreters of Python 3.9 to 3.12 on PATH or in pyenv, for mmcv's setup.py."""
    if sys.version_info < (3, 13):
        return []
    import glob
    import shutil

    found = []
    for minor in range(12, 8, -1):
        name = f"python3.{minor}"
        found.extend(p for p in [shutil.which(name)] if p)
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        found.extend(sorted(glob.glob(os.path.join(root, "versions", f"3.{minor}.*", "bin", name))))
    return list(dict.fromkeys(found))


def configs_folder(path: Path) -> Path:
    """The package's ``configs`` folder that holds ``path``: a safe load's root for it, since
    its bases are ``../_base_/...``."""
    return next(folder for folder in path.parents if folder.name == "configs")


def config_files(site: Path) -> list[Path]:
    """Every config file under the packages' ``.mim/configs`` folders."""
    files = []
    for package in WHEELS:
        folder = site / package / ".mim" / "configs"
        files.extend(p for p in folder.rglob("*") if p.suffix in CONFIG_SUFFIXES)
    return sorted(files)


def site_and_sources() -> tuple[Path, Path]:
    """The unpacked wheels and mmengine's and mmcv's sources, or skip the test with why."""
    import pytest

    site, reason = ensure_corpus()
    if site is None:
        pytest.skip(reason)
    sources, reason = ensure_sources()
    if sources is None:
        pytest.skip(reason)
    return site, sources


@contextlib.contextmanager
def corpus_on_path() -> Iterator[tuple[Path, list[str]]]:
    """Yield the site folder and the static index's search path (sources, site), with the
    site on ``sys.path`` (for ``pkg::`` bases; read, never imported) and the index cache
    beside the downloads; both are put back after."""
    site, sources = site_and_sources()
    saved = os.environ.get("CFGKIT_CACHE_DIR")
    os.environ["CFGKIT_CACHE_DIR"] = str(sources.parent / "cache")
    sys.path.insert(0, str(site))
    try:
        yield site, [str(sources), str(site)]
    finally:
        sys.path.remove(str(site))
        if saved is None:
            del os.environ["CFGKIT_CACHE_DIR"]
        else:
            os.environ["CFGKIT_CACHE_DIR"] = saved
