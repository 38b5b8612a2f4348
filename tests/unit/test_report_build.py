"""`reportgen build` end to end on synthetic datasets: HTML by selectors, PDF by poppler, bytes, bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from report_fixtures import make_other_suite_dataset, make_startup_dataset  # noqa: E402

from collector.dataset import read_dataset, write_version  # noqa: E402
from reportgen.commands.build import TEMPLATES_DIR, BuildOptions, build  # noqa: E402
from reportgen.cli import app  # noqa: E402
from tests.shared_builds import CliBuild  # noqa: E402

LANGS = ("ko", "en")
OUTPUTS = [f"{lang}/{name}" for lang in LANGS for name in ("report.html", "handout.pdf")]


def run_cli(*args: str) -> "object":
    return CliRunner().invoke(app, ["build", *args])


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def need(tool: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} not found: install the Debian package poppler-utils"
    return found


def pdftotext(pdf: Path) -> str:
    return subprocess.run([need("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module", autouse=True)
def no_outside_epoch() -> None:
    """The build must pin its own dates; an epoch from the environment would hide that."""
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    yield
    if saved is not None:
        os.environ["SOURCE_DATE_EPOCH"] = saved


@pytest.fixture(scope="module")
def dataset(startup_dataset: Path) -> Path:
    """The session's synthetic startup dataset (tests/shared_builds.py), n=20 with one failed run."""
    return startup_dataset


@pytest.fixture(scope="module")
def site(startup_site: CliBuild) -> Path:
    """The session's full `reportgen build` of `dataset` (read-only: a test that edits it copies it first)."""
    return startup_site.out


# outputs ---------------------------------------------------------------------------


def test_writes_report_and_handout_per_language(site: Path) -> None:
    for name in OUTPUTS:
        assert (site / name).is_file() and (site / name).stat().st_size > 1000, name
    assert (site / "assets/fonts/NotoSansKR-Regular.ttf").is_file()
    assert (site / "assets/fonts/OFL.txt").is_file()
    assert not list(site.parent.glob(".site.*")), "temporary build folder left behind"


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_is_inline_svg_with_caption_alt_and_numbers(site: Path, lang: str) -> None:
    page = soup(site / lang / "report.html")
    assert page.html["lang"] == lang
    assert not page.find("img"), "charts must be inline <svg>, not <img>"
    for chart_id in ("C3", "C5"):
        section = page.select_one(f'[data-chart="{chart_id}"]')
        assert section is not None, chart_id
        svg = section.select_one("figure svg")
        assert svg is not None and svg.get("role") == "img"
        assert len(svg.get("aria-label", "")) > 40
        assert svg.find("text"), "chart without text: font not loaded?"
        assert section.select_one("figcaption").get_text(strip=True)
        assert section.select_one(".alt-text").get_text(strip=True)
        assert section.select(f'table[data-table-for="{chart_id}"] tbody tr')
        assert not section.select(".missing")


@pytest.mark.parametrize("lang", LANGS)
def test_matrix_has_three_platforms_by_seven_criteria_linked_to_charts(site: Path, lang: str) -> None:
    page = soup(site / lang / "report.html")
    matrix = page.select_one('[data-chart="C2"] table.matrix')
    rows = matrix.select("tbody tr")
    assert [r["data-criterion"] for r in rows] == [
        "efficiency", "isolation", "compatibility", "autoscaling", "devops", "msa", "manageability"
    ]
    assert all(len(r.select("td")) == 3 for r in rows)
    assert all(td.select_one(".verdict").get_text(strip=True) for r in rows for td in r.select("td"))
    links = matrix.select("a[data-evidence]")
    assert {a["href"] for a in links} == {"#chart-C3", "#chart-C5"}
    for a in links:
        assert page.select_one(a["href"]) is not None


