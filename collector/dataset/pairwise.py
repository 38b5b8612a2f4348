"""Order statistics of all pairwise differences x_i - y_j, without forming the n·m differences.

The Hodges–Lehmann ratio and its interval (`statistics.ratio_ci`) are order
statistics of every pairwise difference of two samples' logarithms. Sorting
the n·m differences is exact and fine for small samples; a fleet's pooled
samples (ten thousand a side) would make 10^8 of them per ratio. Here the
k-th smallest is found by counting: for a threshold t, the pairs with
x_i - y_j <= t are, for each x_i, a suffix of the sorted y, found by binary
search, so one count costs O(n log m). A bracket around the answer is
narrowed by bisection until few pairs lie inside it, and those are sorted.

The result is bit for bit the k-th element of `np.sort((x[:, None] - y[None, :]).ravel())`:
the counts compare the differences exactly as numpy computes them (a float
subtraction rounds monotonically, so the suffix property holds for the
rounded values too, and the binary search's boundary is corrected to them).
"""

from __future__ import annotations

import numpy as np

FEW = 1 << 16
"""Pairs inside the bracket that are sorted directly instead of bisecting further."""


class Pairs:
    """The differences x_i - y_j of two samples, for order statistics."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x = np.sort(np.asarray(x, dtype=float))
        self.y, counts = np.unique(np.asarray(y, dtype=float), return_counts=True)
        # suffix[j]: how many y are >= the j-th distinct value (suffix[len] = 0)
        self.suffix = np.concatenate([np.cumsum(counts[::-1])[::-1], [0]])
        self.total = self.x.size * int(counts.sum())
        self._sample: np.ndarray | None = None

    def _starts(self, t: float) -> np.ndarray:
        """Per x_i, the first distinct y_j with x_i - y_j <= t (as numpy rounds it); len(y) when none."""
        y, x = self.y, self.x
        s = np.searchsorted(y, x - t, side="left")
        while True:  # the boundary of the rounded differences is at most a few distinct values away
            left = (s > 0) & (x - y[np.maximum(s - 1, 0)] <= t)
            right = ~left & (s < y.size) & (x - y[np.minimum(s, y.size - 1)] > t)
            if not (left.any() or right.any()):
                return s
            s = s - left + right

    def count_le(self, t: float) -> int:
        """How many differences are <= t."""
        return int(self.suffix[self._starts(t)].sum())

    def kth(self, k: int) -> float:
        """The k-th smallest difference (1-based)."""
        if not 1 <= k <= self.total:
            raise ValueError(f"rank {k} of {self.total} differences")
        lo = float(np.nextafter(self.x[0] - self.y[-1], -np.inf))  # fewer than k at or below
        hi = float(self.x[-1] - self.y[0])  # all at or below
        lo, hi = self._guess(k, lo, hi)
        below, above = self.count_le(lo), self.count_le(hi)
        while above - below > FEW:
            mid = lo + (hi - lo) / 2
            if not lo < mid < hi:  # no float between: every difference in (lo, hi] is hi
                return hi
            count = self.count_le(mid)
            if count >= k:
                hi, above = mid, count
            else:
                lo, below = mid, count
        inside = self._between(lo, hi)
        return float(np.partition(inside, k - below - 1)[k - below - 1])

    def _guess(self, k: int, lo: float, hi: float) -> tuple[float, float]:
        """A narrower bracket from every step-th x and y (their differences' quantiles), kept only if it holds."""
        if self._sample is None:  # sorted once, for every rank asked
            step_x, step_y = max(1, self.x.size // 256), max(1, self.y.size // 256)
            self._sample = np.sort((self.x[::step_x, None] - self.y[None, ::step_y]).ravel())
        sub = self._sample
        q = k / self.total
        for margin in (0.01, 0.05):
            a = sub[max(0, int(np.floor((q - margin) * sub.size)) - 1)]
            b = sub[min(sub.size - 1, int(np.ceil((q + margin) * sub.size)))]
            if self.count_le(a) < k <= self.count_le(b):
                return float(a), float(b)
        return lo, hi

    def _between(self, lo: float, hi: float) -> np.ndarray:
        """Every difference d with lo < d <= hi (with repeats), unsorted."""
        first, last = self._starts(hi), self._starts(lo)
        lengths = last - first
        row = np.repeat(np.arange(self.x.size), lengths)
        offsets = np.cumsum(lengths) - lengths
        col = first[row] + np.arange(row.size) - offsets[row]
        counts = self.suffix[:-1] - self.suffix[1:]
        return np.repeat(self.x[row] - self.y[col], counts[col])


def median(pairs: Pairs) -> float:
    """The median of the differences, as np.median computes it (the mean of the middle two when even)."""
    n = pairs.total
    if n % 2:
        return pairs.kth(n // 2 + 1)
    a, b = pairs.kth(n // 2), pairs.kth(n // 2 + 1)
    return float(np.mean([a, b]))
