"""C12: what the hypervisor and guest OS (or the container) cost a program while it works.

The performance suite runs the same benchmark binaries on every platform.
Per benchmark, each platform's samples are set against the bare process's
of the same dataset: the ratio (Hodges–Lehmann, with its Mann–Whitney 95%
CI: `collector.dataset.ratio_ci`) is oriented so that 1 is the bare process
and below 1 is slower, for throughputs and latencies alike (a latency's
ratio is inverted). Felter et al.'s published KVM and Docker ratios
(references.toml) are drawn beside as grey marks: references, never data.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from collector.dataset import find_metric, median_groups, ratio_ci
from reportgen.charts.base import (REFERENCE_COLOUR, ChartDef, ChartInput, order_rows, per_dataset, platform_hex,
                                   platform_shape, register, row_label)
from reportgen.charts.references import Reference, for_chart
from reportgen.charts.common import ratio_text, series_list
from reportgen.charts.c12_verdict import verdict_sentence
from reportgen.i18n.catalogs import N_, Translator
from reportgen.load.summaries import GROUP_KEYS, details, rows
from reportgen.pages.contexts import Cell, DataTable, Row

SUITE = "performance"
BENCHMARKS: tuple[tuple[str, str], ...] = (
    ("cpu_single_events_per_s", N_("CPU, 1 thread")),
    ("cpu_multi_events_per_s", N_("CPU, 2 threads")),
    ("mem_seq_bandwidth", N_("Memory, sequential reads")),
    ("mem_rnd_bandwidth", N_("Memory, random reads")),
    ("threads_events_per_s", N_("Scheduler (thread yields, locks)")),
    ("pipe_roundtrips_per_s", N_("Pipe ping-pong (context switches)")),
    ("syscalls_per_s", N_("System calls")),
    ("disk_seqwrite_bandwidth", N_("Disk, sequential writes")),
    ("disk_seqread_bandwidth", N_("Disk, sequential reads")),
    ("disk_randread_iops", N_("Disk, random 4 KiB reads")),
    ("disk_randwrite_iops", N_("Disk, random 4 KiB writes")),
    ("net_tcp_bandwidth", N_("Loopback TCP throughput")),
    ("net_pingpong_latency_p50", N_("Loopback TCP round trip (median)")),
    ("redis_get_rps", N_("Redis GET, requests/s")),
    ("redis_set_rps", N_("Redis SET, requests/s")),
    ("redis_get_p99", N_("Redis GET, 99th pct latency")),
)
"""The benchmarks drawn, one headline metric each, in the driver's order (the others are in the site's tables)."""
METRICS = tuple(m for m, _ in BENCHMARKS)
SLIDE_GROUPS: tuple[tuple[str, ...], ...] = (METRICS[:7], METRICS[7:11], METRICS[11:])
"""The benchmarks a slide shows together (CPU, memory and the kernel; disk; network and Redis): all sixteen
at once would be too tall for a slide at classroom size (charts/slide_parts.py)."""
KEYS = (*GROUP_KEYS, "metric")
BASE = "process"
FAMILY_REF = {"vm": "vm", "container": "container"}
"""Which published family a platform is compared with (KVM for VMs, Docker for containers)."""
REF_SHAPES = {"KVM": "diamond", "Docker": "square", "Docker (NAT)": "triangle-down"}
"""Hollow grey marks of the published figures, one shape per technology (Docker with and without NAT apart)."""
WIDTH = 430
BAND = 12
CROWDED_BAND = 30.0
"""With more than four series (all seven platforms in the report and handout), the series of one benchmark
share this many pixels, so that sixteen benchmarks still fit one A4 page (12 px each would be 1,472 px)."""


def _higher(metric: str) -> bool:
    entry = find_metric(SUITE, metric)
    return entry is None or entry.better == "higher"


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C12", METRICS, ("detail",))
    columns = [*KEYS, "n", "median", "low", "high", "level", "failures", "errors", "base_n", "perf", "perf_low",
               "perf_high", "perf_level", "cpus"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    summary = median_groups(frame.drop(columns=["detail"]), KEYS)
    cpus = _cpus_seen(frame)
    summary["cpus"] = [cpus.get(tuple(r[k] for k in KEYS), np.nan) for r in summary.to_dict("records")]
    good = frame[frame["ok"].astype(bool) & (frame["value"] > 0)]
    values = {k: g["value"].to_numpy(dtype=float) for k, g in good.groupby(list(KEYS), dropna=False)}
    perf, low, high, base_n, level = [], [], [], [], []
    for r in summary.to_dict("records"):
        mine = values.get(tuple(r[k] for k in KEYS))
        base = next((v for k, v in values.items() if k[0] == r["dataset"] and k[1] == BASE and k[3] == r["metric"]), None)
        if mine is None or base is None:
            perf.append(np.nan), low.append(np.nan), high.append(np.nan), base_n.append(0), level.append(np.nan)
            continue
        ci = ratio_ci(mine, base)
        if _higher(r["metric"]):
            perf.append(ci.ratio), low.append(ci.low), high.append(ci.high)
        else:  # a latency: the bare process's over the platform's, so below 1 is slower here too
            perf.append(1 / ci.ratio), low.append(1 / ci.high), high.append(1 / ci.low)
        base_n.append(int(base.size))
        level.append(ci.level)
    return summary.assign(base_n=base_n, perf=perf, perf_low=low, perf_high=high, perf_level=level)[columns]


def _cpus_seen(frame: pd.DataFrame) -> dict[tuple, float]:
    """Per group, the CPUs the benchmark saw (`nproc` where it ran): a 1-vCPU VM runs a two-thread benchmark
    on one CPU where the bare process has the host's."""
    out: dict[tuple, float] = {}
    distinct = frame.drop_duplicates([*KEYS, "detail"])  # a fleet repeats one host's details: parse each once
    for r in details(distinct, "instance_info").to_dict("records"):
        info = r["instance_info"] if isinstance(r["instance_info"], dict) else {}
        try:
            cpus = float(info.get("nproc"))
        except (TypeError, ValueError):
            continue
        key = tuple(r[k] for k in KEYS)
        out[key] = max(out.get(key, 0.0), cpus)
    return out


