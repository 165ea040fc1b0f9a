"""Writing small config projects for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_files(folder: Path, files: dict[str, str]) -> str:
    """Write each ``name: text`` (dedented; folders made) under ``folder``; return the path of
    the last one, the config a test loads."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(folder / list(files)[-1])
