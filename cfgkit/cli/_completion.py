"""Shell completion for bash, zsh and fish, through argcomplete (``pip install
"cfgkit[completion]"``): subcommands, flags, config paths, and the keys of the resolved config
after ``--cfg-options`` (list selectors included); ``cfgkit completion SHELL`` prints the script
that activates it.

A shell asks by running ``cfgkit`` with ``_ARGCOMPLETE`` set (argcomplete's protocol): ``main``
then calls :func:`complete`, which answers on file descriptor 8 and exits; argcomplete is
imported only then, and by ``cfgkit completion``. Keys come from the config read in safe mode
(nothing is run, nothing imported), within :data:`TIMEOUT_VARIABLE` seconds; a completion that
cannot be computed is no completion, never an error on the terminal.
"""

from __future__ import annotations

import contextlib
import os
import sys

from cfgkit.config import Config, project_roots
from cfgkit.config._load.files import SUPPORTED_EXTENSIONS
from cfgkit.config._merge.overrides import parse_option_value
from cfgkit.config.config_dict import to_plain_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import FrameType
    from typing import Callable, Hashable, Iterator, Optional, Sequence

    from typing_extensions import TypeGuard

    from cfgkit.cli._common import Commands

    #: What argcomplete calls: the word typed so far and the arguments parsed before it.
    Completer = Callable[[str, Optional[argparse.Namespace]], list[str]]

__all__ = ["add_commands", "complete"]

SHELLS = ("bash", "zsh", "fish")
# Seconds a key completion may take to read the config (2 by default); then it offers nothing.
TIMEOUT_VARIABLE = "CFGKIT_COMPLETION_TIMEOUT"
DEFAULT_TIMEOUT = 2.0
INSTALL_HINT = 'shell completion needs argcomplete: pip install "cfgkit[completion]"'

# The arguments, by destination, that name a config (the first of them is the one whose keys
# are completed) and that take config keys.
CONFIG_ARGUMENTS = ("config", "first", "second")
OPTION_ARGUMENTS = ("cfg_options",)
KEY_ARGUMENTS = ("key",)
MODULE_ARGUMENTS = ("modules", "imports")  # registry MODULE, check --import
PACKAGE_ARGUMENTS = ("scan",)  # check --scan: a package or a source folder
# The attribute argcomplete reads an argument's completer from (argparse declares no such
# attribute, so it is set by name).
COMPLETER_ATTRIBUTE = "completer"


