"""Bad input: every error is a cfgkit.errors class, also the builtin mmengine raises, and
its message names the file (and the line or key where that is known)."""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path

import pytest

from cfgkit import Config, errors

BAD = Path(__file__).parents[1] / "data" / "configs" / "bad"


@pytest.mark.parametrize(
    ("name", "error", "builtin", "message"),
    [
        pytest.param(
            "syntax_error.py",
            errors.ConfigSyntaxError,
            SyntaxError,
            r"syntax errors in config file: .* \(in .*syntax_error\.py, line [123]\)",
            id="syntax-error",
        ),
        pytest.param(
            "name_error.py",
            errors.ConfigExecutionError,
            NameError,
            r"NameError: name 'undefined_name' is not defined \(in .*name_error\.py, line 2\)",
            id="name-error",
        ),
        pytest.param(
            "missing_base.py",
            errors.ConfigFileNotFoundError,
            FileNotFoundError,
            r"does_not_exist\.py\" does not exist, which is a _base_ of .*missing_base\.py",
            id="missing-base",
        ),
        pytest.param(
            "cycle_a.py",
            errors.InheritanceCycleError,
            RuntimeError,
            r"cycle: .*cycle_a\.py -> .*cycle_b\.py -> .*cycle_a\.py",
            id="cycle",
        ),
        pytest.param(
            "self_base.py",
            errors.InheritanceCycleError,
            RuntimeError,
            r"cycle: .*self_base\.py -> .*self_base\.py",
            id="self-base",
        ),
        pytest.param(
            "duplicate_base_keys.py",
            errors.DuplicateBaseKeyError,
            KeyError,
            r"Duplicate keys: \{'lr'\}; defined in both .*dup_base_one\.py and "
            r".*dup_base_two\.py \(in .*duplicate_base_keys\.py, line 1, key 'lr'\)",
            id="duplicate-base-keys",
        ),
        pytest.param(
            "bad_base_reference.py",
            errors.BaseReferenceError,
            KeyError,
            r"_base_\.model\.missing .*'missing'.*bad_base_reference\.py, line 2",
            id="bad-base-reference",
        ),
        pytest.param(
            "env_without_default.py",
            errors.MissingEnvVarError,
            KeyError,
            r"`CFGKIT_TEST_SURELY_UNSET` cannot be found.*env_without_default\.py, line 1",
            id="env-without-default",
        ),
        pytest.param(
            "reserved_key.py",
            errors.ReservedKeyError,
            KeyError,
            r"filename is reserved .*reserved_key\.py, line 2",
            id="reserved-key",
        ),
        pytest.param(
            "unsupported_format.txt",
            errors.UnsupportedFormatError,
            OSError,
            r"Only py/yml/yaml/json .*unsupported_format\.txt",
            id="unsupported-format",
        ),
        pytest.param(
            "list_top_level.yaml",
            errors.NotAMappingError,
            TypeError,
            r"must be a mapping, got list .*list_top_level\.yaml",
            id="yaml-not-mapping",
        ),
        pytest.param(
            "list_top_level.json",
            errors.NotAMappingError,
            AttributeError,
            r"must be a mapping, got list .*list_top_level\.json",
            id="json-not-mapping",
        ),
        pytest.param(
            "malformed.json",
            errors.ConfigDecodeError,
            ValueError,
            r"Invalid JSON.*malformed\.json, line 1",
            id="malformed-json",
        ),
        pytest.param(
            "malformed.yaml",
            errors.ConfigDecodeError,
            SyntaxError,
            r"Invalid YAML.*malformed\.yaml, line 2",
            id="malformed-yaml",
        ),
        pytest.param(
            "unsafe_tag.yaml",
            errors.UnsafeYamlError,
            ValueError,
            r"Refusing to construct a Python object.*python/object/apply:os\.system"
            r".*unsafe_tag\.yaml, line 1",
            id="unsafe-yaml-tag",
        ),
        pytest.param(
            "base_not_a_list.py",
            errors.ConfigTypeError,
            TypeError,
            r"_base_ must be a path or a list of paths.*base_not_a_list\.py",
            id="base-tuple",
        ),
        pytest.param(
            "custom_import_missing.py",
            errors.CustomImportError,
            ImportError,
            r"(?s)^Failed to import custom modules from \{'imports': \['cfgkit_no_such_module_xyz'"
            r".*\n'cfgkit_no_such_module_xyz' \(No module named.*sys\.path"
            r".*custom_import_missing\.py",
            id="custom-import-missing",
        ),
        pytest.param(
            "dict_over_scalar.py",
            errors.MergeError,
            TypeError,
            r"lr=\{'value': 1\} in child config cannot inherit.*_delete_=True"
            r".*dict_over_scalar\.py, key 'lr'",
            id="dict-over-scalar",
        ),
        pytest.param(
            "with_not_read_base.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"Only `read_base` context manager.*with_not_read_base\.py, line 2",
            id="with-not-read-base",
        ),
        pytest.param(
            "classic_on_pure_python.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"classic_on_pure_python\.py is a classic `_base_` config but its base "
            r".*pure/child\.py is a pure-Python config",
            id="mixed-styles",
        ),
        pytest.param(
            "missing_package.py",
            errors.PackageNotFoundError,
            ModuleNotFoundError,
            r"fakepkg_not_installed_xyz is not installed.*missing_package\.py",
            id="missing-package",
        ),
    ],
)
def test_bad_config_raises_located_error(name, error, builtin, message):
    with pytest.raises(error, match=message) as caught:
        Config.fromfile(BAD / name)
    assert isinstance(caught.value, builtin)
    assert isinstance(caught.value, errors.CfgkitError)


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.py"
    with pytest.raises(errors.ConfigFileNotFoundError, match=re.escape(str(missing))) as caught:
        Config.fromfile(missing)
    assert isinstance(caught.value, FileNotFoundError)
    assert caught.value.errno == 2


