"""C10: noisy neighbour (deck bullets: CPU/memory isolation): a victim's per-iteration latency alone and
beside a CPU + memory hog, per platform.

The isolation suite runs a victim doing fixed work, timed per iteration
inside the instance (`victim_latency`, phase `alone` or `beside_hog`), once
alone and once with a hog started beside it: another bare process on the
host (the physical server: no isolation), a second container under cgroup
caps, or a second VM with its own vCPUs and memory. Per platform and phase
the summary pools every iteration: p50 (the median, with its 95% CI) and p99
(nearest rank). A slowdown is "clear" when the beside-hog median's CI lies
wholly above the alone median's CI.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from collector.dataset import latency_groups
from reportgen.load.summaries import GROUP_KEYS, rows
from reportgen.rendering.render_svg import FONT_FAMILY
from reportgen.charts.common import column_units, labelled, ratio_text, seconds_cell
from reportgen.charts.base import (REFERENCE_COLOUR, ChartDef, ChartInput, duration_axis, order_rows, per_dataset,
                                   register, row_label)
from reportgen.charts.c10_verdict import passage_one
from reportgen.charts.reference_marks import bound, reference_rows

PHASES: dict[str, str] = {"alone": N_("alone"), "beside_hog": N_("beside a hog"),
                          "beside_hog_fair": N_("beside a hog, fair share"),
                          "beside_memory_hog": N_("beside a memory hog")}
PHASE_COLOURS = {"alone": "#5b6b82", "beside_hog": "#d55e00", "beside_hog_fair": "#56b4e9", "beside_memory_hog": "#7d3c98"}
"""Okabe–Ito hues where they must differ: the fair-share case sky blue, not an orange beside the hog's vermilion."""
MEMORY = ("victim_killed", "oom_kills")
STATS: dict[str, str] = {"p50": N_("p50 (median) with 95% CI"), "p99": N_("p99")}
KEYS = (*GROUP_KEYS, "phase")

WIDTH = 380
ROW_HEIGHT = 64


def summarise(samples: pa.Table) -> pd.DataFrame:
    """Latency per platform and phase, plus (beside the memory hog) runs whose victim was killed and OOM kills."""
    frame = rows(samples, "C10", ("victim_latency",))
    if frame.empty:
        return pd.DataFrame(columns=[*KEYS, "n", "p50", "low", "high", "p99", "failures", "errors", "runs", "killed", "oom"])
    out = latency_groups(frame, KEYS)
    mem = rows(samples, "C10", MEMORY)
    mem = mem[mem["ok"] & mem["value"].notna()] if not mem.empty else mem
    counts = {}
    for key, group in (mem.groupby(list(KEYS), sort=False) if not mem.empty else ()):
        killed = group[group["metric"] == "victim_killed"]["value"]
        counts[key] = (len(killed), float(killed.sum()), float(group[group["metric"] == "oom_kills"]["value"].sum()))
    keys = [tuple(r[k] for k in KEYS) for r in out.to_dict("records")]
    out["runs"] = [counts.get(k, (0, 0.0, 0.0))[0] for k in keys]
    out["killed"] = [counts.get(k, (0, 0.0, 0.0))[1] for k in keys]
    out["oom"] = [counts.get(k, (0, 0.0, 0.0))[2] for k in keys]
    return out


def _change(alone: dict, beside: dict) -> str:
    """`slower`, `faster` or `same`: whether the beside-hog median's CI clears the alone median's CI."""
    if beside["low"] > alone["high"]:
        return "slower"
    if beside["high"] < alone["low"]:
        return "faster"
    return "same"


def pairs(data: ChartInput, phase: str = "beside_hog") -> list[dict]:
    """Per series with `alone` and `phase` measured: the two rows, the p50 and p99 ratios and the change."""
    out = []
    measured = order_rows(data.measured, data.datasets)
    for _, group in measured.groupby(list(GROUP_KEYS), sort=False):
        by_phase = {r["phase"]: r for r in group.to_dict("records")}
        if "alone" in by_phase and phase in by_phase:
            a, b = by_phase["alone"], by_phase[phase]
            out.append({**{k: a[k] for k in GROUP_KEYS}, "alone": a, "beside": b,
                        "r50": b["p50"] / a["p50"] if a["p50"] else float("nan"),
                        "r99": b["p99"] / a["p99"] if a["p99"] else float("nan"), "change": _change(a, b)})
    return out


