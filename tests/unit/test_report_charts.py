"""Charts: registry, offline SVG with the bundled font, reference bands only beside data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from report_fixtures import make_startup_dataset  # noqa: E402

from reportgen.commands.build import TEMPLATES_DIR, summarise  # noqa: E402
from reportgen.charts import registered  # noqa: E402
from reportgen.i18n.catalogs import translator  # noqa: E402
from reportgen.load.datasets import load  # noqa: E402
from reportgen.rendering.render_svg import FONT_FAMILY, render, theme  # noqa: E402

FONTS = TEMPLATES_DIR / "fonts"


def svg_of(chart_id: str, path: Path, lang: str) -> str:
    inputs = summarise(load([str(path)]))
    definition = next(d for d in registered() if d.chart_id == chart_id)
    tr = translator(lang)
    data = inputs[chart_id]
    return str(
        render(
            definition.draw(data, tr),
            chart_id=chart_id,
            alt_text=definition.describe(data, tr),
            vega_locale=tr.vega_locale,
            font_dir=FONTS,
        )
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_startup_dataset(tmp_path_factory.mktemp("ds") / "synthetic", n=10)


def test_registry_has_the_startup_charts_in_order() -> None:
    ids = [d.chart_id for d in registered()]
    assert {"C3", "C5"} <= set(ids)
    assert ids == sorted(ids, key=lambda c: int(c[1:])), "charts are listed in id order"


def test_theme_sets_the_bundled_font_everywhere() -> None:
    config = theme()
    assert config["font"] == FONT_FAMILY
    assert config["axis"]["labelFont"] == config["legend"]["labelFont"] == FONT_FAMILY
    assert (FONTS / "NotoSansKR-Regular.ttf").is_file()


@pytest.mark.parametrize("chart_id", ["C3", "C5"])
def test_korean_svg_has_korean_text_in_the_bundled_font(dataset: Path, chart_id: str) -> None:
    svg = svg_of(chart_id, dataset, "ko")
    assert svg.startswith("<svg")
    families = set(re.findall(r'font-family="([^"]+)"', svg))
    assert families == {FONT_FAMILY}
    texts = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert re.search(r"[가-힣]", texts), "no Hangul in the chart: labels were dropped or untranslated"
    assert 'role="img"' in svg and "aria-label=" in svg and f'data-chart-svg="{chart_id}"' in svg


def test_svg_ids_are_prefixed_per_chart(dataset: Path) -> None:
    svg = svg_of("C3", dataset, "en")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert all(i.startswith("c3-") for i in ids)
    for ref in re.findall(r"url\(#([^)]+)\)", svg):
        assert ref in ids


def drawn_text(svg: str) -> str:
    """The text a reader sees in the chart (not the aria-label)."""
    return " ".join(re.sub(r"<[^>]+>", " ", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))


def test_deck_claims_are_labelled_references_only_beside_measured_rows(tmp_path: Path) -> None:
    both = drawn_text(svg_of("C3", make_startup_dataset(tmp_path / "all", n=5), "en"))
    assert "source deck's claim:" in both and "minutes" in both and "seconds" in both
    process_only = drawn_text(svg_of("C3", make_startup_dataset(tmp_path / "p", n=5, platforms=("process",)), "en"))
    assert "source deck" not in process_only
    container = drawn_text(svg_of("C3", make_startup_dataset(tmp_path / "c", n=5, platforms=("container",)), "en"))
    assert "seconds" in container and "minutes" not in container


def test_rendering_is_deterministic(dataset: Path) -> None:
    assert svg_of("C5", dataset, "ko") == svg_of("C5", dataset, "ko")
