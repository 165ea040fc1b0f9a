"""What each file of a chain contributed, as the load records it for provenance.

The load keeps, per file, a :class:`SourceLayer` (its own dict before merging, and its
text); :mod:`cfgkit.config._analysis.provenance` replays the layers for one key on demand.
:func:`changed_keys` is what a layer holds when a file changed its bases in place
(``_base_.x = ...``) or a package scope added ``_scope_``.
"""

from __future__ import annotations

from cfgkit._lazy_modules import lazy_pattern
from cfgkit._records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Optional

    from typing_extensions import TypeGuard

    from cfgkit._contracts import ConfigTree, KeyPath

__all__ = ["SourceLayer", "changed_keys", "same_value"]

_ENV_REFERENCE = lazy_pattern(r"\{\{['\"]?\s*\$(\w+)")
_MISSING = object()


class SourceLayer(NamedTuple):
    """What one config file contributed: its own dict before merging, and its text.

    Attributes:
        filename: The file.
        extension: Its format.
        tree: The file's own keys (after ``{{ _base_.x }}`` references were resolved).
        text: The text that was parsed (after the text passes), for line numbers.
        raw: The text as written, to tell ``{{ $VAR }}`` substitutions apart.
        result: The file's whole result, when merging the layers up to this one does not
            give it (a pure-Python config, whose names are bound, not merged); else None.
        aliases: Index paths a list selector of the file edited, each with the selector's
            path as the text writes it (``('p', 1)``, ``('p', '[type=Resize]')``).
    """

    filename: str
    extension: str
    tree: dict[Any, Any]
    text: str
    raw: str
    result: Optional[dict[Any, Any]] = None
    aliases: tuple[tuple[KeyPath, KeyPath], ...] = ()

    def env_variable_on(self, lineno: Optional[int]) -> Optional[str]:
        """The environment variable substituted on line ``lineno`` of the raw text, if any."""
        lines = self.raw.splitlines()
        if lineno is None or lineno > len(lines):
            return None
        match = _ENV_REFERENCE.search(lines[lineno - 1])
        return match.group(1) if match else None


def same_value(first: object, second: object, default: bool = False) -> bool:
    """``first == second`` with the same type; ``default`` when they cannot be compared."""
    try:
        return bool(first == second) and type(first) is type(second)
    except Exception:  # arrays and other values without a truth value for ==
        return default


def changed_keys(before: object, after: Iterable[object]) -> ConfigTree:
    """The keys of ``after`` that are new or different from ``before`` (what a config changed
    in place through ``_base_``, or what a package scope added), recorded as a layer.

    Nested dicts are compared key by key, and lists and tuples of the same length element by
    element, their changes keyed by index, so that only what changed is credited.
    """
    changes: dict[Any, object] = {}  # keyed as ``after`` is: by name, or by index
    items = dict.items(after) if isinstance(after, dict) else enumerate(after)
    earlier: Any = before  # a dict, or a sequence as long as ``after``
    for key, value in items:
        old = dict.get(earlier, key, _MISSING) if isinstance(earlier, dict) else earlier[key]
        if _comparable_containers(value, old):
            nested = changed_keys(old, value)
            if nested:
                changes[key] = nested
        elif old is _MISSING or not same_value(old, value):
            changes[key] = value
    return changes


def _comparable_containers(new: object, old: object) -> TypeGuard[Iterable[object]]:
    if isinstance(old, dict) and isinstance(new, dict):
        return True
    return isinstance(old, (list, tuple)) and type(old) is type(new) and len(old) == len(new)
