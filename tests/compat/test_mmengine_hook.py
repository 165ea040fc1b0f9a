"""The mmengine drop-in (cfgkit.mmengine_hook) against the real mmengine 0.10.7, without torch.

The hook patches mmengine for the whole process and mmengine is imported once per process,
so every check runs in a fresh interpreter (about 0.7 s each): the test process itself never
installs the hook, and its own mmengine stays plain for the comparisons.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.compat

# A config with a base, a list of dicts, a tuple and a deleted key: every tree shape.
BASE = """
model = dict(type='RetinaNet', backbone=dict(type='ResNet', depth=50, out_indices=(0, 1, 2)),
             neck=dict(type='FPN', in_channels=[256, 512]))
train_pipeline = [dict(type='LoadImage'), dict(type='Resize', scale=(1333, 800))]
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
"""
CHILD = """
_base_ = ['./base.py']
model = dict(backbone=dict(depth=101), neck=dict(_delete_=True, type='PAFPN'))
work_dir = './work_dirs/child'
"""


@pytest.fixture
def config(tmp_path: Path, mmengine_config) -> Path:
    (tmp_path / "base.py").write_text(BASE, encoding="utf-8")
    (tmp_path / "child.py").write_text(CHILD, encoding="utf-8")
    return tmp_path / "child.py"


def run_python(
    code,
    *args: str,
    path: tuple[str, ...] = (),
    cwd: str | None = None,
    strict: bool = True,
    **env: str,
):
    """Run ``code`` (or, when None, the script that is the first of ``args``) in a fresh
    interpreter, in ``cwd``, cfgkit from this tree and ``path`` first on its path; return the
    completed process. Warnings are errors there (``strict``) unless the code catches them."""
    environment = dict(os.environ)
    environment.pop("CFGKIT_MMENGINE", None)
    environment.update(env)
    search = [*path, str(ROOT), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(p for p in search if p)
    command = [sys.executable, "-W", "error"] if strict else [sys.executable]
    command += [*args] if code is None else ["-c", textwrap.dedent(code), *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def results(code: str, *args: str, **options) -> dict:
    """Run ``code``, which prints one JSON object on its last line; return it."""
    done = run_python(code, *args, **options)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_way_of_making_a_config_is_cfgkit_and_mmengine_both(config):
    found = results(
        """
        import copy, json, pickle, sys
        import cfgkit, cfgkit.mmengine_hook as hook
        hook.install()
        import mmengine, mmengine.config
        from mmengine.config import Config, ConfigDict, DictAction
        original, original_dict = Config.__bases__[1], ConfigDict.__bases__[1]
        cfg = Config.fromfile(sys.argv[1])
        made = {
            'fromfile': cfg,
            'fromstring': Config.fromstring('a = dict(b=1)', '.py'),
            'Config(dict)': Config(dict(a=dict(b=1))),
            'copy': copy.copy(cfg), 'cfg.copy': cfg.copy(), 'deepcopy': copy.deepcopy(cfg),
            'pickle': pickle.loads(pickle.dumps(cfg)),
        }
        def both(value, ours, theirs):
            return isinstance(value, ours) and isinstance(value, theirs)
        print(json.dumps({
            'configs': {k: both(v, cfgkit.Config, original) and type(v) is Config
                        for k, v in made.items()},
            'nested': {k: both(v.get('model', v.get('a')), cfgkit.ConfigDict, original_dict)
                       for k, v in made.items()},
            'listed': both(cfg.train_pipeline[1], cfgkit.ConfigDict, original_dict),
            'merged': (cfg.merge_from_dict({'model.neck.extra': {'x': 1}}),
                       both(cfg.model.neck.extra, cfgkit.ConfigDict, original_dict))[1],
            'assigned': (setattr(cfg, 'extra', {'y': {'z': 1}}),
                         both(cfg.extra.y, cfgkit.ConfigDict, original_dict))[1],
            'names': [mmengine.Config is Config, mmengine.config.config.Config is Config,
                      mmengine.ConfigDict is ConfigDict,
                      issubclass(DictAction, cfgkit.DictAction),
                      issubclass(DictAction, DictAction.__bases__[1])],
            'module': [type(cfg).__module__, type(cfg).__qualname__],
            'provenance': cfg.provenance('model.backbone.depth')[-1].filename,
            'installed': hook.installed(),
        }))
        """,
        str(config),
    )
    assert found["configs"] == dict.fromkeys(found["configs"], True)
    assert found["nested"] == dict.fromkeys(found["nested"], True)
    assert found["listed"]
    assert found["merged"]
    assert found["assigned"]
    assert found["names"] == [True] * 5
    assert found["module"] == ["cfgkit.mmengine_hook", "Config"]
    assert found["provenance"].endswith("child.py")
    assert found["installed"] == {
        "requested": "config",
        "config": True,
        "registry": False,
        "mmengine": "0.10.7",
        "late": False,
        "refused": None,
        "style": "yapf",
    }


def test_text_and_dict_are_mmengines_byte_for_byte(config, mmengine_config):
    found = results(
        """
        import json, sys
        import cfgkit.mmengine_hook as hook
        hook.install()
        from mmengine.config import Config
        cfg = Config.fromfile(sys.argv[1])
        raw = Config(cfg.to_dict(), format_python_code=False)
        print(json.dumps({'text': cfg.pretty_text, 'dict': repr(cfg.to_dict()),
                          'dump': cfg.dump(), 'raw': raw.pretty_text}))
        """,
        str(config),
    )
    plain = mmengine_config.fromfile(str(config))
    assert found["text"] == plain.pretty_text
    assert found["dump"] == plain.dump()
    assert found["dict"] == repr(plain.to_dict())
    raw = mmengine_config(plain.to_dict(), format_python_code=False)
    assert found["raw"] == raw.pretty_text


def test_cfgkit_style_is_an_option(config):
    found = results(
        """
        import json, sys
        import cfgkit, cfgkit.mmengine_hook as hook
        hook.install(style='cfgkit')
        from mmengine.config import Config
        cfg = Config.fromfile(sys.argv[1])
        ours = cfgkit.Config.fromfile(sys.argv[1])
        print(json.dumps([cfg.pretty_text == ours.pretty_text, hook.installed()['style']]))
        """,
        str(config),
    )
    assert found == [True, "cfgkit"]


def test_one_log_line_says_cfgkit_loaded_the_config(config):
    done = run_python(
        """
        import sys
        import cfgkit.mmengine_hook as hook
        hook.install()
        from mmengine.config import Config
        Config.fromfile(sys.argv[1]); Config.fromfile(sys.argv[1])
        """,
        str(config),
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "cfgkit" in line]
    assert len(lines) == 1
    assert "INFO - cfgkit 0.1.0 loaded the config" in lines[0]
    assert "(mmengine 0.10.7 drop-in: config)" in lines[0]


def test_a_hooked_config_unpickles_in_a_spawned_process(config, tmp_path):
    script = tmp_path / "spawning.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, multiprocessing, sys

            def child(cfg):
                import mmengine.config
                return [f'{type(cfg).__module__}.{type(cfg).__qualname__}',
                        isinstance(cfg, mmengine.config.Config), cfg.to_dict(),
                        type(cfg.model).__qualname__, cfg.pretty_text]

            if __name__ == '__main__':
                import cfgkit.mmengine_hook as hook
                hook.install()
                from mmengine.config import Config
                cfg = Config.fromfile(sys.argv[1])
                with multiprocessing.get_context('spawn').Pool(1) as pool:
                    name, is_mmengine, tree, nested, text = pool.apply(child, (cfg,))
                print(json.dumps([name, is_mmengine, tree == cfg.to_dict(), nested,
                                  text == cfg.pretty_text]))
            """
        ),
        encoding="utf-8",
    )
    done = run_python(None, str(script), str(config))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "cfgkit.mmengine_hook.Config",
        True,
        True,
        "ConfigDict",
        True,
    ]


