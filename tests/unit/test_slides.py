"""The slide deck: the source deck slide by slide, one source for reveal.js HTML and the 16:9 PDF.

HTML is read with selectors, the PDF with poppler (pdfinfo, pdffonts,
pdftotext). That every slide fits its page (each deck laid out by WeasyPrint,
for synthetic datasets and the golden one) is tests/integration/test_slides_fit.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from typer.testing import CliRunner

from reportgen.commands import build as B
from reportgen.pages import slide_layout
from reportgen.pages import deck, slides
from reportgen.cli import app
from reportgen.i18n.catalogs import translator
from tests.shared_builds import CliBuild

LANGS = ("ko", "en")
VENDOR = B.TEMPLATES_DIR / "vendor"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def poppler(tool: str, *args: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} not found: install the Debian package poppler-utils"
    return subprocess.run([found, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def dataset(startup_dataset: Path) -> Path:
    """The session's synthetic startup dataset (tests/shared_builds.py)."""
    return startup_dataset


@pytest.fixture(scope="module")
def site(startup_site: CliBuild) -> Path:
    """The session's full `reportgen build` of `dataset`, slides and their PDFs included (read-only)."""
    return startup_site.out


# the deck ----------------------------------------------------------------------------


def test_deck_follows_the_source_deck_and_maps_every_chart_id() -> None:
    numbered = [s.deck for s in deck.DECK if s.deck]
    assert numbered == [str(n) for n in range(1, 14)], "source deck slides 1-13, in order"
    charts = {cid for s in deck.DECK for cid in s.charts}
    assert charts == {"C1", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12"}
    assert {s.kind for s in deck.DECK} >= {"title", "charts", "matrix", "matrix-column", "methods", "provenance"}
    by_key = {s.key: s for s in deck.DECK}
    assert by_key["s6"].charts == ("C3",) and by_key["s6"].references, "start time with the deck's minutes/seconds"
    assert by_key["s13"].charts == ("C9",) and by_key["s13"].references, "density with the deck's 16 vs 40"
    assert by_key["s11"].charts == ("C3", "C5") and by_key["s11"].quote == "Container = Process"


@pytest.mark.parametrize("lang", LANGS)
def test_html_deck_is_reveal_with_notes_numbers_and_local_scripts(site: Path, lang: str) -> None:
    page = soup(site / lang / "slides.html")
    assert page.html["lang"] == lang
    sections = page.select(".reveal > .slides > section")
    main = [s["data-slide"] for s in sections if "-" not in s["data-slide"]]  # s6-deck, s5-2: its parts
    assert main[:15] == [f"s{n}" for n in range(1, 16)]
    assert main[15:] == ["methods", "hosts", "provenance"]
    order = [s["data-slide"] for s in sections]
    assert order.index("s2") < order.index("s2-load-deck") < order.index("s2-load") < order.index("s3-deck"), "C12 after C1"
    for section in sections:
        notes = section.select_one("aside.notes")
        assert notes is not None and notes.get_text(strip=True), f"{section['id']}: no speaker notes"
    methods = page.select_one("#methods .slide-body").get_text(" ", strip=True)
    assert methods[:40] in page.select_one("#s6 aside.notes").get_text(" ", strip=True), "notes carry the methods"
    scripts = [s["src"] for s in page.select("script[src]")]
    assert scripts == ["../assets/vendor/reveal.js/reveal.js", "../assets/vendor/reveal.js/plugin/notes.js"]
    for ref in [*scripts, *(link["href"] for link in page.select("link[rel=stylesheet]"))]:
        assert (site / lang / ref).resolve().is_file(), ref
    config = re.search(r"Reveal\.initialize\(Object\.assign\((\{.*?\}),", page.select("script")[-1].string, re.S)
    options = json.loads(config.group(1))
    assert options["slideNumber"] and options["keyboard"] and options["width"] == 960 and options["height"] == 540
    assert "RevealNotes" in page.select("script")[-1].string


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_slides_carry_the_measured_chart_and_the_labelled_claim(site: Path, lang: str) -> None:
    page = soup(site / lang / "slides.html")
    for key, chart_id in (("s6", "C3"), ("s8", "C5")):
        section = page.select_one(f"#{key}")
        svg = section.select_one(f'figure[data-chart="{chart_id}"] svg[data-chart-svg="{chart_id}"]')
        assert svg is not None and svg.find("text"), f"{key}: no measured {chart_id} chart"
        claims = page.select_one(f"#{key}-deck")  # the deck's words, on the slide before its chart
        assert claims.select_one('[data-claim="deck"] .claim-label').get_text(strip=True)
    s6 = page.select_one("#s6-deck")
    reference = s6.select_one('[data-claim="reference"]').get_text(" ", strip=True)
    assert ("분" in reference and "초" in reference) if lang == "ko" else ("minutes" in reference and "seconds" in reference)
    # the deck's two bullets fill slide 6's claims slide, so what was measured follows the charts on its own
    assert len(s6.select('[data-claim="deck"] li')) == 2, s6
    after = page.select_one("#s6-measured")
    measured = (after or s6).select_one('[data-claim="measured"]').get_text(" ", strip=True)
    assert measured, "the measured verdict, beside the claim or after the charts"
    s13 = page.select_one("#s13-deck").get_text(" ", strip=True)
    assert "16" in s13 and "40" in s13, "the deck's 16 vs 40 Tomcat instances"
    # deck slide 11 (fast start) is about C3 and C5 again: they are not drawn twice, its slide says where they are
    s11 = page.select_one("#s11")
    assert s11 is not None and not s11.select("figure svg") and not page.select_one("#s11-2")
    label = s11.select_one('[data-claim="measured"] .claim-label').get_text(" ", strip=True)
    assert "C3" in label and "C5" in label and re.search(r"(slides?|슬라이드) \d+", label), label
    first = page.select_one("#s6")
    assert first.select_one('figure[data-chart="C3"] svg'), "C3 is drawn where the deck first shows it"


@pytest.mark.parametrize("lang", LANGS)
def test_a_chart_without_data_shows_the_not_measured_note_never_a_chart(site: Path, lang: str) -> None:
    page = soup(site / lang / "slides.html")
    for key in ("s9", "s12", "s14", "s15"):  # C6, C8, C10, C11: not in a startup-only dataset
        figure = page.select_one(f"#{key} figure")
        assert figure.select_one("[data-missing]").get_text(strip=True), key
        assert figure.select_one("svg") is None, f"{key}: a chart drawn from nothing"


def test_a_chart_id_the_registry_lacks_gets_the_note_too() -> None:
    tr = translator("en")
    fig, needs = slides.figure("C99", None, tr)
    assert fig.svg is None and "C99" in fig.missing and needs.size is None


@pytest.mark.parametrize("lang", LANGS)
def test_matrix_slides_show_the_deck_criteria(site: Path, lang: str) -> None:
    page = soup(site / lang / "slides.html")
    parts = [s for s in page.select("section[data-slide]") if re.fullmatch(r"s5(-\d+)?", s["data-slide"])]
    rows = [r for part in parts for r in part.select("table.slide-matrix tbody tr")]
    assert len(rows) == 7 and all(len(r.select("td")) == 3 for r in rows), "the matrix, split over as many slides as it needs"
    column = [s for s in page.select("section[data-slide]") if re.fullmatch(r"s3(-\d+)?", s["data-slide"])]
    assert sum(len(part.select("table.slide-matrix tbody tr")) for part in column) == 7
    assert all(len(r.select("td")) == 1 for part in column for r in part.select("table.slide-matrix tbody tr"))
    ko_bullet = "자원(CPU, Memory) 격리 불가" if lang == "ko" else "No CPU/memory isolation"
    assert ko_bullet in page.select_one("#s3-deck [data-claim=deck]").get_text()


# the PDF -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_16_9_one_slide_per_page_with_embedded_fonts(site: Path, lang: str) -> None:
    pdf = site / lang / "slides.pdf"
    count = len(soup(site / lang / "slides.html").select(".reveal > .slides > section"))
    info = poppler("pdfinfo", str(pdf))
    assert re.search(r"Pages:\s+(\d+)", info).group(1) == str(count)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width / 72 * 25.4, 2), round(height / 72 * 25.4, 3)) == (254.0, 142.875)
    fonts = [line.split() for line in poppler("pdffonts", str(pdf)).splitlines()[2:] if line.strip()]
    assert fonts and all("Noto-Sans-KR" in f[0] and f[-5] == "yes" for f in fonts), fonts
    text = poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    expected = ("시작 시간: 컨테이너와 VM", "가상화와 컨테이너 집적도 비교", "Container = Process") if lang == "ko" else (
        "Start time: containers vs VMs", "Density: virtualisation vs containers", "Container = Process")
    for phrase in expected:
        assert phrase in text, phrase
    pages = text.split("\f")
    assert f"1 / {count}" in pages[0] and f"{count} / {count}" in pages[count - 1], "slide numbers"