def test_syntax_error_keeps_line_and_text_for_tracebacks():
    with pytest.raises(errors.ConfigSyntaxError) as caught:
        Config.fromfile(BAD / "syntax_error.py")
    assert caught.value.filename == str(BAD / "syntax_error.py")
    assert caught.value.lineno in (1, 2, 3)
    assert caught.value.text is not None


def test_runtime_error_keeps_the_original_as_cause():
    with pytest.raises(NameError) as caught:
        Config.fromfile(BAD / "name_error.py")
    cause = caught.value.__cause__
    assert type(cause) is NameError
    frames = []
    traceback = cause.__traceback__
    while traceback is not None:
        frames.append((traceback.tb_frame.f_code.co_filename, traceback.tb_lineno))
        traceback = traceback.tb_next
    assert (str(BAD / "name_error.py"), 2) in frames


@pytest.mark.parametrize(
    "later",
    [pytest.param("a = 1\n", id="base-not-read"), pytest.param("a = _base_.b\n", id="base-read")],
)
def test_a_base_list_that_raises_is_an_execution_error_not_a_syntax_error(tmp_path, later):
    # Whether or not the file reads `_base_` (two compile paths), the `_base_` value's own
    # exception is what the user sees, located at its line, as for any other code.
    path = tmp_path / "c.py"
    path.write_text("_base_ = [int('x')]\n" + later)
    with pytest.raises(ValueError, match="invalid literal") as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, errors.ConfigExecutionError)
    assert not isinstance(caught.value, errors.ConfigSyntaxError)
    assert "invalid literal for int() with base 10: 'x'" in str(caught.value)
    assert caught.value.lineno == 1


def test_unsafe_yaml_runs_nothing(tmp_path):
    marker = Path("/tmp/cfgkit_pwned")
    marker.unlink(missing_ok=True)
    with pytest.raises(errors.UnsafeYamlError):
        Config.fromfile(BAD / "unsafe_tag.yaml")
    assert not marker.exists()