# -- the request ---------------------------------------------------------------------------


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request for ``parser`` and exit the process.

    Called when ``_ARGCOMPLETE`` is in the environment. Without argcomplete the process exits
    with status 1 and no output, so that the shell falls back to its own completion and the
    command line is never run as a command.
    """
    try:  # lazy: an optional extra, needed only to answer the shell
        from argcomplete.finders import CompletionFinder, safe_actions
    except ImportError:
        os._exit(1)
    from cfgkit.config import DictAction

    completers = {
        **dict.fromkeys(CONFIG_ARGUMENTS, config_paths),
        **dict.fromkeys(OPTION_ARGUMENTS, option_keys),
        **dict.fromkeys(KEY_ARGUMENTS, config_keys),
        **dict.fromkeys(MODULE_ARGUMENTS, module_names),
        **dict.fromkeys(PACKAGE_ARGUMENTS, packages_and_folders),
    }
    for action in _actions(parser):
        completer = completers.get(action.dest)
        if completer is not None:
            setattr(action, COMPLETER_ATTRIBUTE, completer)
    # DictAction only parses its words: argcomplete may run it, so that the options before
    # the cursor change the keys offered.
    safe_actions.add(DictAction)

    class Finder(CompletionFinder):
        def quote_completions(
            self, completions: list[str], cword_prequote: str, wordbreak: Optional[int]
        ) -> list[str]:
            if os.environ.get("_ARGCOMPLETE_SHELL") != "zsh":
                return list(super().quote_completions(completions, cword_prequote, wordbreak))
            # zsh quotes what it inserts itself and matches the word typed against the text
            # given: argcomplete's backslashes (`train_pipeline\[type=...`) would match nothing.
            # Only the colon is escaped, for `_describe`'s `value:description`.
            quoted = []
            for completion in completions:
                text = completion.replace("\\", "\\\\").replace(":", "\\:")
                self._display_completions[text] = self._display_completions.get(completion, "")
                quoted.append(text)
            return quoted

    try:
        Finder()(parser, always_complete_options=False)  # answers, then exits with status 0
    except Exception:  # a line argcomplete cannot split (its own errors): the shell's completion
        os._exit(1)
    os._exit(1)  # the finder returns only when it was not asked (no _ARGCOMPLETE)


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    import argparse  # lazy: the command has imported it already; `import cfgkit` must not

    pending = [parser]
    while pending:
        current = pending.pop()
        for action in current._actions:
            yield action
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())


def _quietly(completer: Completer) -> Callable[..., list[str]]:
    """A completer that offers nothing, and prints nothing, when anything goes wrong: a
    completion must never put a traceback or a config's output on the user's terminal."""

    def wrapped(
        prefix: str, parsed_args: Optional[argparse.Namespace] = None, **_: object
    ) -> list[str]:
        import io  # lazy: only completions redirect output
        import warnings

        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
                warnings.catch_warnings(),
            ):
                warnings.simplefilter("ignore")
                return completer(prefix, parsed_args)
        except (Exception, _TimedOut):
            return []

    wrapped.__doc__ = completer.__doc__
    return wrapped


# -- config paths --------------------------------------------------------------------------


@_quietly
def config_paths(prefix: str, parsed_args: Optional[argparse.Namespace] = None) -> list[str]:
    """The configs (``.py``, ``.json``, ``.yaml``, ``.yml``) and folders that complete
    ``prefix``; hidden ones only when ``prefix`` names them (``.``)."""
    return _paths(prefix, SUPPORTED_EXTENSIONS)


def _paths(prefix: str, suffixes: tuple[str, ...]) -> list[str]:
    start = prefix.rpartition("/")[2]
    head = prefix[: len(prefix) - len(start)]
    found = []
    with os.scandir(os.path.expanduser(head) or ".") as entries:
        for entry in entries:
            name = entry.name
            if not name.startswith(start) or (name.startswith(".") and not start.startswith(".")):
                continue
            if entry.is_dir():
                if name != "__pycache__":
                    found.append(f"{head}{name}/")
            elif suffixes and name.endswith(suffixes):
                found.append(head + name)
    return sorted(found)


@_quietly
def module_names(prefix: str, parsed_args: Optional[argparse.Namespace] = None) -> list[str]:
    """The modules that complete ``prefix``, found as ``python -m`` would (this folder first)
    without importing anything: top-level names, then ``package.module`` after a dot."""
    import pkgutil  # lazy: only module completion lists modules

    package, dot, start = prefix.rpartition(".")
    folders = _package_folders(package) if dot else [os.getcwd(), *sys.path]
    found = {
        f"{package}{dot}{module.name}"
        for module in pkgutil.iter_modules(folders)
        if module.name.startswith(start) and (start.startswith("_") or module.name[0] != "_")
    }
    return sorted(found)


def _package_folders(package: str) -> list[str]:
    """The folders of ``package`` (``a.b``): its top-level package found with ``find_spec``,
    which imports nothing for a top-level name, then its subfolders by name."""
    import importlib.util  # lazy: only module completion looks packages up

    top, *rest = package.split(".")
    spec = importlib.util.find_spec(top)
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for part in rest:
        folders = [os.path.join(f, part) for f in folders if os.path.isdir(os.path.join(f, part))]
    return folders


@_quietly
def packages_and_folders(
    prefix: str, parsed_args: Optional[argparse.Namespace] = None
) -> list[str]:
    """For ``--scan``: an installed package (a folder here that is one is offered by name) or
    a source folder."""
    folders = _paths(prefix, ())
    if "/" in prefix or prefix.startswith("."):
        return folders
    modules = module_names(prefix)
    return sorted({*modules, *(f for f in folders if f.rstrip("/") not in modules)})


# -- config keys ---------------------------------------------------------------------------


@_quietly
def option_keys(prefix: str, parsed_args: Optional[argparse.Namespace] = None) -> list[str]:
    """``KEY=`` for each key of the resolved config that completes ``prefix``, a level at a
    time (``model.`` before ``model.backbone.``), list items by index and by selector
    (``train_pipeline[type=Resize].``); after ``KEY=``, the key's current value."""
    tree = _resolved_tree(parsed_args)
    key, equals, _ = _split_option(prefix)
    if equals:
        return _current_value(tree, key)
    if prefix.startswith("~"):
        return ["~" + text for text in _next_keys(tree, prefix[1:], removal=True)]
    return _next_keys(tree, prefix)


