"""Median with a distribution-free 95% confidence interval: the figure every reader shows.

Kept beside the format because the collector's end-of-run table and the
report must print the same numbers for the same samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom


@dataclass(frozen=True)
class MedianCI:
    """Median of n samples and the order-statistic bounds that cover it with `level` confidence."""

    n: int
    median: float
    low: float
    high: float
    level: float = 0.95


def median_ci(values: np.ndarray | list[float], level: float = 0.95) -> MedianCI:
    """Median and its CI from the binomial distribution of order statistics.

    For n samples the interval is [x_(j), x_(n-j+1)] with j the largest rank
    whose two-sided coverage is still at least `level`; below 6 samples no
    rank qualifies and the interval is the full range.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = int(x.size)
    if n == 0:
        raise ValueError("median of no samples")
    med = float(np.median(x))
    j = int(binom.ppf((1 - level) / 2, n, 0.5))  # 0-based rank of the lower bound
    if j < 1 or n - j >= n:
        return MedianCI(n, med, float(x[0]), float(x[-1]), level)
    # coverage of [x_(j), x_(n-j+1)] in 1-based ranks is P(j <= B < n-j+1)
    return MedianCI(n, med, float(x[j - 1]), float(x[n - j]), level)
