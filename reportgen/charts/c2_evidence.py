"""Measured figures behind the C2 matrix cells from the suites beyond startup (C1, C4, C6-C11).

Each function takes the charts' inputs, a platform and a Translator and
returns the evidence links for that cell: one per dataset that measured the
platform, "not measured" when the suite ran but lacked the platform, and
nothing at all when the suite is in no dataset (the chart says so itself).
matrix.EVIDENCE maps cells to these functions.
"""

from __future__ import annotations

from typing import Callable, Mapping

import pandas as pd

from reportgen.charts import ChartInput
from reportgen.i18n.catalogs import N_, Translator
from collector.dataset import deck_platform_of
from reportgen.pages.contexts import EvidenceLink
from reportgen.charts.common import ratio_text, size_unit
from reportgen.charts.c6_consistency import distinct_text

Figure = Callable[[dict, Translator], str]


def _links(
    inputs: Mapping[str, ChartInput], chart_id: str, platform: str, tr: Translator, figure: Figure,
    rows: Callable[[pd.DataFrame], pd.DataFrame] = lambda f: f,
) -> list[EvidenceLink]:
    data = inputs.get(chart_id)
    if data is None or data.summary.empty:
        return []
    measured = rows(data.measured) if not data.measured.empty else data.measured
    mine = measured[measured["platform"] == platform] if not measured.empty else measured
    links = []
    for dataset in data.datasets:
        for r in mine[mine["dataset"] == dataset].to_dict("records") if not mine.empty else []:
            text = figure(r, tr)
            if not text:
                continue
            if data.multi:
                text += f" · {dataset}"
            links.append(EvidenceLink(chart_id, f"#chart-{chart_id}", text))
    if not links:
        links.append(EvidenceLink(chart_id, "", tr("not measured")))
    return links


