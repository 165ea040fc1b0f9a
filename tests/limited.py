"""Running code that could exhaust the machine in a child process under hard limits.

A test of a bomb (a config built to hang, crash or exhaust memory) runs it here, so that a
regression fails the test (a timeout, a kill, a crash) instead of taking CI down.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 2 << 30  # bytes of address space
CPU_SECONDS = 10


def _limit() -> None:  # in the child, before Python starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_limited(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with this Python in a child limited to 2 GB of address space and 10 s
    of CPU; a wall-clock ``timeout`` catches a child that sleeps or blocks."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit,
        env=environment,
        check=False,
    )


_LOAD = """
import json
from cfgkit import Config
from cfgkit.errors import CfgkitError
path, action = {path!r}, {action!r}
try:
    if action == "print":
        from cfgkit.cli import main
        code = main(["print", path, "--safe"])
        outcome = {{"result": code}}
    else:
        cfg = Config.fromfile(path, safe=True)
        text = cfg.pretty_text
        outcome = {{"result": "loaded", "size": len(text), "tree": cfg.to_dict()}}
except CfgkitError as error:
    outcome = {{
        "error": [cls.__name__ for cls in type(error).__mro__],
        "message": str(error)[:2000],
        "filename": getattr(error, "filename", None),
        "lineno": getattr(error, "lineno", None),
    }}
print("OUTCOME " + json.dumps(outcome, default=repr))
"""


def safe_load_outcome(path: str, action: str = "load") -> dict:
    """Load ``path`` with ``safe=True`` (and read its ``pretty_text``), or run
    ``cfgkit print --safe`` on it (``action='print'``), in a limited child; return what
    happened: ``{'result': ..., 'tree': ...}`` or ``{'error': [class names], 'message':
    ..., 'filename': ..., 'lineno': ...}``. A child that crashed, was killed or printed no
    outcome fails with its exit status and the end of its error output."""
    child = run_limited(_LOAD.format(path=path, action=action))
    for line in child.stdout.splitlines():
        if line.startswith("OUTCOME "):
            outcome: dict = json.loads(line[len("OUTCOME ") :])
            outcome["stderr"] = child.stderr
            return outcome
    raise AssertionError(
        f"the child ended with status {child.returncode} and no outcome:\n{child.stderr[-3000:]}"
    )
