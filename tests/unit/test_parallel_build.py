"""PDFs laid out by the worker processes are the same bytes as PDFs laid out in this process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportgen.commands.build import BuildOptions, build
from tests.report_fixtures import make_startup_dataset


def test_pdf_workers_match_a_build_in_one_process(tmp_path: Path) -> None:
    dataset = make_startup_dataset(tmp_path / "ds", n=8)
    workers = tmp_path / "workers"
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(dataset), "--out", str(workers), "--no-site", "--no-cache",
         "--timings"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "pdf wait" in done.stdout and "cache: off" in done.stdout  # the worker path ran, and nothing was cached
    inline = tmp_path / "inline"
    result = build(BuildOptions(datasets=(str(dataset),), out=inline, site=False, cache=False, jobs=0))
    assert result.seconds["pdf"] > 0 and result.seconds["slides"] > 0
    files = sorted(p.relative_to(workers) for p in workers.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(inline) for p in inline.rglob("*") if p.is_file())
    assert [f for f in files if f.suffix == ".pdf"], "no PDF to compare"
    for rel in files:
        assert (workers / rel).read_bytes() == (inline / rel).read_bytes(), rel
