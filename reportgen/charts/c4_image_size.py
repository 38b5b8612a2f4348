"""C4: image size per platform, stacked by layer role (slide 7: VM templates are huge; slide 10: container
images are small, in layers).

What "the image" is, per platform, as the image suite measures it:
- container: the image's layers, sized by the engine (`image_bytes`, what
  `docker images` adds up), each with a role (base OS, runtime, app; or one
  imported root filesystem);
- vm: the files a VM boots from: kernel, initramfs and disk images;
- process: the files the bare process runs (its binary and the paths its
  command line names).
Process and VM files are sized by their apparent length
(`image_apparent_bytes`); the blocks they take on disk
(`image_allocated_bytes`) are in the table. Sizes are exact: no CI.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from collector.dataset import exact_groups
from reportgen.load.summaries import GROUP_KEYS, details, rows
from reportgen.charts.common import MIB, bytes_cell, exact_bytes, labelled, ratio_text, size_unit
from reportgen.charts.base import ChartDef, ChartInput, order_rows, per_dataset, register, row_label
from reportgen.charts.verdicts import CONFIRMED, CONTRADICTED, Verdict, sentence

METRICS = ("image_bytes", "image_apparent_bytes", "image_allocated_bytes")
KEYS = (*GROUP_KEYS, "role", "instance")

ROLE_LABELS: dict[str, str] = {
    "base_os": N_("base OS layer"),
    "rootfs": N_("root filesystem (one imported layer)"),
    "runtime": N_("runtime layer"),
    "app": N_("application"),
    "kernel": N_("guest kernel"),
    "initramfs": N_("initramfs"),
    "disk": N_("disk image"),
    "unknown": N_("unnamed part"),
}
ROLE_COLOURS: dict[str, str] = {
    "base_os": "#7c8aa3",
    "rootfs": "#9aa5b8",
    "runtime": "#3aa387",
    "app": "#3a4a63",
    "kernel": "#ec9448",
    "initramfs": "#f6c08f",
    "disk": "#c8540c",
    "unknown": "#b0b0b0",
}
ROLE_ORDER = tuple(ROLE_LABELS)

WIDTH = 430
ROW_HEIGHT = 32


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C4", METRICS, ("instance", "detail"))
    columns = [*KEYS, "n", "value", "low", "high", "varies", "failures", "errors", "allocated", "what", "metric"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = details(frame, "file", "created_by")
    frame["role"] = frame["phase"].map(lambda p: p if isinstance(p, str) and p else "unknown")
    # The engine's own sizes for a container's layers when it has them; file lengths otherwise.
    engine = frame[frame["metric"] == "image_bytes"].groupby(["dataset", "platform"]).size()
    frame["size_metric"] = [
        "image_bytes" if (d, p) in engine.index else "image_apparent_bytes"
        for d, p in zip(frame["dataset"], frame["platform"])
    ]
    sizes = frame[frame["metric"] == frame["size_metric"]]
    summary = exact_groups(sizes, KEYS)
    allocated = exact_groups(frame[frame["metric"] == "image_allocated_bytes"], KEYS)
    allocated = allocated[allocated["n"] > 0][[*KEYS, "value"]].rename(columns={"value": "allocated"})
    first = frame.drop_duplicates(list(KEYS))
    what = pd.DataFrame(
        {
            **{k: first[k] for k in KEYS},
            "what": [_what(f, c) for f, c in zip(first["file"], first["created_by"])],
            "metric": first["size_metric"],
        }
    )
    summary = summary.merge(allocated, on=list(KEYS), how="left").merge(what, on=list(KEYS), how="left")
    return summary[columns]


def _what(file: object, created_by: object) -> str:
    """Which file or build step a part is: a file name, or the layer's build step (shortened)."""
    if isinstance(file, str) and file:
        return file
    if isinstance(created_by, str) and created_by:
        text = created_by.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ").strip()
        text = re.sub(r"([0-9a-f]{12})[0-9a-f]+", r"\1…", text)  # content hashes: 12 hex digits, as docker shows
        return text if len(text) <= 40 else text[:39] + "…"
    return "—"