def test_late_install_rebinds_module_names_and_says_what_it_could_not(config):
    found = results(
        """
        import json, sys, warnings
        import mmengine, mmengine.registry.build_functions as build_functions
        from mmengine.config import Config as bound_early
        before = bound_early(dict(a=1))
        import cfgkit, cfgkit.mmengine_hook as hook
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            hook.install()
        from mmengine.config import Config
        try:
            hook.install(registry=True)
        except RuntimeError as error:
            refused = [type(error).__name__, str(error)]
        print(json.dumps({
            'warnings': [str(w.message) for w in caught],
            'rebound': [Config is mmengine.Config, build_functions.Config is Config,
                        bound_early is Config, Config.__bases__[1] is type(before)],
            'loads': isinstance(Config.fromfile(sys.argv[1]), cfgkit.Config),
            'before': isinstance(before, Config),
            'late': hook.installed()['late'], 'refused': refused,
        }))
        """,
        str(config),
    )
    assert len(found["warnings"]) == 1
    assert found["warnings"][0].startswith("cfgkit: mmengine was imported before the hook; ")
    assert "configs made before the hook" in found["warnings"][0]
    assert found["rebound"] == [True, True, True, True]
    assert found["loads"]
    assert found["late"]
    assert not found["before"]  # an object made before keeps mmengine's class
    assert found["refused"][0] == "DropInError"
    assert found["refused"][1].startswith(
        "cfgkit cannot swap mmengine's registries: mmengine.registry is already imported"
    )


