"""Pure statistics over the tidy sample table: no I/O, no charts, no text.

Filtering and grouping are vectorised (pyarrow compute, pandas group
indices); the only Python loop runs over groups (datasets x platforms x
phases, a handful), calling `collector.dataset.median_ci` so the report
prints the same medians and intervals as the collector does.

Rules every summary follows:
- warm-up samples (`warmup` true) are left out of everything;
- failed samples (`ok` false) are left out of medians and counted as failures;
- a group with failures but no successful sample is kept with n = 0 and no
  median, so readers see that it was attempted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset import median_ci

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
        pc.and_(pc.equal(samples["chart_id"], sel.chart_id), pc.equal(samples["metric"], sel.metric)),
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
    ok = frame["ok"].to_numpy(dtype=bool)

    good = frame.loc[ok, [*keys, "value"]]
    values = good["value"].to_numpy(dtype=float)
    rows: dict[tuple, dict] = {}
    for key, positions in good.groupby(keys, sort=True, dropna=False).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        ci = median_ci(values[positions], level=level)
        rows[key] = {"n": ci.n, "median": ci.median, "low": ci.low, "high": ci.high, "level": ci.level}

    bad = frame.loc[~ok, [*keys, "error"]]
    failures = bad.groupby(keys, sort=True, dropna=False).size() if len(bad) else pd.Series(dtype=int)
    errors = (
        bad.groupby(keys, sort=True, dropna=False)["error"].agg(lambda s: tuple(sorted(set(s.dropna()))))
        if len(bad)
        else pd.Series(dtype=object)
    )
    for key, count in failures.items():
        key = key if isinstance(key, tuple) else (key,)
        row = rows.setdefault(key, {"n": 0, "median": np.nan, "low": np.nan, "high": np.nan, "level": level})
        row["failures"] = int(count)
        row["errors"] = errors[key if len(keys) > 1 else key[0]]

    records = [
        {**dict(zip(keys, key)), "failures": 0, "errors": (), **row}
        for key, row in sorted(rows.items(), key=lambda item: tuple("" if k is None else str(k) for k in item[0]))
    ]
    return pd.DataFrame.from_records(records, columns=columns)


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
