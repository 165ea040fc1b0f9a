"""The ``Config`` facade: construction, loading and access, delegating the work elsewhere."""

from __future__ import annotations

import copy as _copy
import os
import sys
import warnings

from cfgkit.config.config_dict import (
    ConfigDict,
    lazy_to_string,
    tag_locations,
    to_config_tree,
    to_plain_tree,
)
from cfgkit.config.custom_imports import CUSTOM_IMPORTS_KEY, import_custom_modules
from cfgkit.config.formatting import dump_text, format_python, format_raw, format_yapf
from cfgkit.config.inheritance import (
    RESERVED_KEYS,
    LoadOptions,
    PurePythonStyleFound,
    ResolvedConfig,
    resolve_file,
    resolve_text,
)
from cfgkit.config.loading import check_extension
from cfgkit.config.merging import expand_dotted_keys, merge_into
from cfgkit.config.origins import LAYER_CODE, Provenance, Record, parse_key, value_at
from cfgkit.config.pure_python import load_pure_python
from cfgkit.errors import ConfigTypeError, ReservedKeyError
from cfgkit.locations import PROVENANCE_ATTRIBUTE

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import ArgumentParser
    from typing import Any, Iterator, Optional, Sequence, Union

    PathLike = Union[str, os.PathLike[str]]
    FormatStyle = Union[bool, str]

__all__ = ["Config", "config_from_resolved"]

STRING_FILENAME = "<string>"
YAPF = "yapf"
_DIFF_COLOURS = {"+": "\033[92m", "-": "\033[91m"}


