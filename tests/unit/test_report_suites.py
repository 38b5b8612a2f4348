"""Charts of the suites beyond startup (C1, C4, C6-C11): built end to end from synthetic datasets shaped as
the collector writes them; every number checked against the test's own arithmetic on the Parquet file.

The handout's passages and a second, cold build's bytes: tests/integration/test_suites_build.py."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from report_fixtures import make_startup_dataset  # noqa: E402

from reportgen.commands.build import build  # noqa: E402
from tests.shared_builds import report_only as options  # noqa: E402
from tests.shared_builds import shared  # noqa: E402

LANGS = ("ko", "en")
DRAWN_FROM_ONE = ("C1", "C4", "C6", "C7", "C9", "C10", "C11", "C12")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def samples(dataset: Path) -> pd.DataFrame:
    frame = pq.read_table(dataset / "samples.parquet").to_pandas()
    frame["d"] = [json.loads(d) if isinstance(d, str) else {} for d in frame["detail"]]
    return frame[~frame["warmup"]]


def cells(page: BeautifulSoup, chart_id: str, key: str, **ident: str) -> list[float]:
    """data-value of column `key` in the rows of chart_id's table matching every data-<name>=value."""
    found = []
    for row in page.select(f'table[data-table-for="{chart_id}"] tbody tr'):
        if all(row.get(f"data-{k}") == v for k, v in ident.items()):
            cell = row.select_one(f'td[data-key="{key}"]')
            if cell is not None and cell.get("data-value"):
                found.append(float(cell["data-value"]))
    return found


def one(page: BeautifulSoup, chart_id: str, key: str, **ident: str) -> float:
    values = cells(page, chart_id, key, **ident)
    assert len(values) == 1, (chart_id, key, ident, values)
    return values[0]


@pytest.fixture(scope="module")
def host_a(suites_host_a: Path) -> Path:
    """The session's one-host suites dataset (tests/shared_builds.py)."""
    return suites_host_a


@pytest.fixture(scope="module")
def host_b(suites_host_b: Path) -> Path:
    """The session's second host for C8: VMs under TCG, the same container image."""
    return suites_host_b