def _role_rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def _stacks(data: ChartInput, tr: Translator) -> pd.DataFrame:
    """One segment per (series, role): bytes summed over the role's layers or files, stacked bottom-up."""
    frame = labelled(data.measured, data.datasets, tr, data.multi)
    grouped = (
        frame.groupby(["label", "platform", "role"], sort=False)
        .agg(bytes=("value", "sum"), first=("instance", "min"))
        .reset_index()
    )
    grouped["rank"] = [(_role_rank(r) if p != "container" else 0, i) for r, p, i in
                       zip(grouped["role"], grouped["platform"], grouped["first"])]
    position = {label: i for i, label in enumerate(dict.fromkeys(frame["label"]))}
    grouped["_o"] = grouped["label"].map(position)
    grouped = grouped.sort_values(["_o", "rank"], kind="stable").drop(columns="_o")
    grouped["x2"] = grouped.groupby("label", sort=False)["bytes"].cumsum() / MIB
    grouped["x"] = grouped["x2"] - grouped["bytes"] / MIB
    grouped["role_label"] = [tr(ROLE_LABELS.get(r, ROLE_LABELS["unknown"])) for r in grouped["role"]]
    return grouped


def _totals(data: ChartInput) -> pd.DataFrame:
    """Total bytes per (dataset, platform, accelerator)."""
    return data.measured.groupby(list(GROUP_KEYS), sort=False)["value"].sum().rename("total").reset_index()


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    stacks = _stacks(data, tr)
    order = list(dict.fromkeys(labelled(data.measured, data.datasets, tr, data.multi)["label"]))
    roles = sorted(set(stacks["role"]), key=_role_rank)
    domain = [tr(ROLE_LABELS.get(r, ROLE_LABELS["unknown"])) for r in roles]
    ends = stacks.groupby("label", sort=False).agg(x=("x2", "max"), b=("bytes", "sum")).reset_index()
    ends["text"] = [exact_bytes(tr, b) for b in ends["b"]]
    x_max = float(ends["x"].max()) if not ends.empty else 1.0
    x_scale = alt.Scale(domain=[0, max(x_max * 1.9, 0.01)], nice=False, zero=True)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=11))
    bars = (
        alt.Chart(stacks[["label", "role_label", "x", "x2"]])
        .mark_bar(height=ROW_HEIGHT * 0.6, stroke="white", strokeWidth=0.8)
        .encode(
            x=alt.X("x:Q", scale=x_scale, title=tr("Size (MiB)"), axis=alt.Axis(grid=True, tickCount=6)),
            x2="x2:Q",
            y=y,
            color=alt.Color(
                "role_label:N",
                scale=alt.Scale(domain=domain, range=[ROLE_COLOURS.get(r, "#b0b0b0") for r in roles]),
                sort=domain,
                legend=alt.Legend(title=tr("Part of the image"), orient="bottom", columns=3, symbolType="square",
                                  labelLimit=240),
            ),
        )
    )
    labels = (
        alt.Chart(ends[["label", "x", "text"]])
        .mark_text(align="left", dx=6, fontSize=10.5, color="#222222")
        .encode(x=alt.X("x:Q", scale=x_scale), y=y, text="text:N")
    )
    return alt.layer(bars, labels).properties(width=WIDTH, height=ROW_HEIGHT * len(order))


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = data.summary.assign(_role=[_role_rank(r) for r in data.summary["role"]])
    frame = order_rows(frame, data.datasets, extra=("instance", "_role"))
    failures = bool((frame["failures"] > 0).any())
    keys = (*(("dataset",) if data.multi else ()), "platform", "role", "what", "bytes", "allocated", *(("failures",) if failures else ()))
    header = {
        "dataset": tr("Dataset"), "platform": tr("Platform"), "role": tr("Part"), "what": tr("File or layer"),
        "bytes": tr("Size"), "allocated": tr("On disk"), "failures": tr("Failed"),
    }
    totals = order_rows(_totals(data), data.datasets)
    measured = frame[frame["n"] > 0]
    size_in = size_unit(measured["value"], totals["total"])  # one unit per column
    allocated_in = size_unit(frame["allocated"])
    out = []
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        size = bytes_cell(tr, r["value"], size_in) if has else Cell("—")
        if has and r["varies"]:
            size = Cell(tr("{value} (varied {low}–{high})").format(
                value=size.text, low=tr.integer(r["low"]), high=tr.integer(r["high"])), size.value)
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "platform": Cell(row_label(r, tr, False)),
            "role": Cell(tr(ROLE_LABELS.get(str(r["role"]), str(r["role"])))),
            "what": Cell(str(r["what"]) if isinstance(r["what"], str) else "—"),
            "bytes": size,
            "allocated": bytes_cell(tr, r["allocated"], allocated_in),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator", "role", "instance"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    for t in totals.to_dict("records"):
        cells = {
            "dataset": Cell(str(t["dataset"])),
            "platform": Cell(row_label(t, tr, False)),
            "role": Cell(tr("total")),
            "what": Cell(""),
            "bytes": bytes_cell(tr, t["total"], size_in),
            "allocated": Cell(""),
            "failures": Cell(""),
        }
        ident = tuple((k, str(t[k])) for k in ("dataset", "platform", "accelerator")) + (("role", "total"),)
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Each part of each platform's image, in exact bytes: a container layer's size as the engine counts "
            "it, a file's length for the process and VM; beside it the space its blocks take on disk. The last "
            "rows are each platform's total."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def describe(data: ChartInput, tr: Translator) -> str:
    stacks = _stacks(data, tr)
    parts = []
    for label, group in stacks.groupby("label", sort=False):
        items = ", ".join(
            tr("{part} {value}").format(part=r, value=tr.bytes_iec(b)) for r, b in zip(group["role_label"], group["bytes"])
        )
        parts.append(tr("{series}: {total} ({items})").format(
            series=label, total=exact_bytes(tr, float(group["bytes"].sum())), items=items))
    return tr(
        "Stacked horizontal bars, one per platform, of the image it runs from, split into its parts: {values}."
    ).format(values="; ".join(parts))