class Config:
    """A config loaded from a file or built from a dict, with attribute access to its keys.

    A drop-in replacement for ``mmengine.config.Config``: ``Config.fromfile(path)`` loads a
    ``.py``, ``.json`` or ``.yaml`` config with its ``_base_`` files, and the keys are
    reachable as ``cfg.model.backbone`` or ``cfg['model']['backbone']``.

    Args:
        cfg_dict: The top-level dict. A ``ConfigDict`` is kept as it is (not copied).
        cfg_text: The text shown by :attr:`text`; defaults to the content of ``filename``.
        filename: The file the config came from.
        env_variables: The environment variables used while loading.
        format_python_code: How :attr:`pretty_text` writes the config: ``True`` (the
            default) in cfgkit's own style, ``'yapf'`` exactly as mmengine does (through
            yapf), ``False`` as mmengine's text before yapf.

    Raises:
        ConfigTypeError: ``cfg_dict`` is not a dict (also a ``TypeError``).
        ReservedKeyError: A top-level key is one of ``filename``, ``text``, ``pretty_text``,
            ``env_variables`` (also a ``KeyError``).

    Examples:
        >>> cfg = Config(dict(model=dict(type='ResNet', depth=50)))
        >>> cfg.model.depth
        50
    """

    def __init__(
        self,
        cfg_dict: Optional[dict[Any, Any]] = None,
        cfg_text: Optional[str] = None,
        filename: Optional[PathLike] = None,
        env_variables: Optional[dict[str, str]] = None,
        format_python_code: FormatStyle = True,
    ) -> None:
        filename = os.fspath(filename) if filename is not None else None
        if cfg_dict is None:
            cfg_dict = {}
        elif not isinstance(cfg_dict, dict):
            raise ConfigTypeError(f"cfg_dict must be a dict, but got {type(cfg_dict)}")
        for key in cfg_dict:
            if key in RESERVED_KEYS:
                raise ReservedKeyError(f"{key} is reserved for config file", key=key)
        if not isinstance(cfg_dict, ConfigDict):
            cfg_dict = ConfigDict(cfg_dict)
        if cfg_text:
            text = cfg_text
        elif filename:
            with open(filename, encoding="utf-8") as stream:
                text = stream.read()
        else:
            text = ""
        state = self.__dict__
        state["_cfg_dict"] = cfg_dict
        state["_filename"] = filename
        state["_format_python_code"] = format_python_code
        state.setdefault("_imported_names", set())
        state["_text"] = text
        state["_env_variables"] = {} if env_variables is None else env_variables

    @staticmethod
    def fromfile(
        filename: PathLike,
        use_predefined_variables: bool = True,
        import_custom_modules: bool = True,
        use_environment_variables: bool = True,
        lazy_import: Optional[bool] = None,
        format_python_code: FormatStyle = True,
    ) -> Config:
        """Load a config file with all its ``_base_`` files.

        Args:
            filename: A ``.py``, ``.json``, ``.yaml`` or ``.yml`` file; ``~`` is expanded.
            use_predefined_variables: Replace ``{{ fileDirname }}`` and friends.
            import_custom_modules: Import the modules listed in ``custom_imports``.
            use_environment_variables: Replace ``{{ $VAR:default }}``.
            lazy_import: ``None`` detects the style; ``False`` forces the classic style.
            format_python_code: The style of :attr:`pretty_text`: ``True``, ``'yapf'``
                or ``False`` (see :class:`Config`).

        Returns:
            The loaded config.

        Raises:
            ConfigError: Any problem with the file, its bases or its values; each class also
                subclasses the builtin mmengine raises in that situation.

        Examples:
            >>> cfg = Config.fromfile('configs/retinanet_r50.py')  # doctest: +SKIP
        """
        filename = os.fspath(filename)
        if not lazy_import:
            options = LoadOptions(
                use_predefined_variables=use_predefined_variables,
                use_environment_variables=use_environment_variables,
                detect_style=lazy_import is None,
            )
            try:
                resolved = resolve_file(filename, options)
            except PurePythonStyleFound:
                pass  # mmengine's rule: such a file loads as a pure-Python config
            else:
                return config_from_resolved(
                    resolved, filename, import_custom_modules, format_python_code
                )
        # As in mmengine, a pure-Python config ignores the variable and import flags.
        path = os.path.abspath(os.path.expanduser(filename))
        loaded = load_pure_python(path, source_name=filename, loader_names=_LOADER_NAMES)
        cfg = Config(
            to_config_tree(loaded.tree, ()),
            cfg_text=loaded.text,
            filename=filename,
            format_python_code=format_python_code,
        )
        cfg.__dict__["_imported_names"] = loaded.imported_names
        return cfg

    @staticmethod
    def fromstring(cfg_str: str, file_format: str) -> Config:
        """Load a config from a string as if it were a file of ``file_format``.

        Relative ``_base_`` paths are taken from the current directory, and errors name the
        file ``<string>``.

        Args:
            cfg_str: The config text.
            file_format: ``'.py'``, ``'.json'``, ``'.yaml'`` or ``'.yml'`` (with the dot).

        Returns:
            The loaded config; its ``filename`` is None.

        Raises:
            UnsupportedFormatError: ``file_format`` is not one of the four (also ``OSError``).
            ConfigError: Any problem with the text, as for :meth:`fromfile`.
        """
        check_extension(STRING_FILENAME, file_format)
        if file_format != ".py" and "dict(" in cfg_str:
            warnings.warn('Please check "file_format", the file format may be .py', stacklevel=2)
        resolved = resolve_text(cfg_str, STRING_FILENAME, file_format, LoadOptions())
        return config_from_resolved(resolved, None, True, True)

    @property
    def filename(self) -> Optional[str]:
        """The file name as given to :meth:`fromfile` (None when built from a dict)."""
        name: Optional[str] = self.__dict__["_filename"]
        return name

    @property
    def text(self) -> str:
        """The text of the config and, for a loaded file, of each of its bases."""
        text: str = self.__dict__["_text"]
        return text

    @property
    def env_variables(self) -> dict[str, str]:
        """The environment variables that were substituted while loading."""
        env: dict[str, str] = self.__dict__["_env_variables"]
        return env

    @property
    def pretty_text(self) -> str:
        """The config as Python text that loads back to the same dict.

        The style follows ``format_python_code``: ``True`` gives cfgkit's own (insertion
        order, lines within 79 columns where the values allow; yapf is not imported),
        ``'yapf'`` gives mmengine 0.10.7's text byte for byte (keys sorted, formatted by
        yapf), ``False`` gives mmengine's text before yapf.

        Raises:
            DumpError: A key or value cannot be written so that it loads back; the message
                names its key path.
        """
        tree = self.to_dict()
        style = self.__dict__["_format_python_code"]
        if style == YAPF:
            return format_yapf(tree)
        return format_python(tree) if style else format_raw(tree)

    def dump(self, file: Optional[PathLike] = None) -> Any:
        """Write the config to ``file``, or return it as text when ``file`` is None.

        The format follows the extension: ``.py`` (:attr:`pretty_text`), ``.json``,
        ``.yaml``/``.yml`` (tuples as ``!!python/tuple``) or ``.pkl``/``.pickle``. Without
        ``file``, a config loaded from JSON or YAML returns that format and any other
        returns :attr:`pretty_text`. Nothing is written unless the whole text could be made.

        Args:
            file: Where to write.

        Returns:
            The text (bytes for pickle) when ``file`` is None, else None.

        Raises:
            DumpError: The format is not supported, or a value cannot be written in it so
                that it loads back (also a ``TypeError``); the message names the key path.

        Examples:
            >>> Config(dict(a=1, b=(2, 3))).dump()
            'a = 1\nb = (2, 3)\n'
        """
        tree = self.to_dict()
        if file is None:
            source = self.filename
            if source is None or source.endswith(".py"):
                return self.pretty_text
            return dump_text(tree, source.rsplit(".", 1)[-1])
        path = os.fspath(file)
        file_format = path.rsplit(".", 1)[-1]
        content = dump_text(tree, file_format, self.pretty_text if file_format == "py" else None)
        if isinstance(content, bytes):
            with open(path, "wb") as stream:
                stream.write(content)
        else:
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(content)
        return None

    def merge_from_dict(self, options: dict[str, Any], allow_list_keys: bool = True) -> None:
        """Merge ``options`` (dotted keys, as ``--cfg-options`` gives them) into the config.

        ``{'model.backbone.depth': 101}`` changes one value; missing dicts are created; a
        digit key indexes a list (``'train_pipeline.1.scale'``) and may replace an element
        with any value; ``_delete_=True`` replaces a whole dict. The merge is atomic (on an
        error the config is left exactly as it was) and ``options`` is not modified.

        Args:
            options: Dotted keys to values.
            allow_list_keys: Let digit keys index into lists.

        Raises:
            MergeError: A dict would be merged into a value that is not a dict.
            ConfigKeyError: A list index is out of range.

        Examples:
            >>> cfg = Config(dict(model=dict(depth=50), steps=[8, 11]))
            >>> cfg.merge_from_dict({'model.depth': 101, 'steps.1': 12})
            >>> cfg.to_dict()
            {'model': {'depth': 101}, 'steps': [8, 12]}
        """
        expanded = expand_dotted_keys(options)
        current = self.__dict__["_cfg_dict"]
        merged = merge_into(expanded, current, allow_list_keys=allow_list_keys)
        cfg_dict = ConfigDict._hook(merged)
        provenance = current.__dict__.get(PROVENANCE_ATTRIBUTE)
        if provenance is not None:
            provenance.record_options(
                expanded, getattr(options, "provenance_label", "merge_from_dict")
            )
        tag_locations(cfg_dict, (), provenance)
        self.__dict__["_cfg_dict"] = cfg_dict

    def provenance(self, key: Union[str, Sequence[Any]]) -> list[Record]:
        """Return where the value of ``key`` came from: every value it took, oldest first.

        Each record has the value, the file and line that set it, the layer (``'base'``,
        ``'config'``, ``'env'`` for a ``{{ $VAR }}`` substitution, ``'options'`` for
        ``merge_from_dict``/``--cfg-options``, ``'code'`` for an assignment such as
        ``cfg.model.backbone.depth = 5``) and the action (``'set'``, ``'merge'``,
        ``'replace'`` for a list or a ``_delete_=True`` dict written over, ``'delete'``).

        Args:
            key: A dotted key, digits indexing lists (``'train_pipeline.2.scale'``), or a
                sequence of keys (for keys that hold dots).

        Returns:
            The records.

        Raises:
            AttributeError: The key does not exist (the error ``cfg.a.b`` raises).
            IndexError: A list index is out of range.

        Examples:
            >>> cfg = Config.fromfile('configs/retinanet_r101.py')  # doctest: +SKIP
            >>> cfg.provenance('model.backbone.depth')  # doctest: +SKIP
            [<set 50 at configs/_base_/models/retinanet.py:9 (base)>,
             <replace 101 at configs/retinanet_r101.py:3 (config)>]
        """
        path = parse_key(key)
        current = value_at(self.__dict__["_cfg_dict"], path)
        log = self.__dict__["_cfg_dict"].__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is None:
            return [Record(current, None, None, LAYER_CODE, "set", "given to Config()")]
        records: list[Record] = log.chain(path, current)
        return records

    @staticmethod
    def diff(cfg1: Union[PathLike, Config], cfg2: Union[PathLike, Config]) -> str:
        """Return a unified diff of two configs' :attr:`pretty_text`.

        Paths are loaded with :meth:`fromfile`. Added lines are green and removed ones red
        when standard output is a terminal and ``NO_COLOR`` is not set.

        Args:
            cfg1: The first config, or its path.
            cfg2: The second config, or its path.

        Returns:
            The diff, in mmengine's layout (``'\n'`` when the configs are the same).
        """
        import difflib  # ~1 ms of `import cfgkit`; only diff needs it

        first = cfg1 if isinstance(cfg1, Config) else Config.fromfile(cfg1)
        second = cfg2 if isinstance(cfg2, Config) else Config.fromfile(cfg2)
        lines = difflib.unified_diff(first.pretty_text.split("\n"), second.pretty_text.split("\n"))
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = []
        for line in lines:
            start = _DIFF_COLOURS.get(line[:1], "") if colour else ""
            text.append(f"{start}{line}\033[0m\n" if start else f"{line}\n")
        return "".join(text) + "\n"

    @staticmethod
    def auto_argparser(description: Optional[str] = None) -> tuple[ArgumentParser, Config]:
        """Build a parser with a flag for every leaf of the config named on the command line.

        Reads the config path from ``sys.argv`` (the first positional argument), loads it,
        and returns a parser with ``config`` and one ``--key`` (``--a.b`` when nested) per
        value. Parsed flags are not applied to the config.

        Args:
            description: The parser's description.

        Returns:
            The parser and the loaded config.
        """
        from argparse import ArgumentParser  # ~3 ms of `import cfgkit`; only this needs it

        from cfgkit.config.cli import add_args

        partial = ArgumentParser(description=description)
        partial.add_argument("config", help="config file path")
        config_path = partial.parse_known_args()[0].config
        cfg = Config.fromfile(config_path)
        parser = ArgumentParser(description=description)
        parser.add_argument("config", help="config file path")
        add_args(parser, cfg)
        return parser, cfg

    def to_dict(self, keep_imported: bool = False) -> dict[Any, Any]:
        """Return the config as a plain nested ``dict`` (lists and tuples keep their type).

        Args:
            keep_imported: Keep names that a pure-Python config imported.

        Returns:
            A new dict that shares no container with the config.
        """
        tree: dict[Any, Any] = to_plain_tree(self.__dict__["_cfg_dict"], lazy_to_string)
        if not keep_imported:
            for name in self.__dict__["_imported_names"]:
                tree.pop(name, None)
        return tree

    def _to_lazy_dict(self, keep_imported: bool = False) -> dict[Any, Any]:
        tree: dict[Any, Any] = to_plain_tree(self.__dict__["_cfg_dict"])
        if not keep_imported:
            for name in self.__dict__["_imported_names"]:
                tree.pop(name, None)
        return tree

    def __getattr__(self, name: str) -> Any:
        try:
            cfg_dict = self.__dict__["_cfg_dict"]
        except KeyError:  # not initialised yet (copy and pickle protocols look things up)
            raise AttributeError(name) from None
        return getattr(cfg_dict, name)

    def __getitem__(self, name: Any) -> Any:
        return self.__dict__["_cfg_dict"][name]

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, dict):
            value = ConfigDict(value)
        setattr(self.__dict__["_cfg_dict"], name, value)

    def __setitem__(self, name: Any, value: Any) -> None:
        if isinstance(value, dict):
            value = ConfigDict(value)
        self.__dict__["_cfg_dict"][name] = value

    def __len__(self) -> int:
        return len(self.__dict__["_cfg_dict"])

    def __iter__(self) -> Iterator[Any]:
        return iter(self.__dict__["_cfg_dict"])

    def __repr__(self) -> str:
        return f"Config (path: {self.filename}): {self.__dict__['_cfg_dict']!r}"

    def __getstate__(self) -> tuple[Any, ...]:
        state = self.__dict__
        return (
            state["_cfg_dict"],
            state["_filename"],
            state["_text"],
            state["_env_variables"],
            state["_format_python_code"],
            state["_imported_names"],
        )

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        names = (
            "_cfg_dict",
            "_filename",
            "_text",
            "_env_variables",
            "_format_python_code",
            "_imported_names",
        )
        self.__dict__.update(zip(names, state))

    def __copy__(self) -> Config:
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.__dict__["_cfg_dict"] = self.__dict__["_cfg_dict"].copy()
        return other

    copy = __copy__

    def __deepcopy__(self, memo: dict[int, Any]) -> Config:
        other = type(self).__new__(type(self))
        memo[id(self)] = other
        for key, value in self.__dict__.items():
            other.__dict__[key] = _copy.deepcopy(value, memo)
        return other


