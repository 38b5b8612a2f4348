"""The end-of-run table: per suite, platform and metric, median and 95% CI of the measured samples."""

from __future__ import annotations

from rich.table import Table

from collector.dataset import Dataset, unit_groups, units, usable

KEYS = ("suite", "platform", "accelerator", "metric", "unit", "phase")


def summary_table(ds: Dataset) -> Table:
    """The collector's closing table, from the same statistics and number formats as the report (English)."""
    frame = usable(ds.samples.select([*KEYS, "value", "ok", "error", "warmup"]).to_pandas())
    frame["phase"] = frame["phase"].astype(object).where(frame["phase"].notna(), "")
    fmt = units("en")
    table = Table(title=f"{ds.label}: median and 95% CI (warm-ups excluded)")
    for col in ("suite", "platform", "accel", "metric", "phase", "n", "failed", "median", "95% CI"):
        table.add_column(col, justify="right" if col in ("n", "failed", "median", "95% CI") else "left")
    summary = unit_groups(frame, KEYS) if len(frame) else None
    records = [] if summary is None else summary.to_dict("records")
    for g in sorted(records, key=lambda g: (g["suite"], g["metric"], g["platform"], g["phase"])):
        if g["n"]:
            med = fmt.value(g["median"], g["unit"], g["exact"])
            ci = "exact" if g["exact"] else f"{fmt.value(g['low'], g['unit'], False)} – {fmt.value(g['high'], g['unit'], False)}"
        else:
            med, ci = "—", "—"
        table.add_row(g["suite"], g["platform"], g["accelerator"], g["metric"], g["phase"], str(g["n"]),
                      str(g["failures"]), med, ci)
    return table
