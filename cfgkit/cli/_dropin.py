"""``run`` and ``hook``: unchanged OpenMMLab scripts on cfgkit (the mmengine drop-in)."""

from __future__ import annotations

import os
import sys

from cfgkit import mmengine_hook
from cfgkit.errors import DropInError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from cfgkit.cli._common import Commands

__all__ = ["PTH_LINE", "PTH_NAME", "add_commands"]

PTH_NAME = "cfgkit_mmengine.pth"
# Run at every start-up of this Python: with the variable unset it only reads it (site has
# imported os already) and imports nothing; set, it installs the hook as the variable says,
# if cfgkit can still be imported (`pip uninstall cfgkit` leaves this file behind).
PTH_LINE = (
    f"import os; os.environ.get({mmengine_hook.ENV_VAR!r}, '') not in ('', '0') "
    "and __import__('importlib.util').util.find_spec('cfgkit') is not None "
    "and __import__('cfgkit.mmengine_hook').mmengine_hook.install_from_environment()\n"
)


def _run(args: argparse.Namespace) -> int:
    script = args.script
    if not os.path.isfile(script):
        raise DropInError(f"cannot run {script!r}: no such file")
    os.environ[mmengine_hook.ENV_VAR] = "registry" if args.registry else "1"  # for children
    mmengine_hook.install(registry=args.registry, style=args.style)
    sys.argv = [script, *args.args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))  # as `python SCRIPT` sets it
    import runpy  # lazy: only run needs it

    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit:  # the script's own status, as `python SCRIPT` gives it
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        sys.stderr.write(f"{exit.code}\n")
        return 1
    except KeyboardInterrupt:
        raise
    except BaseException:  # the script's error is the script's: its traceback, status 1
        import traceback  # lazy: only a failing script needs it

        traceback.print_exc()
        return 1
    return 0


def _hook(args: argparse.Namespace) -> int:
    import sysconfig  # lazy: only hook needs it

    path = os.path.join(str(args.dir) if args.dir else sysconfig.get_paths()["purelib"], PTH_NAME)
    if args.enable:
        with open(path, "w", encoding="utf-8") as file:
            file.write(PTH_LINE)
        sys.stdout.write(
            f"wrote {path}: {mmengine_hook.ENV_VAR}=1 (or =registry) now turns the mmengine "
            "drop-in on in every process of this Python\n"
        )
    elif args.disable:
        if os.path.exists(path):
            os.remove(path)
            sys.stdout.write(f"removed {path}\n")
        else:
            sys.stdout.write(f"nothing to remove: {path} does not exist\n")
    else:
        state = "enabled" if os.path.exists(path) else "not enabled"
        value = os.environ.get(mmengine_hook.ENV_VAR, "")
        sys.stdout.write(f"{path}: {state}; {mmengine_hook.ENV_VAR}={value!r}\n")
    return 0


def add_commands(commands: Commands) -> None:
    """Add ``run`` and ``hook``."""
    run = commands.add_parser(
        "run",
        help="run an unchanged script with mmengine's Config made cfgkit's",
        description="Run SCRIPT as __main__ (as `python SCRIPT ARGS` would) with the mmengine "
        "drop-in installed, and set CFGKIT_MMENGINE so that child processes follow "
        "(with `cfgkit hook --enable`). See docs/dropin.md.",
    )
    run.add_argument(
        "--registry",
        action="store_true",
        help="also make mmengine's registries cfgkit's (located build errors)",
    )
    run.add_argument(
        "--style",
        choices=("yapf", "cfgkit"),
        default="yapf",
        help="pretty_text of the configs: mmengine's own (default) or cfgkit's",
    )
    run.add_argument("script", metavar="SCRIPT", help="the Python script to run")
    run.add_argument("args", nargs="...", metavar="ARGS", help="the script's arguments")
    run.set_defaults(run=_run)

    hook = commands.add_parser(
        "hook",
        help="enable or disable CFGKIT_MMENGINE for this Python (a .pth file)",
        description="Write (--enable) or remove (--disable) a .pth file in this Python's "
        "site-packages that honours CFGKIT_MMENGINE=1 (or =registry) in every process; "
        "without a flag, say whether it is there. With the variable unset it does nothing.",
    )
    switch = hook.add_mutually_exclusive_group()
    switch.add_argument("--enable", action="store_true", help="write the .pth file")
    switch.add_argument("--disable", action="store_true", help="remove the .pth file")
    hook.add_argument("--dir", help="the folder of the .pth file (default: site-packages)")
    hook.set_defaults(run=_hook)
