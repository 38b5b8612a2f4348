"""The diff statistics held to account: known shifts found, false positives near alpha, exact bytes exact."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.load.compare import REGRESSED, SAME, Thresholds, compare, host_differences, regressed
from tests.unit.dataset_factory import make_manifest, make_samples

ANY_CHANGE = Thresholds(alpha=0.05)  # min_ratio 1.0: judge by the test alone


def startup(values: np.ndarray, platform: str = "container"):  # type: ignore[no-untyped-def]
    return make_samples(len(values), platform=platform, value=[float(v) for v in values])


def test_thirty_percent_slower_container_start_is_regressed() -> None:
    rng = np.random.default_rng(7)
    old = rng.lognormal(np.log(0.2), 0.08, 20)
    new = rng.lognormal(np.log(0.2 * 1.3), 0.08, 20)
    (c,) = compare(startup(old), startup(new), Thresholds.load())
    assert c.verdict == REGRESSED
    assert c.p_value is not None and c.p_value < 0.05
    assert c.ratio == pytest.approx(np.median(new) / np.median(old))
    assert c.old_n == c.new_n == 20


def test_faster_is_improved_and_identical_is_same() -> None:
    rng = np.random.default_rng(8)
    old = rng.lognormal(np.log(0.2), 0.08, 20)
    (c,) = compare(startup(old), startup(old * 0.7), ANY_CHANGE)
    assert c.verdict == "improved"
    (same,) = compare(startup(old), startup(old), ANY_CHANGE)
    assert same.verdict == SAME and not regressed([same])


def test_false_positive_rate_within_binomial_margin_of_alpha() -> None:
    rng = np.random.default_rng(2024)
    pairs, alpha = 200, 0.05
    flagged = 0
    for _ in range(pairs):
        a = rng.lognormal(np.log(0.2), 0.1, 20)
        b = rng.lognormal(np.log(0.2), 0.1, 20)
        (c,) = compare(startup(a), startup(b), ANY_CHANGE)
        flagged += c.verdict != SAME
    # binomial(200, 0.05): mean 10, sd 3.1; allow 3 sd either side
    sd = (pairs * alpha * (1 - alpha)) ** 0.5
    assert abs(flagged - pairs * alpha) <= 3 * sd, flagged


def test_exact_metric_one_byte_is_flagged() -> None:
    old = make_samples(1, platform="container", chart_id="C4", suite="image", metric="image_bytes", unit="bytes", value=1_000_000.0)
    new = make_samples(1, platform="container", chart_id="C4", suite="image", metric="image_bytes", unit="bytes", value=1_000_001.0)
    (c,) = compare(old, new, Thresholds.load())
    assert c.exact and c.verdict == REGRESSED and c.p_value is None


def test_threshold_hides_a_small_but_significant_shift() -> None:
    rng = np.random.default_rng(3)
    old = rng.normal(1.0, 0.005, 40)
    (c,) = compare(startup(old), startup(old * 1.03), Thresholds.load())  # start_time needs 10%
    assert c.p_value is not None and c.p_value < 0.05
    assert c.verdict == SAME


def test_host_differences_listed() -> None:
    a = make_manifest()
    b = make_manifest(host={**a["host"], "accelerator": "tcg", "cores": 2})
    assert host_differences(a, b) == [("cores", 8, 2), ("accelerator", "kvm", "tcg")]


def test_thresholds_file_rejects_unknown_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "t.toml"
    bad.write_text("[metrics.start_time]\nmin_ration = 1.1\n")
    with pytest.raises(ValueError, match="unknown key"):
        Thresholds.load(bad)


@pytest.mark.parametrize("metric,unit,factor,verdict", [
    ("redis_get_rps", "1/s", 0.7, REGRESSED),   # a throughput: lower is worse
    ("redis_get_rps", "1/s", 1.3, "improved"),
    ("net_pingpong_latency_p50", "µs", 1.3, REGRESSED),  # a latency: higher is worse
])
def test_performance_throughputs_regress_when_they_fall_and_latencies_when_they_rise(metric, unit, factor, verdict) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(9)
    old = rng.lognormal(np.log(1000), 0.05, 12)

    def perf(values: np.ndarray):  # type: ignore[no-untyped-def]
        return make_samples(len(values), platform="vm", suite="performance", chart_id="C12", metric=metric, unit=unit,
                            workload="perf", value=[float(v) for v in values])

    (c,) = compare(perf(old), perf(old * factor), Thresholds.load())
    assert c.verdict == verdict