# What a pure-Python config may import from mmengine or cfgkit without importing it.
_LOADER_NAMES: dict[str, Any] = {"Config": Config, "ConfigDict": ConfigDict}


def config_from_resolved(
    resolved: ResolvedConfig,
    filename: Optional[str],
    import_modules: bool,
    format_python_code: FormatStyle,
    config_class: type[Config] = Config,
    stacklevel: int = 3,
) -> Config:
    """Wrap a resolved file into a config: warn, convert, import ``custom_imports``.

    Args:
        resolved: What :func:`~cfgkit.config.inheritance.resolve_file` returned.
        filename: The name the config keeps (as the caller gave it).
        import_modules: Import the modules in ``custom_imports``.
        format_python_code: The ``pretty_text`` style.
        config_class: ``Config`` or a subclass (the mmcv 1.x flavour).
        stacklevel: For the deprecation warnings: the caller of the public function.

    Returns:
        The config.
    """
    for message in resolved.deprecations:
        warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)
    provenance = Provenance(resolved.filename, resolved.layers) if resolved.layers else None
    cfg_dict = to_config_tree(resolved.tree, (), provenance)
    custom_imports = cfg_dict.get(CUSTOM_IMPORTS_KEY)
    if import_modules and custom_imports:
        import_custom_modules(custom_imports, resolved.filename)
    return config_class(
        cfg_dict,
        cfg_text=resolved.text,
        filename=filename,
        env_variables=dict(resolved.env_variables),
        format_python_code=format_python_code,
    )