def test_key_errors_are_not_repr_quoted():
    with pytest.raises(errors.DuplicateBaseKeyError) as caught:
        Config.fromfile(BAD / "duplicate_base_keys.py")
    assert str(caught.value).startswith("Duplicate key is not allowed among bases.")


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(errors.ConfigKeyError("gone", filename="a.py", lineno=3), id="key"),
        pytest.param(errors.MergeError("bad", filename="a.py", key="m.x"), id="merge"),
        pytest.param(errors.ConfigFileNotFoundError("nope", filename="a.py"), id="not-found"),
        pytest.param(errors.MissingKeyError("x", ["y"]), id="missing-key"),
        pytest.param(errors.MissingAttributeError("ConfigDict", "x", ["y"]), id="missing-attr"),
    ],
)
def test_errors_survive_pickling(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)


def test_execution_error_classes_are_reused_per_builtin(write_config):
    raised = []
    for name, text in (
        ("a.py", "x = nope\n"),
        ("b.py", "y = also_nope\n"),
        ("c.py", "z = 1 / 0\n"),
    ):
        with pytest.raises(errors.ConfigExecutionError) as info:
            Config.fromfile(write_config(name, text))
        raised.append(type(info.value))
    assert raised[0] is raised[1]
    assert issubclass(raised[0], NameError)
    assert issubclass(raised[2], ArithmeticError)


def test_exception_that_cannot_be_subclassed_is_wrapped_with_its_cause(write_config):
    path = write_config(
        "final_error.py",
        """
        class FinalError(Exception):
            def __init_subclass__(cls, **kwargs):
                raise TypeError('FinalError cannot be subclassed')

        raise FinalError('boom')
        """,
    )
    with pytest.raises(
        errors.ConfigExecutionError, match=r"FinalError: boom \(in .*final_error\.py, line 5\)"
    ) as caught:
        Config.fromfile(path)
    assert type(caught.value) is errors.ConfigExecutionError
    assert type(caught.value.__cause__).__name__ == "FinalError"


def test_cycle_is_also_a_recursion_error():
    # mmengine ends a cycle with RecursionError (or crashes in its cleanup on Python 3.9).
    with pytest.raises(RecursionError, match="cycle"):
        Config.fromfile(BAD / "self_base.py")


def test_a_missing_config_is_named_once(tmp_path):
    path = tmp_path / "missing.py"
    with pytest.raises(errors.ConfigFileNotFoundError) as caught:
        Config.fromfile(path)
    assert str(caught.value) == f'file "{path}" does not exist'
    assert caught.value.filename == str(path)


def test_the_location_follows_a_message_that_does_not_name_it():
    error = errors.ConfigParsingError("bad value", filename="/x/cfg.py", lineno=2, key="a")
    assert str(error) == "bad value (in /x/cfg.py, line 2, key 'a')"


def _raised(function):
    try:
        function()
    except Exception as error:
        return error
    raise AssertionError("nothing raised")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: Config.fromfile(BAD / "name_error.py"), id="config-name-error"),
        pytest.param(lambda: Config.fromfile(BAD / "syntax_error.py"), id="syntax-error"),
        pytest.param(lambda: Config.fromfile(BAD / "missing_base.py"), id="missing-base"),
        pytest.param(lambda: Config.fromfile(BAD / "malformed.json"), id="malformed-json"),
        pytest.param(lambda: Config.fromfile(BAD / "self_base.py"), id="cycle"),
        pytest.param(lambda: Config(dict(a=1)).nope, id="missing-attribute"),
        pytest.param(lambda: Config(dict(a=1))["nope"], id="missing-key"),
        pytest.param(lambda: Config.fromfile(BAD / "latin1_comment.py"), id="encoding"),
    ],
)
def test_every_error_pickles_and_unpickles(make):
    # multiprocessing sends errors between processes.
    error = _raised(make)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert isinstance(again, errors.CfgkitError)


