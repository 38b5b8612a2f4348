"""`reportgen build --compare OLD`: a bilingual comparison section with the same verdicts as `reportgen diff`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bs4 import BeautifulSoup

from collector.dataset import write_version
from reportgen.commands.build import BuildOptions, build
from tests.unit.dataset_factory import make_manifest, make_samples


def _dataset(root: Path, container_values: np.ndarray) -> str:
    n = len(container_values)
    values = [float(v) for v in container_values] + [0.001 + 0.0001 * i for i in range(n)]
    table = make_samples(2 * n, platform=["container"] * n + ["process"] * n, value=values)
    return str(write_version(root, table, make_manifest()).location.path)


def test_compare_section_in_report_and_handout_in_both_languages(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    old = _dataset(tmp_path / "old", rng.lognormal(np.log(0.2), 0.05, 20))
    new = _dataset(tmp_path / "new", rng.lognormal(np.log(0.3), 0.05, 20))
    out = tmp_path / "site"
    build(BuildOptions(datasets=(new,), out=out, compare=old, slides=False, site=False, jobs=0))  # PDFs laid out here
    for lang, regressed_word in (("en", "regressed"), ("ko", "악화")):
        soup = BeautifulSoup((out / lang / "report.html").read_text(encoding="utf-8"), "html.parser")
        section = soup.select_one("section#comparison")
        assert section is not None
        assert section.select_one("[data-chart='CMP'] svg") is not None
        container = section.select_one("tr[data-platform='container'][data-metric='start_time']")
        assert container["data-verdict"] == "regressed"
        assert regressed_word in container.get_text()
        process = section.select_one("tr[data-platform='process'][data-metric='start_time']")
        assert process["data-verdict"] == "no significant change"
    import subprocess

    for lang, heading in (("ko", "이전 데이터셋과의 비교"), ("en", "Comparison with an earlier dataset")):
        text = subprocess.run(["pdftotext", str(out / lang / "handout.pdf"), "-"], capture_output=True, text=True).stdout
        assert heading in text, lang


def test_no_compare_no_section(tmp_path: Path) -> None:
    new = _dataset(tmp_path / "new", np.linspace(0.2, 0.3, 10))
    out = tmp_path / "site"
    build(BuildOptions(datasets=(new,), out=out, pdf=False, slides=False, site=False))
    soup = BeautifulSoup((out / "en" / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("section#comparison") is None
