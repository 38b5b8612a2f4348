"""C1: the deck's "same H/W" picture measured: per platform, what one application uses, what the platform
adds (hypervisor and guest OS, or the container runtime), and what is left of the host.

The overhead suite reads, every tick, memory (PSS, bytes) and CPU time per
part: `app`, `platform`, `engine` (Docker's daemons, shared by every
container on the host) and `spare` (the host's total less the others). The
parts of one tick add up to the host, so each part's share is its value
over that sum. Summaries are medians over ticks with their CI. Spare is
shown as a figure beside the bar: drawn to scale it would hide the rest.
Firecracker's published VMM overhead is a row of its own under the memory
bars (charts/reference_marks.py): a reference, not data.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from collector.dataset import median_groups
from reportgen.load.summaries import GROUP_KEYS, details, rows
from reportgen.charts.common import MIB, labelled
from reportgen.charts.base import ChartDef, ChartInput, order_rows, per_dataset, register, row_label
from reportgen.charts.reference_marks import bound, in_bytes, reference_rows, row_layers
from reportgen.charts.c1_verdict import verdict_sentence

PARTS: tuple[str, ...] = ("app", "platform", "engine", "spare")
PART_LABELS: dict[str, str] = {
    "app": N_("application"),
    "platform": N_("platform overhead"),
    "engine": N_("container engine (shared)"),
    "spare": N_("spare"),
}
PART_HEADERS: dict[str, str] = {
    "app": N_("App"),
    "platform": N_("Overhead"),
    "engine": N_("Engine (shared)"),
    "spare": N_("Spare"),
}
"""Short column headings of the parts in the numbers table."""
PART_KEYS: dict[str, str] = {"app": "app", "platform": "overhead", "engine": "engine", "spare": "spare"}
"""Table column key of each part (`platform` is taken by the platform column)."""
PART_COLOURS: dict[str, str] = {"app": "#3a4a63", "platform": "#ec9448", "engine": "#b9c2d0"}
RESOURCES: dict[str, str] = {"memory_bytes": "memory", "cpu_seconds": "cpu"}
KEYS = (*GROUP_KEYS, "resource", "part")

WIDTH = 470
ROW_HEIGHT = 34


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C1", tuple(RESOURCES), ("repetition", "detail"))
    if frame.empty:
        return pd.DataFrame(columns=[*KEYS, "n", "median", "low", "high", "failures", "errors", "share", "stand_in"])
    frame = details(frame, "source")
    frame["resource"] = frame["metric"].map(RESOURCES)
    frame["part"] = frame["phase"]
    tick = [*GROUP_KEYS, "resource", "repetition"]
    good = frame["ok"].astype(bool)
    totals = frame[good].groupby(tick, dropna=False)["value"].transform("sum")
    frame.loc[good, "share"] = frame.loc[good, "value"] / totals.where(totals > 0)
    # CPU is compared as a share of the host's CPU capacity in the tick's window; memory in bytes.
    cpu = frame["resource"] == "cpu"
    frame.loc[cpu & good, "value"] = frame.loc[cpu & good, "share"].fillna(0.0)
    summary = median_groups(frame, KEYS)
    shares = frame[good].groupby(list(KEYS), dropna=False)["share"].median().rename("share").reset_index()
    stand_in = (
        frame.assign(s=frame["source"].map(lambda s: isinstance(s, str) and s.startswith("stand-in")))
        .groupby(list(KEYS), dropna=False)["s"].any().rename("stand_in").reset_index()
    )
    return summary.merge(shares, on=list(KEYS), how="left").merge(stand_in, on=list(KEYS), how="left")


def _values(data: ChartInput) -> pd.DataFrame:
    return data.measured[data.measured["part"].isin(PARTS)]


def _bars(data: ChartInput, tr: Translator, resource: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = labelled(_values(data), data.datasets, tr, data.multi)
    frame = frame[frame["resource"] == resource]
    scale = (1 / MIB) if resource == "memory" else 100.0
    used = frame[frame["part"] != "spare"].copy()
    used["x"] = used["median"] * scale
    used["part_label"] = [tr(PART_LABELS[p]) for p in used["part"]]
    used["rank"] = used["part"].map({p: i for i, p in enumerate(PARTS)})
    used = used.sort_values(["label", "rank"], kind="stable")
    used["x2"] = used.groupby("label", sort=False)["x"].cumsum()
    used["x"] = used["x2"] - used["x"]
    ends = []
    for label, group in frame.groupby("label", sort=False):
        spare = group[group["part"] == "spare"]
        total = float(group.loc[group["part"] != "spare", "median"].sum())
        text = _used_text(tr, resource, total)
        if not spare.empty and resource == "memory":
            s = spare.iloc[0]
            text += " · " + tr("spare {value} ({share} of the host)").format(
                value=_amount(tr, resource, float(s["median"])), share=_share(tr, float(s["share"]))
            )
        elif not spare.empty:
            text += " · " + tr("spare {value}").format(value=_percent(tr, float(spare.iloc[0]["median"])))
        ends.append({"label": label, "x": total * scale, "text": text})
    return used, pd.DataFrame(ends, columns=["label", "x", "text"])


def _amount(tr: Translator, resource: str, value: float) -> str:
    if resource == "memory":
        return tr.bytes_iec(value)
    return _percent(tr, value)


def _fixed_percent(tr: Translator, fraction: float, decimals: int) -> str:
    value = fraction * 100
    if value == 0:
        return tr.units.percent(0.0)
    return tr.units.percent(value, max(1, decimals + int(math.floor(math.log10(abs(value)))) + 1), trim=False)


def _percent(tr: Translator, fraction: float) -> str:
    """CPU, % of the host, to one decimal in the chart and the table alike (0.5%, 99.5%): sampled in half-percent steps."""
    return _fixed_percent(tr, fraction, 1)


def _share(tr: Translator, fraction: float) -> str:
    """Spare memory's share of the host, to two decimals everywhere (99.41% beside 99.40%, never 99.4%)."""
    return _fixed_percent(tr, fraction, 2)