@_quietly
def config_keys(prefix: str, parsed_args: Optional[argparse.Namespace] = None) -> list[str]:
    """The dotted keys of the resolved config that complete ``prefix``, a level at a time."""
    tree = _resolved_tree(parsed_args)
    return [text.rstrip("=") for text in _next_keys(tree, prefix, selectors=False)]


def _split_option(text: str) -> tuple[str, str, str]:
    """``KEY=VALUE`` split at its first ``=`` outside a selector's brackets."""
    depth = 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "=" and depth == 0:
            return text[:index], "=", text[index + 1 :]
    return text, "", ""


class _TimedOut(BaseException):
    """The time for a completion is up (a BaseException, so that no `except Exception` on
    the way swallows it)."""


def _resolved_tree(parsed_args: Optional[argparse.Namespace]) -> dict[Hashable, object]:
    """The config named on the command line, read in safe mode without its custom imports,
    with the ``--cfg-options`` before the cursor; empty (no keys to offer) when no config
    file is named. Raises :class:`_TimedOut` when it cannot be read in time."""
    named = (getattr(parsed_args, d, None) for d in CONFIG_ARGUMENTS)
    path = next((p for p in named if p), None)
    if isinstance(path, list):
        path = path[0]  # a list named only when not empty
    if not isinstance(path, str) or not os.path.isfile(path):
        return {}
    with _time_limit(_timeout()):
        cfg = Config.fromfile(
            path,
            safe=True,
            safe_root=project_roots(path, [os.getcwd()]),
            import_custom_modules=False,
        )
        options = getattr(parsed_args, "cfg_options", None) or {}
        for key, value in options.items():  # each alone: one still being written is skipped
            with contextlib.suppress(Exception):
                cfg.merge_from_dict({key: value})
        # The values as the config holds them: an imported class of a pure-Python config stays
        # a lazy object (no selector names it), not the text `to_dict` makes of it.
        held = to_plain_tree(cfg._cfg_dict)
        return {key: held[key] for key in cfg.to_dict()}


