"""Published figures (references.toml) as marks on a chart with a row per platform: grey hollow diamonds named
by a short label, the third kind of mark beside our measurement and the deck's claim, never data.

Two placements: on a log axis of dots (C3) a mark sits on the first row of the platform it compares with
(crun's figure on the crun row) when that was measured, else on its family's deck platform's row, named by
its label; where rows carry bars (C1, C5, C9, C10) it gets a row of its own, "name (published)", with its
value beside it. Conditions and source are in the notes under the chart (reference_notes.py).
"""

from __future__ import annotations

from typing import Callable

import altair as alt
import pandas as pd

from collector.dataset import DECK_PLATFORMS, FAMILIES, family_of
from reportgen.charts.base import REFERENCE_COLOUR
from reportgen.charts.references import Reference, for_chart
from reportgen.i18n.catalogs import Translator

COLUMNS = ["label", "x", "text", "kind"]
SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}
BYTES = {"B": 1.0, "KiB": 2.0**10, "MiB": 2.0**20, "GiB": 2.0**30}


def deck_platform(platform: str) -> str:
    """The deck platform of a platform's family (microvm's is vm), as references name their family."""
    family = family_of(platform)
    return DECK_PLATFORMS[FAMILIES.index(family)] if family in FAMILIES else platform


def in_seconds(ref: Reference) -> float | None:
    return ref.value * SECONDS[ref.unit] if ref.unit in SECONDS else None


def in_bytes(ref: Reference) -> float | None:
    return ref.value * BYTES[ref.unit] if ref.unit in BYTES else None


def bound(ref: Reference, fmt: Callable[[float], str], tr: Translator) -> str:
    """The published value written by `fmt` (which takes base units: seconds, bytes): `at most 5 MiB` for an
    upper bound (high = value, no low; words, not `≤`: the bundled font has no such glyph), `12 ms (6–60 ms)`
    for a value with its range, else the value."""
    factor = SECONDS.get(ref.unit) or BYTES.get(ref.unit) or 1.0
    value = fmt(ref.value * factor)
    if ref.high == ref.value and ref.low is None:
        return tr("at most {value}").format(value=value)
    if ref.low is not None and ref.high is not None:
        return f"{value} ({fmt(ref.low * factor)}–{fmt(ref.high * factor)})"
    return value


def row_marks(chart_id: str, metric: str, rows: pd.DataFrame, tr: Translator,
              to_x: Callable[[Reference], float | None]) -> pd.DataFrame:
    """One mark per reference of `chart_id` on `metric`, at `to_x(ref)` on the row `label` of `rows` (columns
    platform, label). Two on one row are written apart: the smaller's name ends at its mark, the next starts
    at its own."""
    first: dict[str, str] = {}
    for r in rows.to_dict("records"):
        first.setdefault(str(r["platform"]), str(r["label"]))
    out = []
    for ref in for_chart(chart_id):
        label = first.get(ref.platform) or first.get(ref.family)  # a reference's family is a deck platform
        x = to_x(ref) if ref.metric == metric else None
        if label is not None and x is not None:
            out.append({"label": label, "x": x, "text": ref.mark_label, "kind": tr("Published figure (a reference, not data)")})
    marks = pd.DataFrame(out, columns=COLUMNS).sort_values(["label", "x"], kind="stable")
    crowded = marks.groupby("label")["x"].transform("size") > 1
    marks["end_at_mark"] = crowded & (marks.groupby("label").cumcount() == 0)
    return marks.reset_index(drop=True)


def mark_layers(marks: pd.DataFrame, x_scale: alt.Scale, y: alt.Y, *, dy: float = 13.0,
                legend: bool = True) -> list[alt.Chart]:
    """The diamonds (with one key entry) and their names just below the row's centre line."""
    if marks.empty:
        return []
    chart = alt.Chart(marks)
    layers = [_diamonds(chart, marks, x_scale, y, legend)]
    for end in (True, False):
        layers.append(chart.transform_filter(alt.datum.end_at_mark == end).mark_text(
            align="right" if end else "left", dx=-4 if end else 4, dy=dy, baseline="top", fontSize=9.5,
            color="#555555").encode(x=alt.X("x:Q", scale=x_scale), y=y, text="text:N"))
    return layers


def reference_rows(chart_id: str, metric: str, platforms: "pd.Series | list[str]", tr: Translator,
                   to_x: Callable[[Reference], float | None], text: Callable[[Reference, float], str]) -> pd.DataFrame:
    """A row of its own per reference of `chart_id` on `metric` whose family (or platform) is on the chart:
    label `name (published)`, the diamond at `to_x(ref)`, `text(ref, x)` beside it. For charts whose rows carry
    bars, where a mark on a measured row would hide in its bar."""
    present = set(platforms) | {deck_platform(p) for p in platforms}
    out = []
    for ref in for_chart(chart_id):
        x = to_x(ref) if ref.metric == metric else None
        if x is None or not ({ref.family, ref.platform} & present):
            continue
        out.append({"label": tr("{name} (published)").format(name=ref.mark_label), "x": x, "text": text(ref, x),
                    "kind": tr("Published figure (a reference, not data)")})
    return pd.DataFrame(out, columns=COLUMNS)


def row_layers(rows: pd.DataFrame, x_scale: alt.Scale, y: alt.Y, *, legend: bool = False) -> list[alt.Chart]:
    """Each reference row: its diamond and, right of it, its value (no key entry by default: the row's own
    label says "published")."""
    if rows.empty:
        return []
    chart = alt.Chart(rows)
    return [
        _diamonds(chart, rows, x_scale, y, legend),
        chart.mark_text(align="left", dx=8, fontSize=10.5, color="#555555").encode(
            x=alt.X("x:Q", scale=x_scale), y=y, text="text:N"),
    ]


def _diamonds(chart: alt.Chart, marks: pd.DataFrame, x_scale: alt.Scale, y: alt.Y, legend: bool) -> alt.Chart:
    """Grey hollow diamonds at x, with one key entry ("published figure, a reference") when `legend`."""
    shape = alt.Shape("kind:N", scale=alt.Scale(domain=[marks["kind"].iloc[0]], range=["diamond"]),
                      legend=alt.Legend(title=None, orient="bottom") if legend else None)
    return chart.mark_point(filled=False, size=70, strokeWidth=1.6, color=REFERENCE_COLOUR, opacity=1).encode(
        x=alt.X("x:Q", scale=x_scale), y=y, shape=shape)
