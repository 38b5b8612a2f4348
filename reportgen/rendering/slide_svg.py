"""A chart redrawn for a slide: labels large enough to read from the back of a room, at the size of its box.

A report chart is drawn for a 700 px page with 9.5-11 px labels; shrunk or
enlarged as a whole onto a slide, its labels stay far below the 14 pt a
projected chart needs. So the slide gets its own render of the same spec:
every font at least SLIDE_FONT_PX, the offsets and row heights that go with
the text grown by the same factor, and the plot width chosen so the SVG fits
its slide box at a scale of at least MIN_SCALE (one slide pixel is 0.75 pt on
the 960 x 540 canvas, so 20 px x 0.94 = 14.1 pt).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Mapping

import vl_convert as vlc
from markupsafe import Markup

from reportgen.rendering.render_svg import RenderError, _label_root, _namespace_ids, register_fonts, theme

SLIDE_FONT_PX = 20.0
GROWTH = SLIDE_FONT_PX / 11.0
"""How much the text (and the room around it) grows: the report's body label is 11 px."""
HEIGHT_GROWTH = 1.3
"""Rows grow less than text: a row needs room for one line of 20 px labels, not 1.8 times its report height."""
HEIGHT_STEPS = (HEIGHT_GROWTH, 1.15, 1.0, 0.9, 0.8, 0.7, 0.6)
"""Row growths tried, largest first, when the chart is too tall for its box."""
MIN_SCALE = 0.94
MAX_MARK_AREA = 160.0
"""Largest point area (px²) on a slide, about 14 px across: C10's p50 and p99 marks of one row stay apart."""
FONT_KEYS = {"fontSize", "labelFontSize", "titleFontSize"}
GROWN_KEYS = {"dx", "labelLimit", "minExtent", "labelPadding", "titlePadding", "offset", "symbolSize", "size",
              "columnPadding", "rowPadding", "padding"}


def _has_legend_columns(node: Any) -> bool:
    """Whether a legend of the spec lays its key out in columns (what `_grow(one_column=True)` changes)."""
    if isinstance(node, dict):
        if "columns" in node and "orient" in node:
            return True
        return any(_has_legend_columns(v) for k, v in node.items() if k not in ("data", "datasets"))
    if isinstance(node, list):
        return any(_has_legend_columns(v) for v in node)
    return False


def _grow(node: Any, width_factor: float, height_factor: float = HEIGHT_GROWTH, one_column: bool = False) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if one_column and k == "columns" and isinstance(v, int) and "orient" in node:
                out[k] = 1  # a legend's key in one column: its width no longer sets the chart's
            elif k in FONT_KEYS and isinstance(v, (int, float)):
                out[k] = max(SLIDE_FONT_PX, v * GROWTH)
            elif k == "size" and node.get("type") == "tick" and isinstance(v, (int, float)):
                out[k] = v * height_factor  # a tick's size is its length across the row, not an area
            elif k == "size" and isinstance(v, (int, float)) and not isinstance(v, bool):
                out[k] = min(v * GROWTH**2, MAX_MARK_AREA)  # an area: grown with the text, but not so far that marks merge
            elif k in GROWN_KEYS and isinstance(v, (int, float)) and not isinstance(v, bool):
                out[k] = v * (GROWTH**2 if k == "symbolSize" else GROWTH)
            elif k in ("height", "dy") and isinstance(v, (int, float)):
                out[k] = v * height_factor
            elif k == "width" and isinstance(v, (int, float)):
                out[k] = v * width_factor
            elif k in ("data", "datasets"):
                out[k] = v
            else:
                out[k] = _grow(v, width_factor, height_factor, one_column)
        return out
    if isinstance(node, list):
        return [_grow(v, width_factor, height_factor, one_column) for v in node]
    return node


def slide_theme() -> dict[str, Any]:
    config = theme()
    for section in ("axis", "legend"):
        config[section] = {**config[section], "labelFontSize": SLIDE_FONT_PX, "titleFontSize": SLIDE_FONT_PX,
                           "labelLimit": 400}
    config["title"] = {**config["title"], "fontSize": SLIDE_FONT_PX * 1.1}
    config["text"] = {**config["text"], "fontSize": SLIDE_FONT_PX}
    config["legend"]["symbolSize"] = 200
    return config


def svg_box(svg: str) -> tuple[float, float]:
    head = re.match(r"\s*<svg\b[^>]*>", svg)
    text = head.group(0) if head else ""
    width = re.search(r'\bwidth="([\d.]+)', text)
    height = re.search(r'\bheight="([\d.]+)', text)
    return (float(width.group(1)), float(height.group(1))) if width and height else (700.0, 300.0)


def _extent(node: Any, key: str) -> float:
    """The plot's own `key` ("width" or "height", px) in a spec: what `_grow` scales; the axes, labels,
    legends and spacing around it are what the render adds. Concatenations add along their direction."""
    if not isinstance(node, dict):
        return 0.0
    along = {"width": "hconcat", "height": "vconcat"}[key]
    across = {"width": "vconcat", "height": "hconcat"}[key]
    if along in node:
        return sum(_extent(child, key) for child in node[along])
    if across in node:
        return max((_extent(child, key) for child in node[across]), default=0.0)
    own = node.get(key)
    if isinstance(own, (int, float)) and not isinstance(own, bool):
        return float(own)
    return max((_extent(child, key) for child in node.get("layer", ())), default=0.0)


