"""The fleet view: per-host medians of the headline metrics side by side, hosts grouped by CPU and accelerator.

Shown when a build holds datasets from two or more hosts (a fleet's store
read as `reportgen build s3://BUCKET/PREFIX/`, or several datasets). One
row per host, one column per headline metric and platform; each cell is
the host's median and is shaded by its rank among the hosts (a heat map
that stays a table: 300 hosts make 300 rows, not 300 charts). Below it,
the spread across hosts per column (min, median, max of the hosts'
medians). With more than COMPACT_AT datasets the per-chart figures give way
to this view (one bar per host and platform would not be readable); C8
(portability) is still drawn, from every host.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

import pandas as pd

from collector.dataset import by_chart, spread
from reportgen.charts import c2_evidence, c2_matrix
from reportgen.charts.base import ChartInput
from reportgen.charts.c2_matrix import Evidence
from reportgen.i18n.catalogs import N_, Translator
from reportgen.i18n.vocab import PLATFORM_ORDER, platform_label
from reportgen.load.datasets import Loaded, host_name, manifest_get
from reportgen.load.summaries import Selection, median_summary
from reportgen.pages.contexts import (
    Cell,
    ChartBlock,
    DataTable,
    EvidenceLink,
    Methods,
    Provenance,
    Row,
)

COMPACT_AT = 8
"""More datasets than this: the charts give way to the fleet view (C8 is drawn from all hosts)."""

DRAWN_IN_FLEET = ("C8",)
"""Charts still drawn in a compact (many-host) build."""

SHADES = 5


@dataclass(frozen=True)
class Headline:
    """One headline metric of the fleet view: which samples, which phase, and how to name it."""

    key: str
    chart_id: str
    metric: str
    title: str
    phase: str | None = None
    sum_phases: bool = False
    """The figure is the sum of the per-phase medians (an image: kernel + initramfs, or its layers)."""


HEADLINES: tuple[Headline, ...] = (
    Headline("start_time", "C3", "start_time", N_("Start time")),
    Headline("instance_memory", "C9", "instance_memory", N_("Memory per instance"), phase="ready"),
    Headline("image_size", "C4", "image_apparent_bytes", N_("Image size"), sum_phases=True),
    Headline("density", "C9", "instances_ready", N_("Instances in the budget")),
    Headline("recovery", "C11", "recover_s", N_("Recovery after a kill")),
)


@dataclass(frozen=True)
class FleetCell:
    text: str
    value: float | None
    shade: int | None
    """0 (best of the hosts) to SHADES-1 (worst); None when the host has no figure."""


@dataclass(frozen=True)
class FleetColumn:
    key: str
    metric: str
    platform: str


@dataclass(frozen=True)
class FleetRow:
    host: str
    dataset: str
    cells: tuple[FleetCell, ...]


@dataclass(frozen=True)
class FleetGroup:
    label: str
    count: str
    rows: tuple[FleetRow, ...]


@dataclass(frozen=True)
class FleetSection:
    anchor: str
    title: str
    intro: str
    columns: tuple[FleetColumn, ...]
    groups: tuple[FleetGroup, ...]
    spread: DataTable
    c8_note: str


def hosts_of(loaded: Loaded) -> pd.DataFrame:
    """One row per dataset: its label, host name, CPU model, accelerator and group."""
    rows = []
    for d in loaded.datasets:
        cpu = str(manifest_get(d.manifest, "host", "cpu_model", default="") or "—")
        accel = str(manifest_get(d.manifest, "host", "accelerator", default="") or "—")
        rows.append({"dataset": d.label, "host": host_name(d.manifest), "cpu": cpu, "accelerator": accel,
                     "group": f"{cpu} · {accel.upper() if accel in ('kvm', 'tcg') else accel}"})
    return pd.DataFrame(rows, columns=["dataset", "host", "cpu", "accelerator", "group"])


def host_medians(loaded: Loaded) -> pd.DataFrame:
    """Per dataset, platform and headline: the host's median (the one statistics rule, collector.dataset)."""
    frames = []
    for h in HEADLINES:
        by = ("dataset", "platform", "phase") if h.phase or h.sum_phases else ("dataset", "platform")
        summary = median_summary(loaded.samples, Selection(h.chart_id, h.metric, by))
        summary = summary[summary["n"] > 0] if not summary.empty else summary
        if summary.empty:
            continue
        if h.phase:
            summary = summary[summary["phase"] == h.phase]
        if h.sum_phases:
            summary = summary.groupby(["dataset", "platform"], as_index=False, sort=True)["median"].sum()
        frames.append(summary[["dataset", "platform", "median"]].assign(key=h.key))
    if not frames:
        return pd.DataFrame(columns=["dataset", "platform", "median", "key"])
    return pd.concat(frames, ignore_index=True)


