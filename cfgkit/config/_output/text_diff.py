"""``Config.diff``'s text: a unified diff of two configs, laid out as mmengine's.

mmengine prints the diff of the two ``pretty_text`` with rich into a captured console and
returns what was captured: every line followed by a newline, lines wider than the console
(80 columns unless ``COLUMNS`` says otherwise) wrapped at spaces, and words wider than that
cut. This module reproduces that text without rich; colours (rich's bright green and red)
are added only when standard output is a terminal and ``NO_COLOR`` is not set.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator

__all__ = ["unified_diff_text"]

_COLOURS = {"+": "\033[92m", "-": "\033[91m"}
_OTHER_COLOUR = "\033[97m"
_RESET = "\033[0m"
_WORD = re.compile(r"\s*\S+\s*")


def _cell_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return len(text) if text.isascii() else sum(_cell_width(c) for c in text)


def _chop(word: str, width: int) -> list[str]:
    """Cut ``word`` into pieces at most ``width`` cells wide."""
    pieces, current, used = [], "", 0
    for char in word:
        cells = _cell_width(char)
        if used + cells > width and current:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += cells
    pieces.append(current)
    return pieces


def _wrap(line: str, width: int) -> Iterator[str]:
    """The lines rich prints for ``line`` in a console ``width`` cells wide."""
    starts = []
    offset = 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group()
        length = _width(word.rstrip())
        if width - offset >= length:
            offset += _width(word)
        elif length > width:
            pieces = _chop(word, width)
            for piece in pieces:
                if start:
                    starts.append(start)
                start += len(piece)
            offset = _width(pieces[-1])
        elif offset and start:
            starts.append(start)
            offset = _width(word)
    for start, end in zip([0, *starts], [*starts, None]):
        yield line[start:end]


def _console_width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return 80
    return columns if columns > 0 else 80


def unified_diff_text(first: str, second: str) -> str:
    """Return mmengine's ``Config.diff`` text for two ``pretty_text``.

    Args:
        first: The first config's text.
        second: The second config's text.

    Returns:
        The diff (``'\\n'`` when the texts are the same).
    """
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = _console_width()
    printed = []
    for line in difflib.unified_diff(first.split("\n"), second.split("\n")):
        code = _COLOURS.get(line[:1], _OTHER_COLOUR)
        for part in line.split("\n"):  # difflib's header lines end with one: a blank line
            for piece in _wrap(part, width):
                printed.append(f"{code}{piece}{_RESET}" if colour and piece else piece)
    return "".join(f"{piece}\n" for piece in printed) + "\n"