def _used_text(tr: Translator, resource: str, total: float) -> str:
    return tr("used {value}").format(value=_amount(tr, resource, total))


def _panel(
    data: ChartInput, tr: Translator, resource: str, title: str, order: list[str], parts: list[str], legend: bool
) -> alt.LayerChart:
    used, ends = _bars(data, tr, resource)
    published = reference_rows("C1", "memory_bytes", used["platform"], tr, in_bytes,
                               lambda ref, x: bound(ref, lambda v: tr.bytes_iec(v, trim=True), tr)) if resource == "memory" else pd.DataFrame()
    if not published.empty:
        published["x"] = published["x"] / MIB
        order = [*order, *published["label"]]
    domain = [tr(PART_LABELS[p]) for p in parts]
    whole_used, whole = _bars(data.whole, tr, resource)  # the axis spans every platform's bar, also on one slide's part
    whole_published = reference_rows("C1", "memory_bytes", whole_used["platform"], tr, in_bytes,
                                     lambda ref, x: bound(ref, lambda v: tr.bytes_iec(v, trim=True), tr)) if resource == "memory" else pd.DataFrame()
    x_max = max([float(whole["x"].max()) if not whole.empty else 0.0,
                 *(whole_published["x"] / MIB if not whole_published.empty else ()), 1.0])
    x_scale = alt.Scale(domain=[0, x_max * 2.4], nice=False, zero=True)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=11))
    bars = (
        alt.Chart(used[["label", "part_label", "x", "x2"]])
        .mark_bar(height=ROW_HEIGHT * 0.6, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("x:Q", scale=x_scale, title=title, axis=alt.Axis(grid=True, tickCount=5)),
            x2="x2:Q",
            y=y,
            color=alt.Color(
                "part_label:N",
                scale=alt.Scale(domain=domain, range=[PART_COLOURS[p] for p in parts]),
                sort=domain,
                legend=alt.Legend(title=None, orient="bottom", symbolType="square", labelLimit=260) if legend else None,
            ),
        )
    )
    app = used[used["part"] == "app"][["label", "x2"]]
    marker = (  # the application's own share is often a sliver: a dark cap at its end keeps it in sight
        alt.Chart(app).mark_tick(thickness=3, size=ROW_HEIGHT * 0.6, color=PART_COLOURS["app"])
        .encode(x=alt.X("x2:Q", scale=x_scale), y=y)
    )
    labels = (
        alt.Chart(ends)
        .mark_text(align="left", dx=6, fontSize=10.5, color="#222222")
        .encode(x=alt.X("x:Q", scale=x_scale), y=y, text="text:N")
    )
    layers = [bars, marker, labels, *row_layers(published, x_scale, y)]
    return alt.layer(*layers).properties(width=WIDTH, height=ROW_HEIGHT * len(order))


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = labelled(_values(data), data.datasets, tr, data.multi)
    order = list(dict.fromkeys(frame["label"]))
    parts = [p for p in PARTS if p != "spare" and p in set(frame["part"])]
    titles = {
        "memory": tr("Memory (PSS, MiB), median over the samples"),
        "cpu": tr("CPU, % of the host's capacity, median over the samples"),
    }
    resources = [r for r in titles if r in set(frame["resource"])]
    panels = [
        _panel(data, tr, r, titles[r], order, parts, legend=i == 0) for i, r in enumerate(resources)
    ]
    return alt.vconcat(*panels, spacing=14).resolve_scale(color="shared")