def _label(tr: Translator, metric: str) -> str:
    return tr(dict(BENCHMARKS)[metric])


def _oriented(ref: Reference) -> tuple[float, float, float]:
    """A published ratio (value, low, high) turned so that below 1 is slower, as ours are."""
    lo, hi = ref.low if ref.low is not None else ref.value, ref.high if ref.high is not None else ref.value
    if _higher(ref.metric):
        return ref.value, lo, hi
    return 1 / ref.value, 1 / hi, 1 / lo


def _refs(tr: Translator) -> pd.DataFrame:
    out = []
    for ref in for_chart("C12"):
        if ref.metric not in METRICS:
            continue
        value, lo, hi = _oriented(ref)
        out.append({"benchmark": _label(tr, ref.metric), "family": ref.family, "x": value, "x_low": lo, "x_high": hi,
                    "who": ref.technology})
    return pd.DataFrame(out, columns=["benchmark", "family", "x", "x_low", "x_high", "who"])


def _points(data: ChartInput, tr: Translator) -> pd.DataFrame:
    measured = data.measured
    frame = measured[measured["perf"].notna()] if not measured.empty else measured
    frame = order_rows(frame, data.datasets).copy()
    frame["series"] = [row_label(r, tr, data.multi) for r in frame.to_dict("records")]
    frame["benchmark"] = [_label(tr, m) for m in frame["metric"]]
    frame["text"] = [tr.units.ratio_number(v) for v in frame["perf"]]
    return frame


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    points = _points(data, tr)
    refs = _refs(tr)
    refs = refs[refs["benchmark"].isin(set(points["benchmark"]))]
    order = [_label(tr, m) for m in METRICS if _label(tr, m) in set(points["benchmark"])]
    series = list(dict.fromkeys(points["series"]))
    whole = _points(data.whole, tr)  # the axis spans every platform's ratios, also on one slide's part
    xs = [*whole["perf_low"], *whole["perf_high"], *refs["x_low"], *refs["x_high"], 1.0]
    lo, hi = 10 ** math.floor(math.log10(min(xs) / 1.3)), 10 ** math.ceil(math.log10(max(xs) * 1.3))
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    title = tr("Relative to the bare process (1 = the same, below 1 = slower; log scale)")
    axis = alt.Axis(title=title, grid=True, format="~g")
    y = alt.Y("benchmark:N", sort=order, title=None, axis=alt.Axis(labelLimit=230, labelFontSize=10.5))
    colours = alt.Scale(domain=series) if data.multi else alt.Scale(
        domain=series, range=[platform_hex(p) for p in dict.fromkeys(points["platform"])])
    colour = alt.Color("series:N", scale=colours, sort=series, legend=alt.Legend(title=None, orient="top", columns=2))
    of_series = dict(zip(points["series"], points["platform"]))
    marks = alt.Shape("series:N", sort=series, scale=alt.Scale(domain=series, range=[platform_shape(of_series[s])
                                                                                    for s in series]),
                      legend=alt.Legend(title=None, orient="top", columns=2))
    offset = alt.YOffset("series:N", sort=series)
    band = BAND if len(series) <= 4 else CROWDED_BAND / len(series)
    dot = 42 if len(series) <= 4 else 22
    base = alt.Chart(points[["benchmark", "series", "perf", "perf_low", "perf_high", "text"]])
    layers: list[alt.Chart] = [
        alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#444444", strokeDash=[4, 3]).encode(
            x=alt.X("x:Q", scale=x_scale, axis=axis)),
        base.mark_rule(strokeWidth=2).encode(x=alt.X("perf_low:Q", scale=x_scale), x2="perf_high:Q", y=y,
                                             yOffset=offset, color=colour.legend(None)),
        base.mark_point(filled=True, size=dot, opacity=1).encode(x=alt.X("perf:Q", scale=x_scale), y=y,
                                                                yOffset=offset, color=colour, shape=marks),
    ]
    refs = refs.assign(series=[next((lab for lab, p in zip(points["series"], points["platform"]) if p == f), None)
                               for f in refs["family"]])
    refs = refs[refs["series"].notna()]
    if not refs.empty:
        who = list(dict.fromkeys(refs["who"]))
        shape = alt.Shape("who:N", scale=alt.Scale(domain=who, range=[REF_SHAPES.get(w, "diamond") for w in who]),
                          legend=alt.Legend(title=tr("Felter et al. 2015, published (a reference, not data)"),
                                            orient="bottom", titleLimit=560))
        rb = alt.Chart(refs)
        layers.append(rb.mark_rule(color=REFERENCE_COLOUR, strokeWidth=5, opacity=0.45).encode(
            x=alt.X("x_low:Q", scale=x_scale), x2="x_high:Q", y=y, yOffset=offset))
        layers.append(rb.mark_point(color=REFERENCE_COLOUR, filled=False, size=70, strokeWidth=1.6).encode(
            x=alt.X("x:Q", scale=x_scale), y=y, yOffset=offset, shape=shape))
    height = len(order) * (band * max(len(series), 1) + 8)
    # the points' colour and shape share one legend (same field, same layer); the references keep their own
    return alt.layer(*layers).resolve_scale(color="independent", shape="independent").properties(width=WIDTH,
                                                                                                  height=height)


