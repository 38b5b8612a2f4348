"""Every slide fits its page: each deck laid out as its PDF by WeasyPrint, nothing running past a slide.

For a synthetic dataset from two hosts, for every suite from two hosts (the heaviest deck) and for the
golden dataset, in both languages; and the check itself catches text that runs off a slide.

Here, not in tests/unit: each check lays a whole deck out with WeasyPrint, and each synthetic deck is
drawn first (its slide charts by vl-convert), seconds per deck on two cores. The golden decks are the
ones the session's golden build wrote (tests/shared_builds.py), so only their layout is done here.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import report_fixtures  # noqa: E402
from report_fixtures import make_startup_dataset  # noqa: E402

from reportgen.commands import build as B  # noqa: E402
from reportgen.i18n.catalogs import translator  # noqa: E402
from reportgen.pages import slides  # noqa: E402
from reportgen.writers import slides as slide_files  # noqa: E402
from tests.shared_builds import GoldenBuild  # noqa: E402

LANGS = ("ko", "en")


def pages_for(refs: tuple[str, ...], lang: str) -> slides.SlidesPage:
    """The deck's HTML page context for `refs`, built the way the build does (no files written)."""
    loaded = B.load(refs)
    inputs = B.summarise(loaded)
    tr = translator(lang)
    blocks = B.chart_blocks(inputs, tr, B.TEMPLATES_DIR / "fonts")
    report = B.report_page(loaded, inputs, blocks, tr, B.BuildOptions())
    deck = slides.build_slides(report, tr)
    return slides.slides_page(report, deck, tr, "html", langs=LANGS, site=True)


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_fits_its_page_synthetic_two_hosts(startup_dataset: Path, tmp_path: Path, lang: str) -> None:
    other = make_startup_dataset(tmp_path / "host-b", n=8, seed=5, accelerator="tcg", host_id="synthetic-host-02")
    page = pages_for((str(startup_dataset), str(other)), lang)
    assert slide_files.overflows(B.TEMPLATES_DIR, page) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_fits_its_page_golden(golden_build: GoldenBuild, lang: str) -> None:
    assert slide_files.overflows(B.TEMPLATES_DIR, golden_build.decks[lang]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_fits_with_every_suite_from_two_hosts(tmp_path: Path, lang: str) -> None:
    """The heaviest deck: all charts drawn, evidence from two hosts in every matrix cell, long passages."""
    first = report_fixtures.make_suites_dataset(tmp_path / "lab-a")
    second = report_fixtures.as_other_host(first, tmp_path / "lab-b", "synthetic-host-02", "lab-b")
    startup = make_startup_dataset(tmp_path / "startup", n=8)
    page = pages_for((str(first), str(second), str(startup)), lang)
    assert slide_files.overflows(B.TEMPLATES_DIR, page) == []
    assert sum(1 for s in page.slides if s.figures and any(f.svg for f in s.figures)) >= 10


def test_the_overflow_check_catches_text_that_runs_off_a_slide(golden_build: GoldenBuild) -> None:
    page = golden_build.decks["en"]
    flood = " ".join(["A very long paragraph about methods that goes on and on."] * 60)
    methods = next(s for s in page.slides if s.kind == "methods" and s.key.startswith("methods"))
    swollen = tuple(
        dataclasses.replace(s, paragraphs=(flood,), text_size=14.0) if s is methods else s for s in page.slides
    )
    problems = slide_files.overflows(B.TEMPLATES_DIR, dataclasses.replace(page, slides=swollen))
    assert any(p.startswith("methods") for p in problems), problems
