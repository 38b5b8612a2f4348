"""The package installs like one: build the wheel, check what it carries, install it in a fresh venv and
build everything from the golden dataset in a folder that is not the clone.

Slow (a fresh venv resolves every dependency through pip's configured index),
so it lives with the integration tests, which CI runs once per push.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

CLONE = Path(__file__).resolve().parents[2]
MUST_SHIP = (
    "collector/cli.py",
    "collector/dataset/names.py",
    "reportgen/cli.py",
    "reportgen/_bundled/templates/base.html",
    "reportgen/_bundled/templates/report.html",
    "reportgen/_bundled/templates/css/base.css",
    "reportgen/_bundled/templates/fonts/NotoSansKR-Regular.ttf",
    "reportgen/_bundled/templates/fonts/NotoSansKR-Bold.ttf",
    "reportgen/_bundled/templates/fonts/OFL.txt",
    "reportgen/_bundled/templates/vendor/reveal.js/reveal.js",
    "reportgen/_bundled/templates/vendor/reveal.js/reveal.css",
    "reportgen/_bundled/site/site.toml",
    "reportgen/_bundled/site/notes.ko.md",
    "reportgen/_bundled/site/notes.en.md",
    "reportgen/locale/ko/LC_MESSAGES/messages.po",
    "reportgen/locale/en/LC_MESSAGES/messages.po",
    "reportgen/load/diff_thresholds.toml",
    "reportgen/charts/references.toml",
)
BUILT = [f"{lang}/{name}" for lang in ("ko", "en") for name in ("report.html", "handout.pdf", "slides.html", "slides.pdf", "index.html")]
BUILT += ["index.html", "assets/fonts/NotoSansKR-Regular.ttf", "assets/css/base.css"]


def _run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{argv}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the clone's sources (a stale build/ in the clone cannot leak in)."""
    src = tmp_path_factory.mktemp("src") / "vmcbench"
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", "datasets", "tests", "bench", "node_modules")
    shutil.copytree(CLONE, src, ignore=ignore)
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src, cwd=dist)
    (found,) = dist.glob("vmcbench-*.whl")
    return found


def test_the_wheel_carries_theme_fonts_reveal_site_and_catalogs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in MUST_SHIP if n not in names]
    assert not missing, missing
    assert not any(n.startswith(("tests/", "datasets/", "templates/", "site/")) for n in names)  # only inside packages


def test_installed_reportgen_builds_everything_from_an_unrelated_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path, timeout=2400)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VMCBENCH_DATASETS", "PYTHONPATH", "VIRTUAL_ENV")}
    where = _run(venv / "bin" / "python", "-c", "import reportgen, collector; print(reportgen.__file__, collector.__file__)",
                 cwd=elsewhere, env=env)
    assert str(CLONE) not in where.stdout and str(venv) in where.stdout  # the installed copy, not the clone
    ok = _run(venv / "bin" / "collector", "validate", CLONE / "datasets" / "golden" / "reference", cwd=elsewhere, env=env)
    assert ok.stdout.startswith("OK reference@")
    _run(venv / "bin" / "reportgen", "build", CLONE / "datasets" / "golden" / "reference", "--out", "X", cwd=elsewhere, env=env)
    out = elsewhere / "X"
    missing = [rel for rel in BUILT if not (out / rel).is_file()]
    assert not missing, missing
    assert any((out / "assets").rglob("reveal.js"))
    assert "lang=\"ko\"" in (out / "ko" / "report.html").read_text("utf-8")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["X"]  # nothing written beside --out
