"""Text from a config made safe to print: what a config holds cannot drive the terminal or
forge lines of a CI log.

A config's keys, values, file names and error messages reach the ``cfgkit`` command's output.
Control characters in them (``ESC`` starting a terminal sequence, ``BEL``, a carriage return
overwriting the line, a newline starting what looks like another problem or a GitHub
``::command::``) are written as Python escapes instead.
"""

from __future__ import annotations

__all__ = ["clipped", "for_terminal", "github_data", "github_property"]

# C0 controls, DEL and C1 controls (0x9b is a one-byte CSI on some terminals), and the
# Unicode line and paragraph separators some viewers break lines at.
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
_ESCAPES = {code: repr(chr(code))[1:-1] for code in _CONTROLS}
_KEEP_NEWLINES = {code: escape for code, escape in _ESCAPES.items() if code != ord("\n")}


def for_terminal(text: str, keep_newlines: bool = False) -> str:
    """Write control characters in ``text`` as Python escapes (``'\\x1b'``, ``'\\n'``).

    Args:
        text: Text that may come from a config.
        keep_newlines: Leave newlines as they are (for text that is meant to have several
            lines, such as a whole config).

    Examples:
        >>> for_terminal('a\\x1b[2Jb\\nc')
        'a\\\\x1b[2Jb\\\\nc'
    """
    if text.isprintable():
        return text
    return text.translate(_KEEP_NEWLINES if keep_newlines else _ESCAPES)


def github_data(text: str) -> str:
    """The message of a GitHub Actions workflow command: control characters escaped, and
    ``%``, carriage returns and newlines written as the runner unescapes them (a newline
    shows in the annotation), so a message can neither end its command nor start another."""
    text = for_terminal(text, keep_newlines=True)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A property value of a workflow command (``file=``, ``title=``): as :func:`github_data`,
    with ``:`` and ``,`` escaped too."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def clipped(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, its last three ``...``, when it is longer."""
    return text if len(text) <= width else text[: width - 3] + "..."
