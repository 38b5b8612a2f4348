"""The built PDFs as a Korean instructor gets them: no word broken at a line end, slides readable from the back.

The session's build of the golden dataset (handouts and slides, ko and en; tests/shared_builds.py), then:
- every Korean PDF breaks lines only between words, and a number stays with
  its unit (tests/pdf_checks.py reads `pdftotext -bbox-layout` back against
  the HTML and catalog text the PDF was set from); copied text has no
  invisible characters;
- every slide: body text at least 18 pt, every chart label at least 14 pt,
  at most about 60 words (pdfplumber reads the sizes the PDF really uses);
- numbers are written the language's way (8.1배 / ×8.1, no AM/PM in Korean,
  one duration unit per table column).

Here, not in tests/unit: the checks read the golden dataset's real PDFs, which take about a minute to lay
out on two cores; the session lays them out once and shares them with the golden-render and browser tests.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pdf_checks  # noqa: E402

from reportgen.commands import build as B  # noqa: E402
from reportgen.i18n.catalogs import LANGS, catalog  # noqa: E402
from tests.shared_builds import GoldenBuild  # noqa: E402

import pdfplumber  # noqa: E402,F401  (the test extra installs it: no skipping)
BODY_MIN_PT = 18.0
CHART_MIN_PT = 14.0
MAX_WORDS = 60


@dataclass(frozen=True)
class Built:
    lang: str
    handout: Path
    slides: Path
    report_html: str
    handout_html: str
    slides_html: str
    """The slide deck as WeasyPrint got it (PDF mode)."""


@pytest.fixture(scope="module")
def built(golden_build: GoldenBuild) -> dict[str, Built]:
    """The session's golden build (tests/shared_builds.py): its PDFs and the HTML each was laid out from."""
    out, html = golden_build.out, golden_build.pdf_html
    return {
        lang: Built(
            lang,
            out / lang / "handout.pdf",
            out / lang / "slides.pdf",
            (out / lang / "report.html").read_text("utf-8"),
            html[f"{lang}/handout.pdf"],
            html[f"{lang}/slides.pdf"],
        )
        for lang in LANGS
    }


def _catalog_text() -> str:
    return "\n".join(m.string if isinstance(m.string, str) else " ".join(m.string) for m in catalog("ko") if m.string)


@pytest.mark.parametrize("document", ["handout", "slides"])
def test_korean_lines_break_between_words_only(built: dict[str, Built], document: str) -> None:
    ko = built["ko"]
    source = "\n".join((pdf_checks.source_text(ko.handout_html), pdf_checks.source_text(ko.slides_html), _catalog_text()))
    assert pdf_checks.splits(getattr(ko, document), source) == []
    assert pdf_checks.invisible(getattr(ko, document)) == {}


def test_the_split_check_catches_a_split_word(tmp_path: Path) -> None:
    """The checker itself: a word set across two lines with no space between is found."""
    from reportgen.writers import pdf

    html = ('<html lang="ko"><body style="width: 60px; font: 16px \'Noto Sans KR\'; word-break: break-all">'
            "<p>플랫폼에서컨테이너가</p></body></html>")
    target = tmp_path / "split.pdf"
    pdf._weasyprint().HTML(string=html, base_url=str(B.TEMPLATES_DIR) + "/").write_pdf(target)
    assert pdf_checks.splits(target, "플랫폼에서컨테이너가"), "a word broken over lines must be reported"


@pytest.mark.parametrize("lang", LANGS)
def test_slides_read_from_the_back_of_a_room(built: dict[str, Built], lang: str) -> None:
    deck = built[lang]
    measures = pdf_checks.slide_measures(deck.slides, pdf_checks.slide_regions(deck.slides_html, B.TEMPLATES_DIR))
    assert len(measures) >= 30, "the deck is spread over enough slides"
    small_body = [(m.page, m.body_min) for m in measures if m.body_min and m.body_min < BODY_MIN_PT - 0.05]
    small_chart = [(m.page, m.chart_min) for m in measures if m.chart_min and m.chart_min < CHART_MIN_PT - 0.05]
    crowded = [(m.page, m.words) for m in measures if m.words > MAX_WORDS]
    assert small_body == [] and small_chart == [] and crowded == []
    assert sum(1 for m in measures if m.chart_min) >= 8, "the measured charts are on the slides"


@pytest.mark.parametrize("lang", LANGS)
def test_numbers_are_written_the_languages_way(built: dict[str, Built], lang: str) -> None:
    page = BeautifulSoup(built[lang].report_html, "html.parser")
    text = page.get_text(" ")
    if lang == "ko":
        assert not re.search(r"×\s?\d", text), "Korean writes 8.1배, not ×8.1"
        assert re.search(r"\d배", text)
        assert not re.search(r"\b(AM|PM)\b", text), "a Korean date with AM/PM"
        assert not re.search(r"\d ms\b", text), "Korean writes 밀리초 beside 초"
    else:
        assert not re.search(r"\d배", text) and re.search(r"×\d", text)
    duration = re.compile(r"^[\d.,]+ ?(ms|s|밀리초|초)$")
    size = re.compile(r"\([\d.,]+ ?(KiB|MiB|GiB)\)")  # the readable size beside exact bytes
    for table in page.select("table"):
        rows = [[c.get_text(" ", strip=True) for c in tr.select("td")] for tr in table.select("tbody tr")]
        for column in zip(*[r for r in rows if r]) if rows and len({len(r) for r in rows}) == 1 else ():
            found = {m.group(1) for cell in column if (m := duration.match(cell))}
            assert len(found) <= 1, f"one duration unit per column: {sorted(found)} in {column}"
            sizes = {m.group(1) for cell in column if (m := size.search(cell))}
            assert len(sizes) <= 1, f"one size unit per column: {sorted(sizes)} in {column}"
