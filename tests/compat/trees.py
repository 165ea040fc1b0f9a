"""Compare config trees exactly: same keys in the same order, same types, same values."""

from __future__ import annotations

import math
from typing import Any, Optional


def first_difference(
    expected: Any, actual: Any, path: str = "", *, ordered: bool = True
) -> Optional[str]:
    """Return where two trees first differ (types and, if ``ordered``, key order included)."""
    where = path or "<top>"
    if type(expected) is not type(actual):
        return f"{where}: type {type(expected).__name__} != {type(actual).__name__}"
    if isinstance(expected, dict):
        same_keys = list(expected) == list(actual) if ordered else expected.keys() == actual.keys()
        if not same_keys:
            return f"{where}: keys {list(expected)} != {list(actual)}"
        for key in expected:
            here = f"{path}.{key}" if path else str(key)
            found = first_difference(expected[key], actual[key], here, ordered=ordered)
            if found:
                return found
        return None
    if isinstance(expected, (list, tuple)):
        if len(expected) != len(actual):
            return f"{where}: length {len(expected)} != {len(actual)}"
        for index, (a, b) in enumerate(zip(expected, actual)):
            here = f"{path}.{index}" if path else str(index)
            found = first_difference(a, b, here, ordered=ordered)
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
