"""The problems ``cfgkit check`` finds, where they are, and the three ways it prints them."""

from __future__ import annotations

from cfgkit._escaping import for_terminal, github_data, github_property
from cfgkit._key_paths import dotted
from cfgkit._records import NamedTuple
from cfgkit.config._analysis.provenance import LAYER_OPTIONS, last_written

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Optional, Sequence

    from cfgkit._contracts import KeyPath
    from cfgkit.config import Config

__all__ = [
    "ERROR",
    "MISSING_DEPENDENCY",
    "NOTE",
    "NOT_CHECKED",
    "OPTIONS",
    "STALE_COPY",
    "WARNING",
    "Problem",
    "format_problems",
    "once",
    "problem",
]

ERROR = "error"
# Problem codes (``Problem.code``).
NOT_CHECKED = "not-checked"
MISSING_DEPENDENCY = "missing-dependency"
STALE_COPY = "stale-copy"
# Where a problem an option caused is located.
OPTIONS = "--cfg-options"
WARNING = "warning"
NOTE = "note"


class Problem(NamedTuple):
    """One mistake found in a config.

    Attributes:
        severity: ``'error'`` (the build would fail), ``'warning'`` (a value contradicts an
            annotation, or a stale copy the runner reads) or ``'note'`` (a required
            argument the config does not give, which the caller may still pass through
            ``default_args``; a stale copy in a helper key).
        key: The dotted key path of the offending key or dict.
        filename: The file that wrote it (``'--cfg-options'`` when an option did).
        lineno: The line in ``filename`` (None when not known).
        message: What is wrong.
        suggestion: How to fix it ("Did you mean 'ResNet'?"), or ``''``.
        code: What kind of problem, where a program may act on it (``'not-checked'``: the
            scope's package is not installed; ``'missing-dependency'``; ``'stale-copy'``),
            else ``''``.
        cause: For a type not found, why (the registry doctor's causes: ``'not imported'``,
            ``'other scope'``, ...), or ``''``.
        fix: For a type not found, the line that fixes it, or ``''``.
    """

    severity: str
    key: str
    filename: Optional[str]
    lineno: Optional[int]
    message: str
    suggestion: str = ""
    code: str = ""
    cause: str = ""
    fix: str = ""

    def __str__(self) -> str:
        return self.format()

    def format(self, show_path: Callable[[str], str] = str) -> str:
        """``FILE:LINE: KEY: severity: message``; without ``FILE:LINE:`` when the file is unknown.

        Args:
            show_path: How to write the filename (the command shortens it).
        """
        where = ""
        if self.filename:
            line = f":{self.lineno}" if self.lineno else ""
            where = f"{show_path(self.filename)}{line}: "
        return f"{where}{self.key}: {self.severity}: {self.text}"

    @property
    def text(self) -> str:
        """The message, and the suggestion when there is one."""
        return f"{self.message}. {self.suggestion}" if self.suggestion else self.message

    def __repr__(self) -> str:
        return f"<Problem {self}>"


def format_problems(
    problems: Sequence[Problem], style: str = "text", show_path: Callable[[str], str] = str
) -> str:
    """The problems as ``cfgkit check`` prints them.

    Args:
        problems: What :func:`check` found.
        style: ``'text'`` (a ``FILE:LINE: KEY: severity: message`` line each), ``'json'`` (a
            list of objects with ``severity``, ``key``, ``file``, ``line``, ``message``,
            ``suggestion``, ``code``, and for a type not found ``cause`` and ``fix``) or
            ``'github'`` (GitHub Actions workflow commands, which show each problem on the
            line of the pull request's diff).
        show_path: How to write file names (the command makes them relative).
    """
    if style == "json":
        import json  # lazy: only for --format json

        rows = [
            {
                "severity": p.severity,
                "key": p.key,
                "file": show_path(p.filename) if p.filename else None,
                "line": p.lineno,
                "message": p.message,
                "suggestion": p.suggestion,
                "code": p.code,
                **({"cause": p.cause, "fix": p.fix} if p.cause else {}),
            }
            for p in problems
        ]
        return json.dumps(rows, indent=2) + "\n"
    if style == "github":
        return "".join(_annotation(p, show_path) + "\n" for p in problems)
    return "".join(for_terminal(p.format(show_path)) + "\n" for p in problems)


_GITHUB_LEVELS = {ERROR: "error", WARNING: "warning", NOTE: "notice"}


def _annotation(problem: Problem, show_path: Callable[[str], str]) -> str:
    """``::error file=F,line=L,title=KEY::message``, escaped as GitHub's toolkit does."""
    fields = []
    if problem.filename and problem.filename != OPTIONS:  # an option has no line in a diff
        fields.append(f"file={github_property(show_path(problem.filename))}")
        if problem.lineno:
            fields.append(f"line={problem.lineno}")
    fields.append(f"title={github_property(problem.key)}")
    level = _GITHUB_LEVELS[problem.severity]
    return f"::{level} {','.join(fields)}::{github_data(problem.text)}"


def once(problems: list[Problem]) -> list[Problem]:
    """Each mistake once: a dict written once and copied (``train_pipeline`` into
    ``train_dataloader.dataset.pipeline``) is reported at its most severe copy."""
    rank = {ERROR: 0, WARNING: 1, NOTE: 2}
    best: dict[tuple[object, ...], int] = {}
    for number, problem in enumerate(problems):
        if problem.filename is None:
            continue
        text = problem.message.partition(" (in '")[0]
        where = (problem.filename, problem.lineno, problem.key.rpartition(".")[2], text)
        kept = best.get(where)
        if kept is None or rank[problem.severity] < rank[problems[kept].severity]:
            best[where] = number
    keep = set(best.values())
    return [p for n, p in enumerate(problems) if p.filename is None or n in keep]


def _where(cfg: Config, path: KeyPath) -> tuple[Optional[str], Optional[int]]:
    """The file and line that last wrote ``path`` (a key or a dict), or ``--cfg-options``
    when an option wrote it last: a problem an option caused is the option's."""
    try:
        records = cfg.provenance(path)
    except (KeyError, AttributeError, IndexError):  # a key the config does not have
        return None, None
    for record in reversed(records):
        if record.action != "delete":
            if record.filename is None and record.layer == LAYER_OPTIONS:
                return OPTIONS, None
            break
    return last_written(records)


def problem(
    cfg: Config,
    severity: str,
    path: KeyPath,
    message: str,
    suggestion: str = "",
    code: str = "",
) -> Problem:
    filename, lineno = _where(cfg, path)
    return Problem(severity, dotted(path), filename, lineno, message, suggestion, code)
