"""Altair chart -> SVG text, offline, with vl-convert and the bundled font.

vl-convert measures and writes text only in fonts it has loaded; with an
unknown family it silently drops every label. So the font directory is
registered once per process, the family is set as the chart font, and a
rendered SVG with no text at all is refused rather than published.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vl_convert as vlc
from markupsafe import Markup, escape

if TYPE_CHECKING:  # a spec made elsewhere may be an Altair chart; a worker that only renders never loads Altair
    import altair as alt

FONT_FAMILY = "Noto Sans KR"
"""Family of the bundled font (templates/fonts); charts and pages use only this."""

_registered: set[str] = set()


class RenderError(RuntimeError):
    """A chart could not be rendered as it must be (missing font, no text)."""


def register_fonts(font_dir: Path) -> None:
    """Make the bundled fonts known to vl-convert (once per process and directory)."""
    path = str(font_dir.resolve())
    if path in _registered:
        return
    if not any(font_dir.glob("*.ttf")) and not any(font_dir.glob("*.otf")):
        raise RenderError(f"{font_dir}: no font files; charts would lose all their text")
    vlc.register_font_directory(path)
    _registered.add(path)


def theme(font: str = FONT_FAMILY) -> dict[str, Any]:
    """Vega-Lite config every chart is rendered with: the bundled font everywhere, quiet frame."""
    return {
        "font": font,
        "background": "white",
        "padding": 8,
        "view": {"stroke": None},
        "title": {"font": font, "fontSize": 14, "fontWeight": 700, "color": "#1d2433", "offset": 10},
        "axis": {
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": 11,
            "titleFontSize": 11,
            "titleFontWeight": 400,
            "titleColor": "#333333",
            "labelColor": "#333333",
            "gridColor": "#e3e3e3",
            "domainColor": "#999999",
            "tickColor": "#999999",
        },
        "legend": {"labelFont": font, "titleFont": font, "labelFontSize": 11, "titleFontSize": 11},
        "text": {"font": font},
    }


def render(chart: "alt.TopLevelMixin | dict[str, Any]", *, chart_id: str, alt_text: str, vega_locale: str, font_dir: Path) -> Markup:
    """The chart as one inline-ready `<svg>` element: ids made unique per chart, labelled for screen readers."""
    register_fonts(font_dir)
    # schema validation runs in the chart tests, not on every build; a dict is a spec already made
    spec = xml_text(chart if isinstance(chart, dict) else chart.to_dict(validate=False))
    try:
        svg = vlc.vegalite_to_svg(spec, config=theme(), allowed_base_urls=[], format_locale=vega_locale)
    except ValueError as exc:
        raise RenderError(f"{chart_id}: vl-convert failed: {str(exc).splitlines()[0]}") from None
    if "<text" not in svg:
        raise RenderError(f"{chart_id}: the SVG has no text; is the font {FONT_FAMILY!r} loaded?")
    return Markup(_namespace_ids(_label_root(svg, chart_id, alt_text), chart_id.lower()))


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(node: Any) -> Any:
    """`node` (a Vega-Lite spec) with characters XML cannot hold (ESC, NUL, ...) replaced by U+FFFD.

    vl-convert escapes `<`, `&` and quotes itself, but a control character in a
    label makes its SVG text parser panic and abort the whole process, so no
    such character may reach it. Strings that are only names never hold one.
    """
    if isinstance(node, str):
        return _NOT_XML.sub("\ufffd", node)
    if isinstance(node, dict):
        return {xml_text(k): xml_text(v) for k, v in node.items()}
    if isinstance(node, list):
        return [xml_text(v) for v in node]
    return node


def _label_root(svg: str, chart_id: str, alt_text: str) -> str:
    """Give the root <svg> role="img", an aria-label with the alt text, and the chart id."""
    attrs = f' role="img" aria-label="{escape(xml_text(alt_text))}" data-chart-svg="{escape(chart_id)}"'
    return re.sub(r"^<svg\b", "<svg" + attrs, svg, count=1)


def _namespace_ids(svg: str, prefix: str) -> str:
    """Prefix every id and its references: several inlined SVGs must not share ids like `clip1`."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    pattern = re.compile(r'(\bid="|url\(#|href="#)(' + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r')(?=["\)])')
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
