"""Every dataset is untrusted input: bad ones are refused with one line and exit 2, odd strings are escaped.

The bad datasets come from the golden one (tests/unit/hostile_cases.py). For
each: `collector validate`, `reportgen build`, `reportgen diff` and
`reportgen check` exit 2 with one line and no traceback, within seconds; the
build leaves no output (not even a staging folder) and nothing appears outside
--out; the dataset's files are unchanged. Set HOSTILE_TIMINGS=<file> to get
each case's slowest refusal in seconds, as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from collector.cli import app as collector_app
from reportgen.cli import app as reportgen_app
from tests.unit.hostile_cases import CASES, GOLDEN, every_path, make_case, tree_hashes

runner = CliRunner()
REFUSE_WITHIN_S = 20.0
"""A refusal slower than this is a near-hang (the issue's 2,000,000-character label took minutes)."""
_timings: dict[str, float] = {}


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail (rather than block CI) if a command reads a FIFO or loops for ever."""
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("command still running after 120 s")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(120)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _refused(result, what: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exception is None or isinstance(result.exception, SystemExit), (what, repr(result.exception))
    assert result.exit_code == 2, (what, result.exit_code, result.output[-2000:])
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, (what, result.output[-2000:])
    assert "Traceback" not in result.output
    assert len(lines[0]) < 600, (what, len(lines[0]))
    assert not any(ch < " " for ch in lines[0]), (what, lines[0])  # no raw control character reaches the terminal


def _timed(invoke) -> tuple[object, float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = invoke()
    return result, time.perf_counter() - start


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_everywhere_nothing_written_nothing_changed(case: str, tmp_path: Path) -> None:
    folder = make_case(tmp_path, case)
    before = tree_hashes(folder.parent)
    out = tmp_path / "site" / "out"
    out.parent.mkdir()
    paths_before = every_path(tmp_path)
    commands = {
        "validate": lambda: runner.invoke(collector_app, ["validate", str(folder)]),
        "build": lambda: runner.invoke(reportgen_app, ["build", str(folder), "--out", str(out), "--no-pdf", "--no-slides"]),
        "diff": lambda: runner.invoke(reportgen_app, ["diff", str(GOLDEN), str(folder), "--format", "md"]),
        "check": lambda: runner.invoke(reportgen_app, ["check", str(tmp_path / "golden"), "--dataset", str(folder)]),
    }
    slowest = 0.0
    for what, invoke in commands.items():
        result, seconds = _timed(invoke)
        _refused(result, what)
        assert seconds < REFUSE_WITHIN_S, (what, seconds)
        slowest = max(slowest, seconds)
    assert not out.exists(), "a refused build left output"
    assert every_path(tmp_path) == paths_before, sorted(every_path(tmp_path) ^ paths_before)
    assert tree_hashes(folder.parent) == before, "a refused dataset was modified"
    escaped = (out / "datasets" / "../../../../tmp/x").resolve()  # where the old build wrote a traversal name
    assert not escaped.exists() or escaped.stat().st_mtime < time.time() - 3600
    _record(case, slowest)


def _record(case: str, seconds: float) -> None:
    target = os.environ.get("HOSTILE_TIMINGS")
    if not target:
        return
    path = Path(target)
    known = json.loads(path.read_text()) if path.exists() else {}
    known[case] = round(seconds, 3)
    path.write_text(json.dumps(known, indent=1, sort_keys=True))
