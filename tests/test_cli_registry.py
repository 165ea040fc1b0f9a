"""``cfgkit registry``: the registry trees read from source without a module, imported with one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import addict
import pytest

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"


def run_cfgkit(
    *argv: str, cwd: Path, path: list[Path] | None = None
) -> subprocess.CompletedProcess:
    """The real command; with ``path``, under ``-S`` so that only ``path`` (and cfgkit) are
    installed: the test venv's own mmengine does not show."""
    code = (
        f"import sys; sys.path[:0] = {[str(p) for p in [ROOT, *(path or ())]]!r}; "
        "from cfgkit.cli import main_entry; sys.argv[0] = 'cfgkit'; main_entry()"
    )
    isolated = ["-S"] if path is not None else []
    return subprocess.run(
        [sys.executable, *isolated, "-c", code, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_tree(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


# An mmengine stand-in and a distribution that requires it, both raising if imported.
FAKE_SITE = {
    "mmengine/__init__.py": "raise RuntimeError('mmengine must not be imported')\n",
    "mmengine/registry/__init__.py": "from .root import MODELS, HOOKS, TRANSFORMS\n",
    "mmengine/registry/root.py": """\
        from .registry import Registry

        MODELS = Registry('model')
        HOOKS = Registry('hook')
        TRANSFORMS = Registry('transform')
        """,
    "mmengine/registry/registry.py": "class Registry:\n    pass\n",
    "mmengine/hooks.py": """\
        from mmengine.registry import HOOKS


        @HOOKS.register_module()
        class CheckpointHook:
            pass
        """,
    "mmfoo/__init__.py": "raise RuntimeError('mmfoo must not be imported')\n",
    "mmfoo/registry.py": """\
        from mmengine.registry import MODELS as BASE_MODELS
        from mmengine.registry import Registry

        MODELS = Registry('model', parent=BASE_MODELS, scope='mmfoo')
        """,
    "mmfoo/models.py": """\
        from mmfoo.registry import MODELS


        @MODELS.register_module()
        class FooNet:
            pass


        @MODELS.register_module(name='AliasNet')
        class Other:
            pass
        """,
    "mmfoo-1.0.dist-info/METADATA": (
        "Metadata-Version: 2.1\nName: mmfoo\nVersion: 1.0\nRequires-Dist: mmengine>=0.7\n"
        "Requires-Dist: mmcv>=2.0; extra == 'mim'\n"
    ),
    "mmfoo-1.0.dist-info/top_level.txt": "mmfoo\n",
}


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "site"
    write_tree(folder, FAKE_SITE)
    # cfgkit needs addict, which lives beside the test venv's mmengine: link it alone.
    deps = tmp_path / "deps"
    deps.mkdir()
    (deps / "addict").symlink_to(Path(addict.__file__).parent)
    return [deps, folder]


def test_without_a_module_the_installed_packages_are_read_from_source(tmp_path, site):
    result = run_cfgkit("registry", cwd=tmp_path, path=site)
    # mmfoo requires mmcv (in its `mim` extra, as OpenMMLab packages do), which is missing.
    assert result.stderr == (
        "cfgkit registry: note: mmcv is not installed (mmfoo requires it), so the names mmcv "
        "registers are not listed\n"
    )
    # Registries without names (transform) are left out; nothing was imported, or it raised.
    assert result.stdout.splitlines() == [
        "hook [mmengine]: CheckpointHook",
        "model [mmengine]",
        "  model [mmfoo]: AliasNet, FooNet",
    ]
    assert result.returncode == 0


def test_static_reads_only_the_packages_named_and_what_they_build_on(tmp_path, site):
    result = run_cfgkit("registry", "--static", "mmengine", cwd=tmp_path, path=site)
    assert result.stdout.splitlines() == ["hook [mmengine]: CheckpointHook"]
    assert result.stderr == ""  # mmfoo, which lacks mmcv, is not listed
    assert result.returncode == 0


def test_without_anything_installed_it_says_what_to_pass(tmp_path, site):
    result = run_cfgkit("registry", cwd=tmp_path, path=site[:1])
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "cfgkit registry: error: no OpenMMLab package is installed (none is mmengine or mmcv or "
        "requires them), so there is nothing to read: pass the modules that create your "
        "registries (cfgkit registry MODULE ...), or install the package whose registries you "
        "want (pip install mmdet)"
    ]
    assert result.returncode == 2


def test_static_of_a_package_that_is_not_installed(tmp_path, site):
    result = run_cfgkit("registry", "--static", "mmnope", cwd=tmp_path, path=site)
    assert result.stderr == (
        "cfgkit registry: error: cannot read 'mmnope': no package of that name is installed "
        "and no such folder exists\n"
    )
    assert result.returncode == 2


def test_static_and_imported_listings_agree():
    imported = run_cfgkit("registry", "toydet.models", "toydet.transforms", cwd=EXAMPLES)
    static = run_cfgkit("registry", "--static", "toydet", cwd=EXAMPLES)
    assert imported.returncode == static.returncode == 0, imported.stderr + static.stderr
    assert "  model [toydet]: Detector, Head" in static.stdout.splitlines()
    # The import lists what the imported modules registered: the same as the sources say.
    assert static.stdout == imported.stdout


def test_installed_mmengine_is_listed_with_names_registered_at_run_time():
    pytest.importorskip("mmengine", reason="mmengine is not installed (pip install '.[compat]')")
    result = subprocess.run(
        [sys.executable, "-m", "cfgkit", "registry"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    hooks = next(line for line in lines if line.startswith("hook [mmengine]: "))
    assert "CheckpointHook" in hooks
    optimizers = next(line for line in lines if line.startswith("optimizer [mmengine]: "))
    assert "; names registered at run time by mmengine.optim.optimizer.builder" in optimizers


@pytest.mark.corpus
def test_a_torch_less_install_lists_mmdet_and_mmcv_names_without_importing_them(site):
    from tests.compat.corpus import ensure_corpus, ensure_sources

    corpus, why = ensure_corpus()
    sources, why_sources = ensure_sources()
    if corpus is None or sources is None:
        pytest.skip(why or why_sources)
    # mmdet and mmpretrain's wheels, mmengine's and mmcv's sources: no torch, no numpy.
    path = [str(p) for p in [ROOT, site[0], corpus, sources]]
    code = (
        f"import sys; sys.path[:0] = {path!r}; from cfgkit.cli import main; "
        "status = main(['registry']); "
        "tops = {m.partition('.')[0] for m in sys.modules}; "
        'sys.stderr.write(f\'{status} {sorted(tops & {"mmdet", "mmengine", "mmcv", "torch"})}\')'
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=600
    )
    assert result.stderr == "0 []"
    lines = result.stdout.splitlines()
    # mmcv registers its layers and transforms in mmengine's root registries.
    models = next(line for line in lines if line.startswith("model [mmengine]: "))
    assert {"BN", "Conv2d", "BaseDataPreprocessor"} <= set(models.split(": ")[1].split(", "))
    detectors = next(line for line in lines if line.startswith("  model [mmdet]: "))
    assert "MaskRCNN" in detectors.split(": ")[1].split(", ")
    transforms = next(line for line in lines if line.startswith("transform [mmengine]: "))
    assert "LoadImageFromFile" in transforms