def _published(frame: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """Published guest-vs-bare-metal ratios (Firecracker's), a row each in the ratio column: not a neighbour's
    slowdown but what the VM costs the same work alone, which the VM rows' alone medians show measured."""
    rows = reference_rows("C10", "victim_latency", frame["platform"], tr, lambda ref: ref.value,
                          lambda ref, x: bound(ref, lambda v: ratio_text(tr, v, trim=True), tr))
    rows["text"] = [tr("guest ÷ bare metal:\n{ratio}").format(ratio=t) for t in rows["text"]]  # two lines: a narrow column
    return rows


def _failed(data: ChartInput, tr: Translator, phases: set[str]) -> pd.DataFrame:
    """The lines of the plot (platform, phase) whose every run failed, with what to write there."""
    summary = data.summary
    rows = summary[(summary["n"] == 0) & (summary["failures"] > 0)] if not summary.empty else summary
    frame = labelled(rows, data.datasets, tr, data.multi) if not rows.empty else rows
    out = [{"label": r["label"], "phase_label": tr(PHASES.get(r["phase"], r["phase"])),
            "text": tr("no sample: all {n} runs failed (see the table)").format(n=tr.integer(int(r["failures"])))}
           for r in frame.to_dict("records") if tr(PHASES.get(r["phase"], r["phase"])) in phases]
    return pd.DataFrame(out, columns=["label", "phase_label", "text"])


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = labelled(data.measured, data.datasets, tr, data.multi)
    published = _published(frame, tr)
    order = [*dict.fromkeys(frame["label"]), *published["label"]]
    frame["phase_label"] = [tr(PHASES.get(p, p)) for p in frame["phase"]]
    phase_domain = [tr(PHASES[p]) for p in PHASES if p in set(frame["phase"])]
    phase_colour = alt.Color("phase_label:N", sort=phase_domain, title=None, scale=alt.Scale(
        domain=phase_domain, range=[PHASE_COLOURS[p] for p in PHASES if p in set(frame["phase"])]),
        legend=alt.Legend(orient="bottom", symbolType="square", columns=2))  # colour: swatches, two a line; shape: grey marks
    points = pd.concat([
        frame.assign(stat=tr(STATS["p50"]), x=frame["p50"]),
        frame.assign(stat=tr(STATS["p99"]), x=frame["p99"]),
    ])[["label", "phase_label", "stat", "x"]]
    whole = data.whole.measured  # the axis spans every platform's times, also on one slide's part
    lo = min(float(whole["low"].min()), float(whole["p50"].min())) / 2.5
    hi = float(whole["p99"].max()) * 2.5
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    axis = duration_axis(lo, hi, tr, tr("Time per iteration of the victim's work (log scale)"))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=11))
    offset = alt.YOffset("phase_label:N", sort=phase_domain, scale=alt.Scale(paddingOuter=0.3))
    layers = [
        alt.Chart(frame[["label", "phase_label", "low", "high"]]).mark_rule(strokeWidth=2.2).encode(
            x=alt.X("low:Q", scale=x_scale, axis=axis), x2="high:Q", y=y, yOffset=offset, color=phase_colour),
        alt.Chart(points).mark_point(size=70, opacity=1, filled=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=y, yOffset=offset, color=phase_colour,
            shape=alt.Shape("stat:N", sort=[tr(STATS["p50"]), tr(STATS["p99"])], title=None,
                            scale=alt.Scale(domain=[tr(STATS["p50"]), tr(STATS["p99"])], range=["circle", "diamond"]),
                            legend=alt.Legend(orient="top", symbolFillColor="#555555",
                                              symbolStrokeColor="#555555"))),
    ]
    failed = _failed(data, tr, set(phase_domain))
    if not failed.empty:  # a victim that never got to run leaves its line empty: say so there, in its phase's colour
        layers.append(alt.Chart(failed).mark_text(align="left", dx=4, fontSize=10.5).encode(
            x=alt.value(0), y=y, yOffset=offset, color=phase_colour, text="text:N"))
    if not published.empty:  # the published rows' place in the plot: named on the axis, their figure in the column
        note = published[["label"]].assign(text=tr("published as a ratio only (right)"))
        layers.append(alt.Chart(note).mark_text(align="left", dx=4, fontSize=10.5, color=REFERENCE_COLOUR).encode(
            x=alt.value(0), y=y, text="text:N"))
    plot = alt.layer(*layers).properties(width=WIDTH, height=ROW_HEIGHT * len(order))
    ratios = pd.DataFrame(
        [{"label": row_label(p["alone"], tr, data.multi), "text": tr("p50 {r50} · p99 {r99}").format(
            r50=ratio_text(tr, p["r50"]), r99=ratio_text(tr, p["r99"]))} for p in pairs(data)],
        columns=["label", "text"],
    )
    ratios = pd.concat([ratios, published[["label", "text"]]], ignore_index=True) if not ratios.empty else ratios
    if ratios.empty:
        return plot
    column = alt.Chart(ratios).mark_text(align="left", fontSize=10.5, color="#222222", lineBreak="\n").encode(
        x=alt.value(0), y=alt.Y("label:N", sort=order, axis=None), text="text:N"
    ).properties(width=130, height=ROW_HEIGHT * len(order), title=alt.TitleParams(
        tr("beside ÷ alone"), font=FONT_FAMILY, fontSize=10.5, fontWeight=400, anchor="start", color="#555555"))
    return alt.hconcat(plot, column, spacing=10)


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = data.summary.assign(_ph=data.summary["phase"].map({p: i for i, p in enumerate(PHASES)}))
    frame = order_rows(frame, data.datasets, extra=("_ph",))
    failures = bool((frame["failures"] > 0).any())
    killed = "runs" in frame and bool((frame["runs"] > 0).any())  # beside the memory hog: was the victim OOM-killed?
    keys = (*(("dataset",) if data.multi else ()), "platform", "phase", "n", "p50", "low", "high", "p99",
            *(("failures",) if failures else ()), *(("killed",) if killed else ()))
    header = {
        "dataset": tr("Dataset"), "platform": tr("Platform"), "phase": tr("Victim runs"), "n": tr("Iterations"),
        "p50": tr("p50 (median)"), "low": tr("CI low"), "high": tr("CI high"), "p99": tr("p99"),
        "failures": tr("Failed runs"),
        "killed": tr("Victim killed (runs)"),
    }
    out = []
    units = column_units(frame, ("p50", "low", "high", "p99"))  # one unit per column
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "phase": Cell(tr(PHASES.get(str(r["phase"]), str(r["phase"])))),
            "n": Cell(tr.integer(r["n"]), float(r["n"])),
            **{k: seconds_cell(tr, r[k], units[k]) if has else Cell("—") for k in ("p50", "low", "high", "p99")},
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
            "killed": Cell(tr("{killed} of {runs}").format(killed=tr.integer(int(r["killed"])), runs=tr.integer(int(r["runs"]))),
                           float(r["killed"])) if killed and r["runs"] > 0 else Cell("—"),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator", "phase"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Time per iteration of the victim's fixed work, every iteration of every measured repetition pooled: "
            "p50 (median) with its 95% confidence interval (CI) and p99 (nearest rank), alone and beside the hog."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    parts = []
    for p in pairs(data):
        label = row_label(p["alone"], tr, data.multi)
        parts.append(tr("{series}: p50 {a50} alone, {b50} beside the hog; p99 {a99} alone, {b99} beside").format(
            series=label, a50=tr.seconds(p["alone"]["p50"]), b50=tr.seconds(p["beside"]["p50"]),
            a99=tr.seconds(p["alone"]["p99"]), b99=tr.seconds(p["beside"]["p99"])))
    return tr(
        "Dot plot on a log scale of the victim's time per iteration, one row per platform with two lines, "
        "alone and beside a hog: circles are medians with their 95% confidence intervals, diamonds the 99th "
        "percentiles; the ratios beside-hog/alone are written at the right. {values}."
    ).format(values="; ".join(parts) or "—")