def _unit(h: Headline) -> str:
    m = by_chart(h.chart_id, h.metric)
    return m.unit if m else ""


def _better(h: Headline) -> str:
    m = by_chart(h.chart_id, h.metric)
    return m.better if m else "lower"


def _text(value: float, unit: str, tr: Translator) -> str:
    if unit == "s":
        return tr.seconds(value)
    if unit == "bytes":
        return tr.bytes_iec(value)
    return tr.integer(int(round(value))) if unit == "count" else tr.number(value)


def _shades(values: pd.Series, better: str) -> dict[str, int]:
    """Per dataset, the shade of its value: its rank among the hosts in SHADES bands, best first."""
    ranked = values.rank(method="min", ascending=better != "higher")
    n = len(values)
    return {d: min(SHADES - 1, int((r - 1) * SHADES // max(n, 1))) for d, r in ranked.items()}


def is_compact(datasets: tuple[str, ...]) -> bool:
    return len(datasets) > COMPACT_AT


def fleet_section(loaded: Loaded, tr: Translator) -> FleetSection | None:
    """The fleet view in `tr`'s language, or None for a build of one dataset."""
    if len(loaded.datasets) < 2:
        return None
    hosts = hosts_of(loaded)
    medians = host_medians(loaded)
    headlines = {h.key: h for h in HEADLINES}
    columns: list[tuple[Headline, str]] = [
        (h, p) for h in HEADLINES for p in PLATFORM_ORDER
        if not medians[(medians["key"] == h.key) & (medians["platform"] == p)].empty
    ]
    values: dict[tuple[str, str], pd.Series] = {}
    shades: dict[tuple[str, str], dict[str, int]] = {}
    for h, p in columns:
        col = medians[(medians["key"] == h.key) & (medians["platform"] == p)].set_index("dataset")["median"]
        values[(h.key, p)] = col
        shades[(h.key, p)] = _shades(col, _better(h))
    groups = []
    for label, members in hosts.sort_values(["group", "host", "dataset"], kind="stable").groupby("group", sort=True):
        rows = []
        for r in members.to_dict("records"):
            cells = []
            for h, p in columns:
                v = values[(h.key, p)].get(r["dataset"])
                cells.append(FleetCell(_text(float(v), _unit(h), tr), float(v), shades[(h.key, p)][r["dataset"]])
                             if v is not None else FleetCell("—", None, None))
            rows.append(FleetRow(str(r["host"]), str(r["dataset"]), tuple(cells)))
        groups.append(FleetGroup(str(label), tr("{n} hosts").format(n=tr.integer(len(rows))), tuple(rows)))
    return FleetSection(
        anchor="fleet",
        title=tr("Fleet: the hosts side by side"),
        intro=tr(
            "{hosts} datasets from {groups} set-ups (CPU model · VM accelerator). Each row is one host, each cell "
            "its median; the shade ranks the hosts per column, from green (best fifth) to orange (worst fifth). Below, the spread across hosts."
        ).format(hosts=tr.integer(len(loaded.datasets)), groups=tr.integer(len(groups))),
        columns=tuple(FleetColumn(f"{h.key}.{p}", tr(headlines[h.key].title), platform_label(p, "", tr, short=True))
                      for h, p in columns),
        groups=tuple(groups),
        spread=_spread_table(columns, values, tr),
        c8_note=tr("Portability (C8) is drawn from all {n} hosts.").format(n=tr.integer(len(loaded.datasets))),
    )


def _spread_table(columns: list[tuple[Headline, str]], values: dict[tuple[str, str], pd.Series],
                  tr: Translator) -> DataTable:
    rows = []
    for h, p in columns:
        col = values[(h.key, p)]
        lo, med, hi = spread(col.to_numpy())
        unit = _unit(h)
        cells = (Cell(tr(h.title)), Cell(platform_label(p, "", tr, short=True)), Cell(tr.integer(len(col)), float(len(col))),
                 Cell(_text(lo, unit, tr), lo), Cell(_text(med, unit, tr), med), Cell(_text(hi, unit, tr), hi),
                 Cell(tr.units.ratio(hi / lo), hi / lo) if lo > 0 else Cell("—"))
        rows.append(Row(cells, (("metric", h.key), ("platform", p))))
    return DataTable(
        caption=tr("Spread across hosts: per headline metric and platform, the lowest, median and highest of the "
                   "hosts' medians, and highest ÷ lowest."),
        columns=(tr("Metric"), tr("Platform"), tr("Hosts"), tr("Lowest"), tr("Median"), tr("Highest"),
                 tr("Highest ÷ lowest")),
        keys=("metric", "platform", "hosts", "min", "median", "max", "ratio"),
        rows=tuple(rows),
    )


def compact_block(chart_id: str, anchor: str, title: str, caption: str, data: ChartInput, tr: Translator) -> ChartBlock:
    """A chart of a many-host build: not drawn per host; the fleet view holds its headline figures."""
    return ChartBlock(
        chart_id=chart_id, anchor=anchor, title=title, caption=caption, alt="", svg=None, table=None,
        missing=tr("{n} datasets are in this build, too many for one bar per host: the fleet view shows every "
                   "host's medians of the headline metrics, grouped by CPU and accelerator, and their spread.").format(
            n=tr.integer(len(data.datasets))),
    )


def compact_methods(methods: Methods, loaded: Loaded, tr: Translator) -> Methods:
    """Methods of a many-host build: the per-dataset sentences (VM accelerator) become one count per accelerator."""
    labels = [d.label for d in loaded.datasets]
    general = tuple(p for p in methods.paragraphs if not any(label in p for label in labels))
    hosts = hosts_of(loaded)
    counts = tr("VMs ran under KVM hardware virtualisation on {kvm} of {n} datasets and under TCG, QEMU's software "
                "emulation, on {tcg}: TCG times are far longer than a KVM guest's. The fleet view groups the hosts "
                "by accelerator.").format(kvm=tr.integer(int((hosts["accelerator"] == "kvm").sum())),
                                          tcg=tr.integer(int((hosts["accelerator"] == "tcg").sum())),
                                          n=tr.integer(len(hosts)))
    return replace(methods, paragraphs=(*general[:-1], counts, *general[-1:]), datasets=())


def compact_provenance(provenance: Provenance, tr: Translator) -> Provenance:
    """Provenance of a many-host build: per dataset its files' checksums and host id (the artifacts' digests
    are C8's columns); every figure still traces back to one file by its sha256."""
    keep = {tr("Created"), tr("Samples"), tr("Host id")}
    return Provenance(tuple(replace(e, facts=tuple(f for f in e.facts if f.label in keep), artifacts=())
                            for e in provenance.entries))


def compact_evidence(tr_datasets: int) -> dict[tuple[str, str], tuple[Evidence, ...]]:
    """C2's evidence in a many-host build: per chart one link to the fleet view instead of a figure per dataset
    (C8's own evidence, already counted over the hosts, stays)."""
    def link(chart_id: str) -> Evidence:
        def evidence(inputs: Mapping[str, ChartInput], platform: str, tr: Translator) -> list[EvidenceLink]:
            return [EvidenceLink(chart_id, "#fleet", tr("{n} datasets: every host's figures in the fleet view").format(
                n=tr.integer(tr_datasets)))]
        return evidence

    charts = {c2_matrix._start_time: "C3", c2_matrix._boot_chain: "C5", c2_evidence.overhead: "C1",
              c2_evidence.density: "C9", c2_evidence.isolation: "C10", c2_evidence.scaling: "C11",
              c2_evidence.drift: "C6", c2_evidence.image_size: "C4", c2_evidence.layer_reuse: "C7"}
    return {key: tuple(link(charts[fn]) if fn in charts else fn for fn in fns) for key, fns in c2_matrix.EVIDENCE.items()}