def passage(data: ChartInput, tr: Translator) -> str:
    totals = _totals(data)

    def one(dataset: str) -> str:
        mine = totals[totals["dataset"] == dataset]
        return _passage_one({r["platform"]: float(r["total"]) for r in mine.to_dict("records")}, tr)

    return per_dataset(data, one, tr("Not enough platforms were measured to compare image sizes."))


def _passage_one(size: dict[str, float], tr: Translator) -> str:
    vm, ct = size.get("vm"), size.get("container")
    figures = [
        tr("{platform} {value}").format(platform=tr(name), value=tr.bytes_iec(size[p]))
        for p, name in (("vm", N_("VM")), ("container", N_("container")), ("process", N_("bare process")))
        if p in size
    ]
    if not figures:
        return ""
    text = tr("Measured image sizes: {figures}.").format(figures=", ".join(figures))
    if vm is None or ct is None:
        return text
    return image_verdict(vm, ct, text, tr)


CLAIM = N_("VM images are large, container images are small")
"""Slides 7 and 10 of the deck, as one claim the sizes can test."""


def image_verdict(vm: float, ct: float, detail: str, tr: Translator) -> str:
    """Exact sizes: the VM's image larger than the container's confirms the claim, else contradicts it."""
    ratio = vm / max(ct, 1.0)
    by = tr("{ratio} (VM image ÷ container image)").format(ratio=ratio_text(tr, ratio))
    return sentence(tr, Verdict(CONFIRMED if vm > ct else CONTRADICTED, by, "exact_sizes"), tr(CLAIM), detail)


DEFINITION = register(
    ChartDef(
        chart_id="C4",
        title=N_("Image size per platform"),
        caption=N_(
            "What each platform runs from, in bytes, stacked by part: a container image's layers (base OS, "
            "runtime, application), a VM's kernel, initramfs and disk, the bare process's own files. The figure "
            "at the end of each bar is the exact total (slides 7 and 10)."
        ),
        no_data=N_("No image sizes: the image suite is not in {datasets}, so this chart is not drawn."),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        passage=passage,
    )
)
