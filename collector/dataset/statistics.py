"""Statistics every reader of a dataset shares: medians with CIs, group summaries, exactness, Mann–Whitney.

Pure (arrays and data frames in, numbers out; no I/O, no text), and the
one home of these rules, so the collector's end-of-run table, the report,
the site's tables and `reportgen diff` print the same numbers for the same
samples. The rules:
- warm-up samples are left out of everything (`usable`);
- failed samples (`ok` false) are left out of medians and counted as
  failures; a group with failures only is kept with n = 0 and no median;
- exact metrics (bytes, counts: `is_exact`) are shown as measured, never as
  a median with a CI;
- two samples are judged different by a two-sided Mann–Whitney U test;
- one sample relative to another (a platform to the bare process) is the
  Hodges–Lehmann ratio with its Mann–Whitney confidence interval (`ratio_ci`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from collector.dataset import pairwise
from collector.dataset.metrics import EXACT_UNITS, find


def is_exact(unit: str, suite: str | None = None, metric: str | None = None) -> bool:
    """The exactness rule: a catalogued metric is exact if the catalogue says so; anything else by its unit."""
    entry = find(suite, metric) if suite is not None and metric is not None else None
    return entry.exact if entry is not None else unit in EXACT_UNITS


@dataclass(frozen=True)
class MedianCI:
    """Median of n samples and the order-statistic bounds that cover it with `level` confidence."""

    n: int
    median: float
    low: float
    high: float
    level: float = 0.95


def median_ci(values: np.ndarray | Sequence[float], level: float = 0.95) -> MedianCI:
    """Median and its CI from the binomial distribution of order statistics.

    For n samples the interval is [x_(j), x_(n-j+1)] with j the largest rank
    whose two-sided coverage is still at least `level`; below 6 samples no
    rank qualifies and the interval is the full range, whose coverage
    1 - 2 * 0.5**n (94% for 5 samples, 75% for 3) is then its `level`, so a
    reader is told the confidence the interval really has.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = int(x.size)
    if n == 0:
        raise ValueError("median of no samples")
    med = float(np.median(x))
    from scipy.stats import binom  # here, not at the top: scipy.stats takes 1.3 s to import, every CLI start paid it

    j = int(binom.ppf((1 - level) / 2, n, 0.5))  # 0-based rank of the lower bound
    if j < 1 or n - j >= n:
        return MedianCI(n, med, float(x[0]), float(x[-1]), min(level, 1.0 - 2.0 * 0.5**n))
    # coverage of [x_(j), x_(n-j+1)] in 1-based ranks is P(j <= B < n-j+1)
    return MedianCI(n, med, float(x[j - 1]), float(x[n - j]), level)


def nearest_rank(values: np.ndarray, q: float) -> float:
    """The q-quantile by the nearest-rank rule: the smallest sample with at least q of the samples at or below it."""
    x = np.sort(np.asarray(values, dtype=float))
    rank = max(1, int(np.ceil(q * x.size)))
    return float(x[rank - 1])


