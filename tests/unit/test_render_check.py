"""The golden-render gate: the committed renders match a fresh build, and a change is shown as a diff."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from reportgen.cli import app

GOLDEN = Path(__file__).resolve().parents[1] / "golden_renders"
runner = CliRunner()


def test_committed_golden_renders_match_a_fresh_build() -> None:
    result = runner.invoke(app, ["check", str(GOLDEN)])
    assert result.exit_code == 0, result.output[-4000:]
    assert "renders match" in result.output


def test_a_changed_render_prints_a_readable_diff_and_exits_1(tmp_path: Path) -> None:
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
