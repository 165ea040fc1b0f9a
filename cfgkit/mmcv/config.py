"""mmcv 1.7's ``Config``: cfgkit's, with mmcv's ``fromfile`` signature and copy semantics."""

from __future__ import annotations

import os

from cfgkit.config._load.inheritance import LoadOptions, resolve_file
from cfgkit.config.config import Config as BaseConfig
from cfgkit.config.config import config_from_resolved
from cfgkit.errors import ConfigSyntaxError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Union

    from cfgkit.config.config_dict import ConfigDict

    # What pickling keeps, as mmcv does: the dict, the file name and the text.
    State = tuple[ConfigDict, Optional[str], str]

__all__ = ["Config"]


class Config(BaseConfig):
    """mmcv 1.7's ``Config``.

    Differences from :class:`cfgkit.Config`, as in mmcv: ``fromfile`` takes only
    ``use_predefined_variables`` and ``import_custom_modules`` and leaves ``{{ $VAR }}``
    alone; a syntax error reads ``There are syntax errors in config file <file>: ...``;
    ``cfg.copy()`` returns the ``ConfigDict`` (a shallow copy) and ``copy.copy(cfg)`` shares
    it; pickling keeps ``(cfg_dict, filename, text)``.
    """

    @staticmethod
    def fromfile(  # type: ignore[override]  # mmcv's takes fewer options than cfgkit's
        filename: Union[str, os.PathLike[str]],
        use_predefined_variables: bool = True,
        import_custom_modules: bool = True,
    ) -> Config:
        """Load a config file with its ``_base_`` files, as mmcv 1.7 does.

        Raises:
            ConfigError: As :meth:`cfgkit.Config.fromfile`; syntax errors use mmcv's message.
        """
        filename = os.fspath(filename)
        # mmcv 1.x knows no environment variables and no pure-Python configs.
        options = LoadOptions(
            use_predefined_variables, use_environment_variables=False, detect_style=False
        )
        try:
            resolved = resolve_file(filename, options)
        except ConfigSyntaxError as error:
            where = f"({os.path.basename(error.filename or filename)}, line {error.lineno})"
            raise ConfigSyntaxError(
                f"There are syntax errors in config file {error.filename}: {error.msg} {where}",
                filename=error.filename,
                lineno=error.lineno,
                offset=error.offset,
                text=error.text,
            ) from None
        cfg = config_from_resolved(
            resolved,
            filename,
            import_modules=import_custom_modules,
            config_class=Config,
            stacklevel=4,
        )
        assert isinstance(cfg, Config)  # config_from_resolved builds the class it is given
        return cfg

    def __getattribute__(self, name: str) -> Any:  # the config's values are the user's
        # mmcv's Config has no `copy` method: `cfg.copy` reaches the ConfigDict's.
        if name == "copy":
            return object.__getattribute__(self, "__dict__")["_cfg_dict"].copy
        return object.__getattribute__(self, name)

    def __copy__(self) -> Config:
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)  # shares _cfg_dict, as mmcv does
        return other

    def __getstate__(self) -> State:
        state = self.__dict__
        return (state["_cfg_dict"], state["_filename"], self.text)

    def __setstate__(self, state: State) -> None:
        cfg_dict, filename, text = state
        self.__dict__.update(
            _cfg_dict=cfg_dict,
            _filename=filename,
            _text=text,
            _env_variables={},
            _format_python_code=True,
            _imported_names=set(),
        )
