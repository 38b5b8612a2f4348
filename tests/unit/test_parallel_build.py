"""The per-language processes of a fresh `reportgen build` write the same bytes as a build in one process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportgen.charts import render_svg
from reportgen.commands.build import TEMPLATES_DIR, BuildOptions, build
from tests.report_fixtures import make_startup_dataset


def test_forked_languages_match_a_sequential_build(tmp_path: Path) -> None:
    dataset = make_startup_dataset(tmp_path / "ds", n=8)
    forked = tmp_path / "forked"
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(dataset), "--out", str(forked), "--no-slides", "--no-site",
         "--timings"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "languages (one process each)" in done.stdout  # the parallel path ran

    # once this process has started the renderer, the build runs language by language
    render_svg.register_fonts(TEMPLATES_DIR / "fonts")
    assert render_svg.renderer_started()
    sequential = tmp_path / "sequential"
    result = build(BuildOptions(datasets=(str(dataset),), out=sequential, slides=False, site=False))
    assert "languages (one process each)" not in result.seconds
    files = sorted(p.relative_to(forked) for p in forked.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(sequential) for p in sequential.rglob("*") if p.is_file())
    for rel in files:
        assert (forked / rel).read_bytes() == (sequential / rel).read_bytes(), rel
