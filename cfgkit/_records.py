"""Small immutable records, written like ``typing.NamedTuple`` classes.

``import typing`` costs about 3 ms, a tenth of ``import cfgkit``, so at run time
:class:`NamedTuple` here builds the record with :func:`collections.namedtuple` from the class
body's annotations and defaults; type checkers see ``typing.NamedTuple`` itself. Use it as
``class Point(NamedTuple): x: int; y: int = 0`` (methods and properties are kept).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from collections import namedtuple

    _SKIPPED = frozenset({"__annotations__", "__module__", "__qualname__", "__doc__"})

    class _RecordMeta(type):
        def __new__(mcs, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(mcs, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            defaults = [namespace[field] for field in fields if field in namespace]
            base = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            body = {k: v for k, v in namespace.items() if k not in _SKIPPED and k not in fields}
            body.update(
                __slots__=(),
                __module__=namespace["__module__"],
                __qualname__=namespace["__qualname__"],
                __doc__=namespace.get("__doc__"),
            )
            return type(name, (base,), body)

    class NamedTuple(metaclass=_RecordMeta):
        """Base of a record class (see the module docstring)."""


__all__ = ["NamedTuple", "Rope"]


class Rope(NamedTuple):
    """A sequence made by joining others without copying them: items and ropes, in order.

    A chain of bases builds its layers, sources and text this way, one level on the last,
    so a chain of any depth costs what its files cost; :meth:`flatten` lists the items once.
    """

    parts: tuple[object, ...] = ()

    def flatten(self) -> list[Any]:
        """The items, in order (nested ropes expanded, without recursion)."""
        items: list[Any] = []
        pending: list[object] = [self]
        while pending:
            part = pending.pop()
            if isinstance(part, Rope):
                pending.extend(reversed(part.parts))
            else:
                items.append(part)
        return items

    def __bool__(self) -> bool:
        return bool(self.parts)