def _published(tr: Translator, metric: str, platform: str) -> str:
    family = FAMILY_REF.get(platform)
    texts = []
    for ref in for_chart("C12"):
        if ref.metric == metric and ref.family == family:
            value, lo, hi = _oriented(ref)
            text = tr.number(value, 2)
            if lo != hi:
                text += f" ({tr.number(lo, 2)}–{tr.number(hi, 2)})"
            texts.append(f"{text} {ref.technology}")
    return "; ".join(texts) or "—"


def table(data: ChartInput, tr: Translator) -> DataTable:
    summary = data.summary.assign(_m=data.summary["metric"].map({m: i for i, m in enumerate(METRICS)}))
    frame = order_rows(summary.sort_values("_m", kind="stable"), data.datasets)
    frame = frame.assign(_m=frame["metric"].map({m: i for i, m in enumerate(METRICS)})).sort_values(
        ["_m"], kind="stable")
    failures = bool((frame["failures"] > 0).any()) if not frame.empty else False
    keys = (*(("dataset",) if data.multi else ()), "benchmark", "platform", "median", "perf", "published", "n",
            *(("failures",) if failures else ()))
    header = {"dataset": tr("Dataset"), "benchmark": tr("Benchmark"), "platform": tr("Platform"),
              "median": tr("Median (CI)"), "perf": tr("Relative to the bare process (CI)"),
              "published": tr("Felter et al. 2015 (published)"), "n": tr("Runs"), "failures": tr("Failed runs")}
    out = []
    for r in frame.to_dict("records"):
        unit = find_metric(SUITE, r["metric"]).unit if find_metric(SUITE, r["metric"]) else ""
        has = r["n"] > 0
        median = Cell(f"{tr.units.value(float(r['median']), unit)} ({tr.number(float(r['low']))}–"
                      f"{tr.number(float(r['high']))})", float(r["median"])) if has else Cell("—")
        ratio = tr.units.ratio_number
        perf = Cell(f"{ratio(float(r['perf']))} ({ratio(float(r['perf_low']))}–{ratio(float(r['perf_high']))})",
                    float(r["perf"])) if has and pd.notna(r["perf"]) else Cell("—")
        cells = {"dataset": Cell(str(r["dataset"])), "benchmark": Cell(_label(tr, r["metric"])),
                 "platform": Cell(row_label(r, tr, False)), "median": median, "perf": perf,
                 "published": Cell(_published(tr, r["metric"], r["platform"])),
                 "n": Cell(tr.integer(r["n"]), float(r["n"])), "failures": Cell(tr.integer(r["failures"]), float(r["failures"]))}
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator", "metric"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Per benchmark and platform: the median with its CI in the benchmark's unit, and the ratio to the "
            "bare process of the same dataset with its CI (for latencies the bare process's over the "
            "platform's, so below 1 is always slower). Felter et al.'s ratios are published figures from other "
            "hardware, with KVM rather than emulation: references, not data."
        ),
        columns=tuple(header[k] for k in keys), keys=keys, rows=tuple(out),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    points = _points(data, tr)
    parts = [tr("{series}, {benchmark}: {value}").format(series=r["series"], benchmark=r["benchmark"], value=r["text"])
             for r in points.to_dict("records") if r["platform"] != BASE]
    return tr(
        "Dot plot on a log scale, one row per benchmark and a dot per platform: each platform's median relative to "
        "the bare process (1; below 1 is slower) with its confidence interval; grey hollow marks are Felter et "
        "al.'s published KVM and Docker ratios. {values}."
    ).format(values="; ".join(parts))