def table(data: ChartInput, tr: Translator) -> DataTable:
    summary = data.summary.assign(_res=data.summary["resource"].map({"memory": 0, "cpu": 1}))
    series = order_rows(summary.drop_duplicates([*GROUP_KEYS, "resource"]), data.datasets, extra=("_res",))
    failures = bool((summary["failures"] > 0).any())
    keys = (*(("dataset",) if data.multi else ()), "platform", "resource", *PART_KEYS.values(), "n",
            *(("failures",) if failures else ()))
    header = {
        "dataset": tr("Dataset"), "platform": tr("Platform"), "resource": tr("Resource"),
        **{PART_KEYS[p]: tr(PART_HEADERS[p]) for p in PARTS}, "n": tr("Samples"), "failures": tr("Failed samples"),
    }
    by_key = {tuple(r[k] for k in (*GROUP_KEYS, "resource", "part")): r for r in summary.to_dict("records")}
    out = []
    for s in series.to_dict("records"):
        memory = s["resource"] == "memory"
        parts = {p: by_key.get((*(s[k] for k in GROUP_KEYS), s["resource"], p)) for p in PARTS}
        cells = {
            "dataset": Cell(str(s["dataset"])),
            "platform": Cell(row_label(s, tr, False)),
            "resource": Cell(tr("memory") if memory else tr("CPU")),
            **{PART_KEYS[p]: _part_cell(tr, r, memory) for p, r in parts.items()},
            "n": Cell(tr.integer(max(int(r["n"]) for r in parts.values() if r)),
                      float(max(int(r["n"]) for r in parts.values() if r))),
            "failures": Cell(tr.integer(max(int(r["failures"]) for r in parts.values() if r)),
                             float(max(int(r["failures"]) for r in parts.values() if r))),
        }
        ident = tuple((k, str(s[k])) for k in ("dataset", "platform", "accelerator", "resource"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "One running instance per platform: memory (PSS) and CPU per part, median over the samples with the "
            "confidence interval in brackets; spare with its share of the host (memory: of the host's total; "
            "CPU: of all cores over the sampling window)."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def _part_cell(tr: Translator, r: dict | None, memory: bool) -> Cell:
    if r is None or r["n"] == 0:
        return Cell("—")

    def amount(value: float) -> str:
        return tr.number(value / MIB) if memory else _percent(tr, value).rstrip("%")

    text = tr.units.mib(float(r["median"])) if memory else _percent(tr, float(r["median"]))
    low, high = amount(float(r["low"])), amount(float(r["high"]))
    if r["part"] == "spare" and memory:
        text = f"{tr.bytes_iec(float(r['median']))} ({_share(tr, float(r['share']))})"
    elif r["part"] != "spare" and low != high:
        text += f" ({low}–{high})"
    if r.get("stand_in") is True:
        text += " " + tr("(stand-in: the bare process's figure)")
    return Cell(text, float(r["median"]))


def _figures(data: ChartInput, dataset: str) -> dict[tuple[str, str, str], dict]:
    """(platform, resource, part) -> summary row (median, low, high, accelerator), for one dataset."""
    frame = _values(data)
    frame = frame[frame["dataset"] == dataset]
    return {(r["platform"], r["resource"], r["part"]): r for r in frame.to_dict("records")}


def describe(data: ChartInput, tr: Translator) -> str:
    parts = []
    for label, group in labelled(_values(data), data.datasets, tr, data.multi).groupby("label", sort=False):
        mem = group[group["resource"] == "memory"]
        mem = mem.iloc[mem["part"].map({p: i for i, p in enumerate(PARTS)}).argsort(kind="stable")]
        items = [
            tr("{part} {value}").format(part=tr(PART_LABELS[p]), value=tr.units.mib(float(v)))  # as the table: MiB
            for p, v in zip(mem["part"], mem["median"])
        ]
        parts.append(tr("{series}: {items}").format(series=label, items=", ".join(items)))
    return tr(
        "Stacked horizontal bars, one per platform, of the memory and CPU one running instance takes, split "
        "into the application, the platform's overhead and the container engine shared by all containers; "
        "the host's spare memory and CPU are written beside each bar. Memory medians: {values}."
    ).format(values="; ".join(parts))


def passage(data: ChartInput, tr: Translator) -> str:
    return per_dataset(data, lambda dataset: _passage_one(_figures(data, dataset), tr),
                       tr("Not enough platforms were measured to compare their overhead."))


def _passage_one(f: dict[tuple[str, str, str], dict], tr: Translator) -> str:
    vm = f.get(("vm", "memory", "platform"))
    ct = f.get(("container", "memory", "platform"))
    engine = f.get(("container", "memory", "engine"))
    if vm is None and ct is None:
        return ""
    said = []
    if vm is not None:
        said.append(tr("the VM's platform (QEMU, guest kernel and OS) took {value} of memory").format(
            value=tr.bytes_iec(float(vm["median"]))))
    if ct is not None:
        said.append(tr("the container's runtime shim {value}, plus {engine} for the engine daemons shared by "
                       "every container on the host").format(value=tr.bytes_iec(float(ct["median"])),
                                                               engine=tr.bytes_iec(float(engine["median"]) if engine else 0.0)))
    text = tr("Beside one running instance, {figures}; a bare process has no platform layer.").format(
        figures="; ".join(said))
    if vm is None or ct is None:
        return text + " " + tr("The deck draws a VM's hypervisor and guest OS as overhead a container does not "
                               "carry; this dataset lacks one of the two to compare.")
    return f"{text} {verdict_sentence(vm, ct, engine, tr)}"


DEFINITION = register(
    ChartDef(
        chart_id="C1",
        title=N_("Overhead on the same hardware"),
        caption=N_(
            "What one running instance of the workload takes on the same host, per platform: the application "
            "itself, the platform's overhead (a VM's QEMU, guest kernel and OS; a container's runtime shim) and "
            "the container engine, which all containers share; the host's spare memory and CPU are written "
            "beside each bar (slide 2: resources for one application vs spare resources on the same H/W)."
        ),
        no_data=N_(
            "No overhead measurements: the overhead suite is not in {datasets}, so this chart is not drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