def expected_medians(dataset: Path) -> dict[tuple[str, ...], float]:
    """Medians straight from the Parquet file, with numpy: the test's own arithmetic."""
    table = pq.read_table(dataset / "samples.parquet").to_pandas()
    kept = table[~table["warmup"] & table["ok"]]
    medians: dict[tuple[str, ...], float] = {}
    for (chart, platform, accel, phase), group in kept.groupby(
        ["chart_id", "platform", "accelerator", kept["phase"].fillna("")]
    ):
        medians[(chart, platform, accel, phase)] = float(np.median(group["value"].to_numpy()))
    return medians


@pytest.mark.parametrize("lang", LANGS)
def test_table_numbers_equal_medians_computed_from_the_parquet(site: Path, dataset: Path, lang: str) -> None:
    expected = expected_medians(dataset)
    page = soup(site / lang / "report.html")
    seen = 0
    for chart_id in ("C3", "C5"):
        for row in page.select(f'table[data-table-for="{chart_id}"] tbody tr'):
            key = (chart_id, row["data-platform"], row["data-accelerator"], row.get("data-phase", ""))
            cell = row.select_one('td[data-key="median"]')
            assert float(cell["data-value"]) == pytest.approx(expected[key], rel=1e-12)
            shown = float(re.sub(r"[^0-9.]", "", cell.get_text()))
            scale = 1000 if "ms" in cell.get_text() or "밀리초" in cell.get_text() else 1
            assert shown == pytest.approx(expected[key] * scale, rel=5e-3)
            seen += 1
    assert seen == 3 + 9  # three C3 rows, 2 + 3 + 4 C5 phases


def test_nothing_loads_from_the_network(site: Path) -> None:
    for lang in LANGS:
        page = soup(site / lang / "report.html")
        for tag in page.find_all(["script", "img", "iframe", "link", "source", "image", "use"]):
            for attr in ("src", "href", "xlink:href"):
                value = tag.get(attr, "")
                assert not re.match(r"^(https?:)?//", value), f"{tag.name} loads {value}"
        assert not page.find("script")
    for css in (site / "assets/css").glob("*.css"):
        text = css.read_text()
        assert "@import" not in text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css.name


def test_no_absolute_paths_in_the_html(site: Path, dataset: Path) -> None:
    for lang in LANGS:
        html = (site / lang / "report.html").read_text()
        assert str(dataset) not in html and str(site) not in html and str(TEMPLATES_DIR) not in html


def test_every_character_shown_is_in_the_bundled_font(site: Path) -> None:
    cmap = TTFont(TEMPLATES_DIR / "fonts/NotoSansKR-Regular.ttf").getBestCmap()
    for lang in LANGS:
        text = soup(site / lang / "report.html").get_text()
        missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
        assert not missing, f"{lang}: characters without a glyph (would be tofu): {missing}"


# PDF ------------------------------------------------------------------------------


def test_pdf_gives_back_korean_and_english_text(site: Path) -> None:
    ko = pdftotext(site / "ko/handout.pdf")
    for text in ("가상화 기술과 컨테이너 기술의 차이점", "플랫폼별 시작 시간", "물리서버 vs 가상서버 vs 컨테이너 비교",
                 "자원(CPU, Memory) 격리 불가", "측정 방법", "데이터 출처", "물리서버(프로세스)"):
        assert text in ko, text
    en = pdftotext(site / "en/handout.pdf")
    for text in ("Start time per platform", "Boot chain: where start time goes", "Methods", "Provenance",
                 "Physical (bare process)", "source deck's claim:"):
        assert text in en, text