def test_uninstall_puts_every_original_back(config):
    found = results(
        """
        import json, sys
        import cfgkit, cfgkit.mmengine_hook as hook
        from cfgkit.config.config_dict import tree_class
        hook.install(); hook.install()  # idempotent
        import mmengine, mmengine.config, mmengine.registry.build_functions as build_functions
        hooked = mmengine.config.Config
        original = hooked.__bases__[1]
        hook.uninstall()
        plain = mmengine.config.Config.fromfile(sys.argv[1])
        print(json.dumps({
            'names': [mmengine.config.Config is original, mmengine.Config is original,
                      mmengine.config.config.Config is original,
                      build_functions.Config is original,
                      mmengine.config.ConfigDict.__module__],
            'plain': [type(plain) is original, type(plain.model).__module__],
            'tree': tree_class() is cfgkit.ConfigDict,
            'meta_path': any(type(f).__module__ == 'cfgkit.mmengine_hook' for f in sys.meta_path),
            'installed': hook.installed(),
        }))
        """,
        str(config),
    )
    assert found["names"] == [True, True, True, True, "mmengine.config.config"]
    assert found["plain"] == [True, "mmengine.config.config"]
    assert found["tree"]
    assert not found["meta_path"]
    assert found["installed"]["requested"] is None
    assert not found["installed"]["config"]


def test_without_mmengine_nothing_happens(config):
    found = results(
        """
        import json, sys
        sys.modules['mmengine'] = None  # as if mmengine were not installed
        import cfgkit, cfgkit.mmengine_hook as hook
        from cfgkit.config.config_dict import tree_class
        hook.install(registry=True)
        try:
            import mmengine.config
            imported = True
        except ImportError:
            imported = False
        cfg = cfgkit.Config.fromfile(sys.argv[1])
        print(json.dumps({'imported': imported, 'installed': hook.installed(),
                          'tree': tree_class() is cfgkit.ConfigDict,
                          'type': type(cfg).__module__}))
        """,
        str(config),
    )
    assert not found["imported"]
    assert found["tree"]
    assert found["type"] == "cfgkit.config.config"
    installed = found["installed"]
    assert (installed["config"], installed["registry"], installed["mmengine"]) == (
        False,
        False,
        None,
    )


FAKE_CONFIG = """
from argparse import Action


class ConfigDict(dict):
    pass


class DictAction(Action):
    pass


class Config:
    {body}

    def __init__(self, cfg_dict=None):
        super().__setattr__('_cfg_dict', cfg_dict)
        super().__setattr__('_filename', None)
        super().__setattr__('_text', '')
        super().__setattr__('_env_variables', {{}})
        super().__setattr__('_format_python_code', True)
        {imported}

    @staticmethod
    def fromfile(filename):
        return 'mmengine'

    @staticmethod
    def fromstring(text, file_format):
        return 'mmengine'

    def merge_from_dict(self, options):
        pass

    def to_dict(self):
        return {{}}

    def __getstate__(self):
        return ()
"""


def fake_mmengine(root: Path, version: str, body: str = "", imported: bool = True) -> str:
    """Write a stand-in mmengine package of ``version`` under ``root``; return ``root``."""
    package = root / "mmengine"
    (package / "config").mkdir(parents=True)
    (package / "__init__.py").write_text("from .config import *\n", encoding="utf-8")
    (package / "version.py").write_text(f"__version__ = '{version}'\n", encoding="utf-8")
    (package / "config" / "__init__.py").write_text(
        "from .config import Config, ConfigDict, DictAction\n", encoding="utf-8"
    )
    (package / "config" / "config.py").write_text(
        FAKE_CONFIG.format(
            body=body,
            imported="super().__setattr__('_imported_names', set())" if imported else "",
        ),
        encoding="utf-8",
    )
    return str(root)


