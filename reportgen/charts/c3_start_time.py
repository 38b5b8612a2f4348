"""C3: start time per platform, request to ready, log scale, median with 95% CI.

The deck's claim (slide 6: VMs boot in minutes, containers start in seconds)
is drawn as grey, labelled bands on the rows it speaks about, and only on
rows that have measurements: a reference beside data, never data. Published
start times (Firecracker, LightVM, crun's own runc/crun figures:
references.toml) are the third kind of mark, grey hollow diamonds with their
name, on the row of the platform they compare with (charts/reference_marks.py).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pyarrow as pa

from collector.dataset import duration_unit
from reportgen.charts.reference_marks import deck_platform, in_seconds, mark_layers, row_marks
from reportgen.charts import c3_verdict
from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from reportgen.load.summaries import Selection, median_summary
from reportgen.charts.base import (
    REFERENCE_COLOUR,
    ChartDef,
    ChartInput,
    duration_axis,
    order_rows,
    colour_scale,
    register,
    row_label,
)

SELECTION = Selection("C3", "start_time", ("dataset", "platform", "accelerator"))

DECK_CLAIMS: dict[str, tuple[float, float, str]] = {
    "container": (*c3_verdict.BANDS["container"], N_("source deck's claim:\nseconds")),
    "vm": (*c3_verdict.BANDS["vm"], N_("source deck's claim:\nminutes")),
}
"""Per platform: the band of seconds the deck's words name (1 s to 1 min, 1 min to 1 h), and the band's label."""


LEFT_ROOM_DECADES = 1.6
"""Room (decades of the log axis) a median's text needs left of its interval to be written there."""


def _claim_key(platform: str) -> str:
    """The deck speaks of families: a variant gets its family's claim band (gVisor's the containers', microvm the VMs')."""
    return deck_platform(platform)


WIDTH = 560
ROW_HEIGHT = 46
ROW_PADDING_OUTER = 0.45
"""Rows' outer padding (of a row's height): the chart grows by as much, so each row keeps ROW_HEIGHT."""


def summarise(samples: pa.Table) -> pd.DataFrame:
    return median_summary(samples, SELECTION)