def test_pdf_embeds_only_the_bundled_font_and_is_a4(site: Path) -> None:
    for lang in LANGS:
        pdf = site / lang / "handout.pdf"
        listing = subprocess.run([need("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
        fonts = [line.split() for line in listing.splitlines()[2:] if line.strip()]
        assert fonts
        for columns in fonts:
            assert "Noto-Sans-KR" in columns[0], f"{lang}: unexpected font {columns[0]}"
            assert columns[-5] == "yes", f"{lang}: font {columns[0]} not embedded"
        info = subprocess.run([need("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "(A4)" in info
        assert "CreationDate:    Wed Jan 15 09:30:00 2025" in info


# bad input ------------------------------------------------------------------------


def copy_version(src: Path, dest_root: Path) -> Path:
    dest = dest_root / src.parent.name / src.name
    shutil.copytree(src, dest)
    return dest


def assert_refused(result, out: Path, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*")), "temporary folder left behind"


def test_damaged_samples_file_is_refused_in_one_line(dataset: Path, tmp_path: Path) -> None:
    bad = copy_version(dataset, tmp_path / "ds")
    data = bytearray((bad / "samples.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "samples.parquet").write_bytes(bytes(data))
    out = tmp_path / "out"
    assert_refused(run_cli(str(bad), "--out", str(out)), out, "samples.parquet", "sha256")


def test_unreadable_manifest_is_refused(dataset: Path, tmp_path: Path) -> None:
    bad = copy_version(dataset, tmp_path / "ds")
    (bad / "manifest.json").write_text("{ not json")
    out = tmp_path / "out"
    assert_refused(run_cli(str(bad), "--out", str(out)), out, "manifest.json", "unreadable")


def test_missing_dataset_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_refused(run_cli(str(tmp_path / "nowhere"), "--out", str(out)), out, "nowhere", "no such dataset")


def test_phase_rows_without_a_phase_are_refused(dataset: Path, tmp_path: Path) -> None:
    table = read_dataset(dataset).samples
    is_c5 = pc.equal(table["chart_id"], "C5")
    table = table.set_column(
        table.schema.get_field_index("phase"), "phase", pc.if_else(is_c5, pa.scalar(None, pa.string()), table["phase"])
    )
    manifest = json.loads((dataset / "manifest.json").read_text())
    bad = Path(write_version(tmp_path / "nophase", table, manifest).location.path)
    out = tmp_path / "out"
    assert_refused(run_cli(str(bad), "--out", str(out)), out, "samples.parquet", "no phase")


def test_failed_build_leaves_the_previous_output_alone(site: Path, dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = run_cli(str(tmp_path / "nowhere"), "--out", str(out))
    assert result.exit_code == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_failure_while_writing_removes_the_half_build(dataset: Path, tmp_path: Path, monkeypatch) -> None:
    import reportgen.writers.pdf

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reportgen.writers.pdf, "write_pdf", broken)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk full"):  # jobs=0: laid out here, where the patch is
        build(BuildOptions(datasets=(str(dataset),), out=out, cache=False, jobs=0))
    assert not out.exists()
    assert not list(tmp_path.glob(".out.*"))


def test_cli_exit_status_and_stderr_from_a_real_process(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "no such dataset" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_language_is_a_usage_error(dataset: Path, tmp_path: Path) -> None:
    result = run_cli(str(dataset), "--out", str(tmp_path / "o"), "--lang", "ko,fr")
    assert result.exit_code == 2
    assert "fr" in result.output
    assert not (tmp_path / "o").exists()


# missing data ---------------------------------------------------------------------


MISSING_VM = {"ko": "가상서버(VM): missing@v1에서 측정하지 않았습니다.", "en": "Virtual machine: not measured in missing@v1."}


def test_missing_platform_is_named_in_both_languages(tmp_path: Path) -> None:
    ds = make_startup_dataset(tmp_path / "missing", n=8, platforms=("process", "container"))
    out = tmp_path / "out"
    assert run_cli(str(ds), "--out", str(out), "--no-pdf", "--no-slides", "--no-site").exit_code == 0  # the report is what is read
    for lang in LANGS:
        page = soup(out / lang / "report.html")
        for chart_id in ("C3", "C5"):
            section = page.select_one(f'[data-chart="{chart_id}"]')
            assert section.select_one("figure svg") is not None
            notes = [li.get_text(" ", strip=True) for li in section.select("ul.notes li")]
            assert MISSING_VM[lang] in notes
            platforms = {tr["data-platform"] for tr in section.select("table.numbers tbody tr")}
            assert platforms == {"process", "container"}
        vm_cell = page.select('[data-chart="C2"] tr[data-criterion="efficiency"] td')[1]
        assert vm_cell.select_one(".not-measured") is not None
        assert not vm_cell.select("a[data-evidence]")


NO_STARTUP = {
    "ko": "시작 시간 측정값이 없습니다",
    "en": "No start-time measurements: the startup suite is not in other@v1",
}


def test_missing_suite_gives_a_note_instead_of_a_chart_in_both_languages(tmp_path: Path) -> None:
    ds = make_other_suite_dataset(tmp_path / "other")
    out = tmp_path / "out"
    assert run_cli(str(ds), "--out", str(out), "--no-slides", "--no-site").exit_code == 0  # report and handout are read
    for lang in LANGS:
        page = soup(out / lang / "report.html")
        for chart_id in ("C3", "C5"):
            section = page.select_one(f'[data-chart="{chart_id}"]')
            assert section.find("svg") is None, "a chart drawn from nothing"
            assert section.select_one(f'.missing[data-missing="{chart_id}"]').get_text(strip=True)
        assert NO_STARTUP[lang] in page.select_one('[data-chart="C3"] .missing').get_text()
        text = pdftotext(out / lang / "handout.pdf")
        assert NO_STARTUP[lang].split(":")[0] in text.replace("\n", " ")


def test_all_runs_failed_is_shown_not_drawn(tmp_path: Path) -> None:
    ds = make_startup_dataset(tmp_path / "failing", n=3, failures=3, platforms=("vm",))
    out = tmp_path / "out"
    assert run_cli(str(ds), "--out", str(out), "--no-pdf", "--no-slides", "--no-site", "--lang", "en").exit_code == 0
    section = soup(out / "en/report.html").select_one('[data-chart="C3"]')
    assert section.find("svg") is None
    assert "Virtual machine: all 3 runs failed in failing@v1; nothing to draw." in section.get_text(" ", strip=True)
    failures = section.select_one('tbody tr td[data-key="failures"]')
    assert failures["data-value"] == "3.0"


def test_several_datasets_are_compared_side_by_side(tmp_path: Path) -> None:
    kvm = make_startup_dataset(tmp_path / "host-a", n=6, seed=1)
    tcg = make_startup_dataset(tmp_path / "host-b", n=6, seed=2, accelerator="tcg", host_id="host-b")
    out = tmp_path / "out"
    assert run_cli(str(kvm), str(tcg), "--out", str(out), "--no-pdf", "--no-slides", "--no-site").exit_code == 0
    page = soup(out / "en/report.html")
    rows = page.select('table[data-table-for="C3"] tbody tr')
    assert [(r["data-dataset"], r["data-platform"], r["data-accelerator"]) for r in rows] == [
        ("host-a@v1", "process", "none"), ("host-a@v1", "container", "none"), ("host-a@v1", "vm", "kvm"),
        ("host-b@v1", "process", "none"), ("host-b@v1", "container", "none"), ("host-b@v1", "vm", "tcg"),
    ]
    assert "ran under TCG" in page.select_one("#methods").get_text()
    assert len(page.select("#provenance .provenance-entry")) == 2


def test_default_dataset_is_the_newest_golden_version(dataset: Path, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "datasets"
    make_startup_dataset(root / "golden" / "reference", n=3, platforms=("process",))
    make_startup_dataset(root / "golden" / "reference", n=4, platforms=("process",))
    monkeypatch.setenv("VMCBENCH_DATASETS", str(root))
    out = tmp_path / "out"
    assert run_cli("--out", str(out), "--no-pdf", "--no-slides", "--no-site", "--lang", "en").exit_code == 0
    page = soup(out / "en/report.html")
    assert page.select_one(".dataset-label .mono").get_text() == "reference@v2"


def test_help_explains_each_option() -> None:
    result = CliRunner().invoke(app, ["build", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--lang", "--no-pdf", "--theme", "golden"):
        assert option in result.output
