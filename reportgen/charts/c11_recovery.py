"""C11: auto scaling and self-healing (deck bullet: containers scale and heal themselves; physical servers
and VMs do not): scale-out time 1 → N and recovery time after a kill, per platform.

The recovery suite measures, per repetition, `scale_out_s` (with one
instance ready, N−1 more are requested at once; seconds until the last is
ready) and `recover_s` (SIGKILL of the instance's main process from the
host until it is ready again). `detail.restarted_by` says who brought it
back: the engine's restart policy for a container, the collector itself
(no supervisor) for a process or VM. Medians with their 95% CI.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from collector.dataset import median_groups
from reportgen.load.summaries import GROUP_KEYS, details, max_int, rows
from reportgen.rendering.render_svg import FONT_FAMILY
from reportgen.charts.common import column_units, labelled, platform_colour, ratio_text, seconds_cell
from reportgen.charts.verdicts import Verdict, ci_change, combine, sentence
from reportgen.charts.base import ChartDef, ChartInput, duration_axis, order_rows, per_dataset, register, row_label

MEASURES: dict[str, str] = {"scale_out_s": N_("Scale-out from 1 to N"), "recover_s": N_("Recovery after a kill")}
KEYS = (*GROUP_KEYS, "metric")
RESTARTERS: dict[str, str] = {"engine": N_("the engine (restart policy)"), "collector": N_("the collector (no supervisor)")}

WIDTH = 250
ROW_HEIGHT = 40


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C11", tuple(MEASURES), ("detail",))
    columns = [*KEYS, "n", "median", "low", "high", "level", "failures", "errors", "instances", "restarted_by"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = details(frame, "n", "restarted_by")
    summary = median_groups(frame, KEYS)
    facts = frame.groupby(list(KEYS), dropna=False).agg(
        instances=("n", max_int),
        restarted_by=("restarted_by", lambda s: ", ".join(sorted({v for v in s if isinstance(v, str)}))),
    ).reset_index()
    return summary.merge(facts, on=list(KEYS), how="left")[columns]


def _frame(data: ChartInput, tr: Translator) -> pd.DataFrame:
    frame = labelled(data.measured, data.datasets, tr, data.multi)
    frame["text"] = [tr.seconds(v) for v in frame["median"]]
    return frame


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = _frame(data, tr)
    order = list(dict.fromkeys(frame["label"]))
    lo = float(frame["low"].min()) / 2.5
    hi = float(frame["high"].max()) * 8
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    panels = []
    for i, (metric, title) in enumerate(MEASURES.items()):
        part = frame[frame["metric"] == metric]
        if part.empty:
            continue
        n = int(part["instances"].max()) if metric == "scale_out_s" else 0
        heading = tr("Scale-out from 1 to {n}").format(n=tr.integer(n)) if n else tr(title)
        y = alt.Y("label:N", sort=order, title=None,
                  axis=alt.Axis(labelLimit=220, labelFontSize=11) if not panels else None)
        base = alt.Chart(part[["label", "platform", "median", "low", "high", "text"]])
        panels.append(alt.layer(
            base.mark_rule(strokeWidth=2.5).encode(
                x=alt.X("low:Q", scale=x_scale, axis=duration_axis(lo, hi, tr, tr("seconds (log scale)"))),
                x2="high:Q", y=y, color=platform_colour(present=frame["platform"])),
            *(base.mark_tick(thickness=2, size=ROW_HEIGHT * 0.45).encode(  # CI caps, visible however narrow
                x=alt.X(f"{end}:Q", scale=x_scale), y=y, color=platform_colour(present=frame["platform"])) for end in ("low", "high")),
            base.mark_point(filled=False, size=80, opacity=1, strokeWidth=2).encode(
                x=alt.X("median:Q", scale=x_scale), y=y, color=platform_colour(present=frame["platform"])),
            base.mark_text(align="left", dx=8, dy=-9, fontSize=10.5, color="#222222").encode(
                x=alt.X("high:Q", scale=x_scale), y=y, text="text:N"),
        ).properties(width=WIDTH, height=ROW_HEIGHT * len(order), title=alt.TitleParams(
            heading, font=FONT_FAMILY, fontSize=11.5, fontWeight=700, anchor="start")))
    return alt.hconcat(*panels, spacing=16)


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = data.summary.assign(_m=data.summary["metric"].map({m: i for i, m in enumerate(MEASURES)}))
    frame = order_rows(frame, data.datasets, extra=("_m",))
    failures = bool((frame["failures"] > 0).any())
    keys = (*(("dataset",) if data.multi else ()), "platform", "measure", "n", "median", "low", "high", "by",
            *(("failures",) if failures else ()))
    header = {
        "dataset": tr("Dataset"), "platform": tr("Platform"), "measure": tr("Measure"), "n": tr("Runs"),
        "median": tr("Median"), "low": tr("CI low"), "high": tr("CI high"), "by": tr("Brought back by"),
        "failures": tr("Failed runs"),
    }
    out = []
    units = column_units(frame, ("median", "low", "high"))  # one unit per column
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        measure = tr(MEASURES.get(str(r["metric"]), str(r["metric"])))
        if r["metric"] == "scale_out_s" and r["instances"]:
            measure = tr("Scale-out from 1 to {n}").format(n=tr.integer(r["instances"]))
        by = ", ".join(tr(RESTARTERS.get(b.strip(), b.strip())) for b in str(r["restarted_by"] or "").split(",") if b.strip())
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "measure": Cell(measure),
            "n": Cell(tr.integer(r["n"]), float(r["n"])),
            **{k: seconds_cell(tr, r[k], units[k]) if has else Cell("—") for k in ("median", "low", "high")},
            "by": Cell(by or "—"),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator", "metric"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Scale-out time (from one ready instance until N are ready) and recovery time (from killing the "
            "instance's main process until it is ready again): median with its confidence interval (CI), "
            "and who brought the instance back."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    frame = _frame(data, tr)
    parts = []
    for metric, title in MEASURES.items():
        part = frame[frame["metric"] == metric]
        if not part.empty:
            parts.append(tr("{measure}: {values}").format(measure=tr(title), values=", ".join(
                tr("{series} {value}").format(series=r["label"], value=r["text"]) for r in part.to_dict("records"))))
    return tr(
        "Two dot plots on a log scale of seconds, one row per platform, each a median with its confidence "
        "interval: {values}."
    ).format(values="; ".join(parts))


def passage(data: ChartInput, tr: Translator) -> str:
    measured = data.measured

    def one(dataset: str) -> str:
        mine = measured[measured["dataset"] == dataset].to_dict("records")
        return _passage_one({(r["platform"], r["metric"]): r for r in mine}, tr)

    return per_dataset(data, one, tr("No platform's scale-out or recovery was measured."))


def _passage_one(mine: dict[tuple[str, str], dict], tr: Translator) -> str:
    names = {"process": N_("bare process"), "container": N_("container"), "vm": N_("VM")}
    said = []
    scale = [(p, mine[(p, "scale_out_s")]) for p in names if (p, "scale_out_s") in mine]
    if scale:
        n = max(int(r["instances"] or 0) for _, r in scale)
        said.append(tr("Scaling out from 1 to {n} instances took {figures}.").format(
            n=tr.integer(n), figures=", ".join(tr("{value} ({platform})").format(
                value=tr.seconds(r["median"]), platform=tr(names[p])) for p, r in scale)))
    recover = {p: mine[(p, "recover_s")] for p in names if (p, "recover_s") in mine}
    if recover:
        said.append(tr("After a kill, an instance was ready again in {figures}.").format(
            figures=", ".join(tr("{value} ({platform})").format(value=tr.seconds(r["median"]), platform=tr(names[p]))
                              for p, r in recover.items())))
    if not said:
        return ""
    ct = recover.get("container")
    healed = None
    if ct is not None:
        healed = "engine" in str(ct["restarted_by"])
        said.append(tr("The container came back by itself, restarted by the engine.") if healed
                    else tr("The container was not restarted by the engine."))
        faster = [p for p, r in recover.items() if p != "container" and r["median"] < ct["median"]]
        if faster:
            said.append(tr("The {platforms} came back faster only because the collector relaunched right away; "
                           "with no supervisor on the host, nothing would have relaunched on its own.").format(
                platforms=", ".join(tr(names[p]) for p in faster)))
    if scale:
        said.append(tr("The collector asked for the new instances on every platform: the figures show how fast "
                       "each platform adds instances, not whether it scales on its own."))
    sc = {p: r for p, r in scale}
    if "container" not in sc or "vm" not in sc:
        return " ".join(said)
    return verdict_sentence(sc["container"], sc["vm"], recover, healed, " ".join(said), tr)


CLAIM = N_("containers scale out faster than VMs and heal themselves (whether they scale on their own is "
             "not tested here)")


def _sooner(a: dict, b: dict) -> bool:
    """a's 95% CI lies wholly below b's."""
    return ci_change(b["low"], b["high"], a["low"], a["high"]) == "lower"


def verdict_sentence(ct: dict, vm: dict, recover: dict[str, dict], healed: bool | None, detail: str,
                     tr: Translator) -> str:
    """Parts: the container scaled out sooner than the VM (CIs), came back sooner after a kill (CIs), and was
    restarted by the engine itself (exact)."""
    parts: list[bool | None] = [_sooner(ct, vm)]
    if "container" in recover and "vm" in recover:
        parts.append(_sooner(recover["container"], recover["vm"]))
    parts.append(healed)
    lines = [tr("Containers scaled out sooner than VMs: the CIs do not overlap.") if parts[0] else
             tr("Containers did not scale out clearly sooner than VMs: the CIs overlap or are reversed.")]
    if len(parts) == 3:
        lines.append(tr("After a kill, containers were ready again sooner than VMs: the CIs do not overlap.")
                     if parts[1] else tr("After a kill, containers were not clearly ready again sooner than VMs: "
                                         "the CIs overlap or are reversed."))
    ratio = vm["median"] / ct["median"] if ct["median"] else float("inf")
    by = tr("{ratio} (VM scale-out ÷ container scale-out)").format(ratio=ratio_text(tr, ratio))
    return sentence(tr, Verdict(combine(parts), by, "ci"), tr(CLAIM), " ".join([detail, *lines]))


DEFINITION = register(
    ChartDef(
        chart_id="C11",
        title=N_("Scale-out and recovery"),
        caption=N_(
            "Left: seconds from one ready instance until N are ready when N−1 more are requested at once. Right: "
            "seconds from killing an instance's main process until it is ready again; a container is restarted "
            "by the engine's restart policy, a process or VM by the collector, as nothing else would (deck: "
            "containers scale and heal themselves). Dot: median; line: CI; log scale."
        ),
        no_data=N_(
            "No scale-out or recovery measurements: the recovery suite is not in {datasets}, so this chart is not "
            "drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