def _predicted(spec: Mapping[str, Any], size: tuple[float, float], factors: tuple[float, float],
               box: tuple[float, float]) -> tuple[float, float]:
    """The width and height factors that should fit `box`, from one render of `size` at `factors`: the SVG's
    size is what the render adds plus the plot's extent times its factor, so one render tells both parts.
    The height factor is the largest of HEIGHT_STEPS that fits (the same rows the stepwise search ends on)."""
    (width_factor, height_factor), out = factors, []
    for axis, factor in ((0, width_factor), (1, height_factor)):
        plot = _extent(spec, ("width", "height")[axis])
        room = box[axis] / MIN_SCALE * 0.99
        if size[axis] <= room or plot <= 0:
            out.append(factor)
            continue
        out.append((room - (size[axis] - plot * factor)) / plot)
    width, height = out
    if height < height_factor:
        height = next((h for h in HEIGHT_STEPS if h <= height), HEIGHT_STEPS[-1])
    return max(0.3, min(width, width_factor)), height


def render_for_slide(spec: Mapping[str, Any], box: tuple[float, float], *, chart_id: str, alt_text: str, vega_locale: str,
                     font_dir: Path) -> tuple[Markup, tuple[int, int]]:
    """The chart drawn for a slide box: its SVG and the size (px) to show it at, never enlarged past 1:1.

    A render tells how far the plot must shrink (`_predicted`), so most charts take two renders. When the
    plot shrank but the chart hardly did, a legend sets its width: its key goes in one column and the next
    render is predicted again. What is left over goes on step by step (rows tighter, the plot narrower)."""
    register_fonts(font_dir)
    width_factor, steps = 1.0, list(HEIGHT_STEPS)
    height_factor = steps.pop(0)
    svg, size = "", (0.0, 0.0)
    best: tuple[str, tuple[float, float], float] | None = None
    one_column, predict, predicted = False, True, False
    history: list[tuple[float, float, bool]] = []
    """Every render's width factor, width and whether its legend was in one column (widths to interpolate)."""
    for _ in range(14):
        try:
            grown = _grow(copy.deepcopy(dict(spec)), width_factor, height_factor, one_column)
            svg = vlc.vegalite_to_svg(grown, config=slide_theme(), allowed_base_urls=[], format_locale=vega_locale)
        except ValueError as exc:
            raise RenderError(f"{chart_id}: vl-convert failed on the slide chart: {str(exc).splitlines()[0]}") from None
        size = svg_box(svg)
        history.append((width_factor, size[0], one_column))
        if min(box[0] / size[0], box[1] / size[1]) >= MIN_SCALE:
            break
        if predict:
            (width_factor, height_factor), predict, predicted = (
                _predicted(spec, size, (width_factor, height_factor), box), False, True)
            steps = [h for h in HEIGHT_STEPS if h < height_factor]
            continue
        if predicted:  # the render after a prediction: did a narrower plot narrow the chart at all?
            (previous, was, _), predicted = history[-2], False
            if (size[0] * MIN_SCALE > box[0] and width_factor < previous and was - size[0] < 2 and not one_column
                    and _has_legend_columns(spec)):
                one_column, predict, width_factor = True, True, previous  # a legend sets the width
                continue
        if best is not None and width_factor < best[2] and size[0] >= best[1][0] - 1:
            svg, size, width_factor = best  # a narrower plot did not make the chart narrower (a legend sets its width)
            fits = min(box[0] / size[0], box[1] / size[1]) >= MIN_SCALE
            if fits or one_column or not _has_legend_columns(spec):
                break
            one_column, predict, best = True, True, None  # so the legend's key goes in one column, taller and narrower
            continue
        changed = False
        if size[1] * MIN_SCALE > box[1] and steps:
            height_factor, changed = steps.pop(0), True  # too tall: rows a little tighter
        if size[0] * MIN_SCALE > box[0] and width_factor > 0.3:  # too wide (as well): a narrower plot
            target = box[0] / MIN_SCALE * 0.99
            other = next((h for h in reversed(history[:-1]) if h[2] == one_column and h[0] != width_factor), None)
            if other is not None and other[1] > size[0] + 1 and other[0] > width_factor:
                slope = (other[1] - size[0]) / (other[0] - width_factor)  # px per unit of width factor, from two renders
                narrower = width_factor - (size[0] - target) / slope
            else:
                narrower = width_factor * (1 - (size[0] - target) / size[0] * 1.6)
            best = (svg, size, width_factor)
            width_factor, changed = max(0.3, min(narrower, width_factor * 0.98)), True
        if not changed:
            break
    scale = min(box[0] / size[0], box[1] / size[1], 1.0)
    markup = Markup(_namespace_ids(_label_root(svg, chart_id, alt_text), chart_id.lower() + "-slide"))
    return markup, (int(size[0] * scale), int(size[1] * scale))