def _memory(data: ChartInput, dataset: str) -> dict[str, dict]:
    """Per platform, beside the memory hog: runs, runs whose victim was killed, OOM kills."""
    frame = data.summary
    if frame.empty or "runs" not in frame:
        return {}
    picked = frame[(frame["dataset"] == dataset) & (frame["phase"] == "beside_memory_hog") & (frame["runs"] > 0)]
    return {r["platform"]: r for r in picked.to_dict("records")}


def passage(data: ChartInput, tr: Translator) -> str:
    return per_dataset(
        data,
        lambda dataset: passage_one(
            {ph: {p["platform"]: p for p in pairs(data, ph) if p["dataset"] == dataset} for ph in PHASES if ph != "alone"},
            _memory(data, dataset), tr),
        tr("No platform was measured both alone and beside the hog."),
    )


DEFINITION = register(
    ChartDef(
        chart_id="C10",
        title=N_("Noisy neighbour: isolation under a hog"),
        caption=N_(
            "A victim's time per iteration of fixed work, alone and beside a CPU and memory hog, per platform "
            "(log scale). The hog is another process on the bare host (no isolation), a second container "
            "under cgroup caps, or a second VM. Circle: median with 95% CI; diamond: 99th percentile (deck: "
            "CPU/memory isolation for VMs and containers, none for a physical server)."
        ),
        no_data=N_(
            "No isolation measurements: the isolation suite is not in {datasets}, so this chart is not drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
