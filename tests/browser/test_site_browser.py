"""The built site in a real browser: Debian's Chromium, driven by Playwright, opened from file://.

Chromium is the system one (/usr/bin/chromium, from apt; `scripts/setup.sh
test` installs it) given to Playwright as executable_path: `playwright
install` would download a browser, which this project never does. The test
builds the site from the golden dataset, opens it from file://, follows the
language switch, checks every chart is a non-empty SVG, that no console
error appears and no request leaves the site folder, drives the reveal.js
slides with the keyboard (slide numbers, speaker notes, every slide fitting
its canvas), and saves screenshots of a report page and a slide
(into $VMCBENCH_SCREENSHOTS, default build/screenshots/).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "datasets" / "golden" / "reference"
SHOTS = Path(os.environ.get("VMCBENCH_SCREENSHOTS", ROOT / "build" / "screenshots"))

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is absent: install Debian's chromium (scripts/setup.sh test does) to run the browser test",
        allow_module_level=True,
    )
from playwright import sync_api  # noqa: E402  (the test extra installs it: no skipping)


@pytest.fixture(scope="module")
def site(golden_site: Path) -> Path:
    """The golden build shared by the session (tests/conftest.py); these tests only read it."""
    return golden_site


class Watch:
    """Every request, console error and page error of a browser context."""

    def __init__(self, site: Path) -> None:
        self.prefix = site.resolve().as_uri() + "/"
        self.requests: list[str] = []
        self.errors: list[str] = []

    def attach(self, page) -> None:  # noqa: ANN001
        page.on("console", lambda msg: self.errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def outside(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.prefix) or u.startswith(("data:", "about:", "blob:")))]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def session(browser, site: Path) -> Iterator[tuple[object, Watch]]:  # noqa: ANN001
    watch = Watch(site)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.on("request", lambda request: watch.requests.append(request.url))
    context.on("page", watch.attach)
    page = context.new_page()
    watch.attach(page)
    yield page, watch
    context.close()
    assert not watch.errors, watch.errors
    assert watch.requests, "no request seen: the watch is not attached"
    assert not watch.outside(), f"requests outside the site folder: {watch.outside()}"


def check_charts(page) -> int:  # noqa: ANN001
    """Every chart on the page is an inline SVG with marks and text, and every one shown has a size.

    Returns how many are shown (reveal.js hides the slides that are not current).
    """
    charts = page.locator("svg[data-chart-svg]")
    shown = 0
    for i in range(charts.count()):
        svg = charts.nth(i)
        stats = svg.evaluate(
            "el => ({marks: el.querySelectorAll('path, rect, line, circle, text').length,"
            " text: el.querySelectorAll('text').length, shown: el.getClientRects().length > 0,"
            " w: el.getBoundingClientRect().width, h: el.getBoundingClientRect().height})"
        )
        chart = svg.get_attribute("data-chart-svg")
        assert stats["marks"] > 5 and stats["text"] > 0, f"{chart}: empty SVG {stats}"
        if stats["shown"]:
            assert stats["w"] > 50 and stats["h"] > 20, f"{chart}: SVG without size {stats}"
            shown += 1
    return shown


def test_site_from_file_url_language_switch_and_report_charts(session, site: Path) -> None:  # noqa: ANN001
    page, _ = session
    page.goto((site / "index.html").as_uri())
    assert page.locator("html").get_attribute("lang") == "ko"
    page.click("a[data-lang-switch=en]")
    page.wait_for_load_state()
    assert page.url.endswith("/en/index.html") and page.locator("html").get_attribute("lang") == "en"
    page.click("[data-material=report] a")
    page.wait_for_load_state()
    assert page.url.endswith("/en/report.html")
    assert check_charts(page) >= 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-en.png"), full_page=False)
    page.click(".lang-switch a[hreflang=ko]")
    page.wait_for_load_state()
    assert page.url.endswith("/ko/report.html") and page.locator("html").get_attribute("lang") == "ko"
    assert check_charts(page) >= 2
    page.screenshot(path=str(SHOTS / "report-ko.png"), full_page=False)
    assert (SHOTS / "report-en.png").stat().st_size > 10_000


def test_every_site_page_loads_clean(session, site: Path) -> None:  # noqa: ANN001
    page, _ = session
    for path in sorted(site.rglob("*.html")):
        page.goto(path.as_uri())
        page.wait_for_load_state()
        check_charts(page)
        broken = page.evaluate(
            "() => Array.from(document.images).filter(img => !img.complete || img.naturalWidth === 0).map(i => i.src)"
        )
        assert not broken, f"{path.relative_to(site)}: broken images {broken}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_slides_keyboard_numbers_notes_and_fit(session, browser, site: Path, lang: str) -> None:  # noqa: ANN001
    page, watch = session
    page.goto((site / lang / "slides.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    total = page.evaluate("() => Reveal.getTotalSlides()")
    assert total == page.locator(".reveal .slides > section").count() >= 18
    assert page.locator(".reveal .slide-number").inner_text().replace(" ", "") == f"1/{total}"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    assert page.locator(".reveal .slide-number").inner_text().replace(" ", "") == f"2/{total}"
    page.keyboard.press("End")
    page.wait_for_function(f"() => Reveal.getIndices().h === {total - 1}")
    page.keyboard.press("Home")
    page.wait_for_function("() => Reveal.getIndices().h === 0")

    overflow = page.evaluate(
        """() => {
          const problems = [];
          const sections = Array.from(document.querySelectorAll('.reveal .slides > section'));
          sections.forEach((section, i) => {
            Reveal.slide(i);
            const slide = section.querySelector('.slide').getBoundingClientRect();
            section.querySelectorAll('svg[data-chart-svg]').forEach(svg => {
              const r = svg.getBoundingClientRect();
              if (r.width < 50 || r.height < 20) problems.push(section.id + ': empty chart ' + svg.dataset.chartSvg);
            });
            section.querySelectorAll('.slide-body, .title-block').forEach(body => {
              const box = body.getBoundingClientRect();
              body.querySelectorAll('*').forEach(el => {
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) return;
                if (r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.bottom > slide.bottom + 1)
                  problems.push(section.id + ': <' + el.tagName.toLowerCase() + '> ' + (el.textContent || '').trim().slice(0, 50));
              });
            });
          });
          Reveal.slide(0);
          return problems;
        }"""
    )
    assert overflow == [], overflow

    page.evaluate("() => Reveal.slide(Array.from(document.querySelectorAll('.reveal .slides > section')).findIndex(s => s.id === 's6'))")
    assert check_charts(page) >= 1 and page.locator("#s6 svg[data-chart-svg=C3]").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".reveal").screenshot(path=str(SHOTS / f"slide-s6-{lang}.png"))

    notes = page.locator("#s6 aside.notes").inner_text()
    assert len(notes) > 200, "speaker notes carry the methods"
    with page.context.expect_page() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_load_state()
    speaker.wait_for_function("() => document.querySelector('.speaker-controls-notes') && document.querySelector('.speaker-controls-notes').textContent.length > 100", timeout=15000)
    shown = speaker.locator(".speaker-controls-notes").inner_text()
    assert notes.strip()[:40] in shown, "the speaker view shows this slide's notes"
    speaker.close()
