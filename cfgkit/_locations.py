"""Where a config dict sits: its key path in the config (and, when known, its file and line).

Loaded configs tag each of their dicts with a :class:`Location`, so that code that only gets
the dict (``MODELS.build(cfg.model.backbone)``) can still say where it came from. This module
is shared by :mod:`cfgkit.config` and :mod:`cfgkit.registry`, which do not import each other.
"""

from __future__ import annotations

from cfgkit._key_paths import dotted
from cfgkit._records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from cfgkit._contracts import KeyPath, Locator

__all__ = [
    "LOCATION_ATTRIBUTE",
    "PROVENANCE_ATTRIBUTE",
    "Location",
    "location_of",
]

# Instance attributes, so that they travel with the dict and never show up as keys: the
# dict's key path, and the log of where its config's values came from (an object with
# ``locate(path) -> (filename, lineno)``, a Locator: see cfgkit.config._analysis.provenance).
LOCATION_ATTRIBUTE = "__cfgkit_location__"
PROVENANCE_ATTRIBUTE = "__cfgkit_provenance__"


class Location(NamedTuple):
    """A dict's key path in its config, and the file and line that wrote it when known.

    Attributes:
        key_path: The keys from the top of the config (list indexes as ints).
        filename: The config file the dict was written in.
        lineno: The line in ``filename``.
    """

    key_path: KeyPath
    filename: Optional[str] = None
    lineno: Optional[int] = None

    @property
    def dotted(self) -> str:
        """The key path written with dots (``model.backbone``, ``train_pipeline.2``)."""
        return dotted(self.key_path)

    def __str__(self) -> str:
        where = self.dotted or "<top level>"
        if self.filename:
            line = f":{self.lineno}" if self.lineno else ""
            return f"{where} ({self.filename}{line})"
        return where


def location_of(mapping: object) -> Optional[Location]:
    """Return where a config dict was written (key path, and file and line when known)."""
    try:
        state = vars(mapping)
    except TypeError:  # no __dict__: a plain dict
        return None
    found = state.get(LOCATION_ATTRIBUTE)
    if not isinstance(found, tuple):  # loading stores the key path; a Location is made here
        return None
    provenance: Optional[Locator] = state.get(PROVENANCE_ATTRIBUTE)
    if provenance is None:
        return Location(found)
    filename, lineno = provenance.locate(found)
    return Location(found, filename, lineno)