def spread(values: np.ndarray | Sequence[float]) -> tuple[float, float, float]:
    """Min, median and max of per-host figures (the spread across a fleet): the hosts' medians are the samples."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        raise ValueError("spread of no values")
    return float(x.min()), float(np.median(x)), float(x.max())


def mann_whitney_p(old: np.ndarray, new: np.ndarray) -> float:
    """Two-sided Mann–Whitney U p-value of two samples; 1.0 when they are identical as multisets."""
    if np.array_equal(np.sort(old), np.sort(new)):
        return 1.0
    from scipy.stats import mannwhitneyu  # imported when first needed (see median_ci)

    return float(mannwhitneyu(old, new, alternative="two-sided").pvalue)


@dataclass(frozen=True)
class RatioCI:
    """How many times sample `x` is of sample `y`: the Hodges–Lehmann ratio and its CI at `level`."""

    n_x: int
    n_y: int
    ratio: float
    low: float
    high: float
    level: float = 0.95


def _u_lower_tail(n: int, m: int) -> np.ndarray:
    """P(U <= u) for u = 0..n*m under the null hypothesis (exact: counts of rank arrangements)."""
    rows = [np.ones(1)] * (m + 1)  # rows[j]: counts for (i, j) with i placed so far
    for _ in range(n):
        new = [np.ones(1)]
        for j in range(1, m + 1):
            shifted = np.concatenate([np.zeros(j), rows[j]])
            prev = new[j - 1]
            size = max(len(shifted), len(prev))
            new.append(np.pad(shifted, (0, size - len(shifted))) + np.pad(prev, (0, size - len(prev))))
        rows = new
    counts = rows[m]
    return np.cumsum(counts) / counts.sum()


def ratio_ci(x: np.ndarray | Sequence[float], y: np.ndarray | Sequence[float], level: float = 0.95) -> RatioCI:
    """The ratio x/y of two positive samples with a distribution-free CI.

    The estimate is the median of all pairwise ratios x_i / y_j (Hodges–Lehmann
    on the logarithms); the interval is the pair of order statistics of those
    ratios that the Mann–Whitney U distribution gives (exact for n·m ≤ 900,
    else its normal approximation). When the samples are too small to reach
    `level`, the interval is the full range of the pairwise ratios, as
    `median_ci` does below 6 samples, and its `level` the coverage it has
    (1 - 2 / C(n+m, n): 90% for 3 and 3 samples).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        lx = np.log(np.asarray(x, dtype=float))
        ly = np.log(np.asarray(y, dtype=float))
    if lx.size == 0 or ly.size == 0 or not (np.isfinite(lx).all() and np.isfinite(ly).all()):
        raise ValueError("ratio of empty or non-positive samples")
    n, m, total = lx.size, ly.size, lx.size * ly.size
    if total > SORTED_PAIRS:
        pairs = pairwise.Pairs(lx, ly)
        k = _lower_rank(n, m, level)
        return RatioCI(n, m, float(np.exp(pairwise.median(pairs))), float(np.exp(pairs.kth(k))),
                       float(np.exp(pairs.kth(total + 1 - k))), level)
    d = np.sort((lx[:, None] - ly[None, :]).ravel())
    alpha = (1 - level) / 2
    achieved = level
    if total <= 900:
        tail = _u_lower_tail(n, m)
        fits = np.nonzero(tail <= alpha)[0]  # u with P(U <= u) <= alpha
        k = int(fits[-1]) + 2 if fits.size else 1  # 1-based rank of the lower bound: P(U <= k-1) <= alpha
        if not fits.size:  # no rank reaches `level`: the full range, with the coverage it has
            achieved = min(level, 1.0 - 2.0 * float(tail[0]))
    else:
        k = _lower_rank(n, m, level)
    k = min(max(k, 1), (total + 1) // 2)
    return RatioCI(n, m, float(np.exp(np.median(d))), float(np.exp(d[k - 1])), float(np.exp(d[total - k])), achieved)


SORTED_PAIRS = 250_000
"""Up to this many pairwise differences `ratio_ci` sorts them; beyond, it counts (pairwise.py: same result)."""


def _lower_rank(n: int, m: int, level: float) -> int:
    """1-based rank of the interval's lower bound among the n·m differences, from U's normal approximation."""
    from scipy.stats import norm

    total = n * m
    k = int(np.floor(total / 2 - norm.ppf(1 - (1 - level) / 2) * np.sqrt(n * m * (n + m + 1) / 12)))
    return min(max(k, 1), (total + 1) // 2)


# group summaries over a frame of sample rows (columns: the keys, value, ok, error) -------------


def usable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows statistics use: warm-ups left out (when the frame has a `warmup` column)."""
    return frame.loc[~frame["warmup"].astype(bool)] if "warmup" in frame else frame


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


def _groups(frame: pd.DataFrame, by: Sequence[str]):  # type: ignore[no-untyped-def]
    good = frame.loc[frame["ok"].astype(bool)]
    for key, group in good.groupby(list(by), sort=True, dropna=False):
        yield (key if isinstance(key, tuple) else (key,)), group["value"].to_numpy(dtype=float)


def median_groups(frame: pd.DataFrame, by: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Per group of `by`: n, median and its CI of the successful rows, plus failures and error texts."""
    records = []
    for key, values in _groups(frame, by):
        ci = median_ci(values, level=level)
        records.append({**dict(zip(by, key)), "n": ci.n, "median": ci.median, "low": ci.low, "high": ci.high,
                        "level": ci.level})
    summary = pd.DataFrame.from_records(records, columns=[*by, "n", "median", "low", "high", "level"])
    return with_failures(summary, frame, by)


def exact_groups(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Exact metrics (bytes, counts): per group the value itself, not a median with a CI.

    A group normally holds one value per repetition, all equal; `value` is
    then that value and `varies` false. When repetitions disagree, `value`
    is their median, `low`/`high` the smallest and largest, and `varies` true,
    so a reader is told rather than shown one of them.
    """
    records = []
    for key, values in _groups(frame, by):
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


def latency_groups(frame: pd.DataFrame, by: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Per group: p50 (the median, with its CI) and p99 (nearest rank) of every sample pooled."""
    records = []
    for key, values in _groups(frame, by):
        ci = median_ci(values, level=level)
        records.append(
            {**dict(zip(by, key)), "n": ci.n, "p50": ci.median, "low": ci.low, "high": ci.high,
             "p99": nearest_rank(values, 0.99)}
        )
    summary = pd.DataFrame.from_records(records, columns=[*by, "n", "p50", "low", "high", "p99"])
    return with_failures(summary, frame, by)


def unit_groups(frame: pd.DataFrame, by: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Per group of `by` (which must include `unit`): n, median, bounds, `exact`, failures.

    The summary of a table of any metrics, as the collector's end-of-run
    table and the site's per-suite tables show it. A sampled group's bounds
    are the median's CI; an exact group's median is its value and its bounds
    its smallest and largest (equal unless the repetitions disagreed).
    """
    if "unit" not in by:
        raise ValueError("unit_groups needs `unit` among the group keys")

    def exact(row: dict) -> bool:
        return is_exact(str(row["unit"]), row.get("suite"), row.get("metric"))

    records = []
    for key, values in _groups(frame, by):
        row = dict(zip(by, key))
        if exact(row):
            row.update(n=int(values.size), median=float(np.median(values)), low=float(values.min()),
                       high=float(values.max()), exact=True)
        else:
            ci = median_ci(values, level=level)
            row.update(n=ci.n, median=ci.median, low=ci.low, high=ci.high, exact=False)
        records.append(row)
    summary = pd.DataFrame.from_records(records, columns=[*by, "n", "median", "low", "high", "exact"])
    merged = with_failures(summary, frame, by)
    merged["exact"] = [exact(row) for row in merged[list(by)].to_dict("records")]
    return merged
