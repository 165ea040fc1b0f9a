"""Running a test body in a child process under memory, CPU and wall-clock limits.

A test of an input that could hang or exhaust memory (a FIFO, ``/dev/zero``, a million
bases) runs its body here: a regression then fails the test instead of taking the machine
down. The body is Python source that uses ``pytest.raises`` itself; the child exits 0 when
it passes.
"""

from __future__ import annotations

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
