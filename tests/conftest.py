"""Session-wide fixtures: one build cache per test session, and each golden output built once and shared.

The build cache (reportgen/commands/build_cache.py) goes into the session's
temporary folder, never the user's ~/.cache: tests start cold and share
what they render within the session. That cached and cold builds are the
same bytes is itself a test (tests/unit/test_build_cache.py); tests that
check a build's determinism build their second copy with `cache=False`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "datasets" / "golden" / "reference"


@pytest.fixture(scope="session", autouse=True)
def session_build_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """$VMCBENCH_CACHE_DIR for the whole session (restored after)."""
    folder = tmp_path_factory.mktemp("build-cache")
    previous = os.environ.get("VMCBENCH_CACHE_DIR")
    os.environ["VMCBENCH_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("VMCBENCH_CACHE_DIR", None)
    else:
        os.environ["VMCBENCH_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full build (reports, handouts, slides, site; ko and en) of the golden dataset, built once per session.

    Read-only for the tests that share it: a test that edits a build copies it first.
    """
    from reportgen.commands.build import BuildOptions, build

    out = tmp_path_factory.mktemp("golden") / "site"
    build(BuildOptions(datasets=(str(GOLDEN),), out=out))
    return out
