"""Where a config dict sits: its key path in the config (and, when known, its file and line).

Loaded configs tag each of their dicts with a :class:`Location`, so that code that only gets
the dict (``MODELS.build(cfg.model.backbone)``) can still say where it came from. This module
is shared by :mod:`cfgkit.config` and :mod:`cfgkit.registry`, which do not import each other.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Union

__all__ = [
    "LOCATION_ATTRIBUTE",
    "PROVENANCE_ATTRIBUTE",
    "Location",
    "location_of",
    "set_location",
]

# Instance attributes, so that they travel with the dict and never show up as keys: the
# dict's key path, and the log of where its config's values came from (an object with
# ``locate(path) -> (filename, lineno)``, see cfgkit.config.origins).
LOCATION_ATTRIBUTE = "__cfgkit_location__"
PROVENANCE_ATTRIBUTE = "__cfgkit_provenance__"


class Location:
    """A dict's key path in its config, and the file and line that wrote it when known.

    Args:
        key_path: The keys from the top of the config (list indexes as ints).
        filename: The config file the dict was written in.
        lineno: The line in ``filename``.
    """

    __slots__ = ("filename", "key_path", "lineno")

    def __init__(
        self,
        key_path: tuple[Any, ...],
        filename: Optional[str] = None,
        lineno: Optional[int] = None,
    ) -> None:
        self.key_path = key_path
        self.filename = filename
        self.lineno = lineno

    @property
    def dotted(self) -> str:
        """The key path written with dots (``model.backbone``, ``train_pipeline.2``)."""
        return ".".join(str(part) for part in self.key_path)

    def __str__(self) -> str:
        where = self.dotted or "<top level>"
        if self.filename:
            line = f":{self.lineno}" if self.lineno else ""
            return f"{where} ({self.filename}{line})"
        return where

    def __repr__(self) -> str:
        return f"Location({self.key_path!r}, {self.filename!r}, {self.lineno!r})"


def location_of(mapping: Any) -> Optional[Location]:
    """Return where a config dict was written (key path, and file and line when known)."""
    try:
        state = vars(mapping)
    except TypeError:  # no __dict__: a plain dict
        return None
    found = state.get(LOCATION_ATTRIBUTE)
    if isinstance(found, Location):
        return found
    if not isinstance(found, tuple):  # loading stores the cheap form: the key path alone
        return None
    provenance = state.get(PROVENANCE_ATTRIBUTE)
    if provenance is None:
        return Location(found)
    filename, lineno = provenance.locate(found)
    return Location(found, filename, lineno)


def set_location(mapping: Any, location: Union[Location, tuple[Any, ...]]) -> None:
    """Tag a config dict (any object with a ``__dict__``) with its location or key path."""
    vars(mapping)[LOCATION_ATTRIBUTE] = location