def _passage_one(data: ChartInput, tr: Translator, dataset: str) -> str:
    points = _points(data, tr)
    mine = points[(points["dataset"] == dataset) & (points["platform"] != BASE)]
    said = []
    for (platform, accel), g in mine.groupby(["platform", "accelerator"], sort=False):
        worst = g.loc[g["perf"].idxmin()]
        said.append(tr("{series}: median {median} of the bare process over {n} benchmarks, lowest {worst} ({bench})").format(
            series=row_label({"platform": platform, "accelerator": accel, "dataset": dataset}, tr, False),
            median=ratio_text(tr, float(np.median(g["perf"]))), n=tr.integer(len(g)),
            worst=ratio_text(tr, float(worst["perf"])), bench=worst["benchmark"]))
    if not said:
        return ""
    text = tr("Relative to the bare process: {figures}.").format(figures="; ".join(said))
    if (mine["accelerator"] == "tcg").any():
        text += " " + tr(
            "The VM ran under TCG, QEMU's software emulation (KVM was not used in this run), so its ratios measure "
            "the emulator, not a hypervisor: every guest instruction is translated, so nearly every benchmark is "
            "slower, and a sequential disk read faster than the bare process's comes from QEMU's and the guest's "
            "caches, not from a faster disk. With KVM the guest's code runs on the CPU itself; Felter et "
            "al. measured 0.83–0.98 of native for Linpack, about 0.97–0.99 for memory, about half the random disk "
            "IOPS, and a network round trip about 1.8 times as long, on other hardware (grey marks).")
    text += _fewer_cpus(points[points["dataset"] == dataset], tr)
    return verdict_sentence(points[points["dataset"] == dataset], text, tr)


def _fewer_cpus(points: pd.DataFrame, tr: Translator) -> str:
    """A sentence when some platform's benchmarks saw fewer CPUs than the bare process's (a 1-vCPU VM), else ""."""
    if "cpus" not in points:  # a summary from before the CPUs were read
        return ""
    known = points.dropna(subset=["cpus"])
    host = known[known["platform"] == BASE]["cpus"].max()
    fewer = known[known["cpus"] < host].drop_duplicates("series") if pd.notna(host) else known.iloc[:0]
    if fewer.empty:
        return ""
    return " " + tr("The benchmarks saw {fewer} CPU(s) in {platforms} and {host} on the bare process: the "
                    "two-thread benchmarks ran on one CPU there.").format(
        fewer=tr.integer(int(fewer["cpus"].min())), platforms=series_list(tr, list(fewer["series"])),
        host=tr.integer(int(host)))


def passage(data: ChartInput, tr: Translator) -> str:
    return per_dataset(data, lambda d: _passage_one(data, tr, d),
                       tr("The bare process and at least one other platform are needed for a ratio."))


DEFINITION = register(
    ChartDef(
        chart_id="C12",
        title=N_("The cost of the hypervisor and guest OS under load"),
        caption=N_(
            "The same benchmark binaries (sysbench, fio, iperf3, sockperf, Redis from Debian's packages) on every "
            "platform, per benchmark relative to the bare process (log scale): dot, the median ratio; line, its "
            "confidence interval; below 1 is slower, for latencies too. Grey hollow marks: Felter et al.'s "
            "published KVM (diamond) and Docker (square) ratios to native (IBM, 2015), with a bar where they give "
            "a range (the deck's slide 4: overhead of the hypervisor and the guest OS)."
        ),
        no_data=N_("No performance measurements: the performance suite is not in {datasets}, so this chart is not drawn."),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
