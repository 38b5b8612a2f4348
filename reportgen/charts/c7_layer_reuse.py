"""C7: layer reuse (slide 10): disk used by K images that share a base layer vs the same K images built
standalone (one layer each, no sharing).

The image suite builds, for k = 1…K, the first k images of each set and
reads the engine's own accounting (`disk_used_bytes`: the bytes the k images
take together, each shared layer counted once); `image_size_sum_bytes` is
what adding up the images' listed sizes would claim, and
`disk_allocated_bytes` the blocks their overlay2 folders take (a `du`
cross-check). `detail.set` says which set, `detail.k` how many images.
Sizes are exact: no CI.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

from reportgen.i18n.catalogs import N_, Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from collector.dataset import exact_groups
from reportgen.load.summaries import GROUP_KEYS, details, rows
from reportgen.charts.common import MIB, bytes_cell, exact_bytes, size_unit
from reportgen.charts.base import ChartDef, ChartInput, all_not_applicable, order_rows, register
from reportgen.charts.verdicts import CONFIRMED, CONTRADICTED, Verdict, sentence

METRICS: dict[str, str] = {
    "disk_used_bytes": "used",
    "image_size_sum_bytes": "listed",
    "disk_allocated_bytes": "allocated",
}
SETS: dict[str, str] = {
    "shared": N_("K images sharing one base layer"),
    "standalone": N_("the same K images, standalone"),
}
SET_SHORT: dict[str, str] = {"shared": N_("shared base"), "standalone": N_("standalone")}
SET_COLOURS = {"shared": "#1b8a6b", "standalone": "#c8540c"}
KEYS = (*GROUP_KEYS, "set", "k")

WIDTH = 470
HEIGHT = 210


def summarise(samples: pa.Table) -> pd.DataFrame:
    frame = rows(samples, "C7", tuple(METRICS), ("instance", "detail"))
    columns = [*KEYS, "n", "value", "low", "high", "varies", "failures", "errors", "listed", "allocated", "app_bytes",
               "base_bytes"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = details(frame, "set", "k", "app_bytes", "base_bytes")
    frame["set"] = frame["set"].map(lambda s: s if isinstance(s, str) else "unknown")
    frame["k"] = [int(k) if isinstance(k, (int, float)) and k == k else int(i) + 1  # NaN: a row without k ("not applicable")
                  for k, i in zip(frame["k"], frame["instance"])]
    used = exact_groups(frame[frame["metric"] == "disk_used_bytes"], KEYS)
    for metric, name in (("image_size_sum_bytes", "listed"), ("disk_allocated_bytes", "allocated")):
        other = exact_groups(frame[frame["metric"] == metric], KEYS)
        other = other[other["n"] > 0][[*KEYS, "value"]].rename(columns={"value": name})
        used = used.merge(other, on=list(KEYS), how="left")
    facts = frame.dropna(subset=["app_bytes"]).drop_duplicates(list(KEYS))[[*KEYS, "app_bytes", "base_bytes"]]
    used = used.merge(facts, on=list(KEYS), how="left")
    return used[columns]


def _pairs(data: ChartInput) -> pd.DataFrame:
    """Per (dataset, platform, accelerator, k): disk used by the shared and by the standalone set."""
    m = data.measured
    wide = m.pivot_table(index=[*GROUP_KEYS, "k"], columns="set", values="value", aggfunc="first").reset_index()
    for name in SETS:
        if name not in wide:
            wide[name] = float("nan")
    return wide


def draw(data: ChartInput, tr: Translator) -> alt.TopLevelMixin:
    m = data.measured[data.measured["set"].isin(list(SETS))].copy()
    m["set_label"] = [tr(SETS[s]) for s in m["set"]]
    if data.multi:
        m["set_label"] = m["set_label"] + " · " + m["dataset"]
    m["mib"] = m["value"] / MIB
    m["text"] = [exact_bytes(tr, v) for v in m["value"]]
    domain = list(dict.fromkeys(m.sort_values("set", key=lambda s: s.map({"shared": 0, "standalone": 1}))["set_label"]))
    colours = [SET_COLOURS["shared" if label.startswith(tr(SETS["shared"])) else "standalone"] for label in domain]
    k_max = int(m["k"].max())
    x = alt.X("k:Q", title=tr("Number of images K"), scale=alt.Scale(domain=[0.8, k_max + 0.9], nice=False),
              axis=alt.Axis(values=list(range(1, k_max + 1)), format="d", grid=False))
    y = alt.Y("mib:Q", title=tr("Disk used by the K images (MiB)"), scale=alt.Scale(zero=True),
              axis=alt.Axis(grid=True, tickCount=6))
    colour = alt.Color("set_label:N", scale=alt.Scale(domain=domain, range=colours), sort=domain,
                       legend=alt.Legend(title=None, orient="bottom", columns=1, labelLimit=420, symbolType="stroke"))
    base = alt.Chart(m[["k", "mib", "set_label", "text", "dataset"]])
    dash = alt.StrokeDash("dataset:N", legend=None, sort=list(data.datasets)) if data.multi else alt.Undefined
    lines = base.mark_line(strokeWidth=2.2).encode(x=x, y=y, color=colour, strokeDash=dash)
    points = base.mark_point(filled=True, size=55, opacity=1).encode(x=x, y=y, color=colour)
    last = m[m["k"] == k_max]
    labels = (
        alt.Chart(last[["k", "mib", "set_label", "text"]])
        .mark_text(align="right", dx=-4, dy=-10, fontSize=10.5, color="#222222")
        .encode(x=x, y=y, text="text:N")
    )
    return alt.layer(lines, points, labels).properties(width=WIDTH, height=HEIGHT)


def table(data: ChartInput, tr: Translator) -> DataTable:
    frame = order_rows(data.summary, data.datasets, extra=("k", "set"))
    # a runtime the measurement does not apply to (it shares Docker's store) has no row: the notes say why
    frame = frame[pd.Series([not (n == 0 and all_not_applicable(errors)) for n, errors in zip(frame["n"], frame["errors"])],
                            index=frame.index, dtype=bool)]
    failures = bool((frame["failures"] > 0).any())
    keys = (*(("dataset",) if data.multi else ()), "k", "set", "used", "listed", "allocated", *(("failures",) if failures else ()))
    header = {
        "dataset": tr("Dataset"), "k": tr("K"), "set": tr("Images"), "used": tr("Disk used"),
        "listed": tr("Sum of sizes"), "allocated": tr("On disk (du)"),
        "failures": tr("Failed"),
    }
    units = {k: size_unit(frame[frame["n"] > 0]["value"] if k == "value" else frame[k])
             for k in ("value", "listed", "allocated")}  # one unit per column
    out = []
    for r in frame.to_dict("records"):
        has = r["n"] > 0
        cells = {
            "dataset": Cell(str(r["dataset"])),
            "k": Cell(tr.integer(r["k"]), float(r["k"])),
            "set": Cell(tr(SET_SHORT.get(str(r["set"]), str(r["set"])))),
            "used": bytes_cell(tr, r["value"], units["value"]) if has else Cell("—"),
            "listed": bytes_cell(tr, r["listed"], units["listed"]),
            "allocated": bytes_cell(tr, r["allocated"], units["allocated"]),
            "failures": Cell(tr.integer(r["failures"]), float(r["failures"])),
        }
        ident = tuple((k, str(r[k])) for k in ("dataset", "platform", "accelerator", "set", "k"))
        out.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr(
            "Disk used by the first K images of each set, in exact bytes, as the engine accounts for it (a "
            "shared layer counted once); beside it the sum of the images' listed sizes, which counts the shared "
            "base again for every image, and the blocks the layer folders take on disk."
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(out),
    )


def largest(data: ChartInput, dataset: str) -> dict | None:
    pairs = _pairs(data)
    pairs = pairs[(pairs["dataset"] == dataset)].dropna(subset=list(SETS))
    if pairs.empty:
        return None
    return pairs.sort_values("k").iloc[-1].to_dict()


def describe(data: ChartInput, tr: Translator) -> str:
    parts = []
    for dataset in data.datasets:
        row = largest(data, dataset)
        if row is None:
            continue
        parts.append(tr("with K = {k}, {shared} shared vs {standalone} standalone").format(
            k=tr.integer(row["k"]), shared=exact_bytes(tr, row["shared"]),
            standalone=exact_bytes(tr, row["standalone"])) + (f" ({dataset})" if data.multi else ""))
    return tr(
        "Line chart of the disk used by K container images against K, one line for images that share a base "
        "layer and one for the same images built standalone: {values}."
    ).format(values="; ".join(parts) or "—")


def passage(data: ChartInput, tr: Translator) -> str:
    texts = []
    for dataset in data.datasets:
        row = largest(data, dataset)
        if row is None:
            continue
        shared, standalone = float(row["shared"]), float(row["standalone"])
        text = tr("{k} images built on one shared base used {shared} of disk; the same {k} as standalone "
                  "images used {standalone}.").format(
            k=tr.integer(row["k"]), shared=tr.bytes_iec(shared), standalone=tr.bytes_iec(standalone))
        text = verdict_sentence(shared, standalone, text, tr)
        texts.append(f"{dataset}: {text}" if data.multi else text)
    return " ".join(texts) or tr("Neither set of images was measured completely, so no saving can be stated.")


CLAIM = N_("images that share a base layer store it once, so they take less disk")


def verdict_sentence(shared: float, standalone: float, detail: str, tr: Translator) -> str:
    """Exact bytes: sharing the base took less disk than standalone images (confirmed) or not (contradicted)."""
    change = abs(1 - shared / standalone) * 100 if standalone else 0.0
    kind = CONFIRMED if shared < standalone else CONTRADICTED
    by = (tr("{percent} less disk with the shared base") if kind == CONFIRMED else
          tr("{percent} more disk with the shared base")).format(percent=tr.units.percent(change))
    return sentence(tr, Verdict(kind, by, "exact_sizes"), tr(CLAIM), detail)


DEFINITION = register(
    ChartDef(
        chart_id="C7",
        title=N_("Layer reuse: shared base vs standalone images"),
        caption=N_(
            "Disk used by K container images that add one small application file each to the same base "
            "image, against the same K images built as standalone single-layer images. Shared layers are "
            "stored once, so the shared line rises only by each image's own layer (slide 10)."
        ),
        no_data=N_(
            "No layer-reuse measurements: the image suite's container images are not in {datasets}, so this "
            "chart is not drawn."
        ),
        summarise=summarise,
        draw=draw,
        table=table,
        describe=describe,
        expects=("container",),
        passage=passage,
    )
)
