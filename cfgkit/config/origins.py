"""Where config keys come from: the file and line that set them."""

from __future__ import annotations

import re

from cfgkit.config.loading import read_text
from cfgkit.errors import ConfigFileNotFoundError

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = ["find_key_line"]


def find_key_line(filename: str, key: str, text: Optional[str] = None) -> Optional[int]:
    """Return the first line of ``filename`` that sets the top-level ``key``, if any.

    Args:
        filename: The config file.
        key: A top-level key.
        text: The file's text, when the caller has it.

    Returns:
        The 1-based line number, or None when no line looks like it sets the key.
    """
    if text is None:
        try:
            text = read_text(filename)
        except ConfigFileNotFoundError:
            return None
    pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*[:=]", re.MULTILINE)
    match = pattern.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1
