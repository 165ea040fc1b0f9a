"""mmengine's private static helpers of ``Config``, which downstream code and tests call.

``Config._file2dict``, ``_get_cfg_path``, ``_validate_py_syntax``, the three substitution
helpers, ``_substitute_base_vars``, ``_dict_to_config_dict``, ``_merge_a_into_b`` and
``_is_lazy_import`` keep mmengine 0.10.7's signatures and results, built on cfgkit's loader
(in memory: the helpers that write a file write only the one the caller names).
"""

from __future__ import annotations

import copy
import os

from cfgkit._keys import SCOPE_KEY, TYPE_KEY
from cfgkit.config._load.files import PYTHON_EXTENSION, read_text
from cfgkit.config._load.inheritance import LoadOptions, locate_base, resolve_file
from cfgkit.config._load.parsing import parse_python
from cfgkit.config._load.pure_python import is_pure_python
from cfgkit.config._load.substitution import (
    substitute_base_references,
    substitute_env_variables,
    substitute_predefined_variables,
)
from cfgkit.config._merge.merging import merge_into
from cfgkit.config.config_dict import ConfigDict, to_config_tree, tree_class
from cfgkit.errors import ConfigParsingError, ConfigSyntaxError, MergeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from cfgkit._contracts import ConfigTree

__all__ = ["MmenginePrivateHelpers"]


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)


class MmenginePrivateHelpers:
    """The static helpers, as a base class of :class:`cfgkit.Config`."""

    @staticmethod
    def _validate_py_syntax(filename: str) -> None:
        """Raise ``SyntaxError`` naming ``filename`` when it is not valid Python."""
        try:
            parse_python(read_text(filename), filename)
        except ConfigSyntaxError as error:
            # mmengine's words: the file named before the parser's message.
            detail = error.msg.partition(": ")[2]
            error.message = error.msg = (
                f"There are syntax errors in config file {filename}: {detail}"
            )
            raise

    @staticmethod
    def _substitute_predefined_vars(filename: str, temp_config_name: str) -> None:
        """Write ``filename`` to ``temp_config_name`` with ``{{ fileDirname }}`` & co. replaced."""
        _write(temp_config_name, substitute_predefined_variables(read_text(filename), filename))

    @staticmethod
    def _substitute_env_variables(filename: str, temp_config_name: str) -> dict[str, str]:
        """Write ``filename`` to ``temp_config_name`` with ``{{ $VAR:default }}`` replaced.

        Returns:
            The variables taken from the environment, name to value.
        """
        text, used, _ = substitute_env_variables(read_text(filename), filename)
        _write(temp_config_name, text)
        return used

    @staticmethod
    def _pre_substitute_base_vars(filename: str, temp_config_name: str) -> dict[str, str]:
        """Write ``filename`` with each ``{{ _base_.x }}`` replaced by a placeholder string.

        Returns:
            Placeholder (``'_x_...'``) to the dotted path it stands for.
        """
        text, references = substitute_base_references(read_text(filename))
        _write(temp_config_name, text)
        return {placeholder: reference.path for placeholder, reference in references.items()}

    @staticmethod
    def _substitute_base_vars(
        cfg: object, base_var_dict: dict[str, str], base_cfg: ConfigTree
    ) -> object:
        """Return a copy of ``cfg`` with every placeholder string replaced by its base value."""

        def look_up(path: str) -> object:
            node: Any = base_cfg  # indexed as mmengine does, raising what it raises
            for part in path.split("."):
                node = node[part]
            return node

        def substitute(value: object) -> object:
            if isinstance(value, str) and value in base_var_dict:
                return look_up(base_var_dict[value])
            if isinstance(value, dict):
                for key, item in value.items():
                    value[key] = substitute(item)
                return value
            if isinstance(value, (list, tuple)):
                return type(value)(substitute(item) for item in value)
            return value

        return substitute(copy.deepcopy(cfg))

    @staticmethod
    def _file2dict(
        filename: str,
        use_predefined_variables: bool = True,
        use_environment_variables: bool = True,
        lazy_import: Optional[bool] = None,
    ) -> tuple[ConfigTree, str, dict[str, str]]:
        """Load a classic config file: ``(dict, text, environment variables used)``.

        Raises:
            ConfigParsingError: ``lazy_import`` is None and the file is pure-Python style.
        """
        path = os.path.abspath(os.path.expanduser(filename))
        detect = lazy_import is None and path.endswith(PYTHON_EXTENSION)
        if detect and is_pure_python(read_text(path), path):
            raise ConfigParsingError(
                "The configuration file type in the inheritance chain must match the "
                'current configuration file type, either "lazy_import" or '
                'non-"lazy_import". You got this error since you use the syntax like '
                f"`with read_base(): ...` or import non-builtin module in {filename}",
                filename=path,
            )
        options = LoadOptions(
            use_predefined_variables=use_predefined_variables,
            use_environment_variables=use_environment_variables,
            detect_style=lazy_import is None,
        )
        resolved = resolve_file(path, options)
        tree = dict(dict.items(to_config_tree(resolved.tree)))
        return tree, str(resolved.text), dict(resolved.env_variables)

    @staticmethod
    def _get_cfg_path(cfg_path: str, filename: str) -> tuple[str, Optional[str]]:
        """Return the path a ``_base_`` entry names, and the scope of a ``pkg::`` entry."""
        if "::" not in cfg_path:
            return os.path.join(os.path.dirname(filename), cfg_path), None
        return locate_base(cfg_path, filename)

    @staticmethod
    def _dict_to_config_dict(
        cfg: object, scope: Optional[str] = None, has_scope: bool = True
    ) -> object:
        """Convert dicts to ``ConfigDict``, giving outermost typed dicts ``_scope_ = scope``."""
        if isinstance(cfg, dict):
            converted = tree_class()()
            outermost = has_scope and TYPE_KEY in cfg
            for key, value in dict.items(cfg):
                item = MmenginePrivateHelpers._dict_to_config_dict(
                    value, scope, has_scope and not outermost
                )
                dict.__setitem__(converted, key, item)
            if outermost and scope is not None and dict.get(cfg, SCOPE_KEY) is None:
                dict.__setitem__(converted, SCOPE_KEY, scope)
            return converted
        if isinstance(cfg, (list, tuple)):
            return type(cfg)(
                MmenginePrivateHelpers._dict_to_config_dict(item, scope, has_scope) for item in cfg
            )
        return cfg

    @staticmethod
    def _merge_a_into_b(a: ConfigTree, b: object, allow_list_keys: bool = False) -> object:
        """Return ``b`` updated with ``a`` (mmengine's rules; neither is modified).

        Raises:
            TypeError: ``b`` is a list and ``allow_list_keys`` is False, or a dict in ``a``
                meets a value of another type in ``b``.
            KeyError: A list index is out of range.
        """
        if isinstance(b, list) and not allow_list_keys:
            raise MergeError(
                "the base is a list, which takes index keys only with allow_list_keys=True"
            )
        merged = merge_into(a, b, allow_list_keys=allow_list_keys)
        return tree_class()(merged) if isinstance(b, ConfigDict) else merged

    @staticmethod
    def _is_lazy_import(filename: str) -> bool:
        """Tell whether a config file is written in the pure-Python style."""
        return filename.endswith(PYTHON_EXTENSION) and is_pure_python(read_text(filename), filename)
