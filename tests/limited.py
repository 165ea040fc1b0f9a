"""Running a test body in a child process under memory, CPU and wall-clock limits.

A test of an input that could hang or exhaust memory (a FIFO, ``/dev/zero``, a million
bases, a config built to crash the interpreter) runs here: a regression then fails the test
(a timeout, a kill, a crash) instead of taking the machine down. :func:`run_limited` runs a
body that uses ``pytest.raises`` itself (the child exits 0 when it passes);
:func:`safe_load_outcome` loads a config in safe mode and reports what happened.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BYTES = 2 * 2**30
CPU_SECONDS = 10
WALL_SECONDS = 30


def _limit() -> None:  # runs in the child, before Python starts
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file


def run_limited(body: str, *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``body`` (dedented) in a limited child; fail unless it exits 0 in time.

    Args:
        body: Python source; ``pytest``, ``Config`` and ``errors`` are imported for it.
        cwd: The child's working folder.

    Returns:
        The finished process, its output captured.
    """
    import pytest

    source = "import pytest\nfrom cfgkit import Config, errors\n" + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CFGKIT_NO_CACHE": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", source],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=WALL_SECONDS,
            preexec_fn=_limit,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the child ran longer than {WALL_SECONDS} s:\n{source}")
    if result.returncode != 0:
        pytest.fail(
            f"the child failed (exit status {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result


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
    child = subprocess.run(
        [sys.executable, "-c", _LOAD.format(path=path, action=action)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    for line in child.stdout.splitlines():
        if line.startswith("OUTCOME "):
            outcome: dict = json.loads(line[len("OUTCOME ") :])
            outcome["stderr"] = child.stderr
            return outcome
    raise AssertionError(
        f"the child ended with status {child.returncode} and no outcome:\n{child.stderr[-3000:]}"
    )