REFUSED = """
import json, warnings
import cfgkit.mmengine_hook as hook
from cfgkit.config.config_dict import tree_class
hook.install()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    import mmengine.config
print(json.dumps({'warnings': [(w.category.__name__, str(w.message)) for w in caught],
                  'untouched': mmengine.config.Config.__module__ == 'mmengine.config.config',
                  'tree': tree_class().__module__, 'installed': hook.installed()}))
"""


@pytest.mark.parametrize(
    ("version", "body", "imported", "problem"),
    [
        pytest.param(
            "0.9.1",
            "",
            True,
            r"mmengine 0.9.1 is outside the tested range (0.10.x)",
            id="old-version",
        ),
        pytest.param(
            "1.0.0rc0",
            "",
            True,
            r"mmengine 1.0.0rc0 is outside the tested range (0.10.x)",
            id="new-version",
        ),
        pytest.param(
            "0.10.7", "", False, "mmengine's Config keeps no _imported_names", id="other-shape"
        ),
        pytest.param(
            "0.10.7",
            "def __init_subclass__(cls):\n        raise TypeError('no subclass')",
            True,
            "the hook failed (TypeError: ",
            id="error-inside",
        ),
    ],
)
def test_mmengine_it_cannot_be_right_for_is_left_as_it_is(
    tmp_path, mmengine_config, version, body, imported, problem
):
    path = fake_mmengine(tmp_path, version, body, imported)
    found = results(REFUSED, path=(path,))
    assert len(found["warnings"]) == 1
    category, message = found["warnings"][0]
    assert category == "RuntimeWarning"
    assert message.startswith(f"cfgkit: {problem}")
    assert message.endswith("mmengine is left as it is (set CFGKIT_MMENGINE_FORCE=1 to try anyway)")
    assert found["untouched"]
    assert found["tree"] == "cfgkit.config.config_dict"
    assert found["installed"]["refused"] in message
    assert not found["installed"]["config"]


def test_force_skips_the_version_gate(tmp_path, mmengine_config):
    path = fake_mmengine(tmp_path, "0.9.1")
    found = results(REFUSED, path=(path,), CFGKIT_MMENGINE_FORCE="1")
    assert found["warnings"] == []
    assert found["installed"]["config"]
    assert found["installed"]["mmengine"] == "0.9.1"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            "hook.install(style='black')",
            "style must be 'yapf' or 'cfgkit', got 'black'",
            id="style",
        ),
        pytest.param(
            "hook.install(); hook.install(registry=True)",
            "cfgkit cannot add the registry half to a hook already installed without it",
            id="registry-added-later",
        ),
    ],
)
def test_install_refuses_what_it_cannot_do(call, message):
    found = results(
        f"""
        import json
        import cfgkit.mmengine_hook as hook
        try:
            {call}
        except RuntimeError as error:
            print(json.dumps([type(error).__name__, str(error)]))
        """
    )
    assert found == ["DropInError", message]


