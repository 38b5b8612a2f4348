"""The golden-render gate: the committed renders match a fresh build, and a change is shown as a diff.

Here, not in tests/unit: it needs the golden dataset's full build with every PDF (about a minute of
WeasyPrint and vl-convert on two cores). The session makes that build once (`golden_site`, shared with the
classroom-PDF, slide-fit and browser tests) into the session's build cache, so `reportgen check` copies it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from reportgen.cli import app

GOLDEN = Path(__file__).resolve().parents[1] / "golden_renders"
runner = CliRunner()


def test_committed_golden_renders_match_a_fresh_build(golden_site: Path) -> None:
    result = runner.invoke(app, ["check", str(GOLDEN)])
    assert result.exit_code == 0, result.output[-4000:]
    assert "renders match" in result.output


def test_a_changed_render_prints_a_readable_diff_and_exits_1(golden_site: Path, tmp_path: Path) -> None:
    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    page = golden / "en" / "handout.page-01.txt"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    original = next(line for line in lines if line.strip())
    page.write_text("".join(["an edited line\n" if line is original else line for line in lines]), encoding="utf-8")
    spec = golden / "ko" / "charts" / "C3.spec.json"
    spec.unlink()
    result = runner.invoke(app, ["check", str(golden), "--lang", "ko,en"])
    assert result.exit_code == 1
    assert "-an edited line" in result.output and f"+{original.rstrip()}" in result.output
    assert "new render, not in golden: ko/charts/C3.spec.json" in result.output