@pytest.fixture(scope="module")
def site_one(host_a: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of host_a (its handout PDF is tests/integration/test_suites_build.py's business)."""
    def make(folder: Path) -> Path:
        build(options(host_a, out=folder / "site", pdf=False))
        return folder / "site"

    return shared(tmp_path_factory, "suites-one", make)  # once for all xdist workers


@pytest.fixture(scope="module")
def site_two(suites_two_hosts: Path) -> Path:
    return suites_two_hosts


@pytest.fixture(scope="module")
def pages(site_one: Path) -> dict[str, BeautifulSoup]:
    return {lang: soup(site_one / lang / "report.html") for lang in LANGS}


# every chart: figure, caption, alt text, table, passage ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chart_id", DRAWN_FROM_ONE)
def test_chart_is_inline_svg_with_caption_alt_table_and_passage(pages, lang: str, chart_id: str) -> None:
    section = pages[lang].select_one(f'section[data-chart="{chart_id}"]')
    assert section is not None
    svg = section.select_one("figure svg")
    assert svg is not None and svg.get("data-chart-svg") == chart_id and svg.get("role") == "img"
    assert svg.find("text"), "chart without text"
    assert set(re.findall(r'font-family="([^"]+)"', str(svg))) <= {"Noto Sans KR"}
    assert section.select_one("figcaption").get_text(strip=True)
    assert len(section.select_one(".alt-text").get_text(strip=True)) > 40
    assert section.select(f'table[data-table-for="{chart_id}"] tbody tr')
    passage = section.select_one(f'aside.passage[data-passage="{chart_id}"]')
    assert passage is not None and len(passage.get_text(strip=True)) > 40
    if lang == "ko":
        assert re.search(r"[가-힣]", passage.get_text()), "passage not translated"
        assert re.search(r"[가-힣]", section.select_one("figcaption").get_text())


def test_registry_lists_every_chart_in_id_order() -> None:
    from reportgen.charts import registered

    assert [d.chart_id for d in registered()] == ["C1", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12"]


# numbers equal the test's own arithmetic -------------------------------------------------------------------


def test_c1_medians_of_each_part(pages, host_a: Path) -> None:
    frame = samples(host_a)
    memory = frame[(frame["chart_id"] == "C1") & (frame["metric"] == "memory_bytes")]
    keys = {"app": "app", "platform": "overhead", "engine": "engine", "spare": "spare"}
    checked = 0
    for (platform, part), group in memory.groupby(["platform", "phase"]):
        expected = float(np.median(group["value"]))
        for lang in LANGS:
            assert one(pages[lang], "C1", keys[part], platform=platform, resource="memory") == pytest.approx(expected)
        checked += 1
    assert checked == 3 + 4 + 3  # process: app, platform, spare; container: + engine; vm: app, platform, spare
    cpu = frame[(frame["chart_id"] == "C1") & (frame["metric"] == "cpu_seconds")].copy()
    cpu["share"] = cpu["value"] / cpu.groupby(["platform", "repetition"])["value"].transform("sum")
    vm = cpu[(cpu["platform"] == "vm") & (cpu["phase"] == "platform")]
    assert one(pages["en"], "C1", "overhead", platform="vm", resource="cpu") == pytest.approx(float(np.median(vm["share"])))


def test_c4_exact_bytes_per_layer_and_totals(pages, host_a: Path) -> None:
    frame = samples(host_a)
    c4 = frame[frame["chart_id"] == "C4"]
    sizes = pd.concat([c4[(c4["platform"] == "container") & (c4["metric"] == "image_bytes")],
                       c4[(c4["platform"] != "container") & (c4["metric"] == "image_apparent_bytes")]])
    for r in sizes.itertuples():
        assert one(pages["en"], "C4", "bytes", platform=r.platform, role=r.phase, instance=str(r.instance)) == r.value
    for platform, group in sizes.groupby("platform"):
        total = one(pages["ko"], "C4", "bytes", platform=platform, role="total")
        assert total == group["value"].sum()
        shown = pages["en"].select_one(f'table[data-table-for="C4"] tr[data-platform="{platform}"][data-role="total"] '
                                       'td[data-key="bytes"]').get_text()
        assert f"{int(total):,} B" in shown, "exact bytes must be shown in full"
    assert not pages["en"].select('table[data-table-for="C4"] th[data-key="low"]'), "exact sizes have no CI"


def test_c6_distinct_fingerprints(pages, host_a: Path) -> None:
    frame = samples(host_a)
    distinct = frame[(frame["chart_id"] == "C6") & (frame["metric"] == "distinct_fingerprints")]
    for platform, group in distinct.groupby("platform"):
        for lang in LANGS:
            assert one(pages[lang], "C6", "distinct", platform=platform) == float(np.median(group["value"]))
    assert one(pages["en"], "C6", "instances", platform="vm") == 3


def test_c7_disk_used_per_set_and_k(pages, host_a: Path) -> None:
    frame = samples(host_a)
    used = frame[(frame["chart_id"] == "C7") & (frame["metric"] == "disk_used_bytes")]
    assert len(used) == 6
    for r in used.itertuples():
        assert one(pages["en"], "C7", "used", set=r.d["set"], k=str(r.d["k"])) == r.value
    shared, standalone = (used[[d["set"] == s and d["k"] == 3 for d in used["d"]]]["value"].iloc[0]
                          for s in ("shared", "standalone"))
    saved = pages["en"].select_one('[data-passage="C7"]').get_text(" ", strip=True)
    assert f"Confirmed. Measured: {round((1 - shared / standalone) * 100)}% less disk with the shared base" in saved


def test_c9_counts_memory_and_extrapolation_labelled(pages, host_a: Path) -> None:
    frame = samples(host_a)
    c9 = frame[frame["chart_id"] == "C9"]
    for platform, group in c9.groupby("platform"):
        ready = group[group["metric"] == "instances_ready"]["value"]
        assert one(pages["en"], "C9", "fit_measured", platform=platform) == float(np.median(ready))
        peak = group[(group["metric"] == "instance_memory") & (group["phase"] == "peak")]
        costs = [d["host_cost_bytes"] for d in peak["d"]]
        assert one(pages["en"], "C9", "per_instance", platform=platform) == pytest.approx(float(np.median(costs)))
        fit = float(np.median(group[group["metric"] == "host_fit_extrapolated"]["value"]))
        assert one(pages["ko"], "C9", "fit", platform=platform) == fit
    for lang, word in (("en", "extrapolated"), ("ko", "외삽")):
        section = pages[lang].select_one('[data-chart="C9"]')
        for cell in section.select('td[data-key="fit"][data-value]'):
            assert word in cell.get_text(), "every extrapolated figure says so"
        svg_text = " ".join(t.get_text() for t in section.select("svg text"))
        assert word in svg_text
        assert word in section.select_one('[data-passage="C9"]').get_text()


def test_c9_deck_figures_are_labelled_references_not_data(pages) -> None:
    section = pages["en"].select_one('[data-chart="C9"]')
    svg_text = " ".join(t.get_text() for t in section.select("svg text"))
    assert "Deck's claim: Tomcat VMs" in svg_text and "Deck's claim: Tomcat containers" in svg_text
    assert "16 (deck's figure)" in svg_text and "40 (deck's figure)" in svg_text
    reference_rows = section.select('table[data-table-for="C9"] tr[data-reference]')
    assert {r["data-reference"] for r in reference_rows} == {"vm", "container"}
    assert all(not r.select("td[data-value]") for r in reference_rows), "the deck's figures are not data"
    passage = section.select_one('[data-passage="C9"]').get_text(" ", strip=True)
    assert "40 Tomcat containers vs 16 Tomcat VMs" in passage
    assert re.search(r"at least 8 containers, 2 VMs", passage), passage  # computed: cap 8, 512 MiB / ~200 MiB


def test_c10_p50_and_nearest_rank_p99(pages, host_a: Path) -> None:
    frame = samples(host_a)
    lat = frame[(frame["chart_id"] == "C10") & (frame["metric"] == "victim_latency") & frame["ok"]]
    for (platform, phase), group in lat.groupby(["platform", "phase"]):
        x = np.sort(group["value"].to_numpy())
        assert one(pages["en"], "C10", "p50", platform=platform, phase=phase) == pytest.approx(float(np.median(x)))
        assert one(pages["en"], "C10", "p99", platform=platform, phase=phase) == x[int(np.ceil(0.99 * x.size)) - 1]
    process = lat[lat["platform"] == "process"]
    ratio = (np.median(process[process["phase"] == "beside_hog"]["value"])
             / np.median(process[process["phase"] == "alone"]["value"]))
    passage = pages["en"].select_one('[data-passage="C10"]').get_text(" ", strip=True)
    assert f"×{ratio:#.2g} as a bare process (clearly slower)" in passage
    assert "as a container (not clearly slower)" in passage
    assert "The deck claims that" in passage and "(Test: CIs of the medians" in passage


def test_c10_failed_run_is_a_note_in_both_languages(pages) -> None:
    en = " ".join(li.get_text() for li in pages["en"].select('[data-chart="C10"] ul.notes li'))
    assert "1 failed run(s)" in en and "victim did not finish" in en
    ko = " ".join(li.get_text() for li in pages["ko"].select('[data-chart="C10"] ul.notes li'))
    assert "실패한 실행 1회" in ko
    assert one(pages["en"], "C10", "failures", platform="vm", phase="beside_hog") == 1


def test_c11_medians_and_who_restarted(pages, host_a: Path) -> None:
    frame = samples(host_a)
    c11 = frame[frame["chart_id"] == "C11"]
    for (platform, metric), group in c11.groupby(["platform", "metric"]):
        assert one(pages["en"], "C11", "median", platform=platform, metric=metric) == pytest.approx(
            float(np.median(group["value"])))
    by = pages["en"].select_one('table[data-table-for="C11"] tr[data-platform="container"][data-metric="recover_s"] '
                                'td[data-key="by"]').get_text()
    assert "engine" in by


# C8: several hosts ----------------------------------------------------------------------------------------------


def test_c8_with_one_host_says_so_instead_of_drawing(pages) -> None:
    for lang, words in (("en", "Only one host"), ("ko", "호스트가 한 대")):
        section = pages[lang].select_one('[data-chart="C8"]')
        assert section.find("svg") is None
        assert words in section.select_one('.missing[data-missing="C8"]').get_text()
        assert section.select('table[data-table-for="C8"] tbody tr'), "the table still lists what ran"
        assert section.select_one('[data-passage="C8"]') is not None


def test_c8_with_two_hosts_draws_hosts_by_digest(site_two: Path, host_a: Path, host_b: Path) -> None:
    for lang in LANGS:
        page = soup(site_two / lang / "report.html")
        section = page.select_one('[data-chart="C8"]')
        assert section.select_one('figure svg[data-chart-svg="C8"]') is not None
        assert not section.select(".missing")
        rows = section.select('table[data-table-for="C8"] tbody tr')
        assert {r["data-host_id"] for r in rows} == {"synthetic-host-01", "synthetic-host-02"}
    page = soup(site_two / "en" / "report.html")
    for dataset, label in ((host_a, "lab-a@v1"), (host_b, "lab-b@v1")):
        frame = samples(dataset)
        container = frame[(frame["platform"] == "container") & (frame["workload"] == "busybox")]
        assert one(page, "C8", "n", dataset=label, platform="container") == int(container["ok"].sum())
        assert one(page, "C8", "failures", dataset=label, platform="container") == int((~container["ok"]).sum())
    passage = page.select_one('[data-passage="C8"]').get_text(" ", strip=True)
    assert "The same container image ab12ab12ab12 ran without failures on 2 of 2 hosts" in passage
    assert "Confirmed. Measured: ran on 2 of 2 hosts" in passage
    links = page.select('[data-chart="C2"] tr[data-criterion="compatibility"] a[data-evidence="C8"]')
    assert links and all("of 2 hosts" in a.get_text() for a in links)


# matrix, missing suites, PDF ------------------------------------------------------------------------------------


def test_matrix_cells_link_to_the_charts_that_back_them(pages) -> None:
    page = pages["en"]
    expected = {"efficiency": {"C1", "C9", "C12"}, "isolation": {"C10"}, "autoscaling": {"C11"}, "compatibility": {"C8"},
                "devops": {"C6"}, "manageability": {"C4"}}
    for criterion, charts in expected.items():
        linked = {a["data-evidence"] for a in page.select(f'[data-chart="C2"] tr[data-criterion="{criterion}"] '
                                                          'a[data-evidence]')}
        assert charts <= linked, (criterion, linked)
        for a in page.select(f'tr[data-criterion="{criterion}"] a[data-evidence]'):
            assert page.select_one(a["href"]) is not None
    verdicts = page.select('tr[data-criterion="isolation"] .verdict-text')
    assert [v.get_text() for v in verdicts] == ["No CPU/memory isolation", "CPU/memory isolation", "CPU/memory isolation"]


MISSING = {
    "C1": ("No overhead measurements", "오버헤드 측정값이 없습니다"),
    "C4": ("No image sizes", "이미지 크기 측정값이 없습니다"),
    "C6": ("No environment fingerprints", "환경 지문이 없습니다"),
    "C7": ("No layer-reuse measurements", "레이어 재사용 측정값이 없습니다"),
    "C9": ("No density measurements", "집적도 측정값이 없습니다"),
    "C10": ("No isolation measurements", "격리 측정값이 없습니다"),
    "C11": ("No scale-out or recovery measurements", "확장·복구 측정값이 없습니다"),
    "C12": ("No performance measurements", "성능 측정값이 없습니다"),
}


def test_missing_suites_give_a_note_in_both_languages(tmp_path: Path) -> None:
    ds = make_startup_dataset(tmp_path / "startup-only", n=5)
    out = tmp_path / "out"
    build(options(ds, out=out, pdf=False))
    for lang, index in (("en", 0), ("ko", 1)):
        page = soup(out / lang / "report.html")
        for chart_id, texts in MISSING.items():
            section = page.select_one(f'[data-chart="{chart_id}"]')
            assert section.find("svg") is None, chart_id
            note = section.select_one(f'.missing[data-missing="{chart_id}"]').get_text()
            assert texts[index] in note and "startup-only@v1" in note
            assert section.select_one(".passage") is None, "no passage without a measurement"
        assert page.select_one('[data-chart="C3"] figure svg') is not None


def test_c12_ratios_to_the_bare_process_and_published_references(pages) -> None:
    from report_fixtures import PERFORMANCE_RATIO

    page = pages["en"]
    for platform, ratio in PERFORMANCE_RATIO.items():
        for metric in ("cpu_single_events_per_s", "net_pingpong_latency_p50"):  # a throughput and a latency
            value = one(page, "C12", "perf", platform=platform, metric=metric)
            assert value == pytest.approx(ratio, rel=0.08), (platform, metric)
    table = page.select_one('table[data-table-for="C12"]').get_text()
    assert "Felter et al." in table and "KVM" in table and "Docker" in table
