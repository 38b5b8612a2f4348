"""What the charts of the suites beyond startup (C1, C4, C6-C11) share: formats, scales, table cells.

Exact metrics (bytes, counts) are shown exactly: the integer as measured,
with a readable IEC size beside bytes, never a confidence interval.
Sampled metrics (durations, memory over time) are medians with a CI, as in
C3. Deck figures are references, drawn grey and labelled as the deck's.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import altair as alt
import pandas as pd

from collector.dataset import duration_unit, iec_unit
from reportgen.charts.base import colour_scale, order_rows, row_label
from reportgen.i18n.catalogs import Translator
from reportgen.pages.contexts import Cell

MIB = 1 << 20
"""Bytes in a MiB, for axes drawn in MiB."""


def exact_bytes(tr: Translator, value: float, unit: str | None = None) -> str:
    """`12,345,678 B (11.8 MiB)`: the exact count of bytes, and its size for people (in `unit` if given)."""
    return tr.units.exact_bytes(value, unit=unit)


def bytes_cell(tr: Translator, value: float | None, unit: str | None = None) -> Cell:
    """Exact bytes; `unit` (size_unit of the column) keeps a column's sizes in one IEC unit."""
    if value is None or pd.isna(value):
        return Cell("—")
    return Cell(exact_bytes(tr, float(value), unit), float(value), exact_bytes(tr, float(value)))


def size_unit(*columns: Iterable[object]) -> str:
    """The one IEC unit of a table column of sizes (bytes): that of its largest value; missing values ignored."""
    values = [float(v) for column in columns for v in column if v is not None and not pd.isna(v)]
    return iec_unit(values)


def count_cell(tr: Translator, value: float | None) -> Cell:
    if value is None or pd.isna(value):
        return Cell("—")
    return Cell(tr.integer(round(value)), float(value))


def seconds_cell(tr: Translator, value: float | None, unit: str | None = None) -> Cell:
    """A duration; `unit` (collector.dataset.duration_unit of the column) keeps a column in one unit."""
    if value is None or pd.isna(value):
        return Cell("—")
    return Cell(tr.seconds(float(value), unit=unit), float(value), tr.seconds(float(value)))


def column_units(frame: pd.DataFrame, keys: Iterable[str]) -> dict[str, str]:
    """The one duration unit of each column `keys` of `frame`, over its measured rows."""
    measured = frame[frame["n"] > 0] if "n" in frame and not frame.empty else frame
    return {k: duration_unit(measured[k]) if not measured.empty else "s" for k in keys}


def mib_cell(tr: Translator, value: float | None) -> Cell:
    """A sampled memory figure (bytes) shown in MiB; the exact bytes stay in the cell's value."""
    if value is None or pd.isna(value):
        return Cell("—")
    return Cell(tr.units.mib(float(value)), float(value))


def exact_text(tr: Translator, row: Mapping[str, object], fmt) -> str:
    """An exact figure; when repetitions disagreed, `median (min–max)` so the reader is told."""
    text = fmt(float(row["value"]))
    if row.get("varies"):
        text = tr("{value} (varied {low}–{high})").format(
            value=text, low=fmt(float(row["low"])), high=fmt(float(row["high"]))
        )
    return text


def platform_colour(field: str = "platform", present: Iterable[object] = ()) -> alt.Color:
    """Colour by platform; `present`: the platforms the chart draws, so their variants get their own shades."""
    return alt.Color(f"{field}:N", scale=colour_scale(present), legend=None)


def labelled(frame: pd.DataFrame, datasets: tuple[str, ...], tr: Translator, multi: bool, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows in reading order with a `label` column (platform, plus dataset when several)."""
    out = order_rows(frame, datasets, extra=extra).copy()
    out["label"] = [row_label(r, tr, multi) for r in out.to_dict("records")]
    return out


def series_list(tr: Translator, parts: Iterable[str]) -> str:
    """`a, b and c` in the reader's language."""
    items = [p for p in parts if p]
    if len(items) <= 1:
        return "".join(items)
    return tr("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def ratio_text(tr: Translator, value: float, *, trim: bool = False) -> str:
    """`×2.4`: how many times a figure is of another; `trim` for a published figure (no digits it did not give)."""
    return tr.units.ratio(value, trim=trim)