def test_a_long_matrix_is_split_over_slides_and_short_notes_stay_whole() -> None:
    cell = slide_layout.CellText("weakness " + "word " * 30, tuple(f"C{i}: evidence line number {i}" for i in range(6)))
    rows = [[slide_layout.CellText("Criterion"), cell, cell, cell] for _ in range(7)]
    widths = slides.matrix_widths(None)
    size, groups = slide_layout.split_table(rows, widths, slide_layout.BODY_HEIGHT)
    assert size == slide_layout.MATRIX_SIZES[-1] and len(groups) > 1
    assert [i for g in groups for i in g] == list(range(7))
    assert all(slide_layout.table_height([rows[i] for i in g], widths, size) <= slide_layout.BODY_HEIGHT for g in groups)
    small, one = slide_layout.split_table(rows[:2], widths, slide_layout.BODY_HEIGHT)
    assert small == slide_layout.MATRIX_SIZES[0] and one == ((0, 1),)
    tr = translator("en")
    assert slides.shown_notes(["a", "b", "c"], tr) == ("a", "b", "c")
    capped = slides.shown_notes(["a", "b", "c", "d", "e"], tr)
    assert capped[:2] == ("a", "b") and "3" in capped[2] and len(capped) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_every_character_on_the_slides_is_in_the_bundled_font(site: Path, lang: str) -> None:
    cmap = TTFont(B.TEMPLATES_DIR / "fonts/NotoSansKR-Regular.ttf").getBestCmap()
    page = soup(site / lang / "slides.html")
    for tag in page.select("script"):
        tag.decompose()
    missing = sorted({ch for ch in page.get_text() if not ch.isspace() and ord(ch) not in cmap})
    assert not missing, f"{lang}: characters without a glyph: {missing}"


