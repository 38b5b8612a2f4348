"""The end-of-run table: per suite, platform and metric, median and 95% CI of the measured samples."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
from rich.table import Table

from collector.dataset import Dataset, median_ci


EXACT_UNITS = ("bytes", "count")


def summary_table(ds: Dataset) -> Table:
    t = ds.samples
    t = t.filter(pc.invert(t.column("warmup")))
    t = t.set_column(t.schema.get_field_index("phase"), "phase", pc.fill_null(t.column("phase"), ""))
    table = Table(title=f"{ds.label}: median and 95% CI (warm-ups excluded)")
    for col in ("suite", "platform", "accel", "metric", "phase", "n", "failed", "median", "95% CI"):
        table.add_column(col, justify="right" if col in ("n", "failed", "median", "95% CI") else "left")
    groups = t.group_by(["suite", "platform", "accelerator", "metric", "unit", "phase"]).aggregate([]).to_pylist()
    for g in sorted(groups, key=lambda g: (g["suite"], g["metric"], g["platform"], g["phase"])):
        mask = pc.and_(
            pc.and_(pc.equal(t.column("suite"), g["suite"]), pc.equal(t.column("platform"), g["platform"])),
            pc.and_(
                pc.and_(pc.equal(t.column("metric"), g["metric"]), pc.equal(t.column("accelerator"), g["accelerator"])),
                pc.equal(t.column("phase"), g["phase"]),
            ),
        )
        rows = t.filter(mask)
        ok = rows.filter(rows.column("ok")).column("value").to_numpy()
        failed = rows.num_rows - len(ok)
        if len(ok) and g["unit"] in EXACT_UNITS:
            med, ci = _fmt(float(np.median(ok)), g["unit"]), "exact"
        elif len(ok):
            s = median_ci(ok)
            med, ci = _fmt(s.median, g["unit"]), f"{_fmt(s.low, g['unit'])} – {_fmt(s.high, g['unit'])}"
        else:
            med, ci = "—", "—"
        table.add_row(g["suite"], g["platform"], g["accelerator"], g["metric"], g["phase"], str(len(ok)), str(failed), med, ci)
    return table


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.0f} {unit}"
