"""The ``Config`` facade: construction, loading and access, delegating the work elsewhere."""

from __future__ import annotations

import copy as _copy
import os
import warnings

from cfgkit._key_paths import nesting_problem, normalise_path, parse_key, shortened
from cfgkit._keys import CUSTOM_IMPORTS_KEY, RESERVED_KEYS
from cfgkit._locations import PROVENANCE_ATTRIBUTE
from cfgkit.config._load.files import (
    PYTHON_EXTENSION,
    check_extension,
    inside_roots,
    outside_roots_error,
    read_text,
    safe_roots,
    texts_given,
)
from cfgkit.config._load.inheritance import (
    ChainText,
    LoadOptions,
    ResolvedConfig,
    cached_resolution,
    resolve_file,
    resolve_text,
)
from cfgkit.config._load.loader_names import LOADER_NAMES
from cfgkit.config._load.parsing import paused_gc
from cfgkit.config._load.pure_python import is_pure_python, load_pure_python
from cfgkit.config._merge.merging import expand_dotted_keys, merge_into
from cfgkit.config._merge.selectors import credited
from cfgkit.config._mmengine_private import MmenginePrivateHelpers
from cfgkit.config.config_dict import (
    ConfigDict,
    adopt,
    lazy_to_string,
    tag_locations,
    to_config_tree,
    to_plain_tree,
    tree_class,
)
from cfgkit.config.lazy import LazyAttr as CfgkitLazyAttr
from cfgkit.config.lazy import LazyObject as CfgkitLazyObject
from cfgkit.errors import (
    CfgkitError,
    ConfigKeyError,
    ConfigParsingError,
    ConfigTypeError,
    NestingError,
    NewKeyWarning,
    ReservedKeyError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import ArgumentParser
    from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence, Union

    from mmengine.config import Config as MmengineConfig

    from cfgkit._contracts import ConfigTree, KeyPart, KeyT, T, ValueT
    from cfgkit.config._analysis.provenance import Provenance, Record
    from cfgkit.config._analysis.references import StaleReference
    from cfgkit.config._load.layers import SourceLayer
    from cfgkit.config._merge.selectors import Selected
    from cfgkit.config.config_dict import LeafConverter

    PathLike = Union[str, os.PathLike[str]]
    FormatStyle = Union[bool, str]

# mmengine.config.config's names (config_from_resolved is the package's own).
__all__ = ["Config", "ConfigDict"]

STRING_FILENAME = "<string>"
YAPF = "yapf"


def nesting_error(value: object, where: Optional[str] = None) -> NestingError:
    """The error for a value that recursion could not walk, naming the key at fault."""
    problem = nesting_problem(value)
    key, what = (shortened(problem[0]), problem[1]) if problem else (None, "is nested too deeply")
    subject = f"The value at '{key}'" if key else "A value"
    return NestingError(
        f"{subject} {what}: configs hold trees of dicts, lists and plain values",
        filename=where,
        key=key,
    )


class Config(MmenginePrivateHelpers):
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
        NestingError: A value contains itself (also a ``RecursionError``).

    Examples:
        >>> cfg = Config(dict(model=dict(type='ResNet', depth=50)))
        >>> cfg.model.depth
        50
    """

    _cfg_dict: ConfigDict
    _filename: Optional[str]
    _text: Union[str, ChainText]  # made into a str when first read
    _env_variables: dict[str, str]
    _format_python_code: FormatStyle
    _imported_names: set[str]

    def __init__(
        self,
        cfg_dict: Optional[dict[KeyT, ValueT]] = None,
        cfg_text: Union[str, ChainText, None] = None,
        filename: Optional[PathLike] = None,
        env_variables: Optional[dict[str, str]] = None,
        format_python_code: FormatStyle = True,
    ) -> None:
        filename = os.fspath(filename) if filename is not None else None
        if cfg_dict is None:
            cfg_dict = {}
        elif not isinstance(cfg_dict, dict):
            raise ConfigTypeError(f"cfg_dict must be a dict, but got {type(cfg_dict)}")
        _check_reserved(cfg_dict)
        if not isinstance(cfg_dict, tree_class()):
            # mypy does not solve ConfigDict.__init__'s TypeVars in a call through
            # type[ConfigDict] (tree_class()); the argument is this dict.
            given: Any = cfg_dict
            try:
                cfg_dict = tree_class()(given)
            except RecursionError:
                raise nesting_error(cfg_dict) from None
        text = cfg_text or (read_text(filename) if filename else "")
        state = self.__dict__  # Config.__setattr__ would set a key
        state.update(_cfg_dict=cfg_dict, _filename=filename, _format_python_code=format_python_code)
        state.setdefault("_imported_names", set())
        state.update(_text=text, _env_variables={} if env_variables is None else env_variables)

    @staticmethod
    def fromfile(
        filename: PathLike,
        use_predefined_variables: bool = True,
        import_custom_modules: bool = True,
        use_environment_variables: bool = True,
        lazy_import: Optional[bool] = None,
        format_python_code: FormatStyle = True,
        follow_references: bool = False,
        safe: bool = False,
        safe_root: Union[PathLike, Sequence[PathLike], None] = None,
        texts: Optional[Mapping[str, str]] = None,
        provenance: bool = True,
    ) -> Config:
        """Load a config file with all its ``_base_`` files.

        The style is decided once, on the file as written: a classic ``_base_`` config, or
        a pure-Python ``with read_base():`` config (``lazy_import=None`` detects it, as
        mmengine does; ``True`` and ``False`` force one).

        Args:
            filename: A ``.py``, ``.json``, ``.yaml`` or ``.yml`` file; ``~`` is expanded.
            use_predefined_variables: Replace ``{{ fileDirname }}`` and friends.
            import_custom_modules: Import the modules listed in ``custom_imports``.
            use_environment_variables: Replace ``{{ $VAR:default }}``.
            lazy_import: ``None`` detects the style; ``False`` forces the classic style,
                ``True`` the pure-Python one.
            format_python_code: The style of :attr:`pretty_text`: ``True``, ``'yapf'``
                or ``False`` (see :class:`Config`).
            follow_references: Give every stale copy (a key a base bound to a variable
                that a later file changed, see :meth:`stale_references`) the variable's
                final value, now and after every :meth:`merge_from_dict`. Off by default,
                as in mmengine.
            safe: Load without running the config's code: Python configs are read with
                ``ast`` and evaluated by cfgkit's interpreter of the subset configs use
                (``docs/safe-mode.md``); ``custom_imports`` are not imported. A construct
                outside it raises ``UnsafeConfigError`` before anything runs. Every file
                read (the config and its bases, symbolic links followed) must be inside the
                config's folder (and, for package bases, the package's configs folder).
            safe_root: With ``safe=True``, more folders files may be read from (a path or a
                list of them), such as the project's ``configs`` folder when a config's bases
                are ``../_base_/...``.
            texts: Texts to use instead of the contents of files, by absolute path (an
                editor's unsaved buffers: the config itself or any of its bases). The
                parse cache never answers for a file with a text other than the one given.
            provenance: Record where each value came from (what :meth:`provenance`,
                :meth:`stale_references` and ``cfgkit check`` read); False loads without
                that record, a little faster (``benchmarks/bench_load.py`` measures it).

        Returns:
            The loaded config.

        Raises:
            ConfigError: Any problem with the file, its bases or its values; each class also
                subclasses the builtin mmengine raises in that situation.

        Examples:
            >>> cfg = Config.fromfile('configs/retinanet_r50.py')  # doctest: +SKIP
        """
        filename = os.fspath(filename)
        path = os.path.abspath(os.path.expanduser(filename))
        roots = _safe_roots(path, safe, safe_root)
        options = LoadOptions(
            use_predefined_variables=use_predefined_variables,
            use_environment_variables=use_environment_variables,
            detect_style=lazy_import is None,
            safe=safe,
            safe_roots=roots or (),
            provenance=provenance,
        )
        with texts_given(texts):
            if safe and os.environ.get("CFGKIT_SAFE_ISOLATE") == "1":
                from cfgkit.config._load import safe_worker  # lazy: only isolated safe loads

                # The backstop: the whole load in a worker process under memory and CPU limits.
                tree = safe_worker.load_isolated(
                    path,
                    use_predefined_variables=use_predefined_variables,
                    use_environment_variables=use_environment_variables,
                    lazy_import=lazy_import,
                    safe_roots=roots or (),
                )
                return Config(tree, filename=filename, format_python_code=format_python_code)
            if safe:
                from cfgkit.config._load import safe_python  # lazy: only safe mode needs it

                with safe_python.load_budget():  # every file of the chain draws on one budget
                    cfg = _load_file(
                        path, filename, options, lazy_import, False, format_python_code
                    )
            else:
                cfg = _load_file(
                    path, filename, options, lazy_import, import_custom_modules, format_python_code
                )
            return cfg._follow_references() if follow_references else cfg

    def _follow_references(self) -> Config:
        """Turn following on and follow now (``fromfile(..., follow_references=True)``)."""
        log = self._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is not None:
            log.follow_references = True
            self._follow(log)
        return self

    def _follow(self, log: Provenance) -> None:
        from cfgkit.config._analysis.references import follow  # lazy: only when following

        cfg_dict = follow(log, self._cfg_dict, self._imported_names)
        if cfg_dict is not self._cfg_dict:
            object.__setattr__(self, "_cfg_dict", cfg_dict)

    def stale_references(self) -> list[StaleReference]:
        """Return every stale copy: a key that a file bound to a variable (``norm_cfg=norm_cfg``)
        and that still holds the variable's old value after a later file or option changed it.

        See ``docs/references.md`` for the rule. With ``follow_references=True`` the copies
        have been followed, so none is left.

        Returns:
            The stale copies, each with its key path, variable, where the variable was
            changed, where the key was bound, the copy's value and the variable's.

        Examples:
            >>> cfg = Config.fromfile('configs/pspnet_r50_1xb8.py')  # doctest: +SKIP
            >>> [s.key for s in cfg.stale_references()]  # doctest: +SKIP
            ['model.decode_head.norm_cfg', 'model.auxiliary_head.norm_cfg']
        """
        from cfgkit.config._analysis.references import stale_references  # lazy: asked for

        log = self._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is None:
            return []
        return stale_references(log, self._cfg_dict, self._imported_names)

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
            ConfigFileError: ``file_format`` is not one of the four (also ``OSError``).
            ConfigParsingError: The text is a pure-Python config (load it from a file).
            ConfigError: Any problem with the text, as for :meth:`fromfile`.
        """
        check_extension(STRING_FILENAME, file_format)
        if file_format != PYTHON_EXTENSION and "dict(" in cfg_str:
            warnings.warn('Please check "file_format", the file format may be .py', stacklevel=2)
        if file_format == PYTHON_EXTENSION and is_pure_python(cfg_str, STRING_FILENAME):
            raise ConfigParsingError(
                "This text is a pure-Python config (`with read_base():`, or imports outside "
                "the standard library), whose bases are found next to its file: save it to "
                "a file and use Config.fromfile",
                filename=STRING_FILENAME,
            )
        resolved = _resolving(
            STRING_FILENAME, lambda: resolve_text(cfg_str, STRING_FILENAME, file_format)
        )
        return config_from_resolved(resolved, None)

    @property
    def filename(self) -> Optional[str]:
        """The file name as given to :meth:`fromfile` (None when built from a dict)."""
        return self._filename

    @property
    def text(self) -> str:
        """The text of the config and, for a loaded file, of each of its bases."""
        text = self._text
        if not isinstance(text, str):
            text = str(text)
            object.__setattr__(self, "_text", text)
        return text

    @property
    def env_variables(self) -> dict[str, str]:
        """The environment variables that were substituted while loading."""
        return self._env_variables

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
        from cfgkit.config._output import formatting  # lazy: only text out needs it

        tree = self.to_dict()
        style = self._format_python_code
        if style == YAPF:
            return formatting.format_yapf(tree)
        return formatting.format_python(tree) if style else formatting.format_raw(tree)

    def dump(self, file: Optional[PathLike] = None) -> Union[str, bytes, None]:
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
        from cfgkit.config._output.formatting import dump_text  # lazy: only text out needs it

        tree = self.to_dict()
        if file is None:
            source = self.filename
            if source is None or source.endswith(PYTHON_EXTENSION):
                return self.pretty_text
            text: Union[str, bytes] = dump_text(tree, source.rsplit(".", 1)[-1])
            return text
        path = os.fspath(file)
        file_format = path.rsplit(".", 1)[-1]
        content = dump_text(tree, file_format, self.pretty_text if file_format == "py" else None)
        mode, encoding = ("wb", None) if isinstance(content, bytes) else ("w", "utf-8")
        with open(path, mode, encoding=encoding) as stream:
            stream.write(content)
        return None

    def merge_from_dict(
        self, options: Mapping[str, object], allow_list_keys: bool = True, new_keys: str = "allow"
    ) -> None:
        """Merge ``options`` (dotted keys, as ``--cfg-options`` gives them) into the config.

        ``{'model.backbone.depth': 101}`` changes one value; missing dicts are created; an
        index key indexes a list (``'train_pipeline.1.scale'``, ``'train_pipeline.-1'``
        from the end) and may replace an element with any value; ``_delete_=True`` replaces
        a whole dict. The merge is atomic (on an error the config is left exactly as it was)
        and ``options`` is not modified.

        Args:
            options: Dotted keys to values.
            allow_list_keys: Let index keys index into lists.
            new_keys: What to do about an option that creates a key the config did not have
                (``model.backbone.dpeth=101``, which changes nothing a runner reads):
                ``'allow'`` it (mmengine's behaviour), ``'warn'`` (a :class:`NewKeyWarning`
                each, with the key it was probably meant for) or ``'error'`` (nothing is
                merged). A dict given whole with ``_delete_=True`` creates no new key.

        Raises:
            MergeError: A dict would be merged into a value that is not a dict.
            ConfigKeyError: A key into a list is not an index, or is out of range.
            ReservedKeyError: A top-level key is reserved (``filename``, ``text``, ...).
            NestingError: A value contains itself.
            ConfigKeyError: ``new_keys='error'`` and an option creates a key.

        Examples:
            >>> cfg = Config(dict(model=dict(depth=50), steps=[8, 11]))
            >>> cfg.merge_from_dict({'model.depth': 101, 'steps.1': 12})
            >>> cfg.to_dict()
            {'model': {'depth': 101}, 'steps': [8, 12]}
        """
        expanded = expand_dotted_keys(options)
        _check_reserved(expanded)
        current = self._cfg_dict
        log = current.__dict__.get(PROVENANCE_ATTRIBUTE)
        selected: Selected = []
        try:
            merged = merge_into(
                expanded, current, allow_list_keys=allow_list_keys, selected=selected
            )
            # Only the containers the merge made are converted and tagged.
            cfg_dict = adopt(merged, (), log)
        except RecursionError:
            raise nesting_error(expanded, "merge_from_dict") from None
        if new_keys != "allow":
            # lazy: only a merge that asks about new keys compares the trees (import cost)
            from cfgkit.config._merge.new_keys import new_keys as new_key_list

            if new_keys not in ("warn", "error"):
                raise ValueError(f"new_keys must be 'allow', 'warn' or 'error', not {new_keys!r}")
            for new in new_key_list(current, merged, expanded):  # 'error': the first raises
                if new_keys == "error":
                    raise ConfigKeyError(new.message, key=".".join(map(str, new.path)))
                warnings.warn(new.message, NewKeyWarning, stacklevel=2)
        if log is not None:
            recorded = credited(expanded, selected) if selected else expanded
            log.record_options(recorded, getattr(options, "provenance_label", "merge_from_dict"))
        object.__setattr__(self, "_cfg_dict", cfg_dict)
        if log is not None and log.follow_references:
            self._follow(log)

    def provenance(self, key: Union[str, Sequence[KeyPart]]) -> list[Record]:
        """Return where the value of ``key`` came from: every value it took, oldest first.

        Each record has the value, the file and line that set it, the layer (``'base'``,
        ``'config'``, ``'env'`` for a ``{{ $VAR }}`` substitution, ``'options'`` for
        ``merge_from_dict``/``--cfg-options``, ``'code'`` for an assignment such as
        ``cfg.model.backbone.depth = 5``) and the action (``'set'``, ``'merge'``,
        ``'replace'`` for a list or a ``_delete_=True`` dict written over, ``'delete'``).

        Args:
            key: A dotted key, index segments indexing lists (``'train_pipeline.2.scale'``,
                ``'train_pipeline.-1'``), or a sequence of keys (for keys that hold dots).

        Returns:
            The records.

        Raises:
            AttributeError: The key does not exist (the error ``cfg.a.b`` raises).
            ConfigKeyError: A list segment is not an index, or is out of range.

        Examples:
            >>> cfg = Config.fromfile('configs/retinanet_r101.py')  # doctest: +SKIP
            >>> cfg.provenance('model.backbone.depth')  # doctest: +SKIP
            [<set 50 at configs/_base_/models/retinanet.py:9 (base)>,
             <replace 101 at configs/retinanet_r101.py:3 (config)>]
        """
        from cfgkit.config._analysis.provenance import LAYER_CODE, Record  # lazy: when asked

        path, current = normalise_path(self._cfg_dict, parse_key(key))
        log = self._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is None:
            return [Record(current, None, None, LAYER_CODE, "set", "given to Config()")]
        records: list[Record] = log.chain(path, current)
        return records

    @staticmethod
    def diff(cfg1: Union[PathLike, Config], cfg2: Union[PathLike, Config]) -> str:
        """Return a unified diff of two configs, exactly as mmengine's ``Config.diff``.

        Paths are loaded with :meth:`fromfile`. The text compared is mmengine's (keys sorted,
        formatted by yapf; mmengine's text before yapf for ``format_python_code=False``), so
        configs that differ only in key order have no difference. Added lines are green and
        removed ones red when standard output is a terminal and ``NO_COLOR`` is not set.

        Args:
            cfg1: The first config, or its path.
            cfg2: The second config, or its path.

        Returns:
            The diff (``'\n'`` when the configs are the same).
        """
        from cfgkit.config._output.text_diff import unified_diff_text  # lazy: only diff needs it

        first = cfg1 if isinstance(cfg1, Config) else Config.fromfile(cfg1)
        second = cfg2 if isinstance(cfg2, Config) else Config.fromfile(cfg2)
        return unified_diff_text(first._mmengine_text(), second._mmengine_text())

    def _mmengine_text(self) -> str:
        from cfgkit.config._output.formatting import format_raw, format_yapf  # lazy: a diff

        tree = self.to_dict()
        return format_yapf(tree) if self._format_python_code else format_raw(tree)

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
        from argparse import ArgumentParser  # lazy: ~3 ms, and only this needs it

        from cfgkit.config._merge.overrides import add_args

        partial = ArgumentParser(description=description)
        partial.add_argument("config", help="config file path")
        config_path = partial.parse_known_args()[0].config
        cfg = Config.fromfile(config_path)
        parser = ArgumentParser(description=description)
        parser.add_argument("config", help="config file path")
        add_args(parser, cfg)
        return parser, cfg

    def to_dict(self, keep_imported: bool = False) -> ConfigTree:
        """Return the config as a plain nested ``dict`` (lists and tuples keep their type).

        Args:
            keep_imported: Keep names that a pure-Python config imported.

        Returns:
            A new dict that shares no container with the config.

        Raises:
            NestingError: A value was changed to contain itself.
        """
        return self._plain(lazy_to_string, keep_imported)

    def _to_lazy_dict(self, keep_imported: bool = False) -> ConfigTree:
        return self._plain(None, keep_imported)

    def _plain(self, convert_leaf: Optional[LeafConverter], keep_imported: bool) -> ConfigTree:
        try:
            tree: ConfigTree = to_plain_tree(self._cfg_dict, convert_leaf)
        except RecursionError:
            raise nesting_error(self._cfg_dict, self.filename) from None
        if not keep_imported:
            for name in self._imported_names:
                tree.pop(name, None)
        return tree

    def to_mmengine(self) -> MmengineConfig:
        """Return this config as an ``mmengine.config.Config`` (mmengine must be installed).

        For code that checks ``isinstance(cfg, mmengine.config.Config)`` (mmengine's
        ``Runner``, ``build_from_cfg``, downstream tools): the same dict, text, filename,
        environment variables and imported names; lazy imports become mmengine's lazy
        objects. mmengine is imported only here.

        Raises:
            ImportError: mmengine is not installed.
        """
        from mmengine.config import Config as MmengineConfig  # lazy: optional, heavy
        from mmengine.config.lazy import LazyAttr, LazyObject

        def convert(value: object) -> object:
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(convert(v) for v in value)
            if isinstance(value, CfgkitLazyAttr):
                return LazyAttr(value.name, convert(value.source), value.location)
            if isinstance(value, CfgkitLazyObject):
                return LazyObject(value._module, value._imported, value.location)
            return value

        cfg = MmengineConfig(
            convert(self._to_lazy_dict(keep_imported=True)),
            cfg_text=self.text or None,
            filename=self._filename,
            env_variables=dict(self._env_variables),
            format_python_code=bool(self._format_python_code),
        )
        object.__setattr__(cfg, "_imported_names", set(self._imported_names))
        return cfg

    def __getattr__(self, name: str) -> Any:  # the user's value, as mmengine's
        try:
            cfg_dict = self.__dict__["_cfg_dict"]
        except KeyError:  # not initialised yet (copy and pickle protocols look things up)
            raise AttributeError(name) from None
        return getattr(cfg_dict, name)

    def __getitem__(self, name: KeyPart) -> Any:  # the user's value, as mmengine's
        return self._cfg_dict[name]

    def __setattr__(self, name: str, value: object) -> None:
        _check_reserved((name,))
        if isinstance(value, dict):
            value = tree_class()(value)
        setattr(self._cfg_dict, name, value)

    def __setitem__(self, name: KeyPart, value: object) -> None:
        _check_reserved((name,))
        if isinstance(value, dict):
            value = tree_class()(value)
        self._cfg_dict[name] = value

    def __len__(self) -> int:
        return len(self._cfg_dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self._cfg_dict)

    def __repr__(self) -> str:
        return f"Config (path: {self.filename}): {self._cfg_dict!r}"

    _STATE = (
        "_cfg_dict", "_filename", "_text", "_env_variables", "_format_python_code",
        "_imported_names",
    )  # fmt: skip

    def __getstate__(self) -> tuple[object, ...]:
        self.text  # noqa: B018 - a pickle holds the text itself, not the chain it is made of
        return tuple(self.__dict__[name] for name in Config._STATE)

    # Any: mmcv's Config keeps a 3-tuple of its own (a narrower override needs this).
    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.__dict__.update(zip(Config._STATE, state))

    def __copy__(self) -> Config:
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.__dict__["_cfg_dict"] = self._cfg_dict.copy()
        # The copy keeps its own copy of the provenance log (and of follow_references) on
        # its top-level dict; the nested dicts it shares with this config keep this one's.
        log = self._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is not None:
            other._cfg_dict.__dict__[PROVENANCE_ATTRIBUTE] = log.copied()
        return other

    copy = __copy__

    def __deepcopy__(self, memo: dict[int, object]) -> Config:
        other = type(self).__new__(type(self))
        memo[id(self)] = other
        for key, value in self.__dict__.items():
            other.__dict__[key] = _copy.deepcopy(value, memo)
        log = self._cfg_dict.__dict__.get(PROVENANCE_ATTRIBUTE)
        if log is not None:  # every dict is new: all of them get the copied log
            tag_locations(other._cfg_dict, (), log.copied())
        return other


def _check_reserved(keys: Iterable[object]) -> None:
    for key in keys:
        if key in RESERVED_KEYS:
            raise ReservedKeyError(
                f"{key} is reserved for config file; Config has a property of that name",
                key=str(key),
            )


def _resolving(where: str, load: Callable[[], T]) -> T:
    """Run ``load()``, turning a RecursionError no check caught into a located error."""
    try:
        return load()
    except RecursionError as error:
        if isinstance(error, CfgkitError):
            raise
        raise NestingError(
            "Loading recursed too deeply: a value in the config contains itself or is nested "
            "too deeply",
            filename=where,
        ) from None


# `from mmengine.config import Config` in a config binds this class (see loader_names).
LOADER_NAMES["Config"] = Config


def _safe_roots(
    path: str, safe: bool, safe_root: Union[PathLike, Sequence[PathLike], None]
) -> Optional[tuple[str, ...]]:
    """The real paths of the folders a safe load may read (None for a normal load)."""
    if not safe:
        if safe_root is not None:
            raise ConfigTypeError(
                "safe_root= widens what a safe load may read: pass safe=True with it"
            )
        return None
    roots = safe_roots(path, safe_root)
    if not inside_roots(path, roots):
        raise outside_roots_error(path, roots, None)
    return roots


def _load_file(
    path: str,
    filename: str,
    options: LoadOptions,
    lazy_import: Optional[bool],
    import_custom_modules: bool,
    format_python_code: FormatStyle,
) -> Config:
    """Load ``path`` in the style ``lazy_import`` asks for (``None``: detected)."""
    # A file in the parse cache and unchanged since is a classic config: no need to read it.
    resolved = cached_resolution(path, options) if not lazy_import else None
    if resolved is None:
        raw = read_text(path, roots=options.safe_roots or None)
        extension = os.path.splitext(path)[1]
        pure = lazy_import
        if pure is None:
            pure = extension == PYTHON_EXTENSION and is_pure_python(raw, path)
        if pure:
            return _load_pure_python(path, filename, format_python_code, options)
        check_extension(path, extension)
        if options.safe:
            from cfgkit.config._load import safe_python  # lazy: only safe mode needs it

            safe_python.measure_once()  # a classic chain leaves each file's result alone
        resolved = _resolving(path, lambda: resolve_file(path, options, raw=raw))
    if options.safe:
        from cfgkit.config._load import safe_python  # lazy: only safe mode needs the interpreter

        # Bounded before the conversion, text output and dumps walk it (a merge of many
        # bases, each in bounds, is checked as a whole here).
        safe_python.check_result(resolved.tree, path)
    return config_from_resolved(
        resolved,
        filename,
        import_modules=import_custom_modules,
        format_python_code=format_python_code,
    )


def _load_pure_python(
    path: str,
    filename: str,
    format_python_code: FormatStyle,
    options: LoadOptions,
) -> Config:
    """A pure-Python config (it ignores the variable and import flags, as in mmengine)."""
    with paused_gc():  # as resolve_file pauses it for classic chains
        loaded = _resolving(
            path,
            lambda: load_pure_python(
                path,
                source_name=filename,
                safe=options.safe,
                safe_roots=options.safe_roots or None,
                provenance=options.provenance,
            ),
        )
    if options.safe:
        from cfgkit.config._load import safe_python  # lazy: only safe mode needs the interpreter

        safe_python.check_result(loaded.tree, path)
    log = _provenance_log(path, tuple(loaded.layers))
    cfg = Config(
        to_config_tree(loaded.tree, (), log),
        cfg_text=loaded.text,
        filename=filename,
        format_python_code=format_python_code,
    )
    object.__setattr__(cfg, "_imported_names", loaded.imported_names)
    return cfg


def _provenance_log(filename: str, layers: tuple[SourceLayer, ...]) -> Optional[Provenance]:
    if not layers:  # provenance=False: the replay machinery is never imported
        return None
    from cfgkit.config._analysis.provenance import Provenance  # lazy: first load that records

    return Provenance(filename, layers)


def config_from_resolved(
    resolved: ResolvedConfig,
    filename: Optional[str],
    *,
    import_modules: bool = True,
    format_python_code: FormatStyle = True,
    config_class: type[Config] = Config,
    stacklevel: int = 3,
) -> Config:
    """Wrap a resolved file into a config: warn, convert, import ``custom_imports``.

    Args:
        resolved: What :func:`~cfgkit.config._load.inheritance.resolve_file` returned.
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
    log = _provenance_log(resolved.filename, tuple(resolved.layers.flatten()))
    try:
        with paused_gc():
            cfg_dict = to_config_tree(resolved.tree, (), log)
    except RecursionError:
        raise nesting_error(resolved.tree, resolved.filename) from None
    custom_imports = cfg_dict.get(CUSTOM_IMPORTS_KEY)
    if import_modules and custom_imports:
        from cfgkit.config._load.custom_imports import import_custom_modules  # lazy: as needed

        import_custom_modules(custom_imports, resolved.filename)
    return config_class(
        cfg_dict,
        cfg_text=resolved.text,
        filename=filename,
        env_variables=dict(resolved.env_variables),
        format_python_code=format_python_code,
    )
