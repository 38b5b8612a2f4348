"""C9: density (slide 13): how many instances of one workload fit on the same host, VM vs container vs process.

The density suite starts instances one by one within a memory budget
(`--memory-budget`) and a cap (`--max-instances`), and records per
repetition how many were ready together (`instances_ready`, with
`detail.stop_reason`: budget, max_instances or start_failed), each
instance's memory at the peak (`instance_memory`, phase `peak`, with what it
costs the host in `detail.host_cost_bytes`), and the count extrapolated to
the host's whole memory (`host_fit_extrapolated`), which is arithmetic, not
a measurement, and is labelled "extrapolated" wherever it is shown.

The deck's 16 Tomcat VMs vs 40 Tomcat containers are drawn as grey
reference bars below the measurement, labelled as the deck's, never as data;
Firecracker's published VMM overhead is a row under the memory per instance
(charts/reference_marks.py).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from collector.dataset import exact_groups, median_ci

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from reportgen.load.summaries import GROUP_KEYS, as_numbers, details, max_int, numbers, rows
from reportgen.charts.common import MIB, count_cell, labelled, mib_cell, platform_colour, ratio_text
from reportgen.charts.verdicts import DEPENDS, Verdict, sentence, density_kind
from reportgen.charts.reference_marks import bound, in_bytes, reference_rows, row_layers
from reportgen.charts.base import (
    REFERENCE_COLOUR,
    ChartDef,
    ChartInput,
    by_platform,
    order_rows,
    per_dataset,
    register,
    row_label,
)

METRICS = ("instances_ready", "instance_memory", "host_fit_extrapolated", "budget_bytes")
DECK_DENSITY: dict[str, int] = {"vm": 16, "container": 40}
"""Slide 13: Tomcat instances on the same hardware, as VMs and as containers. A claim, not data."""
DECK_LABELS: dict[str, str] = {
    "vm": N_("Deck's claim: Tomcat VMs"),
    "container": N_("Deck's claim: Tomcat containers"),
}
STOP_REASONS: dict[str, str] = {
    "budget": N_("budget full"),
    "max_instances": N_("cap reached"),
    "start_failed": N_("a start failed"),
}

WIDTH = 380
ROW_HEIGHT = 34


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C9", METRICS, ("repetition", "instance", "detail", "workload"))
    columns = [*GROUP_KEYS, "n", "value", "low", "high", "varies", "failures", "errors", "stop_reasons", "budget",
               "cap", "per_instance", "per_instance_low", "per_instance_high", "per_instance_n", "fit", "fit_low",
               "fit_high", "fit_if_full", "host_memory", "reserve", "engine_reserve", "workload"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = details(frame, "stop_reason", "max_instances", "host_cost_bytes", "host_fit_if_guest_memory_fully_used",
                    "host_memory_bytes", "reserve_bytes", "engine_bytes")
    keys = list(GROUP_KEYS)
    ready = frame[frame["metric"] == "instances_ready"]
    summary = exact_groups(ready, keys)
    facts = ready.groupby(keys, dropna=False).agg(
        stop_reasons=("stop_reason", lambda s: tuple(sorted({v for v in s if isinstance(v, str)}))),
        cap=("max_instances", max_int),
        workload=("workload", "first"),
    ).reset_index()
    budget = frame[(frame["metric"] == "budget_bytes") & frame["ok"]].groupby(keys, dropna=False)["value"].max()
    peak = frame[(frame["metric"] == "instance_memory") & (frame["phase"] == "peak") & frame["ok"]].copy()
    cost = as_numbers(peak["host_cost_bytes"])
    peak["cost"] = np.where(np.isnan(cost), peak["value"].to_numpy(dtype=float), cost)
    per_instance = []
    for key, group in peak.groupby(keys, dropna=False):
        ci = median_ci(group["cost"].to_numpy(dtype=float))
        per_instance.append({**dict(zip(keys, key)), "per_instance": ci.median, "per_instance_low": ci.low,
                             "per_instance_high": ci.high, "per_instance_n": ci.n})
    per_instance = pd.DataFrame(per_instance, columns=[*keys, "per_instance", "per_instance_low", "per_instance_high",
                                                       "per_instance_n"])
    fit_rows = frame[frame["metric"] == "host_fit_extrapolated"]
    fit = exact_groups(fit_rows, keys)
    fit = fit[fit["n"] > 0][[*keys, "value", "low", "high"]].rename(
        columns={"value": "fit", "low": "fit_low", "high": "fit_high"})
    fit_facts = fit_rows[fit_rows["ok"]].groupby(keys, dropna=False).agg(
        fit_if_full=("host_fit_if_guest_memory_fully_used",
                     lambda s: float(np.median(numbers(s))) if numbers(s) else np.nan),
        host_memory=("host_memory_bytes", lambda s: max(numbers(s), default=np.nan)),
        reserve=("reserve_bytes", lambda s: max(numbers(s), default=np.nan)),
        engine_reserve=("engine_bytes", lambda s: max(numbers(s), default=np.nan)),
    ).reset_index()
    for other in (facts, budget.rename("budget").reset_index(), per_instance, fit, fit_facts):
        summary = summary.merge(other, on=keys, how="left")
    return summary[columns]


def _frame(data: ChartInput, tr: Translator) -> pd.DataFrame:
    frame = labelled(data.measured, data.datasets, tr, data.multi)
    frame["text"] = [_fit_text(r, tr) for r in frame.to_dict("records")]
    return frame


def _fit_text(r: dict, tr: Translator) -> str:
    count = tr.integer(round(r["value"]))
    reasons = ", ".join(tr(STOP_REASONS.get(s, s)) for s in r["stop_reasons"]) if r["stop_reasons"] else ""
    text = tr("{count} ({reasons})").format(count=count, reasons=reasons) if reasons else count
    if pd.notna(r.get("fit")):
        text += " · " + tr("extrapolated to the host: {fit}").format(fit=tr.integer(round(r["fit"])))
    return text


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = _frame(data, tr)
    deck = pd.DataFrame(
        [{"label": tr(DECK_LABELS[p]), "value": float(v), "text": tr("{count} (deck's figure)").format(
            count=tr.integer(v))} for p, v in DECK_DENSITY.items() if p in set(frame["platform"])],
        columns=["label", "value", "text"],
    )
    order = [*frame["label"], *deck["label"]]
    whole = _frame(data.whole, tr)  # the axes span every platform's values, also on one slide's part
    whole_deck = [float(v) for p, v in DECK_DENSITY.items() if p in set(whole["platform"])]
    x_max = max(float(whole["value"].max()), *whole_deck, 1.0)
    x_scale = alt.Scale(domain=[0, x_max * 2.1], nice=False, zero=True)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300, labelFontSize=10.5, minExtent=200))
    x_title = tr("Instances ready together within the memory budget (median of the repetitions)")
    measured = alt.Chart(frame[["label", "platform", "value", "text"]])
    layers = [
        measured.mark_bar(height=ROW_HEIGHT * 0.6).encode(
            x=alt.X("value:Q", scale=x_scale, title=x_title, axis=alt.Axis(grid=False, tickCount=6, format="d")),  # no grid through the bar labels
            y=y, color=platform_colour(present=frame["platform"])),
        measured.mark_text(align="left", dx=6, fontSize=10.5, color="#222222").encode(
            x=alt.X("value:Q", scale=x_scale), y=y, text="text:N"),
    ]
    if not deck.empty:
        reference = alt.Chart(deck)
        layers += [
            reference.mark_bar(height=ROW_HEIGHT * 0.6, color=REFERENCE_COLOUR, opacity=0.18, stroke=REFERENCE_COLOUR,
                               strokeDash=[3, 3]).encode(x=alt.X("value:Q", scale=x_scale), y=y),
            reference.mark_text(align="left", dx=6, fontSize=10.5, color="#555555").encode(
                x=alt.X("value:Q", scale=x_scale), y=y, text="text:N"),
        ]
    top = alt.layer(*layers).properties(width=WIDTH, height=ROW_HEIGHT * len(order))
    return alt.vconcat(top, _memory_panel(frame, tr, whole), spacing=16)


def _memory_panel(frame: pd.DataFrame, tr: Translator, whole: pd.DataFrame) -> alt.LayerChart:
    """Memory per instance on a log axis spanning `whole` (the whole chart's rows) and the published figures."""
    mem, every = (f.dropna(subset=["per_instance"]).copy() for f in (frame, whole))
    for key in ("per_instance", "per_instance_low", "per_instance_high"):
        mem[key], every[key] = mem[key] / MIB, every[key] / MIB
    mem["text"] = [tr.units.mib(v * MIB) for v in mem["per_instance"]]
    published, every_published = (reference_rows("C9", "memory_bytes", f["platform"], tr, in_bytes,
                                                 lambda ref, x: bound(ref, lambda v: tr.bytes_iec(v, trim=True), tr)) for f in (mem, every))
    published["x"] = published["x"] / MIB
    lo = max(min([float(every["per_instance_low"].min()), *(every_published["x"] / MIB)]) / 3, 0.01) if not every.empty else 0.1
    hi = float(every["per_instance_high"].max()) * 12 if not every.empty else 10
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    decades = [10.0**k for k in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1) if lo <= 10.0**k <= hi]
    order = [*mem["label"], *published["label"]]
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300, labelFontSize=10.5, minExtent=200))
    base = alt.Chart(mem[["label", "platform", "per_instance", "per_instance_low", "per_instance_high", "text"]])
    title = tr("Host memory per instance at the peak (MiB, log scale): median and 95% CI")
    return alt.layer(
        base.mark_rule(strokeWidth=2.5).encode(
            x=alt.X("per_instance_low:Q", scale=x_scale, title=title, axis=alt.Axis(grid=True, values=decades, format="~g")),
            x2="per_instance_high:Q", y=y, color=platform_colour(present=mem["platform"])),
        base.mark_point(filled=True, size=80, opacity=1).encode(
            x=alt.X("per_instance:Q", scale=x_scale), y=y, color=platform_colour(present=mem["platform"])),
        base.mark_text(align="left", dx=8, dy=-8, fontSize=10.5, color="#222222").encode(
            x=alt.X("per_instance_high:Q", scale=x_scale), y=y, text="text:N"),
        *row_layers(published, x_scale, y),
    ).properties(width=WIDTH, height=ROW_HEIGHT * max(len(order), 1))


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = order_rows(data.summary, data.datasets)
    failures = bool((frame["failures"] > 0).any())
    keys = (*(("dataset",) if data.multi else ()), "platform", "fit_measured", "stop", "budget", "per_instance",
            "fit", *(("failures",) if failures else ()))
    header = {
        "dataset": tr("Dataset"), "platform": tr("Platform"), "fit_measured": tr("Ready (measured)"),
        "stop": tr("Stopped by"), "budget": tr("Budget"), "per_instance": tr("Memory each"), "fit": tr("Whole host"), "failures": tr("Failed starts"),
    }
    out = []
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        count = count_cell(tr, r["value"]) if has else Cell("—")
        if has and r["varies"]:
            count = Cell(tr("{value} (varied {low}–{high})").format(
                value=count.text, low=tr.integer(r["low"]), high=tr.integer(r["high"])), count.value)
        stop = ", ".join(tr(STOP_REASONS.get(s, s)) for s in r["stop_reasons"]) if isinstance(r["stop_reasons"], tuple) else ""
        if "max_instances" in (r["stop_reasons"] or ()) and r["cap"]:
            stop += " " + tr("(cap {cap})").format(cap=tr.integer(r["cap"]))
        fit = count_cell(tr, r["fit"])
        if fit.value is not None:
            fit = Cell(tr("{value} (extrapolated)").format(value=fit.text), fit.value)
        per_instance = mib_cell(tr, r["per_instance"])
        if per_instance.value is not None:
            low, high = (tr.number(float(r[k]) / MIB) for k in ("per_instance_low", "per_instance_high"))
            if low != high:
                per_instance = Cell(f"{per_instance.text} ({low}–{high})", per_instance.value)
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "fit_measured": count,
            "stop": Cell(stop or "—"),
            "budget": mib_cell(tr, r["budget"]),
            "per_instance": per_instance,
            "fit": fit,
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    for platform, value in DECK_DENSITY.items():
        cells = {k: Cell("") for k in keys}
        cells["platform"] = Cell(tr(DECK_LABELS[platform]))
        cells["fit_measured"] = Cell(tr("{count} (deck's figure)").format(count=tr.integer(value)))
        out.append(Row(tuple(cells[k] for k in keys), (("reference", platform),)))
    return DataTable(
        caption=tr(
            "Instances that were ready together within the memory budget (an exact count per repetition; the "
            "median when there are several), why no more were started, the host memory each instance took at "
            "the peak (median, with the 95% CI in brackets), and the count extrapolated to the host's whole memory, which is "
            "arithmetic, not a measurement. The last rows are the source deck's figures, not measured."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    frame = _frame(data, tr)
    parts = [tr("{series}: {text}").format(series=r["label"], text=r["text"]) for r in frame.to_dict("records")]
    return tr(
        "Horizontal bars of how many instances were ready together within the memory budget, one per "
        "platform: {values}. Below them, grey bars give the source deck's claim of 16 Tomcat VMs and 40 "
        "Tomcat containers on the same hardware, a reference and not a measurement. A second panel shows the "
        "host memory per instance on a log scale."
    ).format(values="; ".join(parts))


def passage(data: ChartInput, tr: Translator) -> str:
    return per_dataset(data, lambda dataset: _passage_one(by_platform(data, dataset), tr), tr("No platform's density was measured."))


def _count(r: dict, tr: Translator) -> str:
    count = tr.integer(round(r["value"]))
    if "max_instances" in r["stop_reasons"]:
        return tr("at least {count}").format(count=count)
    return count


DECK_RATIO = 40 / 16
"""The deck's slide 13: 40 Tomcat containers vs 16 Tomcat VMs on the same hardware."""


def density_verdict(ct: dict, vm: dict, capped: bool, tr: Translator) -> str:
    """Computed from the exact counts: containers/VMs ≥ the deck's ratio → confirmed; more containers but a
    smaller ratio → depends; no more containers than VMs → contradicted. A count stopped by the cap is a
    lower bound, so a verdict resting on it is at most `depends`."""
    ratio = ct["value"] / vm["value"] if vm["value"] else float("inf")
    kind = density_kind(float(ct["value"]), float(vm["value"]), DECK_RATIO)
    if capped and kind != DEPENDS:
        kind = DEPENDS
    detail = tr("In the same budget {ct} containers and {vm} VMs fit ({ratio}); the deck claims {deck}.").format(
        ct=_count(ct, tr), vm=_count(vm, tr), ratio=ratio_text(tr, ratio), deck=ratio_text(tr, DECK_RATIO))
    if capped:
        detail += " " + tr("A count that reached the cap is a lower bound.")
    by = tr("{measured} containers per VM (the deck claims {deck})").format(measured=ratio_text(tr, ratio), deck=ratio_text(tr, DECK_RATIO))
    return sentence(tr, Verdict(kind, by, "exact"), tr("40 containers vs 16 VMs on the same hardware"), detail)


def _passage_one(mine: dict[str, dict], tr: Translator) -> str:
    if not mine:
        return ""
    any_row = next(iter(mine.values()))
    names = {"container": N_("containers"), "vm": N_("VMs"), "process": N_("bare processes")}
    figures = [tr("{count} {platform}").format(count=_count(mine[p], tr), platform=tr(names[p]))
               for p in ("container", "vm", "process") if p in mine]
    text = tr("Measured with the {workload} workload within a {budget} memory budget: {figures} fit.").format(
        workload=str(any_row["workload"]), budget=tr.bytes_iec(float(any_row["budget"])) if pd.notna(
            any_row["budget"]) else "—", figures=", ".join(figures))
    text += " " + tr("The deck claims 40 Tomcat containers vs 16 Tomcat VMs on the same hardware ({ratio}).").format(
        ratio=ratio_text(tr, 40 / 16))
    ct, vm = mine.get("container"), mine.get("vm")
    if not ct or not vm:
        return text
    capped = "max_instances" in ct["stop_reasons"] or "max_instances" in vm["stop_reasons"]
    text += " " + density_verdict(ct, vm, capped, tr)
    if pd.notna(ct.get("fit")) and pd.notna(vm.get("fit")):
        text += " " + tr("Extrapolated to the host's {memory}, less {reserve} kept back for the OS and the collector "
                         "(and {engine} for the engine, for containers), from the mean memory per instance "
                         "(extrapolated, not measured): {ct} containers vs {vm} VMs ({ratio}).").format(
            memory=tr.bytes_iec(float(ct["host_memory"])) if pd.notna(ct.get("host_memory")) else "—",
            reserve=tr.bytes_iec(float(ct["reserve"])) if pd.notna(ct.get("reserve")) else "—",
            engine=tr.bytes_iec(float(ct["engine_reserve"])) if pd.notna(ct.get("engine_reserve")) else "—",
            ct=tr.integer(round(ct["fit"])), vm=tr.integer(round(vm["fit"])),
            ratio=ratio_text(tr, ct["fit"] / vm["fit"]) if vm["fit"] else "—")
        if pd.notna(vm.get("fit_if_full")):
            text += " " + tr("If every VM used all of its guest memory, {count} VMs would fit (extrapolated).").format(
                count=tr.integer(round(vm["fit_if_full"])))
    return text


DEFINITION = register(
    ChartDef(
        chart_id="C9",
        title=N_("Density: instances that fit on the same host"),
        caption=N_(
            "Instances of the same workload started one by one until the memory budget was full (or the cap "
            "was reached), per platform, with the count extrapolated to the whole host labelled as such. Grey "
            "bars: the source deck's 16 Tomcat VMs vs 40 Tomcat containers (slide 13), a claim drawn for "
            "comparison and not measured. Lower panel: host memory per instance."
        ),
        no_data=N_("No density measurements: the density suite is not in {datasets}, so this chart is not drawn."),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