def test_registry_half_makes_mmengines_registries_cfgkits(tmp_path, mmengine_config):
    (tmp_path / "typo.py").write_text(
        "model = dict(type='ToyNet', depth=1, neck=dict(type='FPNN'))\n", encoding="utf-8"
    )
    found = results(
        """
        import json, sys
        import cfgkit.registry, cfgkit.mmengine_hook as hook
        hook.install(registry=True)
        import mmengine.registry as registry
        from mmengine.config import Config
        from mmengine.registry import (MODELS, VISUALIZERS, DefaultScope, Registry,
                                       build_from_cfg, init_default_scope)
        from mmengine.utils import ManagerMixin

        class Board(ManagerMixin):  # as mmengine's Visualizer: built through get_instance
            def __init__(self, name, size=1):
                super().__init__(name)
                self.size = size

        VISUALIZERS.register_module(module=Board)
        first = VISUALIZERS.build(dict(type='Board', name='board', size=3))
        again = VISUALIZERS.build(dict(type='Board', name='board'))

        TOYS = Registry('model', parent=MODELS, scope='toys')  # as mmdet's registries

        @TOYS.register_module()
        class FPN:
            pass

        @TOYS.register_module()
        class ToyNet:
            def __init__(self, depth, neck):
                self.neck = TOYS.build(neck)

        init_default_scope('toys')
        cfg = Config.fromfile(sys.argv[1])
        try:
            TOYS.build(cfg.model)
        except KeyError as error:
            failure = [type(error).__name__, str(error)]
        print(json.dumps({
            'same': [MODELS is cfgkit.registry.MODELS,
                     registry.Registry is cfgkit.registry.Registry,
                     registry.DefaultScope is cfgkit.registry.DefaultScope,
                     registry.build_from_cfg is cfgkit.registry.build_from_cfg,
                     registry.init_default_scope is cfgkit.registry.init_default_scope,
                     registry.root.HOOKS is cfgkit.registry.HOOKS],
            'manager': [first is again, first.size, Board.get_current_instance() is first],
            'internals': [MODELS.children['toys'] is TOYS, 'ToyNet' in TOYS.module_dict],
            'scope': DefaultScope.get_current_instance().scope_name,
            'failure': failure, 'installed': hook.installed(),
        }))
        """,
        str(tmp_path / "typo.py"),
    )
    assert found["same"] == [True] * 6
    assert found["manager"] == [True, 3, True]
    assert found["internals"] == [True, True]
    assert found["scope"] == "toys"
    assert found["failure"][0] == "NotRegisteredError"
    assert found["failure"][1].startswith(
        "FPNN is not in the toys::model registry. Did you mean 'FPN'?"
    )
    assert "typo.py" in found["failure"][1]
    assert found["installed"]["registry"]


def test_registry_half_is_opt_in(config):
    found = results(
        """
        import json
        import cfgkit.registry, cfgkit.mmengine_hook as hook
        hook.install()
        import mmengine.registry
        print(json.dumps([mmengine.registry.MODELS is cfgkit.registry.MODELS,
                          type(mmengine.registry.MODELS).__module__]))
        """
    )
    assert found == [False, "mmengine.registry.registry"]


# mmengine 0.10.7's own tests (tests/test_config, tests/test_registry of its repository) are
# not shipped in its wheel and are not copied here; point CFGKIT_MMENGINE_TESTS at a checkout's
# `tests` folder to run them with the hook. These fail with the hook, by design (docs/dropin.md):
# cfgkit's DictAction makes bad brackets a usage error (mmengine: an AssertionError escaping
# argparse), and a ConfigDict builds cfgkit's lazy objects, not ones made with mmengine's
# LazyObject by hand.
EXPECTED_FAILURES = {
    "tests/test_config/test_config.py::TestConfig::test_dict_action",
    "tests/test_config/test_config.py::TestConfigDict::test_build_lazy",
}


@pytest.mark.parametrize("mode", ["--style=yapf", "--registry"])
def test_mmengines_own_config_and_registry_tests_pass_with_the_hook(mode, mmengine_config):
    tests = os.environ.get("CFGKIT_MMENGINE_TESTS")
    if not tests:
        pytest.skip("set CFGKIT_MMENGINE_TESTS to the tests folder of an mmengine 0.10.7 checkout")
    root = Path(tests).parent
    done = run_python(
        "import sys; from cfgkit.cli import main; sys.exit(main(sys.argv[1:]))",
        "run",
        mode,
        pytest.__file__.replace("__init__.py", "__main__.py"),
        "-p", "no:cacheprovider", "-q", "-rf", "--ignore", "tests/test_config/test_lazy.py",
        "tests/test_config", "tests/test_registry",
        cwd=str(root),
        strict=False,
    )  # fmt: skip
    failed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("FAILED")}
    assert failed == EXPECTED_FAILURES, done.stdout[-3000:]


HOOK_SAMPLE_EVERY = 190  # 11 of the corpus's 1,901 configs: yapf takes ~1 s a config a side