def _timeout() -> float:
    try:
        return max(float(os.environ.get(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT)), 0.001)
    except ValueError:
        return DEFAULT_TIMEOUT


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimedOut` in the block after ``seconds``, where the platform has interval
    timers (elsewhere the safe interpreter's own work limits bound it)."""
    import signal  # lazy: only a key completion sets a timer

    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Optional[FrameType]) -> None:
        raise _TimedOut

    saved = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, saved)


def _addressable(key: object) -> TypeGuard[str]:
    """A key an option can name: a string without the characters that split option keys."""
    return isinstance(key, str) and bool(key) and not any(c in key for c in ".[]=~: \t\n")


def _expandable(value: object) -> bool:
    """A value whose items are offered: a non-empty dict, or a list or tuple holding one."""
    if isinstance(value, dict):
        return any(_addressable(k) for k in value)
    if isinstance(value, (list, tuple)):
        return any(isinstance(item, (dict, list, tuple)) for item in value)
    return False


def _suffix(value: object) -> str:
    """What follows a key's own text: ``.`` into a dict, nothing before a list's index or
    selector, ``=`` for a value."""
    if _expandable(value):
        return "." if isinstance(value, dict) else ""
    return "="


def _selector_type(value: object) -> Optional[str]:
    kind = value.get("type") if isinstance(value, dict) else None
    simple = isinstance(kind, str) and kind.replace(".", "_").isidentifier()
    return kind if simple and kind not in ("True", "False", "None") else None


def _removable(value: object) -> bool:
    """Whether a list item a selector can remove lies in ``value`` or below it."""
    if isinstance(value, dict):
        return any(_addressable(k) and _removable(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_selector_type(v) or _removable(v) for v in value)
    return False


def _items(
    value: object, text: str, prefix: str, selectors: bool, removal: bool
) -> Iterator[tuple[str, object, bool]]:
    """``(text, value, final)`` for each item below ``value`` (whose key is ``text``): final
    when the text ends the key. ``removal`` (``~KEY[type=X]``): only selectors end a key."""
    if isinstance(value, dict):  # `text` is empty or ends with its dot
        for key, item in value.items():
            if _addressable(key) and (not removal or _removable(item)):
                yield text + key + _suffix(item), item, not _expandable(item)
        return
    # Only what `_expandable` passes is visited: a dict (above), a list or a tuple.
    sequence: Sequence[object] = value if isinstance(value, (list, tuple)) else ()
    types = [_selector_type(item) for item in sequence]
    for index, item in enumerate(sequence):
        if not removal or _removable(item):
            yield f"{text}.{index}{_suffix(item)}", item, not _expandable(item)
    if not selectors:
        return
    for item, kind in zip(sequence, types):
        if kind is None or types.count(kind) > 1:  # a selector must match one item
            continue
        selector = f"{text}[type={kind}]"
        typed_whole = prefix.startswith(selector)  # then what else it takes is offered
        if removal:
            yield selector, None, True
            if typed_whole and _removable(item):
                yield selector + ".", item, False
            continue
        yield selector + _suffix(item), item, not _expandable(item)
        if typed_whole:
            for place in ("=", ":before=", ":after="):
                yield selector + place, None, True
    if not removal:
        yield f"{text}[+]=", None, True


def _next_keys(
    tree: dict[Hashable, object], prefix: str, selectors: bool = True, removal: bool = False
) -> list[str]:
    """The keys that complete ``prefix``, each cut after the first level past it; a single
    one that goes on is followed a level further, so that a shell never ends it with a space
    (``mod`` offers ``model.backbone.``, ``model.type=``, ..., not ``model.`` alone)."""
    found: dict[str, bool] = {}

    def visit(value: object, text: str) -> None:
        for item_text, item, final in _items(value, text, prefix, selectors, removal):
            if item_text.startswith(prefix) and len(item_text) > len(prefix):
                found.setdefault(item_text, final)
            elif prefix.startswith(item_text) and not final:
                visit(item, item_text)

    visit(tree, "")
    if len(found) == 1:
        ((only, final),) = found.items()
        deeper = [] if final else _next_keys(tree, only, selectors, removal)
        if deeper:
            return deeper
    return sorted(found)


def _current_value(tree: dict[Hashable, object], key: str) -> list[str]:
    """``KEY=VALUE`` with the key's value written as an option that reads back to it (same
    types: ``'50'`` stays unoffered, it would read back as 50); nothing for other values."""
    for text, value in _leaves(tree, key):
        written = _written(value)
        if written is None or len(written) > MAX_VALUE_LENGTH:
            return []
        return [text + written] if _same(parse_option_value(written), value) else []
    return []


# A value longer than this is not offered: it would flood the line.
MAX_VALUE_LENGTH = 200


def _leaves(value: object, key: str, text: str = "") -> Iterator[tuple[str, object]]:
    for item_text, item, final in _items(value, text, key, True, False):
        if final and item_text == key + "=":
            yield item_text, item
        elif not final and key.startswith(item_text):
            yield from _leaves(item, key, item_text)


def _written(value: object) -> Optional[str]:
    """``value`` as an option writes it (``[8,11]``, ``(1333,800)``, ``True``, ``x``)."""
    if isinstance(value, (list, tuple)):
        items = [_written(item) for item in value]
        if None in items:
            return None
        inner = ",".join(map(str, items))
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if value is None or isinstance(value, (bool, int, float, str)):
        return str(value)
    return None


def _same(first: object, second: object) -> bool:
    if type(first) is not type(second):
        return False
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)):
        return len(first) == len(second) and all(map(_same, first, second))
    return bool(first == second)


# -- cfgkit completion SHELL ---------------------------------------------------------------


def _completion(args: argparse.Namespace) -> int:
    try:  # lazy: an optional extra
        from argcomplete.shell_integration import shellcode
    except ImportError:
        raise ModuleNotFoundError(INSTALL_HINT) from None
    sys.stdout.write(shellcode(["cfgkit"], shell=args.shell))
    return 0


def add_commands(commands: Commands) -> None:
    """Add ``completion``."""
    completion = commands.add_parser(
        "completion",
        help="print the script that turns on shell completion (docs/cli.md)",
        description="Print the script that makes SHELL complete cfgkit's subcommands, flags, "
        "config paths and the config's keys after --cfg-options. bash: "
        'eval "$(cfgkit completion bash)" in ~/.bashrc; zsh (after compinit): '
        'eval "$(cfgkit completion zsh)" in ~/.zshrc; fish: cfgkit completion fish | source '
        'in ~/.config/fish/config.fish. Needs argcomplete: pip install "cfgkit[completion]".',
    )
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    completion.set_defaults(run=_completion)
