"""`reportgen serve` in a real browser: a change to a template, a stylesheet or a catalog shows in the open page.

Debian's Chromium through Playwright (as test_site_browser.py). The watcher and
the server run in this process on 127.0.0.1; the page is opened once and never
navigated by the test: only the reload script the server adds can bring it the
change. The files the build wrote never contain that script.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest

from reportgen.commands.build import TEMPLATES_DIR, BuildOptions, build
from reportgen.commands.serve import RELOAD_SCRIPT, make_server
from reportgen.commands.watch import Watcher
from tests.report_fixtures import make_startup_dataset

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent: scripts/setup.sh test installs Debian's chromium", allow_module_level=True)
from playwright import sync_api  # noqa: E402  (the test extra installs it: no skipping)

RELOAD_BUDGET_S = 30.0
"""Generous for a shared, loaded machine; the measured time is printed (about a second when quiet)."""


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, BuildOptions, list[str]]]:
    import threading

    theme = tmp_path / "theme"
    shutil.copytree(TEMPLATES_DIR, theme)
    dataset = make_startup_dataset(tmp_path / "datasets" / "lab", n=5)
    options = BuildOptions(datasets=(str(dataset),), out=tmp_path / "site", theme=theme, pdf=False)
    build(options)
    log: list[str] = []
    watcher = Watcher(options, echo=log.append)
    server = make_server(options.out, 0, echo=lambda line: None, counter=watcher.counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    watcher.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", options, log
    finally:
        watcher.stop()
        server.shutdown()
        server.server_close()


def wait_for(page, expression: str, started: float) -> float:  # noqa: ANN001
    page.wait_for_function(expression, timeout=RELOAD_BUDGET_S * 1000)
    return time.perf_counter() - started


def test_a_change_shows_in_the_open_page_without_touching_it(served) -> None:  # noqa: ANN001
    base, options, log = served
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/en/report.html")
        assert page.locator("script[data-reportgen-serve]").count() == 1  # served pages get the script...
        report = options.out / "en" / "report.html"
        assert "data-reportgen-serve" not in report.read_text("utf-8")  # ...the built files never do
        assert RELOAD_SCRIPT not in report.read_text("utf-8")

        # a stylesheet
        page.evaluate("window.__before = 1")
        started = time.perf_counter()
        css = options.theme / "css" / "report.css"
        css.write_text(css.read_text("utf-8") + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", "utf-8")
        seconds_css = wait_for(
            page, "window.__before === undefined && getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
            started)

        # a template: a new element on every page
        page.evaluate("window.__before = 1")
        started = time.perf_counter()
        base_html = options.theme / "base.html"
        original = base_html.read_text("utf-8")
        assert "</body>" in original
        base_html.write_text(original.replace("</body>", '<p id="served-marker">edited</p>\n</body>', 1), "utf-8")
        seconds_template = wait_for(page, "document.getElementById('served-marker') !== null", started)
        assert not errors, errors
        browser.close()
    assert "served-marker" in report.read_text("utf-8")
    assert "data-reportgen-serve" not in report.read_text("utf-8")
    print(f"reload after a stylesheet change: {seconds_css:.2f} s; after a template change: {seconds_template:.2f} s")
    assert any(line.startswith("rebuilt") for line in log), log
