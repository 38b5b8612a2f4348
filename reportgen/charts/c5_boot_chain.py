"""C5: the boot chain, a Gantt bar per platform split into its phases.

Each phase's bar runs from the median end of the phase before it (0 for the
first) to its own median end, both measured from the start request. A VM's
chain (QEMU, firmware and kernel, init, workload) against a container's
(create, start, workload) and a bare process's (spawn, workload) is the
deck's slide 8 ("hypervisor - OS - middleware - application") measured.
Firecracker's published VMM start and time to init are rows of their own
under the bars (charts/reference_marks.py): references, not data.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

from collector.dataset import duration_unit
from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from reportgen.load.summaries import Selection, median_summary, phase_chain
from reportgen.i18n.vocab import PHASE_ORDER, phase_label
from reportgen.charts.base import ChartDef, ChartInput, order_rows, register, row_label
from reportgen.charts.reference_marks import bound, in_seconds, reference_rows, row_layers
from reportgen.charts.c5_verdict import passage

SELECTION = Selection("C5", "phase_end", ("dataset", "platform", "accelerator", "phase"))
CHAIN = ("dataset", "platform", "accelerator")

PHASE_COLOURS: dict[str, str] = {
    "spawned": "#CC79A7",
    "created": "#56B4E9",
    "started": "#0072B2",
    "qemu_up": "#F0E442",
    "kernel_started": "#E69F00",
    "init_started": "#D55E00",
    "ready": "#3a4a63",
}
"""One colour per phase (Okabe-Ito: told apart with colour-blindness too); `ready` (the workload's own start) is dark on every platform."""

WIDTH = 560
MIN_VISIBLE_PX = 1.5
"""A bar segment narrower than this (at the report's width) cannot be seen in print."""
ROW_HEIGHT = 38


def summarise(samples: pa.Table) -> pd.DataFrame:
    return phase_chain(median_summary(samples, SELECTION), CHAIN, PHASE_ORDER)


def _segments(data: ChartInput, tr: Translator) -> pd.DataFrame:
    frame = order_rows(data.measured, data.datasets, extra=("order",)).copy()
    frame["label"] = [row_label(r, tr, data.multi) for r in frame.to_dict("records")]
    frame["phase_label"] = [phase_label(p, tr) for p in frame["phase"]]
    return frame


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    segments = _segments(data, tr)
    order = list(dict.fromkeys(segments["label"]))
    phases = [p for p in PHASE_ORDER if p in set(segments["phase"])]
    phases += sorted(set(segments["phase"]) - set(phases))
    totals = (
        segments.groupby("label", sort=False)["end"].max().reset_index().rename(columns={"end": "total"})
    )
    x_max = float(_segments(data.whole, tr)["end"].max()) * 1.22  # every platform's chain, also on one slide's part
    longest = segments.groupby("phase")["duration"].max()
    unseen = {p: tr("{phase} (under a pixel wide: at most {length})").format(
        phase=phase_label(p, tr), length=tr.seconds(float(longest[p])))
        for p in phases if float(longest[p]) / x_max * WIDTH < MIN_VISIBLE_PX}
    """A phase no bar shows wider than a pixel still has its legend entry, which says so and gives its length."""
    segments = segments.assign(phase_label=[unseen.get(p, label) for p, label in zip(segments["phase"],
                                                                                      segments["phase_label"])])
    domain = [unseen.get(p) or phase_label(p, tr) for p in phases]
    palette = [PHASE_COLOURS.get(p, "#b0b0b0") for p in phases]
    totals["text"] = [tr("total {value}").format(value=tr.seconds(v)) for v in totals["total"]]
    published = pd.concat([reference_rows("C5", metric, segments["platform"], tr, in_seconds,
                                          lambda ref, x: bound(ref, lambda v: tr.seconds(v, trim=True), tr))
                           for metric in ("phase_end", "start_time")], ignore_index=True)
    order += list(published["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelFontSize=11))
    x_scale = alt.Scale(domain=[0, x_max], nice=False, zero=True)

    bars = (
        alt.Chart(segments[["label", "phase_label", "start", "end"]])
        .mark_bar(height=ROW_HEIGHT * 0.55, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("start:Q", scale=x_scale, title=tr("Seconds since the start request (median phase ends)")),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "phase_label:N",
                scale=alt.Scale(domain=domain, range=palette),
                sort=domain,
                legend=alt.Legend(
                    title=tr("Phase (ends with the event measured)"),
                    orient="bottom",
                    columns=2,
                    labelLimit=380,
                    titleLimit=520,
                    symbolType="square",
                ),
            ),
        )
    )
    labels = (
        alt.Chart(totals)
        .mark_text(align="left", dx=6, fontSize=11, color="#222222")
        .encode(x=alt.X("total:Q", scale=x_scale), y=y, text="text:N")
    )
    return alt.layer(bars, labels, *row_layers(published, x_scale, y)).properties(
        width=WIDTH, height=ROW_HEIGHT * len(order))


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = order_rows(data.summary, data.datasets, extra=("order",))
    keys = (*(("dataset",) if data.multi else ()), "platform", "phase", "n", "median", "low", "high", "duration", "failures")
    header = {
        "dataset": tr("Dataset"),
        "platform": tr("Platform"),
        "phase": tr("Phase"),
        "n": tr("Runs"),
        "median": tr("Median end"),
        "low": tr("CI low"),
        "high": tr("CI high"),
        "duration": tr("Phase length"),
        "failures": tr("Failed runs"),
    }
    rows = []
    measured = frame[frame["n"] > 0] if not frame.empty else frame
    units = {key: duration_unit(measured[key]) if not measured.empty else "s" for key in ("median", "low", "high", "duration")}
    for r in frame.to_dict("records"):
        has = r["n"] > 0

        def seconds(key: str) -> Cell:  # one unit per column
            return Cell(tr.seconds(r[key], unit=units[key]), float(r[key]), tr.seconds(r[key])) if has else Cell("—")

        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "phase": Cell(phase_label(str(r["phase"]), tr)),
            "n": Cell(tr.integer(r["n"]), float(r["n"])),
            "median": seconds("median"),
            "low": seconds("low"),
            "high": seconds("high"),
            "duration": seconds("duration"),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator", "phase"))
        rows.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Boot chain: median end of each phase after the start request, with its 95% confidence interval "
            "(CI), and the phase length (difference of consecutive median ends)."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(rows),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    segments = _segments(data, tr)
    chains = []
    for label, chain in segments.groupby("label", sort=False):
        steps = ", ".join(
            tr("{phase} {length}").format(phase=r["phase_label"], length=tr.seconds(r["duration"]))
            for r in chain.to_dict("records")
        )
        chains.append(
            tr("{series}: {steps}; ready at {total}").format(
                series=label, steps=steps, total=tr.seconds(float(chain["end"].max()))
            )
        )
    return tr(
        "Horizontal bars, one per platform, split into the phases of its start, each phase as long as "
        "its median duration: {chains}."
    ).format(chains=". ".join(chains))


DEFINITION = register(
    ChartDef(
        chart_id="C5",
        title=N_("Boot chain: where start time goes"),
        caption=N_(
            "Phases of each start, from the start request to the workload's ready signal (median phase "
            "ends). A VM runs QEMU, firmware and a guest kernel and init before the workload; a container "
            "only sets up the runtime around a process (slides 8 and 11)."
        ),
        no_data=N_(
            "No boot-phase measurements: the startup suite's phase times are not in {datasets}, so this "
            "chart is not drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