def test_no_slides_option_leaves_them_out(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(dataset), "--out", str(out), "--no-slides", "--no-pdf", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert not (out / "en/slides.html").exists() and not (out / "assets/vendor").exists()
    assert (out / "en/report.html").is_file()


# layout planning ---------------------------------------------------------------------


def test_fit_keeps_the_aspect_ratio_and_caps_enlargement() -> None:
    assert slide_layout.fit((700, 187), (888, 250)) == (875, 233)  # 1.25 x at most
    assert slide_layout.fit((700, 350), (548, 200)) == (400, 200)


def test_plan_stacks_a_wide_chart_and_puts_tall_ones_beside_the_claims() -> None:
    claims = [("The deck says", ("Short claim.",)), ("Measured", ("Container: 215 ms",))]
    wide = slide_layout.plan([slide_layout.FigureInput((700, 187), ())], claims)
    assert wide.layout == "stack" and wide.sizes[0][0] > 800
    tall = slide_layout.plan([slide_layout.FigureInput((700, 600), ())], claims)
    assert tall.layout == "side" and tall.sizes[0][1] <= slide_layout.BODY_HEIGHT
    two = slide_layout.plan([slide_layout.FigureInput((700, 187), ()), slide_layout.FigureInput((700, 258), ())], claims)
    assert two.layout == "side" and sum(h for _, h in two.sizes) < slide_layout.BODY_HEIGHT


def test_more_claim_text_gets_a_smaller_font() -> None:
    few = slide_layout.plan([slide_layout.FigureInput((700, 600), ())], [("Deck", ("one line",))])
    many = slide_layout.plan([slide_layout.FigureInput((700, 600), ())], [("Deck", ("a long sentence " * 40,) * 3)])
    assert many.claims_size < few.claims_size


def test_hangul_is_estimated_wider_than_latin() -> None:
    assert slide_layout.text_px("가나다라", 10) > slide_layout.text_px("abcd", 10)


# the vendored reveal.js -----------------------------------------------------------


def test_vendored_reveal_matches_its_readme_and_keeps_its_licence() -> None:
    readme = (VENDOR / "README.md").read_text()
    assert f"reveal.js {slides.REVEAL_VERSION}" in readme and f"reveal.js@{slides.REVEAL_VERSION}" in readme
    rows = re.findall(r"\| `(reveal\.js/[^`]+)` \|[^|]*\| `([0-9a-f]{64})` \|", readme)
    assert {name for name, _ in rows} == {"reveal.js/reveal.js", "reveal.js/reveal.css", "reveal.js/plugin/notes.js", "reveal.js/LICENSE"}
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT" in readme and "Permission is hereby granted" in (VENDOR / "reveal.js/LICENSE").read_text()
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    assert total < 400_000, f"vendor folder is {total} bytes: keep only the files the slides use"
