"""What the benchmarks share: the corpus on ``sys.path`` (downloaded if needed)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.compat.corpus import ensure_corpus  # noqa: E402


def corpus_site() -> Path:
    """The folder of the unpacked wheels, put on ``sys.path``; exits when it cannot be had.

    Warnings are silenced: mmengine and the configs themselves emit many.
    """
    site, reason = ensure_corpus()
    if site is None:
        sys.exit(reason)
    sys.path.insert(0, str(site))
    warnings.simplefilter("ignore")
    return site
