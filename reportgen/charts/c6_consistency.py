"""C6: environment drift (slide 9): how many distinct environments N instances end with after doing the
same work.

The consistency suite starts N instances per platform, each doing the same
work (writing files, changing a config), and fingerprints each one's
environment afterwards (`distinct_fingerprints`, a count per repetition):
- vm: sha256 of each VM's own disk copy (cloned VMs, changed on their own);
- container: sha256 of the image's layer digests (writes go to each
  container's upper layer, `upper_layer_bytes`, and leave the image as is);
- process: one host folder all instances share; `detail.mutated` says the
  work changed it.
Counts are exact: no CI; if repetitions disagree the table says so.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from collector.dataset import deck_platform_of, exact_groups
from reportgen.load.summaries import GROUP_KEYS, details, max_int, rows
from reportgen.charts.common import count_cell, exact_bytes, labelled, platform_colour
from reportgen.charts.verdicts import Verdict, combine, sentence
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

METRICS = ("distinct_fingerprints", "disk_changed", "upper_layer_bytes", "fingerprint")
SUBJECTS: dict[str, str] = {
    "process": N_("one host folder shared by all instances"),
    "container": N_("the image's layers"),
    "vm": N_("each VM's own disk"),
}

WIDTH = 430
ROW_HEIGHT = 40


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C6", METRICS, ("repetition", "instance", "detail"))
    columns = [*GROUP_KEYS, "n", "value", "low", "high", "varies", "failures", "errors", "instances", "mutated",
               "changed", "upper_bytes", "layers_unchanged"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = details(frame, "n", "mutated", "layers_unchanged")
    distinct = frame[frame["metric"] == "distinct_fingerprints"]
    summary = exact_groups(distinct, GROUP_KEYS)
    keys = list(GROUP_KEYS)
    extra = distinct.groupby(keys, dropna=False).agg(
        instances=("n", max_int),
        mutated=("mutated", lambda s: any(v is True for v in s)),
    ).reset_index()
    changed = frame[(frame["metric"] == "disk_changed") & frame["ok"]].groupby(keys, dropna=False)["value"].median()
    upper = frame[(frame["metric"] == "upper_layer_bytes") & frame["ok"]].groupby(keys, dropna=False)["value"].median()
    prints = frame[(frame["metric"] == "fingerprint") & (frame["platform"] == "container") & frame["ok"]]
    unchanged = prints.groupby(keys, dropna=False)["layers_unchanged"].agg(lambda s: all(v is True for v in s))
    summary = summary.merge(extra, on=keys, how="left")
    summary = summary.merge(changed.rename("changed").reset_index(), on=keys, how="left")
    summary = summary.merge(upper.rename("upper_bytes").reset_index(), on=keys, how="left")
    summary = summary.merge(unchanged.rename("layers_unchanged").reset_index(), on=keys, how="left")
    return summary[columns]


def distinct_text(distinct: float, instances: int, tr: Translator, after_work: bool = False) -> str:
    """How many distinct environments N instances ended with, said as a reader would: "all 3 identical"
    rather than "1 distinct of 3", "all 3 different" rather than "3 distinct of 3"."""
    if after_work:
        texts = (tr("all {n} identical after the same work"), tr("all {n} different after the same work"),
                 tr("{distinct} distinct of {n} after the same work"))
    else:
        texts = (tr("all {n} identical"), tr("all {n} different"), tr("{distinct} distinct of {n} instances"))
    return _counted(distinct, instances, tr, texts)


def _frame(data: ChartInput, tr: Translator) -> pd.DataFrame:
    frame = labelled(data.measured, data.datasets, tr, data.multi)
    frame["text"] = [
        distinct_text(v, n, tr) for v, n in zip(frame["value"], frame["instances"])
    ]
    shared = (frame["platform"] == "process") & (frame["mutated"] == True)  # noqa: E712 (object column)
    frame.loc[shared, "text"] = frame.loc[shared, "text"] + " · " + tr("the shared folder was changed")
    return frame


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    frame = _frame(data, tr)
    order = list(frame["label"])
    n_max = max(int(frame["instances"].max()), int(frame["value"].max()), 1)
    x_scale = alt.Scale(domain=[0, n_max * 1.9], nice=False, zero=True)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=11))
    axis = alt.Axis(values=list(range(0, n_max + 1)), format="d", grid=True,
                    title=tr("Distinct environment fingerprints after the same work"))
    base = alt.Chart(frame[["label", "platform", "value", "instances", "text"]])
    outline = base.mark_bar(height=ROW_HEIGHT * 0.62, fill="white", stroke=REFERENCE_COLOUR, strokeDash=[3, 2]).encode(
        x=alt.X("instances:Q", scale=x_scale, axis=axis), y=y
    )
    bars = base.mark_bar(height=ROW_HEIGHT * 0.62).encode(
        x=alt.X("value:Q", scale=x_scale), y=y, color=platform_colour(present=frame["platform"])
    )
    labels = base.mark_text(align="left", dx=6, fontSize=10.5, color="#222222").encode(
        x=alt.X("instances:Q", scale=x_scale), y=y, text="text:N"
    )
    return alt.layer(outline, bars, labels).properties(width=WIDTH, height=ROW_HEIGHT * len(order))


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = order_rows(data.summary, data.datasets)
    failures = bool((frame["failures"] > 0).any())
    keys = (*(("dataset",) if data.multi else ()), "platform", "subject", "instances", "distinct", "repetitions",
            "change", *(("failures",) if failures else ()))
    header = {
        "dataset": tr("Dataset"), "platform": tr("Platform"), "subject": tr("Fingerprint of"),
        "instances": tr("N"), "distinct": tr("Distinct"), "repetitions": tr("Repetitions"),
        "change": tr("Change"), "failures": tr("Failed repetitions"),
    }
    out = []
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        distinct = count_cell(tr, r["value"]) if has else Cell("—")
        if has and r["varies"]:
            distinct = Cell(tr("{value} (varied {low}–{high})").format(
                value=distinct.text, low=tr.integer(r["low"]), high=tr.integer(r["high"])), distinct.value)
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "subject": Cell(tr(SUBJECTS.get(deck_platform_of(str(r["platform"])), str(r["platform"])))),  # a variant: its family's
            "instances": count_cell(tr, r["instances"]),
            "distinct": distinct,
            "repetitions": Cell(tr.integer(r["n"]), float(r["n"])),
            "change": Cell(_change(r, tr)),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Distinct fingerprints among the N instances after the same work, per platform (an exact count; "
            "the median over repetitions when there are several), and what the work changed."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def _change(r: dict, tr: Translator) -> str:
    platform = deck_platform_of(str(r["platform"]))  # crun, Podman and gVisor are containers, microvm a VM
    if platform == "vm" and pd.notna(r.get("changed")):
        return tr("{changed} of {n} disks changed").format(changed=tr.integer(r["changed"]), n=tr.integer(r["instances"]))
    if platform == "container" and pd.notna(r.get("upper_bytes")):
        text = tr("writes stayed in each container's own layer ({bytes})").format(bytes=exact_bytes(tr, r["upper_bytes"]))
        if r.get("layers_unchanged") is True:
            text += "; " + tr("image layers unchanged")
        return text
    if platform == "process":
        return tr("the shared folder was changed") if r.get("mutated") is True else tr("the shared folder is unchanged")
    return "—"


def describe(data: ChartInput, tr: Translator) -> str:
    frame = _frame(data, tr)
    parts = [tr("{series}: {text}").format(series=r["label"], text=r["text"]) for r in frame.to_dict("records")]
    return tr(
        "Horizontal bars, one per platform, of how many distinct environments the instances ended with after "
        "the same work, drawn inside a dashed outline as long as the number of instances: {values}."
    ).format(values="; ".join(parts))


def passage(data: ChartInput, tr: Translator) -> str:
    return per_dataset(data, lambda dataset: _passage_one(by_platform(data, dataset), tr), tr("No platform's environments were fingerprinted."))


def _counted(distinct: float, instances: int, tr: Translator, texts: tuple[str, str, str]) -> str:
    """`distinct` of `instances` said with the first of `texts` (all identical), the second (all different)
    or the third (some distinct, with `{distinct}` and `{n}`)."""
    d, n = int(round(distinct)), int(instances)
    text = texts[0] if n > 1 and d == 1 else texts[1] if n > 1 and d == n else texts[2]
    return text.format(n=tr.integer(n), distinct=tr.integer(d))


def _passage_one(mine: dict[str, dict], tr: Translator) -> str:
    said = []
    vm, ct, proc = mine.get("vm"), mine.get("container"), mine.get("process")
    if vm:
        said.append(_counted(vm["value"], vm["instances"], tr, (
            tr("all {n} VMs kept identical disks"), tr("all {n} VMs ended with different disks"),
            tr("{n} VMs ended with {distinct} distinct disk(s)"))))
    if ct:
        said.append(_counted(ct["value"], ct["instances"], tr, (
            tr("all {n} containers kept one identical image fingerprint"),
            tr("all {n} containers ended with different image fingerprints"),
            tr("{n} containers with {distinct} distinct image fingerprint(s)"))))
        if pd.notna(ct.get("upper_bytes")):  # the image cannot drift by design: say where the writes went
            said.append(tr("each container's writes ({bytes}) went to a layer of its own, removed with it, so the "
                           "next one starts from the unchanged image").format(bytes=exact_bytes(tr, ct["upper_bytes"])))
    if proc:
        said.append(tr("the bare processes shared one host folder, which the work changed")
                    if proc.get("mutated") is True else tr("the bare processes shared one host folder"))
    if not said:
        return ""
    text = tr("After the same work, {figures}.").format(figures="; ".join(said))
    if not vm or not ct:
        return text
    return verdict_sentence(vm, ct, text, tr)


CLAIM = N_("VMs drift apart after they are created; containers keep their image's environment")


def verdict_sentence(vm: dict, ct: dict, detail: str, tr: Translator) -> str:
    """Exact counts of distinct fingerprints: the VMs drifted (more than one) and the containers did not (one)."""
    drifted, kept = vm["value"] > 1, ct["value"] <= 1
    by = tr("{vm} distinct disk fingerprint(s) among {n} VMs, {ct} image fingerprint(s) among {m} containers").format(
        vm=tr.integer(int(round(vm["value"]))), n=tr.integer(int(vm["instances"])),
        ct=tr.integer(int(round(ct["value"]))), m=tr.integer(int(ct["instances"])))
    return sentence(tr, Verdict(combine([drifted, kept]), by, "exact"), tr(CLAIM), detail)


DEFINITION = register(
    ChartDef(
        chart_id="C6",
        title=N_("Environment drift after the same work"),
        caption=N_(
            "N instances per platform did the same work; then each one's environment was fingerprinted: a VM's "
            "own disk, where its changes stay; a container's image layers, which its writes never touch (they go "
            "to a layer of its own, removed with it, so the next container starts from the image); the host folder "
            "the bare processes share. Bar: distinct fingerprints; dashed outline: the number of instances, the "
            "most there could be (slide 9)."
        ),
        no_data=N_(
            "No environment fingerprints: the consistency suite is not in {datasets}, so this chart is not drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