def overhead(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C1")
    if data is None or data.summary.empty:
        return []
    measured = data.measured
    memory = measured[(measured["resource"] == "memory") & (measured["platform"] == platform)] if not measured.empty else measured
    links = []
    for dataset, rows in memory.groupby("dataset", sort=False) if not memory.empty else []:
        part = {r["part"]: float(r["median"]) for r in rows.to_dict("records")}
        if platform == "process":
            text = tr("no platform layer")
        elif "platform" not in part:
            continue
        else:
            text = tr("platform overhead {value}").format(value=tr.bytes_iec(part["platform"]))
            if "engine" in part:
                text += " " + tr("(+{value} engine, shared)").format(value=tr.bytes_iec(part["engine"]))
        links.append(EvidenceLink("C1", "#chart-C1", text + (f" · {dataset}" if data.multi else "")))
    return links or [EvidenceLink("C1", "", tr("not measured"))]


def density(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    def figure(r: dict, tr: Translator) -> str:
        return tr("{count} fit in {budget}").format(
            count=tr.integer(round(r["value"])), budget=tr.bytes_iec(float(r["budget"])) if pd.notna(r["budget"]) else "—")

    return _links(inputs, "C9", platform, tr, figure)


def isolation(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C10")
    if data is None or data.summary.empty:
        return []
    from reportgen.charts.c10_isolation import pairs  # the chart's own pairing of alone and beside-hog runs

    links = []
    for p in pairs(data):
        if p["platform"] != platform:
            continue
        text = tr("victim median {ratio} beside a hog").format(ratio=ratio_text(tr, p["r50"]))
        if data.multi:
            text += f" · {p['dataset']}"
        links.append(EvidenceLink("C10", "#chart-C10", text))
    return links or [EvidenceLink("C10", "", tr("not measured"))]


def scaling(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    def figure(r: dict, tr: Translator) -> str:
        if r["metric"] == "scale_out_s":  # the deck's "automatic" is about who starts them: the collector, always
            return tr("scale-out to {n} in {value}, started by the collector").format(
                n=tr.integer(r["instances"] or 0), value=tr.seconds(r["median"]))
        by = tr("by the engine") if "engine" in str(r["restarted_by"]) else tr("by the collector")
        return tr("back after a kill in {value}, {by}").format(value=tr.seconds(r["median"]), by=by)

    order = {"scale_out_s": 0, "recover_s": 1}
    return _links(inputs, "C11", platform, tr, figure,
                  lambda f: f.sort_values("metric", key=lambda s: s.map(order), kind="stable"))


def portability(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C8")
    if data is None or data.summary.empty:
        return []
    summary = data.summary
    hosts = summary["host_id"].nunique()
    mine = summary[summary["platform"] == platform]
    if mine.empty:
        return [EvidenceLink("C8", "", tr("not measured"))]
    if hosts < 2:
        return [EvidenceLink("C8", "#chart-C8", _one_host(summary, platform, tr))]
    links = []
    for digest in dict.fromkeys(mine["artifact"]):
        rows = mine[mine["artifact"] == digest]
        ok = rows.loc[rows["verdict"] == "ran", "host_id"].nunique()
        links.append(EvidenceLink("C8", "#chart-C8", tr("{digest} ran on {ok} of {n} hosts").format(
            digest=str(digest).split(":")[-1][:12], ok=tr.integer(ok), n=tr.integer(hosts))))
    return links


ONE_HOST_RUNS = {
    "container": N_("the same image ran on {ok} of {n} runtimes of this one host; other hosts not tested"),
    "vm": N_("the same initramfs ran on {ok} of {n} machine types of this one host; other hosts not tested"),
}


def _one_host(summary: pd.DataFrame, platform: str, tr: Translator) -> str:
    """C8 on one host: how many of the family's set-ups ran the deck platform's own digest (as C8's verdict
    counts them: ran unless every run failed), or that portability was not tested where nothing is shared."""
    family = summary[summary["platform"].map(lambda p: deck_platform_of(str(p))) == platform]
    digests = set(summary.loc[summary["platform"] == platform, "artifact"])
    shared = family[family["artifact"].isin(digests)]
    if platform not in ONE_HOST_RUNS or shared["platform"].nunique() < 2:
        return tr("one host only: portability not tested")
    ran = shared.loc[shared["verdict"] != "failed", "platform"].nunique()
    return tr(ONE_HOST_RUNS[platform]).format(ok=tr.integer(ran), n=tr.integer(shared["platform"].nunique()))


def drift(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    def figure(r: dict, tr: Translator) -> str:
        return distinct_text(r["value"], r["instances"], tr, after_work=True)

    return _links(inputs, "C6", platform, tr, figure)


def image_size(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C4")
    if data is None or data.summary.empty:
        return []
    measured = data.measured
    mine = measured[measured["platform"] == platform] if not measured.empty else measured
    # one unit across the matrix row: every platform's image in the unit of the largest (742 KiB beside 1.89 MiB
    # would read as a smaller number for the smaller unit's sake)
    unit = size_unit(measured.groupby(["dataset", "platform"])["value"].sum()) if not measured.empty else None
    links = []
    for dataset, rows in mine.groupby("dataset", sort=False) if not mine.empty else []:
        text = tr("image {value}").format(value=tr.bytes_iec(float(rows["value"].sum()), unit=unit))
        links.append(EvidenceLink("C4", "#chart-C4", text + (f" · {dataset}" if data.multi else "")))
    return links or [EvidenceLink("C4", "", tr("not measured"))]


def layer_reuse(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    data = inputs.get("C7")
    if data is None or data.summary.empty or platform != "container":
        return []
    from reportgen.charts.c7_layer_reuse import largest

    links = []
    for dataset in data.datasets:
        row = largest(data, dataset)
        if row is None:
            continue
        text = tr("{k} images: {shared} shared vs {standalone} standalone").format(
            k=tr.integer(row["k"]), shared=tr.bytes_iec(row["shared"]), standalone=tr.bytes_iec(row["standalone"]))
        links.append(EvidenceLink("C7", "#chart-C7", text + (f" · {dataset}" if data.multi else "")))
    return links or [EvidenceLink("C7", "", tr("not measured"))]


def performance(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
    """Resource efficiency under load (C12): the platform's median ratio to the bare process over the benchmarks."""
    data = inputs.get("C12")
    if data is None or data.summary.empty:
        return []
    measured = data.measured
    mine = measured[(measured["platform"] == platform) & measured["perf"].notna()] if not measured.empty else measured
    links = []
    for (dataset, accelerator), rows in mine.groupby(["dataset", "accelerator"], sort=False) if not mine.empty else []:
        if platform == "process":
            text = tr("baseline of the load benchmarks")
        else:
            text = tr("under load {ratio} of the bare process (median of {n} benchmarks)").format(
                ratio=tr.number(float(rows["perf"].median()), 2), n=tr.integer(len(rows)))
            if accelerator in ("kvm", "tcg"):
                text += f" ({str(accelerator).upper()})"
        links.append(EvidenceLink("C12", "#chart-C12", text + (f" · {dataset}" if data.multi else "")))
    return links or [EvidenceLink("C12", "", tr("not measured"))]