def _frame(data: ChartInput, tr: Translator) -> pd.DataFrame:
    frame = order_rows(data.measured, data.datasets).copy()
    frame["label"] = [row_label(r, tr, data.multi) for r in frame.to_dict("records")]
    frame["median_text"] = [tr.seconds(v) for v in frame["median"]]
    return frame


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = _frame(data, tr)
    order = list(frame["label"])
    labelled_claims: set[tuple[str, str]] = set()
    band_rows = []
    for row in frame.to_dict("records"):
        key = _claim_key(row["platform"])
        if key not in DECK_CLAIMS:
            continue
        band_lo, band_hi, text = DECK_CLAIMS[key]
        first = (str(row["dataset"]), key) not in labelled_claims  # one label per family's run of rows
        labelled_claims.add((str(row["dataset"]), key))
        band_rows.append({"label": row["label"], "x": band_lo, "x2": band_hi, "text": tr(text) if first else ""})
    bands = pd.DataFrame(band_rows, columns=["label", "x", "x2", "text"])
    published = row_marks("C3", "start_time", frame, tr, in_seconds)
    whole = _frame(data.whole, tr)  # the axis spans every platform's interval, also on one slide's part
    lo = min(float(whole["low"].min()), *row_marks("C3", "start_time", whole, tr, in_seconds)["x"], 1.0) / 2.5
    # a median's text goes left of its interval where there is room, so it never runs into a claim band
    frame["text_left"] = [math.log10(low / lo) > LEFT_ROOM_DECADES for low in frame["low"]]
    hi = max(float(whole["high"].max()) * 4.0, 3600.0 * 1.25 if not bands.empty else 1.0)
    points = frame[["label", "platform", "median", "low", "high", "median_text", "n", "text_left"]]
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    # outer padding: room under the last row for a published figure's name, clear of the axis line
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelFontSize=11),
              scale=alt.Scale(paddingOuter=ROW_PADDING_OUTER))
    colour = alt.Color(
        "platform:N",
        scale=colour_scale(frame["platform"]),
        legend=None,
    )
    axis = duration_axis(lo, hi, tr, tr("Start time, request to ready (log scale)"))

    layers: list[alt.Chart] = []
    if not bands.empty:
        base = alt.Chart(bands)
        layers.append(
            base.mark_rect(color=REFERENCE_COLOUR, opacity=0.13, stroke=REFERENCE_COLOUR, strokeDash=[3, 3]).encode(
                x=alt.X("x:Q", scale=x_scale, axis=axis), x2="x2:Q", y=y
            )
        )
        layers.append(
            base.transform_calculate(mid="sqrt(datum.x * datum.x2)")
            .mark_text(color="#555555", fontSize=9.5, lineBreak="\n", baseline="top", dy=-ROW_HEIGHT / 2 + 4)
            .encode(x=alt.X("mid:Q", scale=x_scale), y=y, text="text:N")
        )
    base = alt.Chart(points)
    layers.append(
        base.mark_rule(strokeWidth=2.5).encode(
            x=alt.X("low:Q", scale=x_scale, axis=axis), x2="high:Q", y=y, color=colour
        )
    )
    for end in ("low", "high"):  # caps: the interval reads even where it is narrower than the median's dot
        layers.append(base.mark_tick(thickness=2, size=ROW_HEIGHT * 0.45).encode(
            x=alt.X(f"{end}:Q", scale=x_scale), y=y, color=colour))
    layers.append(
        base.mark_point(filled=False, size=90, opacity=1, strokeWidth=2).encode(
            x=alt.X("median:Q", scale=x_scale), y=y, color=colour)
    )
    layers.extend(mark_layers(published, x_scale, y))
    for left in (True, False):
        layers.append(
            base.transform_filter(alt.datum.text_left == left)
            .mark_text(align="right" if left else "left", dx=-8 if left else 8, dy=-9, fontSize=11, color="#222222")
            .encode(x=alt.X(f"{'low' if left else 'high'}:Q", scale=x_scale), y=y, text="median_text:N")
        )
    return alt.layer(*layers).properties(width=WIDTH, height=ROW_HEIGHT * (len(order) + 2 * ROW_PADDING_OUTER - 0.1))


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = order_rows(data.summary, data.datasets)
    keys = (*(("dataset",) if data.multi else ()), "platform", "n", "median", "low", "high", "failures")
    header = {
        "dataset": tr("Dataset"),
        "platform": tr("Platform"),
        "n": tr("Runs"),
        "median": tr("Median"),
        "low": tr("CI low"),
        "high": tr("CI high"),
        "failures": tr("Failed runs"),
    }
    rows = []
    unit = duration_unit(frame.loc[frame["n"] > 0, "high"]) if not frame.empty else "s"  # one unit for the table
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "n": Cell(tr.integer(r["n"]), float(r["n"])),
            "median": Cell(tr.seconds(r["median"], unit=unit), float(r["median"]), tr.seconds(r["median"]))
            if has else Cell("—"),
            "low": Cell(tr.seconds(r["low"], unit=unit), float(r["low"])) if has else Cell("—"),
            "high": Cell(tr.seconds(r["high"], unit=unit), float(r["high"])) if has else Cell("—"),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator"))
        rows.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Start time per platform: median and 95% confidence interval (CI) of the median; warm-up runs "
            "excluded."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(rows),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    frame = _frame(data, tr)
    parts = [
        tr("{series} {median} (n = {n})").format(series=r["label"], median=r["median_text"], n=tr.integer(r["n"]))
        for r in frame.to_dict("records")
    ]
    return tr(
        "Dot plot of start time from request to ready on a log scale, one row per platform, each a median "
        "with its 95% confidence interval: {values}. Grey bands mark the source deck's claims "
        "(containers start in seconds, VMs boot in minutes); they are references, not measurements."
    ).format(values="; ".join(parts))


DEFINITION = register(
    ChartDef(
        chart_id="C3",
        title=N_("Start time per platform"),
        caption=N_(
            "Time from the start request until the workload reports ready, per platform (log scale). "
            "Dot: median; line: 95% confidence interval of the median. Grey dashed bands are the source "
            "deck's claims (slide 6: VMs boot in minutes, containers start in seconds), drawn for "
            "comparison and not measured."
        ),
        no_data=N_(
            "No start-time measurements: the startup suite is not in {datasets}, so this chart is not drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=c3_verdict.passage,
    )
)
