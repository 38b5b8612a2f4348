"""PDFs laid out by the worker processes are the same bytes as PDFs laid out in this process.

The two builds are the session's (tests/shared_builds.py): `reportgen build --no-cache` in a process of its
own, its PDFs by the workers, and `build(jobs=0)` here, which the determinism tests compare as well.
"""

from __future__ import annotations

from pathlib import Path

from tests.shared_builds import CliBuild, ColdBuild


def test_pdf_workers_match_a_build_in_one_process(startup_site: CliBuild, startup_cold: ColdBuild) -> None:
    workers, inline = startup_site.out, startup_cold.out
    assert "pdf wait" in startup_site.stdout and "cache: off" in startup_site.stdout  # the worker path ran, nothing cached
    result = startup_cold.result
    assert result.seconds["pdf"] > 0 and result.seconds["slides"] > 0
    files = sorted(p.relative_to(workers) for p in workers.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(inline) for p in inline.rglob("*") if p.is_file())
    assert [f for f in files if f.suffix == ".pdf"], "no PDF to compare"
    for rel in files:
        assert (workers / rel).read_bytes() == (inline / rel).read_bytes(), rel