def load_results(fromfile, paths):
    """``{path: {'dict': repr(to_dict()), 'text': pretty_text}}``, or ``{'error': the error's
    builtin classes}``."""
    import warnings

    found = {}
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                cfg = fromfile(path, import_custom_modules=False)
                found[path] = {"dict": repr(cfg.to_dict()), "text": cfg.pretty_text}
            except Exception as error:
                builtin = [c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"]
                found[path] = {"error": builtin}
    return found


@pytest.mark.corpus
def test_corpus_sample_through_the_hook_is_mmengines_byte_for_byte(mmengine_config, tmp_path):
    from tests.compat.corpus import config_files, ensure_corpus

    site, reason = ensure_corpus()
    if site is None:
        pytest.skip(reason)
    paths = [str(p) for p in config_files(site)[::HOOK_SAMPLE_EVERY]]
    listed = tmp_path / "paths.json"
    listed.write_text(json.dumps(paths), encoding="utf-8")
    hooked = results(
        """
        import json, sys
        import cfgkit.mmengine_hook as hook
        hook.install()
        from mmengine.config import Config
        from tests.compat.test_mmengine_hook import load_results
        with open(sys.argv[1], encoding='utf-8') as file:
            paths = json.load(file)
        print(json.dumps(load_results(Config.fromfile, paths)))
        """,
        str(listed),
        path=(str(site),),
        strict=False,
    )
    sys.path.insert(0, str(site))
    try:
        plain = load_results(mmengine_config.fromfile, paths)
    finally:
        sys.path.remove(str(site))
    assert sum("text" in plain[path] for path in paths) >= 10
    for path in paths:
        assert hooked[path] == plain[path], path


def test_mmengines_config_api_behaves_through_the_hook(config, tmp_path):
    """What mmengine's own config tests check, through mmengine's names with the hook on."""
    (tmp_path / "broken.py").write_text("model = dict(depth=50\n", encoding="utf-8")
    found = results(
        """
        import argparse, json, sys
        from pathlib import Path
        import cfgkit.mmengine_hook as hook
        hook.install()
        from mmengine.config import Config, ConfigDict, DictAction
        path, folder = sys.argv[1], Path(sys.argv[2])
        cfg = Config.fromfile(path)
        parser = argparse.ArgumentParser()
        parser.add_argument('--cfg-options', nargs='+', action=DictAction)
        options = parser.parse_args(
            ['--cfg-options', 'model.backbone.depth=18', 'train_pipeline.1.scale=(640,480)',
             'extra=[1,2]']).cfg_options
        cfg.merge_from_dict(options)
        reloaded = {}
        for suffix in ('py', 'json', 'yaml'):
            cfg.dump(str(folder / f'out.{suffix}'))
            reloaded[suffix] = Config.fromfile(str(folder / f'out.{suffix}')).to_dict()
        errors = {}
        for name, make in {'reserved': lambda: Config(dict(filename=1)),
                           'syntax': lambda: Config.fromfile(str(folder / 'broken.py')),
                           'missing': lambda: Config.fromfile(str(folder / 'nope.py')),
                           'key': lambda: cfg.model['nope'],
                           'attribute': lambda: cfg.model.nope}.items():
            try:
                make()
            except Exception as error:
                errors[name] = [c.__name__ for c in type(error).__mro__]
        merged = Config._merge_a_into_b(dict(a=dict(b=2)), ConfigDict(a=dict(b=1, c=3)))
        print(json.dumps({
            'options': [cfg.model.backbone.depth, list(cfg.train_pipeline[1].scale), cfg.extra],
            'reloaded': {k: v == cfg.to_dict() for k, v in reloaded.items()},
            'yaml_tuple': type(reloaded['yaml']['model']['backbone']['out_indices']).__name__,
            'errors': errors,
            'merged': [type(merged).__module__, merged.to_dict()],
            'diff': Config.diff(cfg, Config.fromfile(path)).count('depth'),
            'string': Config.fromstring('a: [1, 2]', '.yaml').to_dict(),
        }))
        """,
        str(config),
        str(tmp_path),
    )
    assert found["options"] == [18, [640, 480], [1, 2]]
    assert found["reloaded"] == {"py": True, "json": False, "yaml": True}  # JSON: tuples → lists
    assert found["yaml_tuple"] == "tuple"
    assert "KeyError" in found["errors"]["reserved"]
    assert "SyntaxError" in found["errors"]["syntax"]
    assert "FileNotFoundError" in found["errors"]["missing"]
    assert "KeyError" in found["errors"]["key"]
    assert "AttributeError" in found["errors"]["attribute"]
    assert found["merged"] == ["cfgkit.mmengine_hook", {"a": {"b": 2, "c": 3}}]
    assert found["diff"] == 2
    assert found["string"] == {"a": [1, 2]}
