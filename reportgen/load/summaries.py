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

import json
from dataclasses import dataclass
from typing import Iterable, Sequence

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


# Helpers for the suites beyond startup (C1, C4, C6-C11) --------------------------------------


GROUP_KEYS: tuple[str, ...] = ("dataset", "platform", "accelerator")
"""What every per-platform summary groups by first."""


def rows(samples: pa.Table, chart_id: str, metrics: Sequence[str], columns: Sequence[str] = ()) -> pd.DataFrame:
    """Non-warm-up rows of `chart_id` whose metric is one of `metrics`, as plain pandas columns.

    Always has the group keys, `metric`, `phase`, `value`, `ok` and `error`,
    plus `columns`; dictionary columns become object columns with None for null.
    """
    mask = pc.and_(
        pc.and_(pc.equal(samples["chart_id"], chart_id), pc.is_in(samples["metric"], pa.array(list(metrics)))),
        pc.invert(samples["warmup"]),
    )
    wanted = list(dict.fromkeys([*GROUP_KEYS, "metric", "phase", "value", "ok", "error", *columns]))
    frame = samples.filter(mask).select(wanted).to_pandas()
    for name in wanted:
        if frame[name].dtype == object or str(frame[name].dtype) == "category":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def details(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    """`frame` with one column per `detail` JSON key (None where absent or unreadable)."""
    parsed = [_parse(d) for d in frame["detail"]] if "detail" in frame and len(frame) else []
    out = frame.copy()
    for key in keys:
        out[key] = [p.get(key) for p in parsed] if parsed else pd.Series(dtype=object)
    return out


def _parse(text: object) -> dict:
    if not isinstance(text, str) or not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def failures(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Per group of `by`: failed rows and their distinct error texts (only groups with failures)."""
    bad = frame.loc[~frame["ok"].astype(bool)]
    if bad.empty:
        return pd.DataFrame(columns=[*by, "failures", "errors"])
    grouped = bad.groupby(list(by), sort=True, dropna=False)
    return pd.DataFrame(
        {
            "failures": grouped.size(),
            "errors": grouped["error"].agg(lambda s: tuple(sorted({str(e) for e in s if e}))),
        }
    ).reset_index()


def with_failures(summary: pd.DataFrame, frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """`summary` (one row per group, with `n`) joined with the group's failures; failed-only groups get n = 0."""
    fails = failures(frame, by)
    merged = summary.merge(fails, on=list(by), how="outer")
    merged["n"] = merged["n"].fillna(0).astype(int)
    merged["failures"] = merged["failures"].fillna(0).astype(int)
    merged["errors"] = [e if isinstance(e, tuple) else () for e in merged["errors"]]
    return merged.sort_values(list(by), kind="stable", key=_sort_key).reset_index(drop=True)


def _sort_key(column: pd.Series) -> pd.Series:
    return column.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))


def exact_summary(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Exact metrics (bytes, counts): per group the value itself, not a median with a CI.

    A group normally holds one value per repetition, all equal; `value` is
    then that value and `varies` false. When repetitions disagree, `value`
    is their median, `low`/`high` the smallest and largest, and `varies` true,
    so a reader is told rather than shown one of them.
    """
    good = frame.loc[frame["ok"].astype(bool)]
    records = []
    for key, group in good.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        values = group["value"].to_numpy(dtype=float)
        records.append(
            {
                **dict(zip(by, key)),
                "n": int(values.size),
                "value": float(np.median(values)),
                "low": float(values.min()),
                "high": float(values.max()),
                "varies": bool(values.min() != values.max()),
            }
        )
    summary = pd.DataFrame.from_records(records, columns=[*by, "n", "value", "low", "high", "varies"])
    return with_failures(summary, frame, by)


def median_frame(frame: pd.DataFrame, by: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Median and its CI per group of an already selected frame (as median_summary does for a Selection)."""
    good = frame.loc[frame["ok"].astype(bool)]
    records = []
    for key, group in good.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        ci = median_ci(group["value"].to_numpy(dtype=float), level=level)
        records.append({**dict(zip(by, key)), "n": ci.n, "median": ci.median, "low": ci.low, "high": ci.high})
    summary = pd.DataFrame.from_records(records, columns=[*by, "n", "median", "low", "high"])
    return with_failures(summary, frame, by)


def nearest_rank(values: np.ndarray, q: float) -> float:
    """The q-quantile by the nearest-rank rule: the smallest sample with at least q of the samples at or below it."""
    x = np.sort(np.asarray(values, dtype=float))
    rank = max(1, int(np.ceil(q * x.size)))
    return float(x[rank - 1])


def latency_summary(frame: pd.DataFrame, by: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Per group: p50 (the median, with its CI) and p99 (nearest rank) of every sample pooled."""
    good = frame.loc[frame["ok"].astype(bool)]
    records = []
    for key, group in good.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        values = group["value"].to_numpy(dtype=float)
        ci = median_ci(values, level=level)
        records.append(
            {**dict(zip(by, key)), "n": ci.n, "p50": ci.median, "low": ci.low, "high": ci.high,
             "p99": nearest_rank(values, 0.99)}
        )
    summary = pd.DataFrame.from_records(records, columns=[*by, "n", "p50", "low", "high", "p99"])
    return with_failures(summary, frame, by)


def numbers(values: Iterable[object]) -> list[float]:
    """The finite numbers among detail values (None, NaN, text and booleans left out)."""
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)]


def max_int(values: Iterable[object], default: int = 0) -> int:
    """The largest finite number among detail values, as an int; `default` when there is none."""
    found = numbers(values)
    return int(max(found)) if found else default
