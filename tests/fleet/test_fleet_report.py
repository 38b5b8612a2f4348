"""The fleet view: 300 synthetic hosts (from the golden dataset) stay readable; 3 hosts get the site's fleet page."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportgen.commands.build import BuildOptions, build
from tests.fleet.synthetic import fleet

PAGE_LIMIT = 1_000_000
"""Bytes a 300-host report.html may take (one language): a table per host row, not a chart per host."""


@pytest.fixture(scope="module")
def fleet300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("fleet300")
    fleet(tmp / "store", 300)
    build(BuildOptions(datasets=(str(tmp / "store"),), out=tmp / "out", pdf=False, slides=False, site=False))
    return tmp / "out"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_300_hosts_stay_readable(fleet300: Path, lang: str) -> None:
    page = fleet300 / lang / "report.html"
    assert page.stat().st_size < PAGE_LIMIT
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    section = soup.select_one("section#fleet")
    assert section is not None and section["data-fleet"] == "300"
    groups = section.select("tbody[data-group]")
    assert len(groups) == 6  # 3 CPU models x 2 accelerators
    rows = section.select("tbody[data-group] tr[data-dataset]")
    assert len(rows) == 300 and len({r["data-dataset"] for r in rows}) == 300
    columns = [th["data-key"] for th in section.select("table.fleet-table thead th[data-key]")]
    assert {"start_time.process", "start_time.container", "start_time.vm", "instance_memory.container",
            "image_size.vm"} <= set(columns)
    assert all(len(r.select("td")) == len(columns) for r in rows)
    spread = section.select("table[data-table-for=fleet] tbody tr")
    assert len(spread) == len(columns)
    start = section.select_one("table[data-table-for=fleet] tr[data-metric=start_time][data-platform=vm]")
    low, median, high = (float(start.select_one(f"td[data-key={k}]")["data-value"]) for k in ("min", "median", "max"))
    assert low < median < high  # the synthetic hosts differ by up to x1.5
    # one bar per host would be 900 rows in C3: not drawn, pointing at the fleet view instead
    assert soup.select_one("section#chart-C3 [data-missing=C3]") is not None
    c8 = soup.select_one("section#chart-C8")
    assert c8.select_one("svg") is not None and c8.select_one("[data-missing]") is None  # C8: drawn from all hosts
    c8_rows = c8.select("table[data-table-for=C8] tbody tr")
    pairs = {(r.get("data-platform"), r.get("data-artifact")) for r in c8_rows}
    assert len(c8_rows) <= 3 * len(pairs) < 300  # per set-up (3) and platform/image, not per host
    assert len(soup.select(".provenance-entry")) == 300  # every dataset still traced by its files' sha256
    title = section.select_one("h2").get_text()
    assert title == ("전체 호스트: 호스트별 결과 나란히 보기" if lang == "ko" else "Fleet: the hosts side by side")


def test_three_hosts_get_the_fleet_page_and_every_chart(tmp_path: Path) -> None:
    fleet(tmp_path / "store", 3)
    build(BuildOptions(datasets=(str(tmp_path / "store"),), out=tmp_path / "out", pdf=False, slides=False))
    for lang in ("en", "ko"):
        page = BeautifulSoup((tmp_path / "out" / lang / "fleet.html").read_text("utf-8"), "html.parser")
        assert len(page.select("section#fleet tr[data-dataset]")) == 3
        assert page.select_one("a[href='report.html#chart-C8']") is not None
        home = BeautifulSoup((tmp_path / "out" / lang / "index.html").read_text("utf-8"), "html.parser")
        assert home.select_one("nav.site-nav a[href='../" + lang + "/fleet.html']") is not None
        report = BeautifulSoup((tmp_path / "out" / lang / "report.html").read_text("utf-8"), "html.parser")
        assert report.select_one("section#chart-C3 svg") is not None  # few hosts: drawn side by side as before
        assert report.select_one("nav.toc a[href='#fleet']") is not None


def test_one_dataset_has_no_fleet_view(tmp_path: Path) -> None:
    build(BuildOptions(out=tmp_path / "out", pdf=False, slides=False))
    report = (tmp_path / "out" / "en" / "report.html").read_text("utf-8")
    assert 'id="fleet"' not in report and not (tmp_path / "out" / "en" / "fleet.html").exists()
    assert "fleet.html" not in (tmp_path / "out" / "en" / "index.html").read_text("utf-8")
