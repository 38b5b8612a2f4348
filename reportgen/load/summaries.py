"""Selections of the tidy sample table for the charts: which rows, grouped how, details unpacked.

The statistics themselves (medians, CIs, failures, exactness) are
`collector.dataset.statistics`, the same the collector, the site and
`reportgen diff` use; this module only cuts the tidy table into the frames
they take. Filtering is vectorised (pyarrow compute).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset import categorical_frame, median_groups, texts_in

SUMMARY_COLUMNS: tuple[str, ...] = ("n", "median", "low", "high", "level", "failures", "errors")
"""Columns every median summary has after its group keys."""


@dataclass(frozen=True)
class Selection:
    """Which samples a summary covers (one chart id and metric) and what it groups them by."""

    chart_id: str
    metric: str
    by: tuple[str, ...]


def select(samples: pa.Table, sel: Selection) -> pa.Table:
    """Non-warm-up rows of `sel.chart_id`/`sel.metric`, with the group keys, value, ok and error."""
    mask = pc.and_(
        pc.and_(texts_in(samples["chart_id"], [sel.chart_id]), texts_in(samples["metric"], [sel.metric])),
        pc.invert(samples["warmup"]),
    )
    return samples.filter(mask).select([*sel.by, "value", "ok", "error"])


def median_summary(samples: pa.Table, sel: Selection, level: float = 0.95) -> pd.DataFrame:
    """One row per group: n, median, CI bounds at `level`, failure count and distinct error texts."""
    table = select(samples, sel)
    keys = list(sel.by)
    columns = [*keys, *SUMMARY_COLUMNS]
    if table.num_rows == 0:
        return pd.DataFrame(columns=columns)
    frame = table.to_pandas()
    for key in keys:
        frame[key] = frame[key].astype(object).where(frame[key].notna(), None)
    summary = median_groups(frame, keys, level)  # `level`: what each interval covers (less below 6 samples)
    return summary[columns]


def phase_chain(
    summary: pd.DataFrame, chain_keys: tuple[str, ...], known_order: Sequence[str] = ()
) -> pd.DataFrame:
    """Turn per-phase median *end* times into consecutive segments, one chain per `chain_keys` group.

    Phases are ordered by their median end (every sample's ends rise along
    its chain, so their medians do too), ties broken by `known_order` (two
    phases can end at the same instant: a container "started" and "ready"
    when the workload signals at once); phase k then spans from the end of
    phase k-1 (0 for the first) to its own end. Adds `order`, `start`, `end`
    and `duration`; phases without a median are kept with no segment.
    """
    if summary.empty:
        return summary.assign(order=[], start=[], end=[], duration=[])
    frame = summary.copy()
    frame["end"] = frame["median"]
    rank = {phase: i for i, phase in enumerate(known_order)}
    frame["_rank"] = frame["phase"].map(lambda p: rank.get(p, len(rank)))
    frame = frame.sort_values([*chain_keys, "end", "_rank"], kind="stable", na_position="last")
    frame = frame.drop(columns="_rank")
    previous_end = frame.groupby(list(chain_keys), sort=False, dropna=False)["end"].shift(1)
    frame["start"] = previous_end.fillna(0.0).where(frame["end"].notna())
    frame["start"] = np.minimum(frame["start"], frame["end"])
    frame["duration"] = frame["end"] - frame["start"]
    frame["order"] = frame.groupby(list(chain_keys), sort=False, dropna=False).cumcount()
    return frame.reset_index(drop=True)


# Helpers for the suites beyond startup (C1, C4, C6-C11) --------------------------------------


GROUP_KEYS: tuple[str, ...] = ("dataset", "platform", "accelerator")
"""What every per-platform summary groups by first."""


def rows(samples: pa.Table, chart_id: str, metrics: Sequence[str], columns: Sequence[str] = ()) -> pd.DataFrame:
    """Non-warm-up rows of `chart_id` whose metric is one of `metrics`, as plain pandas columns.

    Always has the group keys, `metric`, `phase`, `value`, `ok` and `error`,
    plus `columns`. The group keys and `metric` and `phase` are sorted categoricals (collector.dataset.frames:
    they group as their strings would, by integer codes); other text columns are objects with None for null.
    """
    mask = pc.and_(
        pc.and_(texts_in(samples["chart_id"], [chart_id]), texts_in(samples["metric"], list(metrics))),
        pc.invert(samples["warmup"]),
    )
    wanted = list(dict.fromkeys([*GROUP_KEYS, "metric", "phase", "value", "ok", "error", *columns]))
    table = samples.filter(mask).select(wanted)
    keys = [name for name in (*GROUP_KEYS, "metric", "phase") if pa.types.is_dictionary(table[name].type)]
    frame = categorical_frame(table.select(keys))  # what charts group by: sorted categoricals (frames.py)
    rest = table.drop_columns(keys).to_pandas()
    for name in rest.columns:
        if rest[name].dtype == object or str(rest[name].dtype) == "category":
            rest[name] = rest[name].astype(object).where(rest[name].notna(), None)
    for name in wanted:
        if name not in frame:
            frame[name] = rest[name]
    return frame[wanted]


def details(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    """`frame` with one column per `detail` JSON key (None where absent or unreadable).

    Each distinct detail text is parsed once: a fleet repeats the same few thousand over millions of rows.
    """
    out = frame.copy()
    if "detail" not in frame or not len(frame):
        for key in keys:
            out[key] = pd.Series(dtype=object)
        return out
    codes, distinct = pd.factorize(frame["detail"].astype(object), use_na_sentinel=True)  # no detail: code -1
    parsed = [parse_detail(text) for text in distinct]
    for key in keys:
        values = np.array([p.get(key) for p in parsed] + [None], dtype=object)  # code -1 reads the None
        out[key] = values[codes].tolist()
    return out


@lru_cache(maxsize=1 << 16)
def parse_detail(text: object) -> dict:
    """A sample's `detail` JSON as a dict; {} for anything else (a dataset is untrusted input).

    Cached: the same text gives the same (shared) dict, which callers read and never change.
    """
    if not isinstance(text, str) or not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def numbers(values: Iterable[object]) -> list[float]:
    """The finite numbers among detail values (None, NaN, text and booleans left out)."""
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)]


def as_numbers(values: pd.Series) -> np.ndarray:
    """Detail values as floats, NaN where not a finite number (None, text, booleans): `numbers`, row by row."""
    if values.dtype.kind in "iuf":
        found = values.to_numpy(dtype=float)
        return np.where(np.isfinite(found), found, np.nan)
    if values.dtype.kind == "b":
        return np.full(len(values), np.nan)
    return np.array([(numbers([v]) or [np.nan])[0] for v in values], dtype=float)


def max_int(values: Iterable[object], default: int = 0) -> int:
    """The largest finite number among detail values, as an int; `default` when there is none."""
    found = numbers(values)
    return int(max(found)) if found else default