def test_an_error_from_config_code_keeps_both_families_after_pickling():
    error = _raised(lambda: Config.fromfile(BAD / "name_error.py"))
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, NameError)
    assert isinstance(again, errors.ConfigExecutionError)
    assert (again.filename, again.lineno) == (error.filename, 2)


def test_sys_exit_in_a_config_is_a_located_error(write_config):
    path = write_config("exits.py", "import sys\nsys.exit(7)\n")
    with pytest.raises(
        errors.ConfigExecutionError, match=r"SystemExit: 7 \(in .*exits\.py, line 2\)"
    ) as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, SystemExit)
    assert caught.value.code == 7


@pytest.mark.parametrize(
    ("module", "source", "message", "builtin"),
    [
        pytest.param(
            "", None, r"module '': it raised ValueError: Empty module name", ValueError, id="empty"
        ),
        pytest.param(".x", None, r"module '\.x': it raised TypeError", TypeError, id="relative"),
        pytest.param(
            "cfgkit_raises_value",
            "raise ValueError('boom')\n",
            r"ValueError: boom",
            ValueError,
            id="raises",
        ),
        pytest.param(
            "cfgkit_bad_syntax", "def (\n", r"it raised SyntaxError", SyntaxError, id="syntax-error"
        ),
        pytest.param(
            "cfgkit_calls_exit",
            "import sys\nsys.exit(3)\n",
            r"it raised SystemExit: 3",
            SystemExit,
            id="exit",
        ),
    ],
)
def test_custom_imports_that_raise_keep_the_modules_error_type_and_name_the_config(
    write_config, tmp_path, module, source, message, builtin
):
    if source is not None:
        (tmp_path / f"{module}.py").write_text(source, encoding="utf-8")
    # Not monkeypatch.syspath_prepend: its invalidate_caches() can fail on Python 3.9.
    sys.path.insert(0, str(tmp_path))
    path = write_config("imports.py", f"custom_imports = dict(imports=[{module!r}])\n")
    try:
        with pytest.raises(errors.CustomModuleError, match=rf"{message}.*imports\.py") as caught:
            Config.fromfile(path)
    finally:
        sys.path.remove(str(tmp_path))
    # As in mmengine, the module's own error type: `except ValueError` still catches it.
    assert isinstance(caught.value, builtin)
    assert not isinstance(caught.value, ImportError)
    assert isinstance(caught.value.__cause__, builtin)
    assert caught.value.key == "custom_imports"
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is type(caught.value)
    assert str(again) == str(caught.value)


def test_a_base_reference_as_a_dict_key_is_resolved(write_config):
    write_config("b.py", "name = 'k'\n")
    path = write_config(
        "keys.py", "_base_ = ['b.py']\nd = { {{ _base_.name }}: 1, 'x{{ _base_.name }}': 2 }\n"
    )
    assert Config.fromfile(path).d.to_dict() == {"k": 1, "xk": 2}


def test_a_base_reference_to_a_list_as_a_dict_key_is_refused(write_config):
    write_config("b.py", "lst = [1, 2]\n")
    path = write_config("keys.py", "_base_ = ['b.py']\nd = { {{ _base_.lst }}: 1 }\n")
    with pytest.raises(
        errors.ConfigTypeError,
        match=r"refers to a base value of type list.*keys\.py, line 2, key 'lst'",
    ):
        Config.fromfile(path)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("fakepkg::_base_/../../../x.py", id="up-and-out"),
        pytest.param("fakepkg::det/../../../../etc/passwd", id="deeper"),
    ],
)
def test_a_package_base_that_leaves_the_package_configs_is_refused(
    write_config, fake_package, entry
):
    path = write_config("escape.py", f"_base_ = [{entry!r}]\n")
    with pytest.raises(errors.BasePathError, match=r"leaves the configs folder of fakepkg"):
        Config.fromfile(path)


def test_a_package_base_inside_the_package_still_loads(write_config, fake_package):
    path = write_config("inside.py", "_base_ = ['fakepkg::det/../_base_/net.py']\n")
    assert Config.fromfile(path).model.type == "FakeNet"
