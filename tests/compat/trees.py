"""Compare config trees exactly: same keys in the same order, same types, same values."""

from __future__ import annotations

import math
from typing import Any, Optional


def first_difference(expected: Any, actual: Any, path: str = "") -> Optional[str]:
    """Return a description of the first place two trees differ, or None when identical."""
    where = path or "<top>"
    if type(expected) is not type(actual):
        return f"{where}: type {type(expected).__name__} != {type(actual).__name__}"
    if isinstance(expected, dict):
        if list(expected) != list(actual):
            return f"{where}: keys {list(expected)} != {list(actual)}"
        for key in expected:
            found = first_difference(
                expected[key], actual[key], f"{path}.{key}" if path else str(key)
            )
            if found:
                return found
        return None
    if isinstance(expected, (list, tuple)):
        if len(expected) != len(actual):
            return f"{where}: length {len(expected)} != {len(actual)}"
        for index, (a, b) in enumerate(zip(expected, actual)):
            found = first_difference(a, b, f"{path}.{index}" if path else str(index))
            if found:
                return found
        return None
    if isinstance(expected, float) and math.isnan(expected) and math.isnan(actual):
        return None
    if expected != actual:
        return f"{where}: {expected!r} != {actual!r}"
    return None


def builtin_family(error: BaseException) -> Optional[type]:
    """Return the most specific builtin exception class ``error`` is an instance of."""
    for cls in type(error).__mro__:
        if cls.__module__ == "builtins" and cls not in (Exception, BaseException, object):
            return cls
    return None
