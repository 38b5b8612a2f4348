"""The ratio of two samples with its distribution-free CI (collector.dataset.statistics.ratio_ci)."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from collector.dataset import ratio_ci
from collector.dataset.statistics import _u_lower_tail


@pytest.mark.parametrize("n,m", [(1, 1), (3, 4), (6, 6), (10, 7)])
def test_the_exact_u_distribution_matches_scipys_exact_test(n: int, m: int) -> None:
    tail = _u_lower_tail(n, m)
    assert len(tail) == n * m + 1 and tail[-1] == pytest.approx(1.0)
    x, y = np.arange(n, dtype=float), np.arange(m, dtype=float) + n  # U = 0: every x below every y
    assert tail[0] == pytest.approx(1 / comb(n + m, n))
    if n * m > 1:
        p = mannwhitneyu(x, y, alternative="less", method="exact").pvalue
        assert tail[0] == pytest.approx(p)


def test_one_sample_each_is_their_ratio_and_tiny_samples_get_the_full_range() -> None:
    assert ratio_ci([2.0], [1.0]).ratio == 2.0
    r = ratio_ci([2.0, 2.1, 1.9], [1.0, 1.1, 0.9])
    assert r.ratio == pytest.approx(2.0) and r.low == pytest.approx(1.9 / 1.1) and r.high == pytest.approx(2.1 / 0.9)


def test_the_interval_covers_the_true_ratio_about_95_times_in_100() -> None:
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(200):
        r = ratio_ci(rng.lognormal(np.log(3), 0.2, 12), rng.lognormal(0, 0.2, 12))
        hits += r.low <= 3 <= r.high
    assert 0.90 <= hits / 200 <= 0.995


def test_non_positive_values_are_refused() -> None:
    with pytest.raises(ValueError):
        ratio_ci([0.0], [1.0])
